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
//
// With classes (ids at which a new class of agents starts, e.g. companies and
// households), each class is split on its own, so every rank owns one block of
// every class: work that only one class does in a phase is then spread over all
// ranks too.
class Partition {
 public:
  // Segments must tile [0, n) in order; class starts must be segment boundaries
  // inside (0, n), increasing. Throws std::invalid_argument otherwise.
  Partition(std::span<const IdSegment> segments, int ranks,
            std::span<const AgentId> class_starts = {});

  int ranks() const { return ranks_; }
  int classes() const { return static_cast<int>(class_begin_.size()) - 1; }
  AgentId total_ids() const { return class_begin_.back(); }
  // The block of class `cls` owned by `rank`: ids [first(r, c), end(r, c)).
  AgentId first(int rank, int cls = 0) const { return bounds_[index(rank, cls)]; }
  AgentId end(int rank, int cls = 0) const { return bounds_[index(rank, cls) + 1]; }
  // The rank owning `id`; throws std::out_of_range if id >= total_ids().
  int owner(AgentId id) const;
  // The class of `id`; throws std::out_of_range if id >= total_ids().
  int class_of(AgentId id) const;

 private:
  std::size_t index(int rank, int cls) const {
    return static_cast<std::size_t>(cls) * (static_cast<std::size_t>(ranks_) + 1) +
           static_cast<std::size_t>(rank);
  }

  int ranks_ = 0;
  std::vector<AgentId> class_begin_;  // classes + 1 entries, the last = total ids
  std::vector<AgentId> bounds_;       // per class: ranks + 1 block boundaries
};

}  // namespace ketensim::engine
