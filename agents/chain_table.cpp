#include "agents/chain_table.hpp"

#include <algorithm>
#include <array>

namespace ketensim::agents {

std::vector<std::vector<std::size_t>> form_coalitions(std::span<const ProjectCandidate> candidates,
                                                      double threshold, bool same_strategy) {
  std::vector<std::size_t> ranked;
  for (std::size_t i = 0; i < candidates.size(); ++i)
    if (candidates[i].strategy < kStrategies && candidates[i].intention >= threshold)
      ranked.push_back(i);
  std::sort(ranked.begin(), ranked.end(), [&](std::size_t a, std::size_t b) {
    const auto& x = candidates[a];
    const auto& y = candidates[b];
    return x.intention != y.intention ? x.intention > y.intention : x.id < y.id;
  });
  std::vector<std::vector<std::size_t>> out;
  for (int strategy = 0; strategy < (same_strategy ? kStrategies : 1); ++strategy) {
    std::array<std::vector<std::size_t>, kRoles> by_role;
    for (const std::size_t i : ranked)
      if ((!same_strategy || candidates[i].strategy == strategy) && candidates[i].role < kRoles)
        by_role[candidates[i].role].push_back(i);
    std::array<std::size_t, kRoles> next{};
    while (true) {
      std::vector<std::size_t> members;
      for (std::size_t r = 0; r < by_role.size(); ++r)
        if (next[r] < by_role[r].size()) members.push_back(by_role[r][next[r]++]);
      if (members.size() < kMinProjectRoles) break;
      while (members.size() < kMaxProjectMembers) {
        std::size_t best = by_role.size();
        for (std::size_t r = 0; r < by_role.size(); ++r) {
          if (next[r] >= by_role[r].size()) continue;
          if (best == by_role.size() || candidates[by_role[r][next[r]]].intention >
                                            candidates[by_role[best][next[best]]].intention)
            best = r;
        }
        if (best == by_role.size()) break;
        members.push_back(by_role[best][next[best]++]);
      }
      out.push_back(std::move(members));
    }
  }
  return out;
}

}  // namespace ketensim::agents
