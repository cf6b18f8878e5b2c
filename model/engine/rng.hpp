// Counter-based random numbers (Philox4x32-10, Salmon et al. 2011, SC'11):
// a draw is a pure function of (seed, agent id, tick, purpose, index), so results
// never depend on the rank layout and no generator state needs checkpointing.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <numbers>

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
class RandomStream {
 public:
  RandomStream(std::uint64_t seed, std::uint64_t agent_id, std::uint32_t tick, Purpose purpose)
      : key_{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)},
        ctr_{0u, (tick << 16) | purpose, static_cast<std::uint32_t>(agent_id),
             static_cast<std::uint32_t>(agent_id >> 32)} {}

  std::uint32_t next_u32() {
    if (used_ == 4) refill();
    return block_[used_++];
  }

  std::uint64_t next_u64() {
    const std::uint64_t hi = next_u32();
    return (hi << 32) | next_u32();
  }

  // Uniform on the open interval (0, 1), 53 random bits.
  double uniform() {
    const std::uint64_t bits = next_u64() >> 11;
    return (static_cast<double>(bits) + 0.5) * 0x1.0p-53;
  }

  // Uniform integer in [0, n) without modulo bias worth caring about (n << 2^64).
  std::uint64_t below(std::uint64_t n) {
    return static_cast<std::uint64_t>(uniform() * static_cast<double>(n)) % n;
  }

  bool bernoulli(double p) { return uniform() < p; }

  // Standard normal by Box-Muller (uses two uniforms per draw; no cached state).
  double normal() {
    const double u1 = uniform();
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
  }

  double normal(double mean, double sd) { return mean + sd * normal(); }

  // Normal(mean, sd) truncated to [lo, hi] by rejection (falls back to clamping
  // after 64 tries so the cost stays bounded).
  double truncated_normal(double mean, double sd, double lo, double hi) {
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
  void refill() {
    block_ = philox4x32_10(ctr_, key_);
    ++ctr_[0];
    used_ = 0;
  }

  Philox4x32Key key_;
  Philox4x32Counter ctr_;
  Philox4x32Counter block_{};
  std::size_t used_ = 4;
};

}  // namespace ketensim::engine
