// Many Philox4x32-10 blocks at once, in SIMD lanes where the CPU has them (AVX2,
// chosen at run time so the build stays portable). Each block is exactly
// philox4x32_10(ctr, key): a batch only changes how fast the bits come.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "model/engine/rng.hpp"

namespace ketensim::engine {

// out[i] = philox4x32_10(ctr[i], key) for every i; out.size() must equal ctr.size().
void philox4x32_10_many(std::span<const Philox4x32Counter> ctr, Philox4x32Key key,
                        std::span<Philox4x32Counter> out);

// The same with one lane at a time (what philox4x32_10_many falls back to).
void philox4x32_10_many_scalar(std::span<const Philox4x32Counter> ctr, Philox4x32Key key,
                               std::span<Philox4x32Counter> out);

// Whether philox4x32_10_many uses SIMD lanes on this CPU.
bool philox_batch_vectorised();

// The streams of consecutive agents for one (seed, tick, purpose), each with its
// first `ahead` blocks computed in one batch: for loops that draw a few numbers
// for every agent of a range (set-up). stream(i) draws exactly what
// RandomStream(seed, first + i, tick, purpose) draws.
class StreamBatch {
 public:
  StreamBatch(std::uint64_t seed, std::uint32_t tick, Purpose purpose, std::uint32_t ahead);

  // Computes the blocks of agents first, first + 1, ..., first + count - 1.
  void fill(std::uint64_t first, std::size_t count);

  // Computes the blocks of the agents ids[0], ids[1], ... (any ids, in any order).
  void fill(std::span<const std::uint64_t> ids);

  // The stream of agent first + i, or ids[i] (i < count of the last fill); it reads
  // this batch's blocks, so it must not be used after the next fill().
  RandomStream stream(std::size_t i) const {
    return RandomStream(seed_, id(i), tick_, purpose_, &blocks_[i * ahead_], ahead_);
  }

 private:
  std::uint64_t id(std::size_t i) const { return ids_.empty() ? first_ + i : ids_[i]; }
  // Computes the blocks of the last fill's `count` agents.
  void compute(std::size_t count);

  std::uint64_t seed_;
  std::uint32_t tick_;
  Purpose purpose_;
  std::uint32_t ahead_;
  std::uint64_t first_ = 0;
  std::vector<std::uint64_t> ids_;  // the last fill's ids; empty after fill(first, count)
  std::vector<Philox4x32Counter> counters_;
  std::vector<Philox4x32Counter> blocks_;
};

}  // namespace ketensim::engine
