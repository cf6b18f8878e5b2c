// MPI tests of the diffusion model's set-up and ticks (run at 1 and 3 ranks):
// the Watts-Strogatz network is a simple undirected graph whatever the rank
// layout, and every rank's households, neighbours and adoptions are exactly
// those of the same model built by one process alone (MPI_COMM_SELF).
#include <gtest/gtest.h>
#include <mpi.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <set>
#include <utility>
#include <vector>

#include "agents/diffusion.hpp"
#include "model/engine/mpi_context.hpp"
#include "model/engine/rng.hpp"
#include "model/world/diffusion.hpp"

namespace ketensim::world {
namespace {

using engine::AgentId;

DiffusionParams network_params(std::uint64_t households, double rewiring) {
  DiffusionParams p;
  p.name = "test";
  p.seed = 20251013;
  p.households = households;
  p.global_mixing = false;
  p.degree = 10;
  p.rewiring = rewiring;
  p.ticks = 80;
  return p;
}

// Every (household, neighbour) pair of the model, from all ranks, sorted.
std::vector<std::pair<std::uint64_t, std::uint64_t>> all_edges(const DiffusionModel& m,
                                                               const engine::Comm& comm) {
  std::vector<std::uint64_t> mine;
  for (std::size_t i = 0; i < m.local_households(); ++i)
    for (const AgentId v : m.neighbours(i)) {
      mine.push_back(m.first_household() + i);
      mine.push_back(v);
    }
  std::vector<std::uint8_t> bytes(mine.size() * sizeof(std::uint64_t));
  if (!bytes.empty()) std::memcpy(bytes.data(), mine.data(), bytes.size());
  const auto all = comm.allgather_bytes(bytes);
  std::vector<std::pair<std::uint64_t, std::uint64_t>> edges(all.size() / 16);
  for (std::size_t e = 0; e < edges.size(); ++e) {
    std::memcpy(&edges[e].first, all.data() + 16 * e, 8);
    std::memcpy(&edges[e].second, all.data() + 16 * e + 8, 8);
  }
  std::sort(edges.begin(), edges.end());
  return edges;
}

TEST(DiffusionNetwork, IsASimpleUndirectedSmallWorldGraph) {
  const engine::Comm world;
  for (const double rewiring : {0.0, 0.1, 1.0}) {
    const std::uint64_t n = 3001;
    DiffusionModel m(network_params(n, rewiring), world);
    m.setup();
    const auto edges = all_edges(m, world);
    std::set<std::pair<std::uint64_t, std::uint64_t>> unique(edges.begin(), edges.end());
    EXPECT_EQ(unique.size(), edges.size()) << "duplicate edges, rewiring " << rewiring;
    std::vector<int> degree(n, 0);
    for (const auto& [u, v] : edges) {
      EXPECT_NE(u, v) << "self-loop";
      EXPECT_TRUE(unique.count({v, u})) << "edge " << u << "-" << v << " has no reverse";
      ++degree[u];
    }
    // Each household draws 5 edges: 2 x 5 x n ends, less the rare duplicates.
    const double mean = static_cast<double>(edges.size()) / static_cast<double>(n);
    EXPECT_LE(mean, 10.0);
    EXPECT_GE(mean, 9.9) << "rewiring " << rewiring;
    EXPECT_GE(*std::min_element(degree.begin(), degree.end()), 1);
    if (rewiring == 0.0) {  // the plain ring lattice: u +- 1..5
      for (const auto& [u, v] : edges) {
        const std::uint64_t d = u > v ? u - v : v - u;
        EXPECT_TRUE(std::min(d, n - d) <= 5) << u << "-" << v;
      }
    }
  }
}

// The Watts-Strogatz construction written out plainly (every drawn edge into
// one set, both directions), from the same random draws as the model: the
// model's rows, built in pieces on every rank and stored as varint offsets,
// must hold exactly these edges, also on rings shorter than the degree and
// with edges that wrap around the ring.
std::set<std::pair<std::uint64_t, std::uint64_t>> reference_edges(const DiffusionParams& p) {
  std::set<std::pair<std::uint64_t, std::uint64_t>> edges;
  const std::uint64_t n = p.households;
  for (std::uint64_t u = 0; u < n; ++u) {
    engine::RandomStream rs(p.seed, u, 0, agents::diffusion::purpose::kNetwork);
    for (std::uint32_t j = 1; j <= p.degree / 2; ++j) {
      std::uint64_t v = (u + j) % n;
      if (rs.uniform() < p.rewiring) {
        v = (u + 1) % n;  // the fallback after 64 self-draws
        for (int tries = 0; tries < 64; ++tries) {
          const std::uint64_t w = rs.below(n);
          if (w != u) {
            v = w;
            break;
          }
        }
      }
      if (v == u) continue;
      edges.insert({u, v});
      edges.insert({v, u});
    }
  }
  return edges;
}

TEST(DiffusionNetwork, RowsHoldExactlyTheDrawnEdges) {
  const engine::Comm world;
  for (const std::uint64_t n : {3u, 5u, 12u, 997u}) {
    for (const double rewiring : {0.0, 0.3, 1.0}) {
      const auto p = network_params(n, rewiring);
      DiffusionModel m(p, world);
      m.setup();
      const auto edges = all_edges(m, world);
      const auto expected = reference_edges(p);
      const std::set<std::pair<std::uint64_t, std::uint64_t>> got(edges.begin(), edges.end());
      ASSERT_EQ(got, expected) << n << " households, rewiring " << rewiring;
      ASSERT_EQ(edges.size(), expected.size()) << "a row lists a neighbour twice";
      std::size_t entries = m.local_edge_entries();
      EXPECT_GE(m.local_row_bytes(), entries);  // at least one byte per neighbour
      entries = static_cast<std::size_t>(world.allreduce_sum(static_cast<std::int64_t>(entries)));
      EXPECT_EQ(entries, expected.size());
    }
  }
}

// The same model on all ranks and in this process alone must agree household
// by household, tick by tick (ghost copies updated by messages only).
void expect_same_as_alone(const DiffusionParams& p) {
  const engine::Comm world;
  const engine::Comm alone(MPI_COMM_SELF);
  DiffusionModel split(p, world);
  DiffusionModel whole(p, alone);
  split.setup();
  whole.setup();
  const std::size_t first = split.first_household();
  for (std::size_t i = 0; i < split.local_households(); ++i)
    ASSERT_EQ(split.neighbours(i), whole.neighbours(first + i)) << "household " << first + i;
  for (engine::Tick t = 0; t < p.ticks && !split.finished(); ++t) {
    split.run_tick(t);
    whole.run_tick(t);
    ASSERT_EQ(split.totals().adopted, whole.totals().adopted) << "tick " << t;
    ASSERT_EQ(split.totals().new_adopters, whole.totals().new_adopters) << "tick " << t;
    ASSERT_EQ(split.totals().exposure_sum, whole.totals().exposure_sum) << "tick " << t;
    for (std::size_t i = 0; i < split.local_households(); ++i)
      ASSERT_EQ(split.adopted(i), whole.adopted(first + i)) << "household " << first + i;
  }
  EXPECT_EQ(split.finished(), whole.finished());
  EXPECT_GT(split.totals().adopted, 0);
}

TEST(DiffusionModel, NetworkBassOnAllRanksEqualsOneProcess) {
  expect_same_as_alone(network_params(4000, 0.1));
}

TEST(DiffusionModel, NetworkThresholdCascadeOnAllRanksEqualsOneProcess) {
  auto p = network_params(4000, 0.2);
  p.threshold_rule = true;
  p.normal_thresholds = true;
  p.threshold_mean = 0.25;
  p.threshold_sd = 0.2;
  p.initial_adopters_share = 0.02;
  expect_same_as_alone(p);
}

TEST(DiffusionModel, GlobalBassWithInitialAdoptersOnAllRanksEqualsOneProcess) {
  auto p = network_params(5000, 0.1);
  p.global_mixing = true;
  p.initial_adopters_share = 0.05;
  expect_same_as_alone(p);
}

TEST(DiffusionModel, ThresholdRuleStopsWhenStable) {
  const engine::Comm world;
  auto p = network_params(100, 0.1);
  p.global_mixing = true;
  p.threshold_rule = true;
  p.threshold_overrides = {{1, 0.02}};
  p.ticks = 1000;
  DiffusionModel m(p, world);
  m.setup();
  engine::Tick t = 0;
  while (t < p.ticks && !m.finished()) m.run_tick(t++);
  EXPECT_EQ(t, 2u);  // tick 1: household 0 adopts; tick 2: nobody does
  EXPECT_EQ(m.totals().adopted, 1);
  EXPECT_EQ(diffusion_timeseries_row(p, m.totals()),
            "2,0.166667,1,0.01000000,0,0.01000000,0.00000000\n");
}

}  // namespace
}  // namespace ketensim::world
