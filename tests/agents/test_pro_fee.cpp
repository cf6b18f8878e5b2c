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

}  // namespace
}  // namespace ketensim::agents
