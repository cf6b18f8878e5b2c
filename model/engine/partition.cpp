#include "model/engine/partition.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace ketensim::engine {

Partition::Partition(std::span<const IdSegment> segments, int ranks) {
  if (ranks < 1) throw std::invalid_argument("partition needs at least one rank");
  AgentId total = 0;
  double total_weight = 0;
  for (const auto& s : segments) {
    if (s.begin != total || s.end < s.begin)
      throw std::invalid_argument("id segments must be contiguous and start at 0");
    // A negative or non-finite weight would make the cumulative weight
    // non-monotonic and the boundaries meaningless (NaN cast to an id is UB).
    if (!(s.weight >= 0) || !std::isfinite(s.weight))
      throw std::invalid_argument("id segment weight must be finite and >= 0, got " +
                                  std::to_string(s.weight));
    total = s.end;
    total_weight += static_cast<double>(s.end - s.begin) * s.weight;
  }
  // When every agent weighs nothing, split by id count instead (otherwise every
  // target is 0 and the boundary offset would be 0 / 0).
  const bool by_count = !(total_weight > 0);
  const auto weight_of = [by_count](const IdSegment& s) { return by_count ? 1.0 : s.weight; };
  if (by_count) total_weight = static_cast<double>(total);

  first_.assign(static_cast<std::size_t>(ranks) + 1, total);
  first_[0] = 0;
  // Boundary r is the first id at which the cumulative weight reaches r/ranks of the total.
  std::size_t seg = 0;
  double before = 0;  // weight of all segments before `seg`
  for (int r = 1; r < ranks; ++r) {
    const double target = total_weight * r / ranks;
    while (seg < segments.size()) {
      const auto& s = segments[seg];
      const double w = static_cast<double>(s.end - s.begin) * weight_of(s);
      if (before + w >= target) break;
      before += w;
      ++seg;
    }
    if (seg == segments.size()) {
      first_[static_cast<std::size_t>(r)] = total;
      continue;
    }
    // Here before + w >= target > before (target > 0 and the loop stopped at the
    // first segment reaching it), so this segment's weight is positive.
    const auto& s = segments[seg];
    const double need = std::max(0.0, (target - before) / weight_of(s));
    auto offset =
        static_cast<AgentId>(std::min(std::ceil(need), static_cast<double>(s.end - s.begin)));
    first_[static_cast<std::size_t>(r)] =
        std::max(first_[static_cast<std::size_t>(r) - 1], s.begin + offset);
  }
}

int Partition::owner(AgentId id) const {
  if (id >= total_ids())
    throw std::out_of_range("agent id " + std::to_string(id) + " outside [0, " +
                            std::to_string(total_ids()) + ")");
  // The last rank whose first id is <= id; empty ranks (first(r) == end(r)) are
  // skipped because upper_bound passes over equal boundaries.
  const auto it = std::upper_bound(first_.begin(), first_.end(), id);
  return static_cast<int>(it - first_.begin()) - 1;
}

}  // namespace ketensim::engine
