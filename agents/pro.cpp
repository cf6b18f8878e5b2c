#include "agents/pro.hpp"

#include <algorithm>

namespace ketensim::agents {

double next_base_fee(const ProFeeRule& rule, double fee_eur_per_kg, double income_eur,
                     double cost_eur, int months, double balance_eur) {
  const auto bounded = [&](double f) {
    return std::clamp(f, rule.fee_min_eur_per_kg,
                      std::max(rule.fee_min_eur_per_kg, rule.fee_max_eur_per_kg));
  };
  if (months <= 0 || income_eur <= 0 || fee_eur_per_kg <= 0) return bounded(fee_eur_per_kg);
  const double per_year = 12.0 / months;
  // Modulated kg a year at the current fee: income = fee x sum(kg x modulation).
  const double fee_base_kg = income_eur * per_year / fee_eur_per_kg;
  const double required = std::max(0.0, cost_eur * per_year - rule.reserve_share * balance_eur);
  const double target = required / fee_base_kg;
  const double step = std::max(0.0, rule.max_yearly_change);
  const double limited =
      std::clamp(target, fee_eur_per_kg * std::max(0.0, 1.0 - step), fee_eur_per_kg * (1.0 + step));
  return bounded(limited);
}

}  // namespace ketensim::agents
