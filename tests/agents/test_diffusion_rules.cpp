// The per-household rules of the diffusion model (agents/diffusion), in one
// process. Expected values come from the formulas in DOMAIN_NOTES 3.4 and 3.6,
// written out here independently of the code under test.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "agents/diffusion.hpp"

namespace ketensim::agents::diffusion {
namespace {

TEST(DiffusionBassRule, HazardRateIsPPlusQTimesShare) {
  EXPECT_DOUBLE_EQ(bass_hazard_rate(0.03, 0.38, 0.0), 0.03);
  EXPECT_NEAR(bass_hazard_rate(0.03, 0.38, 0.5), 0.03 + 0.19, 1e-15);
}

TEST(DiffusionBassRule, TickProbabilityIsOneMinusExpOfHazardTimesDt) {
  EXPECT_NEAR(bass_tick_probability(0.03, 0.38, 0.5, 1.0 / 12), 1 - std::exp(-(0.22) / 12), 1e-15);
  EXPECT_NEAR(bass_tick_probability(0.03, 0.38, 0.0, 1.0), 1 - std::exp(-0.03), 1e-15);
  EXPECT_DOUBLE_EQ(bass_tick_probability(0.0, 0.0, 0.7, 1.0), 0.0);
  EXPECT_NEAR(bass_tick_hazard(0.03, 0.38, 0.25, 0.5), (0.03 + 0.38 * 0.25) * 0.5, 1e-15);
}

TEST(DiffusionBassRule, SpendingTheBudgetAdoptsWhenItIsUsedUp) {
  double budget = 0.25;
  EXPECT_FALSE(spend_hazard(budget, 0.1));
  EXPECT_FALSE(spend_hazard(budget, 0.1));
  EXPECT_TRUE(spend_hazard(budget, 0.1));
  double adopted = std::numeric_limits<double>::infinity();
  EXPECT_FALSE(spend_hazard(adopted, 0.0));  // an adopter's budget never runs out again
}

// One Exp(1) budget per household, spent tick by tick, is the same process as a
// fresh Bernoulli(1 - exp(-h_t dt)) draw per tick: the share still not adopted
// after tick t is prod_s exp(-h_s dt). Checked with a changing hazard.
TEST(DiffusionBassRule, HazardBudgetMatchesPerTickBernoulliSurvival) {
  const std::vector<double> tick_hazard{0.02, 0.05, 0.01, 0.2, 0.0, 0.4, 0.15, 0.3};
  constexpr int kHouseholds = 200000;
  std::vector<int> survivors(tick_hazard.size(), 0);
  for (int id = 0; id < kHouseholds; ++id) {
    RandomStream rs(42, static_cast<AgentId>(id), 0, purpose::kResistance);
    double budget = draw_resistance(rs);
    for (std::size_t t = 0; t < tick_hazard.size(); ++t) {
      if (spend_hazard(budget, tick_hazard[t])) break;
      ++survivors[t];
    }
  }
  double expected = 1.0;
  for (std::size_t t = 0; t < tick_hazard.size(); ++t) {
    expected *= std::exp(-tick_hazard[t]);
    const double share = static_cast<double>(survivors[t]) / kHouseholds;
    const double se = std::sqrt(expected * (1 - expected) / kHouseholds);
    EXPECT_NEAR(share, expected, 5 * se) << "after tick " << t;
  }
}

TEST(DiffusionBassRule, ResistanceIsExponentialWithMeanOne) {
  constexpr int kDraws = 100000;
  double sum = 0;
  int above_two = 0;
  for (int id = 0; id < kDraws; ++id) {
    RandomStream rs(7, static_cast<AgentId>(id), 0, purpose::kResistance);
    const double r = draw_resistance(rs);
    ASSERT_GT(r, 0.0);
    sum += r;
    above_two += r > 2.0;
  }
  EXPECT_NEAR(sum / kDraws, 1.0, 5.0 / std::sqrt(kDraws));  // sd of Exp(1) is 1
  const double p = std::exp(-2.0);
  EXPECT_NEAR(static_cast<double>(above_two) / kDraws, p, 5 * std::sqrt(p * (1 - p) / kDraws));
}

TEST(DiffusionThresholdRule, AdoptsWhenTheShareReachesTheThreshold) {
  EXPECT_TRUE(threshold_adopts(0.0, 0.0));
  EXPECT_TRUE(threshold_adopts(0.25, 0.25));
  EXPECT_FALSE(threshold_adopts(0.2499, 0.25));
  EXPECT_FALSE(threshold_adopts(0.01, 0.02));  // Granovetter's perturbed household
}

TEST(DiffusionThresholdRule, UniformGridIsIndexOverPopulation) {
  EXPECT_DOUBLE_EQ(uniform_grid_threshold(0, 100), 0.0);
  EXPECT_DOUBLE_EQ(uniform_grid_threshold(1, 100), 0.01);
  EXPECT_DOUBLE_EQ(uniform_grid_threshold(99, 100), 0.99);
  // With k of N adopted, household k (threshold k/N) adopts, household k + 1 does not.
  for (std::uint64_t n : {100u, 2000u, 1000003u}) {
    for (std::uint64_t k : {std::uint64_t{1}, n / 3, n - 2}) {
      const double share = static_cast<double>(k) / static_cast<double>(n);
      EXPECT_TRUE(threshold_adopts(share, uniform_grid_threshold(k, n)));
      EXPECT_FALSE(threshold_adopts(share, uniform_grid_threshold(k + 1, n)));
    }
  }
}

TEST(DiffusionThresholdRule, NormalThresholdsAreClippedToTheUnitInterval) {
  constexpr int kDraws = 100000;
  const double mean = 0.25, sd = 0.14;
  int at_zero = 0, below_mean = 0;
  for (int id = 0; id < kDraws; ++id) {
    RandomStream rs(11, static_cast<AgentId>(id), 0, purpose::kThreshold);
    const double t = normal_threshold(rs, mean, sd);
    ASSERT_GE(t, 0.0);
    ASSERT_LE(t, 1.0);
    at_zero += t == 0.0;
    below_mean += t <= mean;
  }
  // Clipping puts the mass below 0 on 0: P = Phi(-mean / sd).
  const double p0 = 0.5 * std::erfc(mean / sd / std::sqrt(2.0));
  EXPECT_NEAR(static_cast<double>(at_zero) / kDraws, p0, 5 * std::sqrt(p0 * (1 - p0) / kDraws));
  EXPECT_NEAR(static_cast<double>(below_mean) / kDraws, 0.5, 5 * std::sqrt(0.25 / kDraws));
}

TEST(DiffusionHousehold, NeighbourShareIsZeroWithoutNeighbours) {
  EXPECT_DOUBLE_EQ(neighbour_share(0, 0), 0.0);
  EXPECT_DOUBLE_EQ(neighbour_share(3, 12), 0.25);
}

}  // namespace
}  // namespace ketensim::agents::diffusion
