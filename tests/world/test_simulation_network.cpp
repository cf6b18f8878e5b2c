// MPI test of the main model's household network (run at 1, 2 and 3 ranks): the
// compact rows (ring window plus exceptions) hold exactly the Watts-Strogatz
// neighbours drawn by the documented rule, for every household of every rank,
// block ends and rewired edges included. The expected rows are drawn here from
// the rule itself (ring +-j, rewired with probability beta to a uniform other
// household, from the household's kNetwork stream), not from the model's code.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "agents/types.hpp"
#include "model/engine/mpi_context.hpp"
#include "model/engine/rng.hpp"
#include "model/io/config_loader.hpp"
#include "model/world/params.hpp"
#include "model/world/simulation.hpp"

namespace ketensim::world {
namespace {

using engine::AgentId;

std::vector<AgentId> drawn_neighbours(const Params& p, const IdLayout& ids, std::uint64_t hi) {
  const std::uint64_t n = p.households;
  const std::uint32_t half = p.degree / 2;
  engine::RandomStream rs(p.seed, ids.households_begin + hi, 0, agents::purpose::kNetwork);
  std::vector<AgentId> out;
  for (std::uint32_t j = 1; j <= half; ++j)
    for (int side = 0; side < 2; ++side) {
      std::uint64_t target = side == 0 ? (hi + j) % n : (hi + n - j) % n;
      if (rs.uniform() < p.rewiring) {
        target = rs.below(n);
        if (target == hi) target = (hi + 1) % n;
      }
      out.push_back(ids.households_begin + target);
    }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(SimulationNetwork, RowsHoldExactlyTheDrawnNeighbours) {
  const engine::Comm comm;
  // Small populations so that block ends are a large part; rewiring none, some, all.
  for (const std::string rewiring : {"0", "0.1", "1"}) {
    for (const std::string households : {"97", "1000"}) {
      const auto scenario = io::load_scenario(
          std::string(KETENSIM_SOURCE_DIR) + "/configs/laptop.yaml",
          {"households.count=" + households, "households.network.rewiring=" + rewiring});
      const Params p = resolve(scenario);
      const IdLayout ids(p);
      Simulation sim(p, comm);
      sim.setup();
      std::uint64_t checked = 0;
      for (std::uint32_t i = 0; i < sim.local_households(); ++i) {
        auto got = sim.neighbour_ids(i);
        std::sort(got.begin(), got.end());
        const std::uint64_t hi = sim.first_household() - ids.households_begin + i;
        ASSERT_EQ(got, drawn_neighbours(p, ids, hi))
            << "household " << hi << " of " << households << ", rewiring " << rewiring;
        ++checked;
      }
      EXPECT_EQ(comm.allreduce_sum(static_cast<std::int64_t>(checked)),
                static_cast<std::int64_t>(p.households));
    }
  }
}

// The counts a household event uses (neighbour_counts: the ring window, by a 16-byte
// vector load where half <= 7, plus exceptions) equal the choices of its neighbours
// as listed by neighbour_ids, read from every household's record gathered from all
// ranks. Degrees 2 to 20 cover the vector path, its widest window and the scalar one.
TEST(SimulationNetwork, NeighbourCountsEqualTheNeighboursChoices) {
  const engine::Comm comm;
  for (const std::string degree : {"2", "10", "14", "16", "20"}) {
    const auto scenario =
        io::load_scenario(std::string(KETENSIM_SOURCE_DIR) + "/configs/laptop.yaml",
                          {"households.count=1000", "households.network.rewiring=0.2",
                           "households.network.degree=" + degree});
    const Params p = resolve(scenario);
    const IdLayout ids(p);
    Simulation sim(p, comm);
    sim.setup();
    const std::size_t groups = p.groups.size();
    // Every household's (choice, eol) per group, in global order (ranks own blocks
    // of consecutive households, in rank order).
    std::vector<std::uint8_t> mine;
    for (std::uint32_t i = 0; i < sim.local_households(); ++i)
      for (std::size_t g = 0; g < groups; ++g) {
        const auto [choice, eol] = sim.last_choices(i, static_cast<int>(g));
        mine.push_back(choice);
        mine.push_back(eol);
      }
    const auto all = comm.allgather_bytes(mine);
    ASSERT_EQ(all.size(), p.households * groups * 2);
    std::array<std::uint64_t, 2> seen_choices{};
    for (std::uint32_t i = 0; i < sim.local_households(); ++i) {
      const auto neighbours = sim.neighbour_ids(i);
      for (std::size_t g = 0; g < groups; ++g) {
        Simulation::NeighbourCounts want;
        for (const AgentId v : neighbours) {
          const std::size_t at = ((v - ids.households_begin) * groups + g) * 2;
          ++want.purchase[all[at]];
          ++want.eol[all[at + 1]];
        }
        want.purchase_total = want.eol_total = neighbours.size();
        Simulation::NeighbourCounts got;
        sim.neighbour_counts(i, static_cast<int>(g), got);
        const std::uint64_t hi = sim.first_household() - ids.households_begin + i;
        ASSERT_EQ(got.purchase, want.purchase)
            << "household " << hi << " group " << g << " degree " << degree;
        ASSERT_EQ(got.eol, want.eol)
            << "household " << hi << " group " << g << " degree " << degree;
        ASSERT_EQ(got.purchase_total, want.purchase_total);
        ASSERT_EQ(got.eol_total, want.eol_total);
        seen_choices[0] += want.purchase[1] + want.purchase[2] + want.purchase[3];
        seen_choices[1] += want.eol[0] + want.eol[1] + want.eol[2];
      }
    }
    // Not all neighbours chose the default options (else the test could not fail on
    // a swapped option).
    EXPECT_GT(seen_choices[0], 0u);
    EXPECT_GT(seen_choices[1], 0u);

    // The month's gather (phase_consumers) gives the same counts, for every event and
    // for a sparse month (every third entry, so that the events' exceptions do not
    // follow each other in the arrays).
    for (const std::uint32_t step : {1u, 3u}) {
      std::vector<std::uint32_t> due;
      for (std::uint32_t i = 0; i < sim.local_households(); ++i)
        for (std::size_t g = 0; g < groups; ++g)
          if ((i * groups + g) % step == 0)
            due.push_back(i * agents::kMaxGroups + static_cast<std::uint32_t>(g));
      const auto gathered = sim.gathered_neighbour_counts(due);
      ASSERT_EQ(gathered.size(), due.size());
      for (std::size_t e = 0; e < due.size(); ++e) {
        Simulation::NeighbourCounts direct;
        sim.neighbour_counts(due[e] / agents::kMaxGroups,
                             static_cast<int>(due[e] % agents::kMaxGroups), direct);
        ASSERT_EQ(gathered[e].purchase, direct.purchase) << "entry " << due[e] << " step " << step;
        ASSERT_EQ(gathered[e].eol, direct.eol) << "entry " << due[e] << " step " << step;
        ASSERT_EQ(gathered[e].purchase_total, direct.purchase_total);
      }
    }
  }
}

}  // namespace
}  // namespace ketensim::world
