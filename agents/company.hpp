// Company agents: plain state and their decision rules: the yearly
// business-model review (NPV + intention + logistic adoption, MODEL.md) and
// the monthly cash and bankruptcy bookkeeping.
#pragma once

#include <array>
#include <cstdint>

#include "agents/types.hpp"

namespace ketensim::agents {

struct Company {
  AgentId id = 0;
  std::uint16_t group = 0;  // product-group index
  Role role = Role::kProducer;
  SizeClass size = SizeClass::kSme;
  bool alive = false;  // entrant slots start not alive
  bool ever_alive = false;
  std::uint8_t adopted = 0;       // bit s set when strategy s is adopted
  std::uint8_t review_month = 1;  // 1..12, the month of its yearly review
  std::uint16_t negative_cash_months = 0;
  float attitude = 0;                    // a_f in [0, 1]
  float threshold = 0.25f;               // theta_f
  float efficiency = 1;                  // unit-cost multiplier (lognormal around 1)
  float capacity_weight = 1;             // share of demand it attracts (SME 1, large 5)
  double recycled_content = 0;           // share of recycled material in its products
  double base_monthly_revenue = 0;       // expected revenue at start (scale of fixed cost, capex)
  float belief = 1;                      // multiplier on the EU rules' enforcement path (P_reg)
  Intentions intention = kNoIntentions;  // U_s at the last review (reported to the chain table)
  bool crisis_loan = false;              // received a crisis loan
  Euro cash;
  Euro debt;
  // Flows of the current month, booked by operations and cleared by accounting.
  double units_sold = 0;      // producers: units; recyclers: kg of recyclate; collectors: kg sorted
  double units_circular = 0;  // of which units of its circular line (producers)
  Euro revenue;
  Euro cost;

  bool has(Strategy s) const { return (adopted >> static_cast<int>(s)) & 1u; }
  void adopt(Strategy s) {
    adopted = static_cast<std::uint8_t>(adopted | (1u << static_cast<int>(s)));
  }
  bool circular_offer() const {
    return has(Strategy::kReduce) || has(Strategy::kSubstitute) || has(Strategy::kRecycle);
  }
};

// The strategies a role can adopt.
bool strategy_applies(Role role, Strategy s);

// Economic inputs of one strategy evaluation, all per year unless named otherwise.
struct StrategyEconomics {
  double capex = 0;                                   // I_s (EUR)
  double subsidy_rate = 0;                            // sigma_s (share of I_s)
  double revenue_change = 0;                          // dR_s
  double cost_change = 0;                             // dC_s (positive = more expensive)
  double epr_change = 0;                              // dEPR_s
  double tax_change = 0;                              // dTax_s (positive = saving)
  std::array<double, 50> expected_penalty_avoided{};  // E[pen_s]_t for t = 1..T
  int horizon_years = 10;                             // T
  double hurdle_rate = 0.1;                           // r
};

// NPV_s = -(1 - sigma) I + sum_t (dR - dC - dEPR + dTax + E[pen]_t) / (1 + r)^t.
double strategy_npv(const StrategyEconomics& e);

struct IntentionWeights {
  double economic = 0.5;
  double social = 0.2;
  double attitude = 0.2;
  double chain_table = 0.1;
  double beta = 10;
};

// U_s = w_e tanh(NPV / I) + w_sn SN + w_a a_f + w_kt K.
double strategy_intention(const IntentionWeights& w, double npv, double capex, double social_share,
                          double attitude, bool pledged);

// Adoption probability 1 / (1 + exp(-beta (U - theta))).
double adoption_probability(double beta, double intention, double threshold);

// Cash + credit covers the firm's own part of the investment.
bool can_finance(const Company& c, double credit_line, double own_investment);

// Books the month's cash flow and updates the negative-cash counter; returns
// true when the firm must exit (bankruptcy after `bankruptcy_months`).
bool close_month(Company& c, int bankruptcy_months);

}  // namespace ketensim::agents
