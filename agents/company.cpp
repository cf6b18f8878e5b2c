#include "agents/company.hpp"

#include <algorithm>
#include <cmath>

namespace ketensim::agents {

bool strategy_applies(Role role, Strategy s) {
  switch (role) {
    case Role::kProducer:
      return s == Strategy::kReduce || s == Strategy::kSubstitute || s == Strategy::kRecycle;
    case Role::kRefurbisher:
      return s == Strategy::kExtend;
    case Role::kRecycler:
      return s == Strategy::kRecycle;
    case Role::kManufacturer:  // components with less, substituted or recycled material
      return s == Strategy::kReduce || s == Strategy::kSubstitute || s == Strategy::kRecycle;
    case Role::kRetailer:  // stock circular products (substitute) or second-hand/service (extend)
      return s == Strategy::kSubstitute || s == Strategy::kExtend;
    case Role::kCollector:  // sort for reuse (extend) or high-grade sorting for recycling
      return s == Strategy::kExtend || s == Strategy::kRecycle;
  }
  return false;
}

double strategy_npv(const StrategyEconomics& e) {
  double npv = -(1.0 - e.subsidy_rate) * e.capex;
  double discount = 1.0;
  const int horizon =
      std::clamp(e.horizon_years, 0, static_cast<int>(e.expected_penalty_avoided.size()));
  for (int t = 1; t <= horizon; ++t) {
    discount /= 1.0 + e.hurdle_rate;
    const double flow = e.revenue_change - e.cost_change - e.epr_change + e.tax_change +
                        e.expected_penalty_avoided[static_cast<std::size_t>(t - 1)];
    npv += flow * discount;
  }
  return npv;
}

double strategy_intention(const IntentionWeights& w, double npv, double capex, double social_share,
                          double attitude, bool pledged) {
  const double economic =
      capex > 0 ? std::tanh(npv / capex) : (npv > 0 ? 1.0 : (npv < 0 ? -1.0 : 0.0));
  return w.economic * economic + w.social * social_share + w.attitude * attitude +
         w.chain_table * (pledged ? 1.0 : 0.0);
}

double adoption_probability(double beta, double intention, double threshold) {
  return 1.0 / (1.0 + std::exp(-beta * (intention - threshold)));
}

bool can_finance(const Company& c, double credit_line, double own_investment) {
  return c.cash.to_double() + credit_line >= own_investment;
}

bool close_month(Company& c, int bankruptcy_months) {
  c.cash += c.revenue - c.cost;
  if (c.cash.raw() < 0) {
    ++c.negative_cash_months;
  } else {
    c.negative_cash_months = 0;
  }
  return c.negative_cash_months >= bankruptcy_months;
}

}  // namespace ketensim::agents
