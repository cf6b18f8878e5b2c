#include "agents/household.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace ketensim::agents {

std::array<double, kOptions> choice_intentions(const ChoiceRule& rule, double attitude,
                                               const ChoiceSituation& s) {
  double max_cost = 0;
  for (int k = 0; k < kOptions; ++k)
    if (s.available[static_cast<std::size_t>(k)])
      max_cost = std::max(max_cost, s.cost[static_cast<std::size_t>(k)]);
  std::array<double, kOptions> bi{};
  for (int k = 0; k < kOptions; ++k) {
    const auto i = static_cast<std::size_t>(k);
    const auto option = static_cast<std::uint8_t>(k);
    const double a = option == s.linear_option ? 1.0 - attitude : attitude;
    const double pbc = max_cost > 0 ? -s.cost[i] / max_cost : 0.0;
    bi[i] = rule.w_attitude * a + rule.w_social * s.social_share[i] + rule.w_pbc * pbc;
    if (option == rule.default_option) bi[i] += rule.default_bonus;
    if (option != s.last_choice) bi[i] -= rule.habit;
  }
  return bi;
}

std::array<double, kOptions> choice_probabilities(const ChoiceRule& rule, double attitude,
                                                  const ChoiceSituation& s) {
  const auto bi = choice_intentions(rule, attitude, s);
  double best = -std::numeric_limits<double>::infinity();
  for (int k = 0; k < kOptions; ++k)
    if (s.available[static_cast<std::size_t>(k)])
      best = std::max(best, bi[static_cast<std::size_t>(k)]);
  std::array<double, kOptions> p{};
  double total = 0;
  for (int k = 0; k < kOptions; ++k) {
    const auto i = static_cast<std::size_t>(k);
    // Subtracting the best intention keeps exp() finite for small temperatures;
    // the best option's term is exp(0) = 1 exactly, so it skips the call.
    p[i] = !s.available[i] ? 0.0
           : bi[i] == best ? 1.0
                           : std::exp((bi[i] - best) / rule.temperature);
    total += p[i];
  }
  for (auto& x : p) x /= total;
  return p;
}

std::uint8_t choose(const ChoiceRule& rule, double attitude, const ChoiceSituation& s,
                    RandomStream& rs) {
  const auto p = choice_probabilities(rule, attitude, s);
  const double u = rs.uniform();
  double cumulative = 0;
  int last_available = 0;
  for (int k = 0; k < kOptions; ++k) {
    const auto i = static_cast<std::size_t>(k);
    if (!s.available[i]) continue;
    last_available = k;
    cumulative += p[i];
    if (u < cumulative) return static_cast<std::uint8_t>(k);
  }
  return static_cast<std::uint8_t>(last_available);
}

double bass_adoption_probability(double p, double q, double adopted_share, double dt_years) {
  return 1.0 - std::exp(-(p + q * adopted_share) * dt_years);
}

}  // namespace ketensim::agents
