#include "agents/household.hpp"

#include <cmath>

namespace ketensim::agents {

FactoredLogit::FactoredLogit(const ChoiceRule& rule) : rule_(rule) {
  // Every factor of one option lies within exp(+-bound), so products and sums of
  // four stay finite and non-zero for bound < 300.
  const double bound = (std::abs(rule.w_attitude) + std::abs(rule.w_social) + std::abs(rule.w_pbc) +
                        std::abs(rule.default_bonus) + std::abs(rule.habit)) /
                       rule.temperature;
  usable_ = rule.temperature > 0 && std::isfinite(bound) && bound < 300;
  if (!usable_) return;
  inv_tau_ = 1.0 / rule.temperature;
  habit_factor_ = std::exp(-rule.habit * inv_tau_);
  attitude_total_ = std::exp(rule.w_attitude * inv_tau_);
  for (std::uint64_t d = 1; d <= kMaxTabulatedDegree; ++d)
    for (std::uint64_t c = 0; c <= d; ++c)
      social_[d * (kMaxTabulatedDegree + 1) + c] =
          std::exp(rule.w_social * (static_cast<double>(c) / static_cast<double>(d)) * inv_tau_);
}

std::array<double, kOptions> FactoredLogit::option_factors(const ChoiceSituation& s) const {
  const auto pbc = perceived_control(s);
  std::array<double, kOptions> f{};
  for (std::size_t k = 0; k < f.size(); ++k) {
    if (!s.available[k]) continue;
    double part = rule_.w_pbc * pbc[k];
    if (static_cast<std::uint8_t>(k) == rule_.default_option) part += rule_.default_bonus;
    f[k] = std::exp(part * inv_tau_);
  }
  return f;
}

double bass_adoption_probability(double p, double q, double adopted_share, double dt_years) {
  return 1.0 - std::exp(-(p + q * adopted_share) * dt_years);
}

}  // namespace ketensim::agents
