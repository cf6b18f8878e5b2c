// Chain-table coalition building (agents::form_coalitions): projects of 3-6 firms
// in at least 3 roles, all for the same strategy, from members' intentions for
// every strategy they could still adopt; best intentions first.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <set>
#include <utility>
#include <vector>

#include "agents/chain_table.hpp"

namespace ketensim::agents {
namespace {

constexpr float kNo = kNoIntention;

ProjectCandidate member(AgentId id, int role, Intentions u, std::uint8_t adopted = 0) {
  return {id, u, static_cast<std::uint8_t>(role), adopted};
}

std::vector<AgentId> ids_of(std::span<const ProjectCandidate> c, const ProjectCoalition& p) {
  std::vector<AgentId> ids;
  for (const auto i : p.members) ids.push_back(c[i].id);
  return ids;
}

// Reduce members in roles 0, 1, 2 (one each); substitute members in roles 0, 1.
std::vector<ProjectCandidate> reduce_and_substitute_members() {
  return {member(10, 0, {0.9f, kNo, kNo, kNo}), member(11, 1, {0.8f, kNo, kNo, kNo}),
          member(12, 2, {0.7f, kNo, kNo, kNo}), member(13, 0, {kNo, 0.95f, kNo, kNo}),
          member(14, 1, {kNo, 0.85f, kNo, kNo})};
}

TEST(ChainTableCoalitions, BestStrategyIsTheHighestIntentionAboveMinusOne) {
  EXPECT_EQ(best_strategy({kNo, 0.2f, 0.5f, 0.5f}), 2);  // ties: the lower strategy
  EXPECT_EQ(best_strategy({-0.3f, kNo, kNo, -0.9f}), 0);
  EXPECT_EQ(best_strategy({kNo, -1.5f, kNo, kNo}), kNoStrategy);
  EXPECT_EQ(best_strategy(kNoIntentions), kNoStrategy);
}

TEST(ChainTableCoalitions, MembersShareOneStrategyAndSpanThreeRoles) {
  // Reduce: roles 0, 1, 2 (one each) -> one project. Substitute: roles 0, 1 only -> none,
  // although together with the reduce members there would be more roles.
  const auto c = reduce_and_substitute_members();
  const auto projects = form_coalitions(c, 0.0, true);
  ASSERT_EQ(projects.size(), 1u);
  EXPECT_EQ(projects[0].strategy, 0);
  const auto ids = ids_of(c, projects[0]);
  EXPECT_EQ(std::set<AgentId>(ids.begin(), ids.end()), (std::set<AgentId>{10, 11, 12}));
}

TEST(ChainTableCoalitions, ThresholdNotEvaluatedAdoptedAndMaskExclude) {
  const std::vector<ProjectCandidate> c = {
      member(1, 0, {kNo, kNo, 0.9f, kNo}), member(2, 1, {kNo, kNo, 0.9f, kNo}),
      member(3, 2, {kNo, kNo, 0.2f, kNo}), member(4, 3, {0.9f, kNo, kNo, kNo})};
  EXPECT_TRUE(form_coalitions(c, 0.5, true).empty());  // 3 below the threshold, 4 not for s = 2
  EXPECT_EQ(form_coalitions(c, 0.1, true).size(), 1u);
  // The strategy is not in the scheme's strategies.
  EXPECT_TRUE(form_coalitions(c, 0.1, true, 0b1011).empty());
  // A member that adopted the strategy since its review no longer qualifies for it.
  auto adopted = c;
  adopted[0].adopted = 1u << 2;
  EXPECT_TRUE(form_coalitions(adopted, 0.1, true).empty());
}

TEST(ChainTableCoalitions, BestOfEachRoleThenFillUpToSixByIntention) {
  std::vector<ProjectCandidate> c;
  // Strategy 3 (recycle): role 0 has five members, roles 1 and 2 one each.
  c.push_back(member(1, 0, {kNo, kNo, kNo, 0.50f}));
  c.push_back(member(2, 0, {kNo, kNo, kNo, 0.90f}));
  c.push_back(member(3, 0, {kNo, kNo, kNo, 0.80f}));
  c.push_back(member(4, 0, {kNo, kNo, kNo, 0.70f}));
  c.push_back(member(5, 1, {kNo, kNo, kNo, 0.10f}));
  c.push_back(member(6, 2, {kNo, kNo, kNo, 0.20f}));
  c.push_back(member(7, 0, {kNo, kNo, kNo, 0.60f}));
  const auto projects = form_coalitions(c, -1.0, true);
  ASSERT_EQ(projects.size(), 1u);  // the rest of role 0 alone cannot form a second one
  EXPECT_EQ(projects[0].strategy, 3);
  // Best of each role first (2, 5, 6), then the best remaining (3, 4, 7); 1 is left out.
  EXPECT_EQ(ids_of(c, projects[0]), (std::vector<AgentId>{2, 5, 6, 3, 4, 7}));
}

TEST(ChainTableCoalitions, AMemberQualifyingForTwoStrategiesJoinsOneProject) {
  // Firm 1 (role 0) qualifies for extend (2) and recycle (3). Extend has the larger
  // summed excess over the threshold (0.9 + 0.8 + 0.3 against 0.6 + 0.4 + 0.3 + 0.2
  // for recycle), so it forms first and takes firm 1; recycle is left with roles 1, 2
  // and 3 (firms 4, 5, 6), still three roles.
  const std::vector<ProjectCandidate> c = {
      member(1, 0, {kNo, kNo, 0.3f, 0.6f}), member(2, 1, {kNo, kNo, 0.9f, kNo}),
      member(3, 2, {kNo, kNo, 0.8f, kNo}),  member(4, 1, {kNo, kNo, kNo, 0.4f}),
      member(5, 2, {kNo, kNo, kNo, 0.3f}),  member(6, 3, {kNo, kNo, kNo, 0.2f})};
  const auto projects = form_coalitions(c, 0.0, true);
  ASSERT_EQ(projects.size(), 2u);
  EXPECT_EQ(projects[0].strategy, 2);
  EXPECT_EQ(ids_of(c, projects[0]), (std::vector<AgentId>{1, 2, 3}));
  EXPECT_EQ(projects[1].strategy, 3);
  EXPECT_EQ(ids_of(c, projects[1]), (std::vector<AgentId>{4, 5, 6}));

  // Recycle ahead (firm 1's recycle intention raised): it takes firm 1, and extend,
  // left with roles 1 and 2, forms nothing.
  auto recycle_first = c;
  recycle_first[0].intention[3] = 0.95f;
  recycle_first[1].intention[2] = 0.5f;
  const auto other = form_coalitions(recycle_first, 0.0, true);
  ASSERT_EQ(other.size(), 1u);
  EXPECT_EQ(other[0].strategy, 3);
  EXPECT_EQ(ids_of(recycle_first, other[0]), (std::vector<AgentId>{1, 4, 5, 6}));
}

// Random tables: 3-6 members, >= 3 roles, one strategy that all of them qualify for,
// every firm at most once.
std::vector<ProjectCandidate> random_table(unsigned seed, std::size_t n) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> u(-0.5f, 1.0f);
  std::vector<ProjectCandidate> c;
  for (AgentId id = 0; id < n; ++id) {
    Intentions in = kNoIntentions;
    for (auto& x : in)
      if (gen() % 3 != 0) x = std::round(u(gen) * 20) / 20;  // coarse: many ties
    c.push_back(member(id * 7 + 3, static_cast<int>(gen() % kRoles), in,
                       static_cast<std::uint8_t>(gen() % 4 == 0 ? 1u << (gen() % 4) : 0u)));
  }
  return c;
}

TEST(ChainTableCoalitions, EveryFirmAtMostOnceAndEveryProjectValid) {
  for (unsigned seed = 1; seed <= 20; ++seed) {
    const auto c = random_table(seed, 200);
    const double threshold = seed % 2 ? 0.0 : -1.0;
    const auto projects = form_coalitions(c, threshold, true);
    ASSERT_FALSE(projects.empty());
    std::set<std::size_t> seen;
    for (const auto& p : projects) {
      EXPECT_GE(p.members.size(), kMinProjectRoles);
      EXPECT_LE(p.members.size(), kMaxProjectMembers);
      ASSERT_LT(p.strategy, kStrategies);
      std::set<int> roles;
      for (const auto i : p.members) {
        EXPECT_TRUE(seen.insert(i).second) << "firm " << c[i].id << " in two projects";
        const float x = c[i].intention[p.strategy];
        EXPECT_FALSE(std::isnan(x));
        EXPECT_GE(x, threshold);
        EXPECT_EQ(c[i].adopted & (1u << static_cast<unsigned>(p.strategy)), 0u);
        roles.insert(c[i].role);
      }
      EXPECT_GE(roles.size(), kMinProjectRoles);
    }
  }
}

TEST(ChainTableCoalitions, ResultDoesNotDependOnTheInputOrder) {
  for (const bool same : {true, false}) {
    for (unsigned seed = 1; seed <= 10; ++seed) {
      const auto c = random_table(seed, 150);
      const auto reference = form_coalitions(c, 0.0, same);
      auto shuffled = c;
      std::shuffle(shuffled.begin(), shuffled.end(), std::mt19937(seed + 100));
      const auto again = form_coalitions(shuffled, 0.0, same);
      ASSERT_EQ(again.size(), reference.size());
      for (std::size_t k = 0; k < reference.size(); ++k) {
        EXPECT_EQ(again[k].strategy, reference[k].strategy);
        EXPECT_EQ(ids_of(shuffled, again[k]), ids_of(c, reference[k]));
      }
    }
  }
}

TEST(ChainTableCoalitions, WithoutSameStrategyMembersBringTheirBest) {
  // The example of the second test: without the rule, reduce and substitute members
  // together span three roles twice over.
  const auto c = reduce_and_substitute_members();
  const auto projects = form_coalitions(c, 0.0, false);
  ASSERT_EQ(projects.size(), 1u);
  EXPECT_EQ(projects[0].strategy, kNoStrategy);
  // Best of roles 0, 1, 2 (13, 14, 12), then the best remaining (10, 11).
  EXPECT_EQ(ids_of(c, projects[0]), (std::vector<AgentId>{13, 14, 12, 10, 11}));
}

}  // namespace
}  // namespace ketensim::agents
