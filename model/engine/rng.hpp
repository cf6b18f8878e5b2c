// Counter-based random numbers (Philox4x32-10, Salmon et al. 2011, SC'11):
// a draw is a pure function of (seed, agent id, tick, purpose, index), so results
// never depend on the rank layout and no generator state needs checkpointing.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <stdexcept>

namespace ketensim::engine {

using Philox4x32Counter = std::array<std::uint32_t, 4>;
using Philox4x32Key = std::array<std::uint32_t, 2>;

// One Philox4x32 block with 10 rounds.
constexpr Philox4x32Counter philox4x32_10(Philox4x32Counter ctr, Philox4x32Key key) {
  constexpr std::uint32_t kMul0 = 0xD2511F53u;
  constexpr std::uint32_t kMul1 = 0xCD9E8D57u;
  constexpr std::uint32_t kWeyl0 = 0x9E3779B9u;
  constexpr std::uint32_t kWeyl1 = 0xBB67AE85u;
  for (int round = 0; round < 10; ++round) {
    const std::uint64_t p0 = std::uint64_t{kMul0} * ctr[0];
    const std::uint64_t p1 = std::uint64_t{kMul1} * ctr[2];
    const auto hi0 = static_cast<std::uint32_t>(p0 >> 32);
    const auto lo0 = static_cast<std::uint32_t>(p0);
    const auto hi1 = static_cast<std::uint32_t>(p1 >> 32);
    const auto lo1 = static_cast<std::uint32_t>(p1);
    ctr = {hi1 ^ ctr[1] ^ key[0], lo1, hi0 ^ ctr[3] ^ key[1], lo0};
    key = {key[0] + kWeyl0, key[1] + kWeyl1};
  }
  return ctr;
}

// Why a draw is made; part of the counter so that streams for different
// purposes of the same agent in the same tick never overlap.
using Purpose = std::uint16_t;

// A short stream of draws for one (agent, tick, purpose). Cheap to create on the
// stack; holds no heap memory.
//
// Layout: key = seed (64 bits); counter = {block index, tick << 16 | purpose,
// agent id low, agent id high}. The tick therefore has 16 bits: larger ticks would
// silently collide with small ones (tick 65536 == tick 0), so they are refused.
class RandomStream {
 public:
  // Largest tick a stream can be keyed by (5461 years of monthly ticks).
  static constexpr std::uint32_t kMaxTick = 0xFFFFu;

  RandomStream(std::uint64_t seed, std::uint64_t agent_id, std::uint32_t tick, Purpose purpose)
      : key_(key(seed)), ctr_(counter(agent_id, tick, purpose, 0)) {}

  // The same stream, with its first `ahead` blocks computed beforehand (for a
  // batch of streams at once, philox4x32_10_many): block b must be
  // philox4x32_10(counter(agent_id, tick, purpose, b), key(seed)). Later blocks
  // are computed as usual. `blocks` must outlive the stream's draws.
  RandomStream(std::uint64_t seed, std::uint64_t agent_id, std::uint32_t tick, Purpose purpose,
               const Philox4x32Counter* blocks, std::uint32_t ahead)
      : RandomStream(seed, agent_id, tick, purpose) {
    ahead_ = blocks;
    ahead_left_ = ahead;
    if (ahead_left_ > 0) take_ahead();  // the first block at once, without a refill call
  }

  // The Philox key and counters of the stream for (seed, agent, tick, purpose).
  static constexpr Philox4x32Key key(std::uint64_t seed) {
    return {static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)};
  }
  static constexpr Philox4x32Counter counter(std::uint64_t agent_id, std::uint32_t tick,
                                             Purpose purpose, std::uint32_t block) {
    if (tick > kMaxTick) throw std::out_of_range("RandomStream: tick above 65535");
    return {block, (tick << 16) | purpose, static_cast<std::uint32_t>(agent_id),
            static_cast<std::uint32_t>(agent_id >> 32)};
  }

  std::uint32_t next_u32() {
    if (used_ == 4) {
      if (ahead_left_ > 0)
        take_ahead();
      else
        refill();
    }
    return block_[used_++];
  }

  [[gnu::always_inline]] std::uint64_t next_u64() {
    // The same two words as two next_u32() calls; one bounds check when both are
    // in the block (the usual case), which is inlined into the draws.
    if (used_ <= 2) [[likely]] {
      const std::uint64_t hi = block_[used_];
      const std::uint64_t lo = block_[used_ + 1];
      used_ += 2;
      return (hi << 32) | lo;
    }
    return next_u64_across();
  }

  // Maps 64 random bits to the open interval (0, 1): the top 52 bits give the
  // midpoints k + 1/2 of 2^52 equal cells, all exactly representable, so the
  // result lies in [2^-53, 1 - 2^-53]. (With 53 bits, k + 1/2 needs 54 bits of
  // mantissa and the top cell rounds to exactly 1.0.)
  static constexpr double open_unit(std::uint64_t bits) {
    return (static_cast<double>(bits >> 12) + 0.5) * 0x1.0p-52;
  }

  // Uniform on the open interval (0, 1), 52 random bits.
  [[gnu::always_inline]] double uniform() { return open_unit(next_u64()); }

  // Uniform integer in [0, n), exactly unbiased for every n >= 1: 64-bit draws
  // below 2^64 mod n are rejected so the rest split evenly into n residues.
  std::uint64_t below(std::uint64_t n) {
    if (n == 0) throw std::invalid_argument("RandomStream::below(0)");
    const std::uint64_t reject_under = (std::uint64_t{0} - n) % n;  // 2^64 mod n
    for (;;) {
      const std::uint64_t x = next_u64();
      if (x >= reject_under) return x % n;
    }
  }

  bool bernoulli(double p) { return uniform() < p; }

  // Standard normal by Box-Muller (uses two uniforms per draw; no cached state).
  double normal() {
    const double u1 = uniform();
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
  }

  double normal(double mean, double sd) { return mean + sd * normal(); }

  // Normal(mean, sd) truncated to [lo, hi] by rejection. After 64 misses it
  // returns the mean clamped to [lo, hi] so the cost stays bounded; with mass p
  // inside [lo, hi] that happens with probability (1 - p)^64, negligible for
  // p > 0.25 but not for windows far in a tail. Requires lo <= hi.
  double truncated_normal(double mean, double sd, double lo, double hi) {
    if (!(lo <= hi)) throw std::invalid_argument("truncated_normal: needs lo <= hi");
    for (int i = 0; i < 64; ++i) {
      const double x = normal(mean, sd);
      if (x >= lo && x <= hi) return x;
    }
    return mean < lo ? lo : (mean > hi ? hi : mean);
  }

  // Weibull with shape k and scale lambda.
  double weibull(double shape, double scale) {
    return scale * std::pow(-std::log(uniform()), 1.0 / shape);
  }

 private:
  // next_u64() where the two words are not both in the block (out of line).
  [[gnu::noinline]] std::uint64_t next_u64_across() {
    const std::uint64_t hi = next_u32();
    return (hi << 32) | next_u32();
  }
  // The next block from those computed beforehand (inline: it is a copy).
  void take_ahead() {
    block_ = *ahead_++;
    --ahead_left_;
    ++ctr_[0];
    used_ = 0;
  }
  // The next block computed here. Out of line: ten Philox rounds would keep the
  // draws above from inlining.
  [[gnu::noinline]] void refill() {
    block_ = philox4x32_10(ctr_, key_);
    ++ctr_[0];
    used_ = 0;
  }

  Philox4x32Key key_;
  Philox4x32Counter ctr_;
  Philox4x32Counter block_{};
  std::size_t used_ = 4;                      // words of block_ already handed out
  const Philox4x32Counter* ahead_ = nullptr;  // blocks computed beforehand, next first
  std::uint32_t ahead_left_ = 0;
};

}  // namespace ketensim::engine
