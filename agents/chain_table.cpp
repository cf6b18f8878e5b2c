#include "agents/chain_table.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace ketensim::agents {

namespace {

constexpr std::size_t idx(int i) {
  return static_cast<std::size_t>(i);
}

// One round of coalition building among members with intention `u[i]`, all of
// them qualifying: ranked by intention (ties by id) within their role.
void build_round(std::span<const ProjectCandidate> candidates, std::vector<std::size_t> qualified,
                 const std::vector<float>& u, std::uint8_t strategy,
                 std::vector<ProjectCoalition>& out) {
  std::sort(qualified.begin(), qualified.end(), [&](std::size_t a, std::size_t b) {
    return u[a] != u[b] ? u[a] > u[b] : candidates[a].id < candidates[b].id;
  });
  std::array<std::vector<std::size_t>, kRoles> by_role;
  for (const std::size_t i : qualified) by_role[candidates[i].role].push_back(i);
  std::array<std::size_t, kRoles> next{};
  while (true) {
    ProjectCoalition co{strategy, {}};
    auto& members = co.members;
    for (std::size_t r = 0; r < by_role.size(); ++r)
      if (next[r] < by_role[r].size()) members.push_back(by_role[r][next[r]++]);
    if (members.size() < kMinProjectRoles) break;
    while (members.size() < kMaxProjectMembers) {
      std::size_t best = by_role.size();
      for (std::size_t r = 0; r < by_role.size(); ++r) {
        if (next[r] >= by_role[r].size()) continue;
        if (best == by_role.size() || u[by_role[r][next[r]]] > u[by_role[best][next[best]]])
          best = r;
      }
      if (best == by_role.size()) break;
      members.push_back(by_role[best][next[best]++]);
    }
    out.push_back(std::move(co));
  }
}

}  // namespace

std::uint8_t best_strategy(const Intentions& intention) {
  float best = -1;
  std::uint8_t out = kNoStrategy;
  for (int s = 0; s < kStrategies; ++s)
    if (intention[idx(s)] > best) {  // false for kNoIntention (NaN)
      best = intention[idx(s)];
      out = static_cast<std::uint8_t>(s);
    }
  return out;
}

std::vector<ProjectCoalition> form_coalitions(std::span<const ProjectCandidate> candidates,
                                              double threshold, bool same_strategy,
                                              std::uint8_t strategy_mask) {
  std::vector<ProjectCoalition> out;
  std::vector<float> u(candidates.size(), kNoIntention);
  if (!same_strategy) {
    std::vector<std::size_t> qualified;
    for (std::size_t i = 0; i < candidates.size(); ++i) {
      const auto& c = candidates[i];
      const auto s = best_strategy(c.intention);
      if (s == kNoStrategy || c.role >= kRoles) continue;
      u[i] = c.intention[s];
      if (u[i] >= threshold) qualified.push_back(i);
    }
    build_round(candidates, std::move(qualified), u, kNoStrategy, out);
    return out;
  }
  // Candidates in a canonical order (id), so that the summed excess, a float sum,
  // does not depend on the order they came in.
  std::vector<std::size_t> by_id(candidates.size());
  std::iota(by_id.begin(), by_id.end(), std::size_t{0});
  std::sort(by_id.begin(), by_id.end(),
            [&](std::size_t a, std::size_t b) { return candidates[a].id < candidates[b].id; });
  const auto qualifies = [&](const ProjectCandidate& c, int s) {
    const auto bit = 1u << static_cast<unsigned>(s);
    return (strategy_mask & bit) != 0 && (c.adopted & bit) == 0 && c.role < kRoles &&
           !std::isnan(c.intention[idx(s)]) && c.intention[idx(s)] >= threshold;
  };
  std::array<double, kStrategies> excess{};
  for (int s = 0; s < kStrategies; ++s)
    for (const std::size_t i : by_id)
      if (qualifies(candidates[i], s))
        excess[idx(s)] += candidates[i].intention[idx(s)] - threshold;
  std::array<int, kStrategies> order{};
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return excess[idx(a)] > excess[idx(b)]; });
  std::vector<bool> taken(candidates.size(), false);
  for (const int s : order) {
    std::vector<std::size_t> qualified;
    for (const std::size_t i : by_id)
      if (!taken[i] && qualifies(candidates[i], s)) {
        qualified.push_back(i);
        u[i] = candidates[i].intention[idx(s)];
      }
    const auto first = out.size();
    build_round(candidates, std::move(qualified), u, static_cast<std::uint8_t>(s), out);
    for (std::size_t k = first; k < out.size(); ++k)
      for (const std::size_t i : out[k].members) taken[i] = true;
  }
  return out;
}

}  // namespace ketensim::agents
