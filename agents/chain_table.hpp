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

// What a chain table knows of a member from its report: its best strategy
// (0xFF: none left) and its intention U for it.
struct ProjectCandidate {
  AgentId id = 0;
  float intention = 0;
  std::uint8_t role = 0;
  std::uint8_t strategy = 0xFF;
};

inline constexpr std::size_t kMinProjectRoles = 3;
inline constexpr std::size_t kMaxProjectMembers = 6;

// Coalitions as lists of indices into `candidates`. The members with a best
// strategy and an intention of at least `threshold` are ranked by intention
// (ties by id) within their role; each coalition takes the best remaining member
// of every role that has one (stop when fewer than 3 roles are left), then fills
// up to 6 members with the best remaining of any role. With `same_strategy`,
// this is done strategy by strategy (reduce first) among the members whose best
// strategy it is, so every project is for one strategy; without, members bring
// their own best strategies. Every firm is in at most one coalition.
std::vector<std::vector<std::size_t>> form_coalitions(std::span<const ProjectCandidate> candidates,
                                                      double threshold, bool same_strategy);

}  // namespace ketensim::agents
