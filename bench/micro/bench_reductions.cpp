// Exact reductions: fixed-point accumulation of per-agent flows (what every
// phase does into its metric rows) and the allreduce of the month's totals
// (one rank here; the volume per rank is in bench/RESULTS.md).
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "model/engine/fixed_point.hpp"
#include "model/engine/mpi_context.hpp"
#include "model/world/indicators.hpp"

namespace {

using ketensim::engine::Comm;
using ketensim::engine::Euro;

// Converting N doubles to milli-euro and summing them (from_double rounds with llround).
void BM_FixedSumFromDouble(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  std::vector<double> values(n);
  for (std::size_t i = 0; i < n; ++i) values[i] = 1234.5678 + static_cast<double>(i) * 0.001;
  for (auto _ : state) {
    Euro sum;
    for (const double v : values) sum += Euro::from_double(v);
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_FixedSumFromDouble)->Arg(1 << 16);

// Summing N values that are already fixed point (raw 64-bit adds).
void BM_FixedSumRaw(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  std::vector<Euro> values(n);
  for (std::size_t i = 0; i < n; ++i) values[i] = Euro::from_raw(static_cast<std::int64_t>(i) * 7);
  for (auto _ : state) {
    Euro sum;
    for (const Euro v : values) sum += v;
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_FixedSumRaw)->Arg(1 << 16);

// The accounting phase's allreduce: groups x (metrics + 1 + options) 64-bit
// values (6 groups in the NPCE configs), and a large one for comparison.
void BM_AllreduceSum(benchmark::State& state) {
  const Comm comm;
  std::vector<std::int64_t> values(static_cast<std::size_t>(state.range(0)), 1);
  for (auto _ : state) {
    comm.allreduce_sum(values);
    benchmark::DoNotOptimize(values.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetBytesProcessed(state.iterations() * state.range(0) * 8);
}
BENCHMARK(BM_AllreduceSum)->Arg(6 * (ketensim::world::kMetricCount + 1 + 4))->Arg(1 << 16);

}  // namespace
