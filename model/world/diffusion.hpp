// The households-only diffusion model of the validation configs (MODEL.md
// "Validation configs"): every household adopts once, by the Bass rule or by
// Granovetter's threshold rule, seeing either the national adopted share or the
// share among its small-world neighbours. Results are identical for every rank count.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "agents/diffusion.hpp"
#include "ketensim/scenario.pb.h"
#include "model/engine/calendar.hpp"
#include "model/engine/exchange.hpp"
#include "model/engine/large_array.hpp"
#include "model/engine/mpi_context.hpp"
#include "model/engine/partition.hpp"
#include "model/engine/scheduler.hpp"

namespace ketensim::world {

// Resolved, immutable parameters of a diffusion run.
struct DiffusionParams {
  std::string name;
  std::uint64_t seed = 0;
  std::uint64_t households = 0;
  bool threshold_rule = false;  // false: Bass
  double p = 0.03;              // per year
  double q = 0.38;              // per year
  double dt_years = 1.0 / 12.0;
  std::uint32_t ticks = 300;
  bool global_mixing = true;
  std::uint32_t degree = 10;
  double rewiring = 0.1;
  bool normal_thresholds = false;  // false: uniform grid i / N
  double threshold_mean = 0.25;
  double threshold_sd = 0.12;
  std::vector<std::pair<std::uint64_t, double>> threshold_overrides;  // sorted by household
  double initial_adopters_share = 0;
  bool stop_when_stable = true;
  bool shuffle_arrivals = false;
};

// Derives the parameters from a validated scenario whose model is DIFFUSION.
DiffusionParams resolve_diffusion(const config::Scenario& scenario);

// Exact national totals of the last tick, identical on every rank.
struct DiffusionTotals {
  std::uint32_t tick = 0;         // ticks done: 1 after the first tick
  std::int64_t adopted = 0;       // adopters at the end of the tick
  std::int64_t new_adopters = 0;  // households that adopted during the tick
  std::int64_t at_risk = 0;       // households not adopted at the start of the tick
  std::int64_t exposure_sum = 0;  // sum over those of the adopted share they saw, x kExposureScale
  static constexpr double kExposureScale = 1e9;
};

// Set-up: household `sender` drew an edge to household `receiver`, owned elsewhere.
struct EdgeMsg {
  std::uint32_t receiver;
  std::uint32_t sender;
  std::uint32_t seq;  // which of the sender's drawn edges
};

// Household `receiver` (= sender) adopted: the ghost copies on the destination rank change.
struct AdoptionMsg {
  std::uint32_t receiver;
  std::uint32_t sender;
  std::uint32_t seq;
};

class DiffusionModel {
 public:
  DiffusionModel(DiffusionParams params, const engine::Comm& comm);

  // Thresholds or Bass budgets, initial adopters, network and ghosts (collective).
  void setup();
  engine::Tick ticks() const { return params_.ticks; }
  // Runs one tick (collective); afterwards `totals()` describes it on every rank.
  void run_tick(engine::Tick tick);
  const DiffusionTotals& totals() const { return totals_; }
  // The threshold rule with stop_when_stable: the last tick had no new adopter,
  // so no later tick can change anything.
  bool finished() const { return finished_; }
  const engine::PhaseScheduler& scheduler() const { return scheduler_; }
  const DiffusionParams& params() const { return params_; }

  // Local sizes, for logs, benchmarks and tests.
  engine::AgentId first_household() const { return first_; }
  std::size_t local_households() const { return households_.size(); }
  std::size_t local_edge_entries() const { return edge_entries_; }
  // Bytes of the local neighbour rows (the encoded ids, without the row index).
  std::size_t local_row_bytes() const { return row_.size(); }
  std::size_t ghosts() const { return ghost_ids_.size(); }
  std::uint64_t messages_sent() const { return adoptions_.stats().messages_sent + edge_messages_; }
  // Global ids of the neighbours of local household `local`, ascending.
  std::vector<engine::AgentId> neighbours(std::size_t local) const;
  bool adopted(std::size_t local) const { return households_[local].adopted != 0; }

 private:
  bool network() const { return !params_.global_mixing; }
  bool is_local(std::uint64_t id) const { return id >= first_ && id - first_ < local_n_; }
  void build_network();
  // Calls f(id) for the global id of each neighbour of local household `local`, ascending.
  template <typename F>
  void for_each_neighbour(std::size_t local, F&& f) const;
  // Ghost slot of remote household `id` (which must be a ghost here).
  std::size_t ghost_slot(std::uint64_t id) const;
  void adopt(std::uint32_t local);
  void neighbour_adopted(std::uint32_t local);
  void phase_decide(engine::Tick t);
  void phase_spread(engine::Tick t);
  void phase_totals(engine::Tick t);

  DiffusionParams params_;
  const engine::Comm& comm_;
  engine::Partition partition_;
  engine::PhaseScheduler scheduler_;
  engine::AgentId first_ = 0;
  std::size_t local_n_ = 0;

  // Owned households by local index, and those that adopted in the current tick.
  engine::LargeVector<agents::diffusion::Household> households_;
  std::vector<std::uint32_t> newly_;

  // Undirected network: one row of bytes per local household (CSR), holding its
  // neighbours' ids in ascending order, each as the zigzag varint of (id - own
  // id): a ring neighbour costs 1 byte, a rewired one 3 to 5.
  engine::LargeVector<std::uint32_t> row_begin_;
  engine::LargeVector<std::uint8_t> row_;
  std::size_t edge_entries_ = 0;
  // Bass on a network: the hazard spent per tick by a household with `seen`
  // adopted of `degree` neighbours, at index degree (degree + 1) / 2 + seen.
  std::vector<double> hazard_;
  // Ghost copies of remote neighbours: id, state, local neighbours (CSR).
  std::vector<std::uint32_t> ghost_ids_;
  std::vector<std::uint8_t> ghost_adopted_;
  std::vector<std::uint32_t> ghost_row_begin_;
  std::vector<std::uint32_t> ghost_row_;
  std::vector<std::int32_t> notify_;  // scratch: ranks told about one adopter

  engine::Exchange<AdoptionMsg> adoptions_;
  std::uint64_t edge_messages_ = 0;

  std::int64_t adopted_total_ = 0;  // national adopters at the start of the tick
  std::int64_t local_new_ = 0;
  std::int64_t local_adopted_ = 0;
  // Network: sum over local households at risk of seen x round(kExposureScale / degree).
  std::int64_t local_exposure_ = 0;
  std::int64_t tick_exposure_ = 0;  // its value at the start of the tick
  DiffusionTotals totals_;
  bool finished_ = false;
};

// timeseries.csv of a diffusion run (docs/OUTPUTS.md "Diffusion model").
std::string diffusion_timeseries_header();
std::string diffusion_timeseries_row(const DiffusionParams& params, const DiffusionTotals& totals);

}  // namespace ketensim::world
