#include "agents/government.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace ketensim::agents {

std::vector<SubsidyDecision> allocate_subsidies(const SchemeRules& rules,
                                                std::span<const SubsidyApplication> applications,
                                                Euro& remaining_budget) {
  std::vector<const SubsidyApplication*> order;
  order.reserve(applications.size());
  for (const auto& a : applications) order.push_back(&a);
  std::sort(order.begin(), order.end(),
            [&](const SubsidyApplication* a, const SubsidyApplication* b) {
              if (rules.tender && a->score != b->score) return a->score > b->score;
              if (!rules.tender && a->arrival != b->arrival) return a->arrival < b->arrival;
              return a->applicant < b->applicant;
            });
  std::vector<SubsidyDecision> decisions;
  decisions.reserve(order.size());
  for (const auto* a : order) {
    SubsidyDecision d{a->applicant, false, 0.0, a->ref};
    const double amount = std::min(a->requested_eur, rules.max_per_application_eur);
    const Euro fixed_amount = Euro::from_double(amount);
    if (amount >= rules.min_per_application_eur && amount > 0 && fixed_amount <= remaining_budget) {
      remaining_budget -= fixed_amount;
      d.granted = true;
      d.granted_eur = fixed_amount.to_double();
    }
    decisions.push_back(d);
  }
  return decisions;
}

double tender_score(double w_circ, double lowest_price, double price, bool circular) {
  const double price_score = price > 0 ? std::min(1.0, lowest_price / price) : 1.0;
  return (1.0 - w_circ) * price_score + (circular ? w_circ : 0.0);
}

void tender_cumulative(std::span<const TenderOffer> offers, double w_circ, double temperature,
                       std::vector<double>& cumulative) {
  double lowest = std::numeric_limits<double>::infinity();
  for (const auto& o : offers)
    if (o.weight > 0 && o.price > 0) lowest = std::min(lowest, o.price);
  if (!std::isfinite(lowest)) lowest = 0;
  // Scores are in [0, 1]: exp((score - 1) / temperature) cannot overflow.
  cumulative.resize(offers.size());
  double running = 0;
  for (std::size_t k = 0; k < offers.size(); ++k) {
    const auto& o = offers[k];
    if (o.weight > 0)
      running += o.weight *
                 std::exp((tender_score(w_circ, lowest, o.price, o.circular) - 1.0) / temperature);
    cumulative[k] = running;
  }
}

std::size_t tender_pick(std::span<const double> cumulative, std::span<const TenderOffer> offers,
                        double u) {
  const double total = cumulative.empty() ? 0.0 : cumulative.back();
  if (!(total > 0)) return offers.size();
  const double target = u * total;
  // The first offer whose running sum exceeds the target (offers with weight <= 0
  // add nothing, so they never are that first one).
  const auto it = std::upper_bound(cumulative.begin(), cumulative.end(), target);
  if (it != cumulative.end()) return static_cast<std::size_t>(it - cumulative.begin());
  // Rounding: the last offer with a positive weight.
  for (std::size_t k = offers.size(); k-- > 0;)
    if (offers[k].weight > 0) return k;
  return offers.size();
}

std::size_t tender_winner(std::span<const TenderOffer> offers, double w_circ, double temperature,
                          double u) {
  std::vector<double> cumulative;
  tender_cumulative(offers, w_circ, temperature, cumulative);
  return tender_pick(cumulative, offers, u);
}

double circular_win_probability(double w_circ, double temperature, double price_ratio) {
  const double lowest = std::min(1.0, price_ratio);
  const double circular = tender_score(w_circ, lowest, price_ratio, true);
  const double linear = tender_score(w_circ, lowest, 1.0, false);
  return 1.0 / (1.0 + std::exp((linear - circular) / temperature));
}

double cofund(double rate, double grant_eur, Euro& budget_left) {
  Euro amount = Euro::from_double(std::max(0.0, rate * grant_eur));
  if (budget_left < amount) amount = budget_left;
  if (amount <= Euro{}) return 0.0;
  budget_left -= amount;
  return amount.to_double();
}

}  // namespace ketensim::agents
