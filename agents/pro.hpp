// Producer responsibility organisation (PRO) of one product group under EPR:
// its eco-modulated fee table, the money it collects and pays out, and the
// yearly cost-recovery rule that sets its base fee (docs/ODD.md 7.19).
#pragma once

#include <cstdint>

namespace ketensim::agents {

// Fee per kg placed on the market: base x (1 - discount) for design for
// recycling (substitute, recycle), base x (1 + malus) for regular products.
struct ProFeeTable {
  double base_eur_per_kg = 0;
  double discount = 0;
  double malus = 0;
  // The eco-modulation factor; callers multiply kg x base x modulation(dfr).
  double modulation(bool design_for_recycling) const {
    return design_for_recycling ? 1.0 - discount : 1.0 + malus;
  }
};

// Plain state of one PRO; money in milli-euro and mass in grams, exact sums of
// the group's monthly totals, so identical on every rank.
struct Pro {
  ProFeeTable fee;
  // Since the last fee review: fee income, costs (collection fees, sorting, administration),
  // months with EPR in force.
  std::int64_t year_income_milli = 0;
  std::int64_t year_cost_milli = 0;
  std::int32_t year_months = 0;
  // Reserve: income less costs since time.start.
  std::int64_t balance_milli = 0;
};

// A PRO's cost rates besides the collection fees it pays collectors.
struct ProCostRates {
  double sorting_eur_per_t = 0;  // per tonne separately collected
  double admin_eur_per_t = 0;    // per tonne placed on the market
};

// A month's sorting and administration cost in milli-euro, each rounded to the nearest
// milli-euro: grams x EUR/t / 1000 (1 t = 10^6 g, 1 EUR = 1000 milli-euro).
struct ProMonthCost {
  std::int64_t sorting_milli = 0;
  std::int64_t admin_milli = 0;
};
ProMonthCost pro_month_cost(const ProCostRates& rates, std::int64_t collected_g,
                            std::int64_t placed_on_market_g);

// Bounds of the cost-recovery rule.
struct ProFeeRule {
  double fee_min_eur_per_kg = 0;
  double fee_max_eur_per_kg = 0;
  double max_yearly_change = 0.5;  // share of the current fee
  double reserve_share = 0.5;      // share of the balance returned (or recovered) next year
};

// Next year's base fee: the fee at which last year's modulated fee base (income /
// fee) pays last year's costs (collection, sorting, administration) less
// reserve_share x balance, both
// annualised from `months`; then within +-max_yearly_change of `fee` and within
// [fee_min, fee_max]. Without income or months (nothing to learn from) the fee
// stays (within the bounds).
double next_base_fee(const ProFeeRule& rule, double fee_eur_per_kg, double income_eur,
                     double cost_eur, int months, double balance_eur);

}  // namespace ketensim::agents
