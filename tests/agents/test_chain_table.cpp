// Chain-table coalition building (agents::form_coalitions): projects of 3-6 firms
// in at least 3 roles, all for the same strategy, best intentions first.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <vector>

#include "agents/chain_table.hpp"

namespace ketensim::agents {
namespace {

ProjectCandidate member(AgentId id, float intention, int role, int strategy) {
  return {id, intention, static_cast<std::uint8_t>(role), static_cast<std::uint8_t>(strategy)};
}

// Reduce members in roles 0, 1, 2 (one each); substitute members in roles 0, 1.
std::vector<ProjectCandidate> reduce_and_substitute_members() {
  return {member(10, 0.9f, 0, 0), member(11, 0.8f, 1, 0), member(12, 0.7f, 2, 0),
          member(13, 0.95f, 0, 1), member(14, 0.85f, 1, 1)};
}

TEST(ChainTableCoalitions, MembersShareOneStrategyAndSpanThreeRoles) {
  // Reduce: roles 0, 1, 2 (one each) -> one project. Substitute: roles 0, 1 only -> none,
  // although together with the reduce members there would be more roles.
  const auto c = reduce_and_substitute_members();
  const auto projects = form_coalitions(c, 0.0, true);
  ASSERT_EQ(projects.size(), 1u);
  std::set<AgentId> ids;
  for (const auto i : projects[0]) ids.insert(c[i].id);
  EXPECT_EQ(ids, (std::set<AgentId>{10, 11, 12}));
}

TEST(ChainTableCoalitions, ThresholdAndNoStrategyExclude) {
  const std::vector<ProjectCandidate> c = {member(1, 0.9f, 0, 2), member(2, 0.9f, 1, 2),
                                           member(3, 0.2f, 2, 2), member(4, 0.9f, 3, 0xFF)};
  EXPECT_TRUE(form_coalitions(c, 0.5, true).empty());  // 3 below the threshold, 4 has no strategy
  EXPECT_EQ(form_coalitions(c, 0.1, true).size(), 1u);
}

TEST(ChainTableCoalitions, BestOfEachRoleThenFillUpToSixByIntention) {
  std::vector<ProjectCandidate> c;
  // Strategy 3 (recycle): role 0 has four members, roles 1 and 2 one each.
  c.push_back(member(1, 0.50f, 0, 3));
  c.push_back(member(2, 0.90f, 0, 3));
  c.push_back(member(3, 0.80f, 0, 3));
  c.push_back(member(4, 0.70f, 0, 3));
  c.push_back(member(5, 0.10f, 1, 3));
  c.push_back(member(6, 0.20f, 2, 3));
  c.push_back(member(7, 0.60f, 0, 3));
  const auto projects = form_coalitions(c, -1.0, true);
  ASSERT_EQ(projects.size(), 1u);  // the rest of role 0 alone cannot form a second one
  std::vector<AgentId> ids;
  for (const auto i : projects[0]) ids.push_back(c[i].id);
  // Best of each role first (2, 5, 6), then the best remaining (3, 4, 7); 1 is left out.
  EXPECT_EQ(ids, (std::vector<AgentId>{2, 5, 6, 3, 4, 7}));
}

TEST(ChainTableCoalitions, EveryFirmAtMostOnceAndEveryProjectValid) {
  std::vector<ProjectCandidate> c;
  for (AgentId id = 0; id < 200; ++id)
    c.push_back(member(id, static_cast<float>((id * 37) % 101) / 100.0f - 0.3f,
                       static_cast<int>(id % 6),
                       static_cast<int>((id / 6) % 5 == 4 ? 0xFF : (id / 7) % 4)));
  const auto projects = form_coalitions(c, 0.0, true);
  ASSERT_FALSE(projects.empty());
  std::set<std::size_t> seen;
  for (const auto& p : projects) {
    EXPECT_GE(p.size(), kMinProjectRoles);
    EXPECT_LE(p.size(), kMaxProjectMembers);
    std::set<int> roles;
    for (const auto i : p) {
      EXPECT_TRUE(seen.insert(i).second) << "firm " << c[i].id << " in two projects";
      EXPECT_EQ(c[i].strategy, c[p[0]].strategy);
      EXPECT_GE(c[i].intention, 0.0f);
      roles.insert(c[i].role);
    }
    EXPECT_GE(roles.size(), kMinProjectRoles);
  }
}

TEST(ChainTableCoalitions, WithoutSameStrategyMembersBringTheirOwn) {
  // The example of the first test: without the rule, reduce and substitute members
  // together span three roles twice over.
  const auto c = reduce_and_substitute_members();
  const auto projects = form_coalitions(c, 0.0, false);
  ASSERT_EQ(projects.size(), 1u);
  std::vector<AgentId> ids;
  for (const auto i : projects[0]) ids.push_back(c[i].id);
  // Best of roles 0, 1, 2 (13, 14, 12), then the best remaining (10, 11).
  EXPECT_EQ(ids, (std::vector<AgentId>{13, 14, 12, 10, 11}));
}

}  // namespace
}  // namespace ketensim::agents
