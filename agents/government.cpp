#include "agents/government.hpp"

#include <algorithm>

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

}  // namespace ketensim::agents
