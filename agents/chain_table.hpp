// Chain-table (ketentafel) coalition building for joint chain-project
// applications (MODEL.md "Chain table"; docs/ODD.md 7.10): members whose
// intention for the same strategy exceeds the coalition threshold form
// projects of 3 to 6 firms in at least 3 distinct chain roles.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "agents/types.hpp"

namespace ketensim::agents {

// The strategy with the highest intention above -1 (ties: the lower strategy),
// kNoStrategy if none: what the firm would adopt first.
std::uint8_t best_strategy(const Intentions& intention);

// What a chain table knows of a member from its last report: its intentions
// at its last review and the strategies it has adopted since (bit s).
struct ProjectCandidate {
  AgentId id = 0;
  Intentions intention = kNoIntentions;
  std::uint8_t role = 0;
  std::uint8_t adopted = 0;
};

inline constexpr std::size_t kMinProjectRoles = 3;
inline constexpr std::size_t kMaxProjectMembers = 6;

// A coalition: indices into the candidates, and the strategy of the project
// (kNoStrategy: mixed, each member brings its own best strategy).
struct ProjectCoalition {
  std::uint8_t strategy = kNoStrategy;
  std::vector<std::size_t> members;
};

// Coalitions of 3-6 firms in at least 3 distinct roles, every firm in at most one.
//
// With `same_strategy` (the default of chain_tables.same_strategy_projects), a
// member qualifies for strategy s when s is in `strategy_mask`, it evaluated s
// at its last review, has not adopted s since, and U_s >= `threshold`.
// Strategies are taken in descending order of the summed excess
// sum(U_s - threshold) of their qualifying members (ties: the lower strategy);
// each forms its projects from the members not yet in a project, so a member
// qualifying for several strategies joins the first that takes it.
// Without `same_strategy`, members qualify with their best strategy (best_strategy,
// whether adopted since or not, `strategy_mask` ignored) and U >= threshold, and
// bring it to a mixed project.
//
// Within a strategy (or the one mixed round) the qualifying members are ranked by
// intention (ties by id) within their role; each coalition takes the best remaining
// member of every role that has one (stop when fewer than 3 roles are left), then
// fills up to 6 members with the best remaining of any role (ties: the lower role).
// The result depends on the candidates' ids and values only, not on their order.
std::vector<ProjectCoalition> form_coalitions(std::span<const ProjectCandidate> candidates,
                                              double threshold, bool same_strategy,
                                              std::uint8_t strategy_mask = 0xFF);

}  // namespace ketensim::agents
