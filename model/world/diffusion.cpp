#include "model/world/diffusion.hpp"

#include <algorithm>
#include <array>
#include <cinttypes>
#include <cstdio>
#include <limits>
#include <stdexcept>

#include "agents/diffusion.hpp"

namespace ketensim::world {

namespace rules = agents::diffusion;
using engine::AgentId;
using engine::RandomStream;

namespace {

engine::Partition make_partition(std::uint64_t households, int ranks) {
  const std::array<engine::IdSegment, 1> segments{{{0, households, 1.0}}};
  return engine::Partition(segments, ranks);
}

// Pure functions of (seed, household): owners and ghost holders agree without messages.
bool initial_adopter(const DiffusionParams& p, AgentId id) {
  if (p.initial_adopters_share <= 0) return false;
  RandomStream rs(p.seed, id, 0, rules::purpose::kInitialAdopter);
  return rs.bernoulli(p.initial_adopters_share);
}

double threshold_of(const DiffusionParams& p, AgentId id) {
  const auto it = std::lower_bound(
      p.threshold_overrides.begin(), p.threshold_overrides.end(), id,
      [](const std::pair<std::uint64_t, double>& o, AgentId key) { return o.first < key; });
  if (it != p.threshold_overrides.end() && it->first == id) return it->second;
  if (!p.normal_thresholds) return rules::uniform_grid_threshold(id, p.households);
  RandomStream rs(p.seed, id, 0, rules::purpose::kThreshold);
  return rules::normal_threshold(rs, p.threshold_mean, p.threshold_sd);
}

// A uniform household other than `self` (Watts-Strogatz rewiring without self-loops).
std::uint64_t other_household(RandomStream& rs, std::uint64_t self, std::uint64_t n) {
  for (int tries = 0; tries < 64; ++tries) {
    const std::uint64_t w = rs.below(n);
    if (w != self) return w;
  }
  return (self + 1) % n;
}

// The share a household saw, in exact fixed point (per-household rounding, so
// the national sum does not depend on how households are split over ranks).
std::int64_t exposure_fixed(double share) {
  return static_cast<std::int64_t>(share * DiffusionTotals::kExposureScale + 0.5);
}

// What one adopted neighbour adds to a household's exposure, in the same fixed point.
std::int64_t exposure_weight(std::uint32_t degree) {
  return degree > 0 ? exposure_fixed(1.0 / static_cast<double>(degree)) : 0;
}

}  // namespace

DiffusionParams resolve_diffusion(const config::Scenario& sc) {
  const auto& d = sc.diffusion();
  const auto& h = sc.households();
  DiffusionParams p;
  p.name = sc.name();
  p.seed = sc.seed();
  p.households = h.count();
  if (p.households > std::numeric_limits<std::uint32_t>::max())
    throw std::invalid_argument("the diffusion model supports at most 4294967295 households");
  p.threshold_rule = d.rule() == config::THRESHOLD;
  p.p = d.p();
  p.q = d.q();
  p.dt_years = d.dt_years();
  p.ticks = d.ticks();
  p.global_mixing = h.network().mixing() == config::GLOBAL;
  p.degree = h.network().degree();
  p.rewiring = h.network().rewiring();
  p.normal_thresholds = d.thresholds() == config::NORMAL;
  p.threshold_mean = d.threshold_mean();
  p.threshold_sd = d.threshold_sd();
  for (const auto& o : d.threshold_overrides()) {
    if (o.household() >= p.households)
      throw std::invalid_argument("diffusion.threshold_overrides: household " +
                                  std::to_string(o.household()) +
                                  " is not below households.count " + std::to_string(p.households));
    p.threshold_overrides.emplace_back(o.household(), o.threshold());
  }
  std::sort(p.threshold_overrides.begin(), p.threshold_overrides.end());
  for (std::size_t i = 1; i < p.threshold_overrides.size(); ++i) {
    if (p.threshold_overrides[i].first == p.threshold_overrides[i - 1].first)
      throw std::invalid_argument("diffusion.threshold_overrides: household " +
                                  std::to_string(p.threshold_overrides[i].first) + " listed twice");
  }
  p.initial_adopters_share = d.initial_adopters_share();
  p.stop_when_stable = d.stop_when_stable();
  p.shuffle_arrivals = sc.engine().shuffle_arrivals();
  return p;
}

DiffusionModel::DiffusionModel(DiffusionParams params, const engine::Comm& comm)
    : params_(std::move(params)),
      comm_(comm),
      partition_(make_partition(params_.households, comm.size())),
      adoptions_(comm_, partition_) {
  first_ = partition_.first(comm_.rank());
  if (params_.shuffle_arrivals) adoptions_.set_shuffle_seed(params_.seed);
  scheduler_.add_phase("decide", [this](engine::Tick t) { phase_decide(t); });
  scheduler_.add_phase("spread", [this](engine::Tick t) { phase_spread(t); });
  scheduler_.add_phase("totals", [this](engine::Tick t) { phase_totals(t); });
}

void DiffusionModel::setup() {
  local_n_ = partition_.end(comm_.rank()) - first_;
  const std::size_t local_n = local_n_;
  // The network first: its set-up buffers are gone before the households exist,
  // so the peak memory is the larger of the two, not their sum.
  if (network()) build_network();
  households_.assign(local_n, {});
  std::int64_t local_adopted = 0;
  for (std::size_t i = 0; i < local_n; ++i) {
    const AgentId id = first_ + i;
    auto& h = households_[i];
    if (params_.threshold_rule) {
      h.level = threshold_of(params_, id);
    } else {
      RandomStream rs(params_.seed, id, 0, rules::purpose::kResistance);
      h.level = rules::draw_resistance(rs);
    }
    if (initial_adopter(params_, id)) {
      h.adopted = 1;
      h.level = std::numeric_limits<double>::infinity();
      ++local_adopted;
    }
  }
  local_exposure_ = 0;
  hazard_.clear();
  if (network()) {
    const bool any_adopted = params_.initial_adopters_share > 0;
    std::uint32_t max_degree = 0;
    for (std::size_t i = 0; i < local_n; ++i) {
      auto& h = households_[i];
      std::uint32_t degree = 0;
      std::uint32_t seen = 0;
      for_each_neighbour(i, [&](std::uint64_t v) {
        ++degree;
        if (any_adopted)
          seen += is_local(v) ? households_[v - first_].adopted : ghost_adopted_[ghost_slot(v)];
      });
      if (degree > std::numeric_limits<std::uint16_t>::max())
        throw std::runtime_error("a household has more than 65535 neighbours");
      h.degree = static_cast<std::uint16_t>(degree);
      h.seen = seen;
      max_degree = std::max(max_degree, degree);
      if (!h.adopted)
        local_exposure_ += static_cast<std::int64_t>(h.seen) * exposure_weight(h.degree);
    }
    if (!params_.threshold_rule) {
      // The same formula as for global mixing, once per (degree, seen) pair.
      hazard_.reserve(static_cast<std::size_t>(max_degree + 1) * (max_degree + 2) / 2);
      for (std::uint32_t d = 0; d <= max_degree; ++d)
        for (std::uint32_t seen = 0; seen <= d; ++seen)
          hazard_.push_back(rules::bass_tick_hazard(
              params_.p, params_.q, rules::neighbour_share(seen, d), params_.dt_years));
    }
  }
  local_adopted_ = local_adopted;
  adopted_total_ = comm_.allreduce_sum(local_adopted);
  totals_ = {};
  totals_.adopted = adopted_total_;
  finished_ = false;
}

namespace {

// A neighbour's id relative to its household's, as a zigzag LEB128 varint.
void put_offset(engine::LargeVector<std::uint8_t>& out, std::int64_t offset) {
  auto z = (static_cast<std::uint64_t>(offset) << 1) ^ static_cast<std::uint64_t>(offset >> 63);
  while (z >= 0x80) {
    out.push_back(static_cast<std::uint8_t>(z | 0x80));
    z >>= 7;
  }
  out.push_back(static_cast<std::uint8_t>(z));
}

std::int64_t get_offset(const std::uint8_t*& p) {
  std::uint64_t z = 0;
  int shift = 0;
  std::uint8_t byte = 0;
  do {
    byte = *p++;
    z |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
    shift += 7;
  } while (byte & 0x80);
  return static_cast<std::int64_t>(z >> 1) ^ -static_cast<std::int64_t>(z & 1);
}

}  // namespace

template <typename F>
void DiffusionModel::for_each_neighbour(std::size_t local, F&& f) const {
  const std::int64_t self = static_cast<std::int64_t>(first_ + local);
  const std::uint8_t* p = row_.data() + row_begin_[local];
  const std::uint8_t* const end = row_.data() + row_begin_[local + 1];
  while (p != end) f(static_cast<std::uint64_t>(self + get_offset(p)));
}

std::size_t DiffusionModel::ghost_slot(std::uint64_t id) const {
  const auto it = std::lower_bound(ghost_ids_.begin(), ghost_ids_.end(), id);
  if (it == ghost_ids_.end() || *it != id)
    throw std::logic_error("diffusion: household " + std::to_string(id) + " is not a ghost here");
  return static_cast<std::size_t>(it - ghost_ids_.begin());
}

void DiffusionModel::build_network() {
  const std::uint64_t n = params_.households;
  const std::size_t local_n = local_n_;
  const std::uint32_t half = params_.degree / 2;
  row_begin_.assign(local_n + 1, 0);
  row_.clear();
  ghost_ids_.clear();
  edge_entries_ = 0;

  // Watts-Strogatz: household u draws its `half` edges to the right on the ring,
  // each rewired with probability `rewiring` to a uniform other household. An
  // edge belongs to both ends. Everything is keyed by the household id, never
  // by the rank layout. The draws are a pure function of (seed, u), so they are
  // made twice instead of stored: once to post the edges whose far end cannot
  // see them from nearby (rewired, wrapping around the ring, or owned
  // elsewhere), once to fill the rows in order.
  const auto draw = [&](std::uint64_t u, std::uint64_t* targets) {
    RandomStream rs(params_.seed, u, 0, rules::purpose::kNetwork);
    for (std::uint32_t j = 1; j <= half; ++j) {
      std::uint64_t target = (u + j) % n;
      if (rs.uniform() < params_.rewiring) target = other_household(rs, u, n);
      targets[j - 1] = target;
    }
  };
  // The far end of an edge u -> u + j finds it among its near predecessors' draws.
  const auto near_local = [&](std::uint64_t u, std::uint32_t j, std::uint64_t target) {
    return target == u + j && is_local(target);
  };
  std::vector<std::uint64_t> targets(std::max<std::uint32_t>(half, 1));
  engine::LargeVector<EdgeMsg> inbox;
  {
    engine::Exchange<EdgeMsg> edges(comm_, partition_);
    for (std::size_t i = 0; i < local_n; ++i) {
      const std::uint64_t u = first_ + i;
      draw(u, targets.data());
      for (std::uint32_t j = 1; j <= half; ++j) {
        const std::uint64_t target = targets[j - 1];
        if (target != u && !near_local(u, j, target))
          edges.post({static_cast<std::uint32_t>(target), static_cast<std::uint32_t>(u), j});
      }
    }
    const auto received = edges.exchange();
    inbox.assign(received.begin(), received.end());  // the exchange's buffers go now
    edge_messages_ = edges.stats().messages_sent;
  }

  // Rows in household order: own draws, near predecessors' unrewired edges (a
  // window of the last `half` households' draws) and the messages (sorted by
  // receiver); sorted, without duplicates (a rewired edge that landed on an
  // existing neighbour): a simple graph.
  row_.reserve(local_n * (2 * half + 4));  // pages are only used when written
  std::vector<std::uint64_t> window(static_cast<std::size_t>(half) * half);
  std::vector<std::uint64_t> row;
  // (neighbour id, local index) of neighbours owned elsewhere: the incoming messages
  // from other ranks, this rank's rewired edges that leave it, and the ring's ends.
  engine::LargeVector<std::pair<std::uint32_t, std::uint32_t>> remote;
  remote.reserve(inbox.size() +
                 static_cast<std::size_t>(static_cast<double>(local_n) * half * params_.rewiring) +
                 2 * half + 16);
  std::size_t next = 0;
  for (std::size_t i = 0; i < local_n; ++i) {
    const std::uint64_t u = first_ + i;
    row.clear();
    for (std::uint32_t j = 1; j <= half && j <= i; ++j) {
      if (window[((i - j) % half) * half + (j - 1)] == u) row.push_back(u - j);
    }
    if (half > 0) {
      std::uint64_t* mine = window.data() + (i % half) * half;
      draw(u, mine);
      for (std::uint32_t j = 0; j < half; ++j)
        if (mine[j] != u) row.push_back(mine[j]);
    }
    for (; next < inbox.size() && inbox[next].receiver == u; ++next)
      row.push_back(inbox[next].sender);
    std::sort(row.begin(), row.end());
    row.erase(std::unique(row.begin(), row.end()), row.end());
    for (const std::uint64_t v : row) {
      put_offset(row_, static_cast<std::int64_t>(v) - static_cast<std::int64_t>(u));
      if (!is_local(v)) remote.emplace_back(static_cast<std::uint32_t>(v), i);
    }
    edge_entries_ += row.size();
    if (row_.size() >= std::numeric_limits<std::uint32_t>::max())
      throw std::runtime_error("more than 4 GiB of network rows on one rank; use more ranks");
    row_begin_[i + 1] = static_cast<std::uint32_t>(row_.size());
  }
  if (next != inbox.size())
    throw std::logic_error("diffusion: an edge message for household " +
                           std::to_string(inbox[next].receiver) + " was not placed");
  engine::LargeVector<EdgeMsg>().swap(inbox);

  // Remote neighbours become ghost slots, each with the local households it
  // neighbours (CSR, ascending), and start from the same pure initialisation as
  // their owners.
  std::sort(remote.begin(), remote.end());
  ghost_ids_.reserve(remote.size());
  for (const auto& [v, i] : remote)
    if (ghost_ids_.empty() || ghost_ids_.back() != v) ghost_ids_.push_back(v);
  const std::size_t ghosts = ghost_ids_.size();
  ghost_row_begin_.assign(ghosts + 1, 0);
  ghost_row_.resize(remote.size());
  std::size_t slot = 0;
  for (std::size_t e = 0; e < remote.size(); ++e) {
    if (remote[e].first != ghost_ids_[slot])
      ghost_row_begin_[++slot] = static_cast<std::uint32_t>(e);
    ghost_row_[e] = remote[e].second;
  }
  ghost_row_begin_[ghosts] = static_cast<std::uint32_t>(remote.size());
  ghost_adopted_.resize(ghosts);
  for (std::size_t s = 0; s < ghosts; ++s)
    ghost_adopted_[s] = initial_adopter(params_, ghost_ids_[s]) ? 1 : 0;
}

std::vector<AgentId> DiffusionModel::neighbours(std::size_t local) const {
  std::vector<AgentId> out;
  if (!network()) return out;
  for_each_neighbour(local, [&](std::uint64_t v) { out.push_back(v); });
  return out;
}

void DiffusionModel::run_tick(engine::Tick tick) {
  scheduler_.run_tick(tick);
}

void DiffusionModel::adopt(std::uint32_t local) {
  auto& h = households_[local];
  h.adopted = 1;
  h.level = std::numeric_limits<double>::infinity();
  ++local_adopted_;
  if (network()) local_exposure_ -= static_cast<std::int64_t>(h.seen) * exposure_weight(h.degree);
  newly_.push_back(local);
}

void DiffusionModel::neighbour_adopted(std::uint32_t local) {
  auto& h = households_[local];
  ++h.seen;
  if (h.adopted) return;
  local_exposure_ += exposure_weight(h.degree);
}

// Every household not yet adopted applies its rule to what it saw at the start
// of the tick (synchronous update: adoptions in this tick are seen from the next).
void DiffusionModel::phase_decide(engine::Tick) {
  newly_.clear();
  tick_exposure_ = local_exposure_;
  const auto n = static_cast<std::uint32_t>(households_.size());
  const double national_share =
      static_cast<double>(adopted_total_) / static_cast<double>(params_.households);
  if (!network()) {
    tick_exposure_ =
        exposure_fixed(national_share) * (static_cast<std::int64_t>(n) - local_adopted_);
  }
  if (params_.threshold_rule) {
    for (std::uint32_t i = 0; i < n; ++i) {
      const auto& h = households_[i];
      if (h.adopted) continue;
      const double seen = network() ? rules::neighbour_share(h.seen, h.degree) : national_share;
      if (rules::threshold_adopts(seen, h.level)) adopt(i);
    }
  } else if (network()) {
    // Adopted households have an infinite budget: no branch needed.
    for (std::uint32_t i = 0; i < n; ++i) {
      auto& h = households_[i];
      const std::uint32_t d = h.degree;
      if (rules::spend_hazard(h.level, hazard_[d * (d + 1) / 2 + h.seen])) adopt(i);
    }
  } else {
    const double step =
        rules::bass_tick_hazard(params_.p, params_.q, national_share, params_.dt_years);
    for (std::uint32_t i = 0; i < n; ++i) {
      if (rules::spend_hazard(households_[i].level, step)) adopt(i);
    }
  }
  local_new_ = static_cast<std::int64_t>(newly_.size());
}

// New adopters raise their neighbours' counts: local ones directly, remote ones
// through one message per holding rank (only households that changed are sent).
void DiffusionModel::phase_spread(engine::Tick) {
  if (!network()) return;
  // New adopters are scattered over the rank's households: fetch the rows and
  // neighbourhoods of the next few ahead of time (memory latency, not
  // arithmetic, is the cost here).
  constexpr std::size_t kAhead = 8;
  const std::size_t count = newly_.size();
  for (std::size_t k = 0; k < std::min(count, kAhead); ++k)
    __builtin_prefetch(row_begin_.data() + newly_[k]);
  for (std::size_t k = 0; k < count; ++k) {
    if (k + 2 * kAhead < count) __builtin_prefetch(row_begin_.data() + newly_[k + 2 * kAhead]);
    if (k + kAhead < count) {
      const std::uint32_t ahead = newly_[k + kAhead];
      __builtin_prefetch(row_.data() + row_begin_[ahead]);
      __builtin_prefetch(&households_[ahead - std::min(ahead, params_.degree / 2)], 1);
      __builtin_prefetch(
          &households_[std::min<std::size_t>(ahead + params_.degree / 2, households_.size() - 1)],
          1);
    }
    const std::uint32_t i = newly_[k];
    const auto id = static_cast<std::uint32_t>(first_ + i);
    notify_.clear();
    for_each_neighbour(i, [&](std::uint64_t v) {
      if (is_local(v)) {
        neighbour_adopted(static_cast<std::uint32_t>(v - first_));
        return;
      }
      const int rank = partition_.owner(v);
      if (std::find(notify_.begin(), notify_.end(), rank) == notify_.end()) {
        notify_.push_back(rank);
        adoptions_.post_to(rank, {id, id, 0});
      }
    });
  }
  for (const auto& m : adoptions_.exchange()) {
    const std::size_t slot = ghost_slot(m.receiver);
    if (ghost_adopted_[slot])
      throw std::logic_error("diffusion: unexpected ghost update for household " +
                             std::to_string(m.receiver));
    ghost_adopted_[slot] = 1;
    for (std::uint32_t e = ghost_row_begin_[slot]; e < ghost_row_begin_[slot + 1]; ++e)
      neighbour_adopted(ghost_row_[e]);
  }
}

void DiffusionModel::phase_totals(engine::Tick tick) {
  std::array<std::int64_t, 2> sums{local_new_, tick_exposure_};
  comm_.allreduce_sum(sums);
  totals_.tick = tick + 1;
  totals_.at_risk = static_cast<std::int64_t>(params_.households) - adopted_total_;
  totals_.new_adopters = sums[0];
  totals_.exposure_sum = sums[1];
  adopted_total_ += sums[0];
  totals_.adopted = adopted_total_;
  finished_ = params_.threshold_rule && params_.stop_when_stable && sums[0] == 0;
}

std::string diffusion_timeseries_header() {
  return "tick,t_years,adopted,adopted_share,new_adopters,exposure,hazard";
}

std::string diffusion_timeseries_row(const DiffusionParams& params, const DiffusionTotals& t) {
  char ratios[64] = ",";
  if (t.at_risk > 0) {
    const auto at_risk = static_cast<double>(t.at_risk);
    std::snprintf(ratios, sizeof ratios, "%.8f,%.8f",
                  static_cast<double>(t.exposure_sum) / DiffusionTotals::kExposureScale / at_risk,
                  static_cast<double>(t.new_adopters) / at_risk);
  }
  char row[256];
  std::snprintf(row, sizeof row, "%" PRIu32 ",%.6f,%" PRId64 ",%.8f,%" PRId64 ",%s\n", t.tick,
                static_cast<double>(t.tick) * params.dt_years, t.adopted,
                static_cast<double>(t.adopted) / static_cast<double>(params.households),
                t.new_adopters, ratios);
  return row;
}

}  // namespace ketensim::world
