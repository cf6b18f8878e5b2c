// Exchange round trip on one rank: post N messages, exchange (count and
// payload all-to-all, canonical sort), read the inbox. On one rank the MPI
// part is a memcpy to self, so this measures the engine's own overhead.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "model/engine/exchange.hpp"
#include "model/engine/mpi_context.hpp"
#include "model/engine/partition.hpp"
#include "model/engine/rng.hpp"
#include "model/world/messages.hpp"

namespace {

using ketensim::engine::AgentId;
using ketensim::engine::Comm;
using ketensim::engine::Exchange;
using ketensim::engine::IdSegment;
using ketensim::engine::Partition;
using ketensim::engine::RandomStream;
using ketensim::world::GhostMsg;
using ketensim::world::OrderMsg;

// About the number of company agents in configs/nl-full.yaml.
constexpr AgentId kCompanies = 30000;

// Orders: households (senders in id order) to suppliers drawn at random, as in
// the consumers phase; the canonical sort does real work.
void BM_ExchangeOrders(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const Comm comm;
  const std::vector<IdSegment> segments{{0, kCompanies + n, 1.0}};
  const Partition partition(segments, comm.size());
  Exchange<OrderMsg> exchange(comm, partition);
  std::vector<OrderMsg> msgs(n);
  RandomStream rs(1, 0, 0, 1);
  for (std::size_t i = 0; i < n; ++i)
    msgs[i] = {
        rs.below(kCompanies), kCompanies + i, static_cast<std::uint32_t>(i % 6), 0, 10.0, 0, 0, 0};
  // One untimed round first: the buffers keep their capacity from tick to tick
  // in a run, so the steady state excludes their first-touch page faults.
  for (const auto& m : msgs) exchange.post(m);
  (void)exchange.exchange();
  for (auto _ : state) {
    for (const auto& m : msgs) exchange.post(m);
    const auto inbox = exchange.exchange();
    benchmark::DoNotOptimize(inbox.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetBytesProcessed(state.iterations() * state.range(0) *
                          static_cast<std::int64_t>(sizeof(OrderMsg)));
}
BENCHMARK(BM_ExchangeOrders)
    ->RangeMultiplier(8)
    ->Range(1 << 9, 1 << 21)
    ->Unit(benchmark::kMicrosecond);

// Ghost updates: posted in household id order, so the inbox is already nearly sorted.
void BM_ExchangeGhosts(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const Comm comm;
  const std::vector<IdSegment> segments{{0, n, 1.0}};
  const Partition partition(segments, comm.size());
  Exchange<GhostMsg> exchange(comm, partition);
  std::vector<GhostMsg> msgs(n);
  for (std::size_t i = 0; i < n; ++i) msgs[i] = {i, i, static_cast<std::uint32_t>(i % 6), 1, 3};
  for (const auto& m : msgs) exchange.post_to(comm.rank(), m);  // untimed warm-up round
  (void)exchange.exchange();
  for (auto _ : state) {
    for (const auto& m : msgs) exchange.post_to(comm.rank(), m);
    const auto inbox = exchange.exchange();
    benchmark::DoNotOptimize(inbox.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetBytesProcessed(state.iterations() * state.range(0) *
                          static_cast<std::int64_t>(sizeof(GhostMsg)));
}
BENCHMARK(BM_ExchangeGhosts)
    ->RangeMultiplier(8)
    ->Range(1 << 9, 1 << 21)
    ->Unit(benchmark::kMicrosecond);

}  // namespace
