// Global agent ids and their weighted block partition over ranks. Ids come
// from the config alone; the partition only decides who owns which id range.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace ketensim::engine {

using AgentId = std::uint64_t;

// A contiguous id range whose agents all cost `weight` units of work (finite, >= 0).
struct IdSegment {
  AgentId begin = 0;
  AgentId end = 0;  // exclusive
  double weight = 1.0;
};

// Splits [0, total ids) into `ranks` contiguous blocks of near-equal total weight:
// each block's weight is within one agent's weight of total / ranks. Blocks may be
// empty (more ranks than ids, or heavy agents). If all weights are zero the split
// is by id count.
class Partition {
 public:
  // Segments must tile [0, n) in order. Throws std::invalid_argument otherwise.
  Partition(std::span<const IdSegment> segments, int ranks);

  int ranks() const { return static_cast<int>(first_.size()) - 1; }
  AgentId total_ids() const { return first_.back(); }
  // First id owned by `rank`; ids [first(r), first(r+1)) belong to r.
  AgentId first(int rank) const { return first_[static_cast<std::size_t>(rank)]; }
  AgentId end(int rank) const { return first_[static_cast<std::size_t>(rank) + 1]; }
  // The rank owning `id`; throws std::out_of_range if id >= total_ids().
  int owner(AgentId id) const;

 private:
  std::vector<AgentId> first_;  // ranks + 1 boundaries
};

}  // namespace ketensim::engine
