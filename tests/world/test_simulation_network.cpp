// MPI test of the main model's household network (run at 1, 2 and 3 ranks): the
// compact rows (ring window plus exceptions) hold exactly the Watts-Strogatz
// neighbours drawn by the documented rule, for every household of every rank,
// block ends and rewired edges included. The expected rows are drawn here from
// the rule itself (ring +-j, rewired with probability beta to a uniform other
// household, from the household's kNetwork stream), not from the model's code.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
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

}  // namespace
}  // namespace ketensim::world
