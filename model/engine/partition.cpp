#include "model/engine/partition.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace ketensim::engine {

Partition::Partition(std::span<const IdSegment> segments, int ranks) {
  if (ranks < 1) throw std::invalid_argument("partition needs at least one rank");
  AgentId total = 0;
  double total_weight = 0;
  for (const auto& s : segments) {
    if (s.begin != total || s.end < s.begin) throw std::invalid_argument("id segments must be contiguous");
    total = s.end;
    total_weight += static_cast<double>(s.end - s.begin) * s.weight;
  }
  first_.assign(static_cast<std::size_t>(ranks) + 1, total);
  first_[0] = 0;
  // Boundary r is the first id at which the cumulative weight reaches r/ranks of the total.
  std::size_t seg = 0;
  double before = 0;  // weight of all segments before `seg`
  for (int r = 1; r < ranks; ++r) {
    const double target = total_weight * r / ranks;
    while (seg < segments.size()) {
      const auto& s = segments[seg];
      const double w = static_cast<double>(s.end - s.begin) * s.weight;
      if (before + w >= target) break;
      before += w;
      ++seg;
    }
    if (seg == segments.size()) {
      first_[static_cast<std::size_t>(r)] = total;
      continue;
    }
    const auto& s = segments[seg];
    const double need = (target - before) / s.weight;
    auto offset = static_cast<AgentId>(std::ceil(need));
    offset = std::min<AgentId>(offset, s.end - s.begin);
    first_[static_cast<std::size_t>(r)] =
        std::max(first_[static_cast<std::size_t>(r) - 1], s.begin + offset);
  }
}

int Partition::owner(AgentId id) const {
  const auto it = std::upper_bound(first_.begin(), first_.end(), id);
  return static_cast<int>(it - first_.begin()) - 1;
}

}  // namespace ketensim::engine
