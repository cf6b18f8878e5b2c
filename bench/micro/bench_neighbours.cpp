// The neighbour scan of the consumers phase (Simulation::social_shares), on a
// Watts-Strogatz network laid out as in Simulation::build_network (CSR over
// local households, ring of k = 10 plus 10 % rewired edges, 32-byte
// households). The profile (bench/RESULTS.md) puts most of the household
// rank's time here, in cache misses: a tick's due events come in random
// household order. These variants measure the proposed remedies:
//   RandomOrder  -- as now: events in the order they were scheduled;
//   SortedOrder  -- the tick's bucket sorted first (sort included in the time);
//   SortedSoA    -- sorted, and the last choices kept apart from the
//                   households (8 bytes per household instead of 32).
// Sorting cannot change results: every draw is keyed by (agent, tick,
// purpose), and neighbours' choices change only in the social phase.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <vector>

#include "agents/household.hpp"
#include "model/engine/rng.hpp"

namespace {

using ketensim::agents::Household;
using ketensim::agents::kMaxGroups;
using ketensim::engine::RandomStream;

constexpr int kGroups = 6;
constexpr double kDueShare = 0.22;  // due events per household per tick in nl-10pct (178k / 820k)

struct Network {
  std::vector<Household> households;
  std::vector<std::uint8_t> last_choice;  // [household * kMaxGroups + group], the SoA variant
  std::vector<std::uint32_t> edge_begin;
  std::vector<std::uint32_t> edges;
  std::vector<std::uint32_t> bucket;  // local * kMaxGroups + group, in scheduling (random) order
};

// Built once per size and kept for the variants that follow.
const Network& network(std::size_t n) {
  static std::map<std::size_t, Network> cache;
  const auto found = cache.find(n);
  if (found != cache.end()) return found->second;
  Network& net = cache[n];
  net.households.resize(n);
  net.last_choice.resize(n * kMaxGroups);
  for (std::size_t i = 0; i < n; ++i) {
    RandomStream rs(1, i, 0, 1);
    for (int g = 0; g < kGroups; ++g) {
      const auto c = static_cast<std::uint8_t>(rs.below(4));
      net.households[i].last_choice[static_cast<std::size_t>(g)] = c;
      net.last_choice[i * kMaxGroups + static_cast<std::size_t>(g)] = c;
    }
  }
  net.edge_begin.assign(n + 1, 0);
  for (std::size_t i = 0; i < n; ++i) {
    RandomStream rs(1, i, 0, 2);
    for (std::size_t j = 1; j <= 5; ++j) {
      for (int side = 0; side < 2; ++side) {
        std::size_t target = side == 0 ? (i + j) % n : (i + n - j) % n;
        if (rs.uniform() < 0.1) target = rs.below(n);
        net.edges.push_back(static_cast<std::uint32_t>(target));
      }
    }
    net.edge_begin[i + 1] = static_cast<std::uint32_t>(net.edges.size());
  }
  // One tick's due events: a share of (household, group) pairs, shuffled.
  RandomStream rs(1, 0, 0, 3);
  for (std::size_t i = 0; i < n; ++i)
    for (int g = 0; g < kGroups; ++g)
      if (rs.uniform() < kDueShare / kGroups)
        net.bucket.push_back(
            static_cast<std::uint32_t>(i * kMaxGroups + static_cast<std::size_t>(g)));
  for (std::size_t i = net.bucket.size(); i > 1; --i)
    std::swap(net.bucket[i - 1], net.bucket[rs.below(i)]);
  return net;
}

template <bool kSoA>
std::array<int, 4> scan(const Network& net, std::uint32_t entry) {
  const std::uint32_t local = entry / kMaxGroups;
  const std::uint32_t g = entry % kMaxGroups;
  std::array<int, 4> count{};
  for (std::uint32_t k = net.edge_begin[local]; k < net.edge_begin[local + 1]; ++k) {
    const std::uint32_t v = net.edges[k];
    const std::uint8_t c =
        kSoA ? net.last_choice[std::size_t{v} * kMaxGroups + g] : net.households[v].last_choice[g];
    ++count[c];
  }
  return count;
}

template <bool kSort, bool kSoA>
void neighbour_scan(benchmark::State& state) {
  const Network& net = network(static_cast<std::size_t>(state.range(0)));
  std::vector<std::uint32_t> bucket;
  for (auto _ : state) {
    bucket = net.bucket;  // the tick's bucket, as filled by schedule()
    if (kSort) std::sort(bucket.begin(), bucket.end());
    int total = 0;
    for (const std::uint32_t entry : bucket) {
      const auto count = scan<kSoA>(net, entry);
      total += count[1] + 2 * count[2] + 3 * count[3];
    }
    benchmark::DoNotOptimize(total);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(net.bucket.size()));
}

void BM_NeighbourScanRandomOrder(benchmark::State& state) {
  neighbour_scan<false, false>(state);
}
void BM_NeighbourScanSortedOrder(benchmark::State& state) {
  neighbour_scan<true, false>(state);
}
void BM_NeighbourScanSortedSoA(benchmark::State& state) {
  neighbour_scan<true, true>(state);
}

// Households on one rank: nl-10pct on 1 rank, nl-full split over 2 ranks.
BENCHMARK(BM_NeighbourScanRandomOrder)->Arg(820000)->Arg(4100000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_NeighbourScanSortedOrder)->Arg(820000)->Arg(4100000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_NeighbourScanSortedSoA)->Arg(820000)->Arg(4100000)->Unit(benchmark::kMillisecond);

}  // namespace
