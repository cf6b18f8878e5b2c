// Producer responsibility organisations: one per product group with EPR in force
// (agents/pro.hpp). Each PRO's state is identical on every rank: it is fed with
// the group's exact monthly totals after the reduction (fee income, collection
// fees paid to collectors), and its yearly fee review is a pure function of that
// state, so results do not depend on the number of ranks.
#include "agents/pro.hpp"
#include "model/world/simulation.hpp"

namespace ketensim::world {

void Simulation::setup_pros() {
  pros_.assign(params_.groups.size(), {});
  for (std::size_t g = 0; g < params_.groups.size(); ++g) {
    const auto& gp = params_.groups[g];
    pros_[g].fee = {gp.epr_fee_per_kg, gp.epr_discount, gp.epr_malus};
  }
}

void Simulation::pro_review(engine::Tick t) {
  // Each January (and at time.start) a PRO closes its fee year. From time.start
  // on, with cost recovery, it sets the base fee for the coming year; in the
  // warm-up the configured fee stays.
  if (t != warmup_ticks() && current_month_ != 1) return;
  for (std::size_t g = 0; g < pros_.size(); ++g) {
    auto& pro = pros_[g];
    if (params_.pro_cost_recovery && t >= warmup_ticks() && env_[g].epr) {
      const double configured = params_.groups[g].epr_fee_per_kg;
      agents::ProFeeRule rule;
      rule.fee_min_eur_per_kg = configured * params_.pro_fee_min_factor;
      rule.fee_max_eur_per_kg = configured * params_.pro_fee_max_factor;
      rule.max_yearly_change = params_.pro_max_yearly_change;
      rule.reserve_share = params_.pro_reserve_share;
      pro.fee.base_eur_per_kg = agents::next_base_fee(
          rule, pro.fee.base_eur_per_kg, static_cast<double>(pro.year_income_milli) / 1000.0,
          static_cast<double>(pro.year_cost_milli) / 1000.0, pro.year_months,
          static_cast<double>(pro.balance_milli) / 1000.0);
    }
    pro.year_income_milli = 0;
    pro.year_cost_milli = 0;
    pro.year_months = 0;
  }
}

void Simulation::pro_account(engine::Tick t) {
  indicators_.pro.assign(pros_.size(), {});
  for (std::size_t g = 0; g < pros_.size(); ++g) {
    auto& pro = pros_[g];
    agents::ProMonthCost extra;
    if (env_[g].epr) {
      // Under EPR the collectors' collection fee is paid by the PRO; it also pays sorting
      // per tonne collected and administration per tonne placed on the market.
      const auto& row = indicators_.groups[g];
      const auto& gp = params_.groups[g];
      extra = agents::pro_month_cost({gp.pro_sorting_eur_per_t, gp.pro_admin_eur_per_t},
                                     row[kCollected], row[kMaterialUse]);
      const std::int64_t cost = row[kCollectionFees] + extra.sorting_milli + extra.admin_milli;
      pro.year_income_milli += row[kEprFees];
      pro.year_cost_milli += cost;
      ++pro.year_months;
      // The reserve counts from time.start (the warm-up is no history).
      if (t >= warmup_ticks()) pro.balance_milli += row[kEprFees] - cost;
    }
    indicators_.pro[g] = {env_[g].epr, pro.fee.base_eur_per_kg, pro.balance_milli,
                          extra.sorting_milli, extra.admin_milli};
  }
}

}  // namespace ketensim::world
