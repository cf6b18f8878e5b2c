#include "agents/pro.hpp"

#include <algorithm>
#include <cmath>

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

ProMonthCost pro_month_cost(const ProCostRates& rates, std::int64_t collected_g,
                            std::int64_t placed_on_market_g) {
  const auto milli = [](std::int64_t grams, double eur_per_t) {
    return std::llround(static_cast<double>(grams) * eur_per_t / 1000.0);
  };
  return {milli(collected_g, rates.sorting_eur_per_t),
          milli(placed_on_market_g, rates.admin_eur_per_t)};
}

}  // namespace ketensim::agents
