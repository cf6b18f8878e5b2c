// Philox4x32-10 and RandomStream: every household event and firm review
// creates a stream and draws a few numbers from it.
#include <benchmark/benchmark.h>

#include <array>
#include <cstdint>

#include "model/engine/philox_batch.hpp"
#include "model/engine/rng.hpp"

namespace {

using ketensim::engine::philox4x32_10;
using ketensim::engine::Philox4x32Counter;
using ketensim::engine::RandomStream;

// One 10-round block (4 x 32 random bits).
void BM_PhiloxBlock(benchmark::State& state) {
  Philox4x32Counter ctr{0, 1, 2, 3};
  const std::array<std::uint32_t, 2> key{0x12345678u, 0x9abcdef0u};
  for (auto _ : state) {
    const auto out = philox4x32_10(ctr, key);
    benchmark::DoNotOptimize(out);
    ++ctr[0];
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PhiloxBlock);

// Blocks computed 48 at a time (as for 16 household events): SIMD lanes where
// the CPU has them (state.counters["simd"] = 1), else one by one.
void BM_PhiloxMany(benchmark::State& state) {
  std::array<Philox4x32Counter, 48> ctr{};
  std::array<Philox4x32Counter, 48> out{};
  for (std::uint32_t i = 0; i < ctr.size(); ++i) ctr[i] = {i % 3, 7u << 16 | (i % 3), 1000 + i, 0};
  const std::array<std::uint32_t, 2> key{0x12345678u, 0x9abcdef0u};
  for (auto _ : state) {
    ketensim::engine::philox4x32_10_many(ctr, key, out);
    benchmark::DoNotOptimize(out);
    for (auto& c : ctr) c[2] += 48;
  }
  state.SetItemsProcessed(state.iterations() * 48);
  state.counters["simd"] = ketensim::engine::philox_batch_vectorised() ? 1 : 0;
}
BENCHMARK(BM_PhiloxMany);

// Uniform draws from one long stream (two 32-bit words per draw, a block per two draws).
void BM_StreamUniform(benchmark::State& state) {
  RandomStream rs(20251013, 42, 7, 3);
  for (auto _ : state) benchmark::DoNotOptimize(rs.uniform());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_StreamUniform);

// Weibull draws (uniform + log + pow), as for every scheduled purchase.
void BM_StreamWeibull(benchmark::State& state) {
  RandomStream rs(20251013, 42, 7, 4);
  for (auto _ : state) benchmark::DoNotOptimize(rs.weibull(2.2, 135.0));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_StreamWeibull);

// The per-agent pattern: a fresh stream per (agent, tick, purpose) and its first uniform.
void BM_StreamNewAgentFirstUniform(benchmark::State& state) {
  std::uint64_t agent = 1000;
  for (auto _ : state) {
    RandomStream rs(20251013, agent++, 7, 3);
    benchmark::DoNotOptimize(rs.uniform());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_StreamNewAgentFirstUniform);

}  // namespace
