#include "model/engine/partition.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace ketensim::engine {

namespace {

// Boundaries (ranks + 1) splitting the id range tiled by `segments` into blocks
// of near-equal weight.
std::vector<AgentId> split(std::span<const IdSegment> segments, int ranks) {
  const AgentId begin = segments.empty() ? 0 : segments.front().begin;
  const AgentId total = segments.empty() ? 0 : segments.back().end;
  double total_weight = 0;
  for (const auto& s : segments) total_weight += static_cast<double>(s.end - s.begin) * s.weight;
  // When every agent weighs nothing, split by id count instead (otherwise every
  // target is 0 and the boundary offset would be 0 / 0).
  const bool by_count = !(total_weight > 0);
  const auto weight_of = [by_count](const IdSegment& s) { return by_count ? 1.0 : s.weight; };
  if (by_count) total_weight = static_cast<double>(total - begin);

  std::vector<AgentId> first(static_cast<std::size_t>(ranks) + 1, total);
  first[0] = begin;
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
      first[static_cast<std::size_t>(r)] = total;
      continue;
    }
    // Here before + w >= target > before (target > 0 and the loop stopped at the
    // first segment reaching it), so this segment's weight is positive.
    const auto& s = segments[seg];
    const double need = std::max(0.0, (target - before) / weight_of(s));
    auto offset =
        static_cast<AgentId>(std::min(std::ceil(need), static_cast<double>(s.end - s.begin)));
    first[static_cast<std::size_t>(r)] =
        std::max(first[static_cast<std::size_t>(r) - 1], s.begin + offset);
  }
  return first;
}

}  // namespace

Partition::Partition(std::span<const IdSegment> segments, int ranks,
                     std::span<const AgentId> class_starts)
    : ranks_(ranks) {
  if (ranks < 1) throw std::invalid_argument("partition needs at least one rank");
  AgentId total = 0;
  for (const auto& s : segments) {
    if (s.begin != total || s.end < s.begin)
      throw std::invalid_argument("id segments must be contiguous and start at 0");
    // A negative or non-finite weight would make the cumulative weight
    // non-monotonic and the boundaries meaningless (NaN cast to an id is UB).
    if (!(s.weight >= 0) || !std::isfinite(s.weight))
      throw std::invalid_argument("id segment weight must be finite and >= 0, got " +
                                  std::to_string(s.weight));
    total = s.end;
  }
  class_begin_.push_back(0);
  for (const AgentId c : class_starts) {
    const bool boundary = std::any_of(segments.begin(), segments.end(),
                                      [c](const IdSegment& s) { return s.begin == c; });
    if (c <= class_begin_.back() || c >= total || !boundary)
      throw std::invalid_argument("class start " + std::to_string(c) +
                                  " must be an increasing segment boundary inside (0, " +
                                  std::to_string(total) + ")");
    class_begin_.push_back(c);
  }
  class_begin_.push_back(total);
  std::size_t seg = 0;
  for (std::size_t c = 0; c + 1 < class_begin_.size(); ++c) {
    // The class's segments (a class start is a segment boundary, so they tile it).
    const std::size_t from = seg;
    while (seg < segments.size() && segments[seg].begin < class_begin_[c + 1]) ++seg;
    const auto bounds = split(segments.subspan(from, seg - from), ranks);
    bounds_.insert(bounds_.end(), bounds.begin(), bounds.end());
  }
}

int Partition::class_of(AgentId id) const {
  if (id >= total_ids())
    throw std::out_of_range("agent id " + std::to_string(id) + " outside [0, " +
                            std::to_string(total_ids()) + ")");
  return static_cast<int>(std::upper_bound(class_begin_.begin(), class_begin_.end(), id) -
                          class_begin_.begin()) -
         1;
}

int Partition::owner(AgentId id) const {
  const int cls = class_of(id);
  // The last rank whose first id is <= id; empty ranks (first(r) == end(r)) are
  // skipped because upper_bound passes over equal boundaries.
  const auto begin = bounds_.begin() + static_cast<std::ptrdiff_t>(index(0, cls));
  const auto it = std::upper_bound(begin, begin + ranks_ + 1, id);
  return static_cast<int>(it - begin) - 1;
}

}  // namespace ketensim::engine
