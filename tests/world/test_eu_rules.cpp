// EU rules: the enforcement path of a rule and firms' credence in an announced
// rule (docs/ODD.md 7.6), checked against values worked out by hand.
#include <gtest/gtest.h>

#include "model/world/params.hpp"

namespace ketensim::world {
namespace {

TEST(EuRule, EnforcementRampsLinearlyFromTheApplyYear) {
  RuleParams r;
  r.apply_year = 2030;
  r.enforcement_initial = 0.2;
  r.enforcement_final = 0.8;
  r.ramp_years = 4;
  EXPECT_EQ(r.enforcement(2029), 0.0);
  EXPECT_DOUBLE_EQ(r.enforcement(2030), 0.2);
  EXPECT_DOUBLE_EQ(r.enforcement(2032), 0.5);
  EXPECT_DOUBLE_EQ(r.enforcement(2034), 0.8);
  EXPECT_DOUBLE_EQ(r.enforcement(2040), 0.8);
  r.off = true;
  EXPECT_EQ(r.enforcement(2034), 0.0);
}

TEST(EuCredence, GrowsWithYearsOfNoticesTowardsOne) {
  CredenceParams c;
  c.initial = 0.3;
  c.notice_rate = 0.25;
  c.peer_weight = 0.5;
  EXPECT_EQ(c.credence(2024, 2025, 0.0), 0.0);  // not announced yet
  EXPECT_DOUBLE_EQ(c.credence(2025, 2025, 0.0), 0.3);
  // One year of notices closes a quarter of the gap: 0.3 + 0.25 x 0.7.
  EXPECT_DOUBLE_EQ(c.credence(2026, 2025, 0.0), 0.475);
  // Two years: 1 - 0.7 x 0.75^2.
  EXPECT_DOUBLE_EQ(c.credence(2027, 2025, 0.0), 1.0 - 0.7 * 0.5625);
  EXPECT_NEAR(c.credence(2100, 2025, 0.0), 1.0, 1e-9);
  for (int y = 2025; y < 2060; ++y)
    EXPECT_LT(c.credence(y, 2025, 0.0), c.credence(y + 1, 2025, 0.0));
}

TEST(EuCredence, PeersThatComplyClosePartOfWhatIsLeft) {
  CredenceParams c;
  c.initial = 0.3;
  c.notice_rate = 0.25;
  c.peer_weight = 0.5;
  // Half of the table complies: a quarter of the remaining 0.7 is closed.
  EXPECT_DOUBLE_EQ(c.credence(2025, 2025, 0.5), 1.0 - 0.7 * 0.75);
  // The whole table complies: half of it.
  EXPECT_DOUBLE_EQ(c.credence(2025, 2025, 1.0), 0.65);
  // Shares outside [0, 1] are clipped.
  EXPECT_DOUBLE_EQ(c.credence(2025, 2025, 3.0), 0.65);
  EXPECT_DOUBLE_EQ(c.credence(2025, 2025, -1.0), 0.3);
}

TEST(EuCredence, InitialOneBelievesEveryRuleAtOnce) {
  CredenceParams c;
  c.initial = 1.0;
  for (const int y : {2019, 2025, 2040})
    for (const double peers : {0.0, 0.4, 1.0}) EXPECT_EQ(c.credence(y, 2019, peers), 1.0);
}

}  // namespace
}  // namespace ketensim::world
