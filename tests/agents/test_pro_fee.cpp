// The PRO's cost-recovery fee rule (agents/pro.hpp); expected values by hand.
#include <gtest/gtest.h>

#include "agents/pro.hpp"

namespace ketensim::agents {
namespace {

ProFeeRule rule() {
  ProFeeRule r;
  r.fee_min_eur_per_kg = 0.25;
  r.fee_max_eur_per_kg = 3.0;
  r.max_yearly_change = 0.5;
  r.reserve_share = 0.5;
  return r;
}

TEST(ProFeeRule, CoversLastYearsCostWithoutReserve) {
  // Fee 1 EUR/kg raised 1000 EUR (1000 modulated kg); cost 1200 EUR -> 1.2 EUR/kg.
  EXPECT_NEAR(next_base_fee(rule(), 1.0, 1000, 1200, 12, 0), 1.2, 1e-12);
  // Cost 900 -> 0.9.
  EXPECT_NEAR(next_base_fee(rule(), 1.0, 1000, 900, 12, 0), 0.9, 1e-12);
}

TEST(ProFeeRule, ReserveIsReturnedOrRecovered) {
  // Cost 1000, reserve +200 (half returned): 900 -> 0.9; deficit -200: 1100 -> 1.1.
  EXPECT_NEAR(next_base_fee(rule(), 1.0, 1000, 1000, 12, 200), 0.9, 1e-12);
  EXPECT_NEAR(next_base_fee(rule(), 1.0, 1000, 1000, 12, -200), 1.1, 1e-12);
}

TEST(ProFeeRule, AnnualisesAPartYear) {
  // Six months: income 500 (1000 kg a year), cost 600 (1200 a year) -> 1.2.
  EXPECT_NEAR(next_base_fee(rule(), 1.0, 500, 600, 6, 0), 1.2, 1e-12);
}

TEST(ProFeeRule, YearlyChangeAndLevelAreBounded) {
  // Cost four times income: at most +50 %.
  EXPECT_NEAR(next_base_fee(rule(), 1.0, 1000, 4000, 12, 0), 1.5, 1e-12);
  // No cost: at most -50 %.
  EXPECT_NEAR(next_base_fee(rule(), 1.0, 1000, 0, 12, 0), 0.5, 1e-12);
  // Floor and ceiling.
  EXPECT_NEAR(next_base_fee(rule(), 0.3, 300, 0, 12, 0), 0.25, 1e-12);
  EXPECT_NEAR(next_base_fee(rule(), 2.5, 2500, 10000, 12, 0), 3.0, 1e-12);
  // A huge reserve cannot push the fee below zero or the floor.
  EXPECT_NEAR(next_base_fee(rule(), 0.4, 400, 100, 12, 1e9), 0.25, 1e-12);
}

TEST(ProFeeRule, KeepsTheFeeWithoutData) {
  EXPECT_EQ(next_base_fee(rule(), 1.0, 0, 500, 12, 0), 1.0);
  EXPECT_EQ(next_base_fee(rule(), 1.0, 1000, 500, 0, 0), 1.0);
  ProFeeRule zero;  // EPR without a fee: stays at zero
  EXPECT_EQ(next_base_fee(zero, 0.0, 0, 500, 12, 0), 0.0);
}

TEST(ProFeeRule, IteratedBalanceConvergesAndStaysBounded) {
  // A PRO whose cost is steady at 800 EUR a year for 1000 modulated kg: the fee
  // falls to 0.8 and the reserve stays between its extremes.
  double fee = 1.0, balance = 0;
  double low = 0, high = 0;
  for (int year = 0; year < 30; ++year) {
    const double income = 1000 * fee;
    balance += income - 800;
    low = std::min(low, balance);
    high = std::max(high, balance);
    fee = next_base_fee(rule(), fee, income, 800, 12, balance);
  }
  EXPECT_NEAR(fee, 0.8, 1e-3);
  EXPECT_NEAR(balance, 0.0, 1.0);
  EXPECT_LE(high, 200.0 + 1e-9);
  EXPECT_GE(low, -1e-9);
}

TEST(ProFeeTable, Modulation) {
  ProFeeTable t{1.05, 0.4, 0.1};
  EXPECT_DOUBLE_EQ(t.modulation(true), 0.6);
  EXPECT_DOUBLE_EQ(t.modulation(false), 1.1);
}

TEST(ProMonthCost, PerTonneCollectedAndPlacedOnTheMarket) {
  // 2.5 t collected at 250 EUR/t = 625 EUR; 40 t placed on the market at 10 EUR/t = 400 EUR.
  const auto c = pro_month_cost({250.0, 10.0}, 2'500'000, 40'000'000);
  EXPECT_EQ(c.sorting_milli, 625'000);
  EXPECT_EQ(c.admin_milli, 400'000);
  // Each rate applies to its own mass only.
  EXPECT_EQ(pro_month_cost({250.0, 0.0}, 1'000'000, 5'000'000).admin_milli, 0);
  EXPECT_EQ(pro_month_cost({0.0, 10.0}, 1'000'000, 5'000'000).sorting_milli, 0);
  EXPECT_EQ(pro_month_cost({0.0, 10.0}, 1'000'000, 5'000'000).admin_milli, 50'000);
}

TEST(ProMonthCost, RoundsToTheNearestMilliEuro) {
  // 1 kg at 0.4 EUR/t = 0.0004 EUR = 0.4 milli -> 0; 3 kg at 0.5 EUR/t = 1.5 milli -> 2.
  EXPECT_EQ(pro_month_cost({0.4, 0.0}, 1'000, 0).sorting_milli, 0);
  EXPECT_EQ(pro_month_cost({0.5, 0.0}, 3'000, 0).sorting_milli, 2);
  EXPECT_EQ(pro_month_cost({0.0, 0.5}, 0, 3'000).admin_milli, 2);
  // A national month of plastic packaging (~8,500 t collected) stays exact.
  EXPECT_EQ(pro_month_cost({250.0, 0.0}, 8'523'917'123, 0).sorting_milli, 2'130'979'281);
}

TEST(ProMonthCost, WiderCostBaseRaisesTheCostRecoveryFee) {
  // Income 1000 EUR at 1 EUR/kg; collection fees 300 EUR leave the fee to fall by the
  // largest step (0.5); adding 2 t sorted at 250 EUR/t (500 EUR) and 10 t at 10 EUR/t
  // (100 EUR) gives 900 EUR of cost: 0.9 EUR/kg.
  const auto extra = pro_month_cost({250.0, 10.0}, 2'000'000, 10'000'000);
  const double cost = 300.0 + static_cast<double>(extra.sorting_milli + extra.admin_milli) / 1000.0;
  EXPECT_NEAR(next_base_fee(rule(), 1.0, 1000, 300, 12, 0), 0.5, 1e-12);
  EXPECT_NEAR(next_base_fee(rule(), 1.0, 1000, cost, 12, 0), 0.9, 1e-12);
}

}  // namespace
}  // namespace ketensim::agents
