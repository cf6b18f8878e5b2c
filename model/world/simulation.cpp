#include "model/world/simulation.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <stdexcept>
#if defined(__SSE2__) && defined(__x86_64__)
#include <emmintrin.h>
#endif

#include "agents/chain_table.hpp"
#include "agents/government.hpp"
#include "model/engine/philox_batch.hpp"
#include "model/world/regions.hpp"

namespace ketensim::world {

namespace {

using agents::Company;
using agents::Household;
using agents::Option;
using agents::RandomStream;
using agents::Role;
using agents::Strategy;
using engine::Euro;
using engine::Tick;

constexpr int kOpt = agents::kOptions;

// A purpose value per (base purpose, product group), so draws never depend on
// the order in which one household's events of a tick are processed.
engine::Purpose per_group(engine::Purpose base, int group) {
  return static_cast<engine::Purpose>(base * 16 + group);
}

std::int64_t grams(double kg) {
  return std::llround(kg * 1000.0);
}
std::int64_t milli(double x) {
  return std::llround(x * 1000.0);
}
std::size_t idx(int i) {
  return static_cast<std::size_t>(i);
}

// Number of bits needed for values below `limit`.
int bits_below(std::uint64_t limit) {
  int bits = 0;
  while (bits < 64 && (std::uint64_t{1} << bits) < limit) ++bits;
  return bits;
}

// Sorts `keys` ascending (LSD radix, 11 bits a pass) using `scratch`; every key
// is below 2^bits. With first_bit > 0 only the bits from first_bit up count, and
// keys equal in those keep their order. Returns the sorted keys (in one of the two).
template <typename Key, typename KeyAlloc, typename ScratchAlloc>
std::span<const Key> radix_sort(std::vector<Key, KeyAlloc>& keys,
                                std::vector<Key, ScratchAlloc>& scratch, int bits,
                                int first_bit = 0) {
  scratch.resize(keys.size());
  Key* from = keys.data();
  Key* to = scratch.data();
  constexpr int kDigit = 11;
  constexpr Key kMask = (Key{1} << kDigit) - 1;
  std::array<std::uint32_t, (1u << kDigit)> offsets{};
  for (int shift = first_bit; shift < bits; shift += kDigit) {
    offsets.fill(0);
    for (std::size_t i = 0; i < keys.size(); ++i) ++offsets[(from[i] >> shift) & kMask];
    std::uint32_t sum = 0;
    for (auto& o : offsets) {
      const std::uint32_t c = o;
      o = sum;
      sum += c;
    }
    for (std::size_t i = 0; i < keys.size(); ++i)
      to[offsets[(from[i] >> shift) & kMask]++] = from[i];
    std::swap(from, to);
  }
  return {from, keys.size()};
}

// Governments and chain tables, companies (incl. entrant slots), households.
std::vector<engine::IdSegment> segments(const IdLayout& ids, double company_weight) {
  return {{0, ids.companies_begin, company_weight},
          {ids.companies_begin, ids.households_begin, company_weight},
          {ids.households_begin, ids.households_end, 1.0}};
}

// SPREAD: each of the three segments is a class split over all ranks on its own.
engine::Partition make_partition(const IdLayout& ids, const Params& p, int ranks) {
  const auto segs = segments(ids, p.company_weight);
  if (!p.spread_partition) return engine::Partition(segs, ranks);
  std::vector<AgentId> starts;
  for (const AgentId c : {ids.companies_begin, ids.households_begin})
    if (c > (starts.empty() ? 0 : starts.back()) && c < ids.households_end) starts.push_back(c);
  return engine::Partition(segs, ranks, starts);
}

// Compact offer published to every rank in the offers phase: a supplier's
// cost-plus price for an option, or a shop that stocks the option (retail = 1).
struct Offer {
  AgentId id;
  float weight;
  std::uint16_t group;
  std::uint8_t option;
  std::uint8_t retail;
  double price;  // EUR per unit (suppliers); 0 for shops
};

// Pure function of (seed, household id): also used for ghost copies. `rs` is the
// household's stream RandomStream(seed, id, 0, kHouseholdInit).
Household make_household(const Params& p, std::uint64_t index, RandomStream& rs) {
  Household h;
  h.attitude = static_cast<float>(rs.truncated_normal(p.attitude_mean, p.attitude_sd, 0.0, 1.0));
  h.eol_attitude =
      static_cast<float>(rs.truncated_normal(p.eol_attitude_mean, p.eol_attitude_sd, 0.0, 1.0));
  // Municipalities are contiguous blocks of the id range, so ring neighbours share one.
  h.municipality = static_cast<std::uint16_t>(index * p.municipalities /
                                              std::max<std::uint64_t>(p.households, 1));
  h.income_class = static_cast<std::uint8_t>(rs.below(3));
  for (std::size_t g = 0; g < p.groups.size(); ++g) {
    const double u = rs.uniform();
    Option o = Option::kNewLinear;
    if (u < p.initial_second_hand) {
      o = Option::kSecondHand;
    } else if (u < p.initial_second_hand + p.initial_service) {
      o = Option::kService;
    } else if (u < p.initial_second_hand + p.initial_service + p.initial_adoption_share) {
      o = Option::kNewCircular;
    }
    h.last_choice[g] = static_cast<std::uint8_t>(o);
    h.last_eol[g] = static_cast<std::uint8_t>(rs.uniform() < p.initial_collection
                                                  ? agents::EolOption::kCollect
                                                  : agents::EolOption::kResidual);
  }
  return h;
}

// Random blocks a stream usually needs for `words` 32-bit words (set-up batches).
std::uint32_t blocks_for(std::size_t words) {
  return static_cast<std::uint32_t>((words + 3) / 4);
}

}  // namespace

IdLayout::IdLayout(const Params& p) {
  government = 0;
  chain_tables_begin = 1;
  companies_begin = chain_tables_begin + p.groups.size();
  AgentId next = companies_begin;
  for (const auto& g : p.groups) {
    group_companies_begin.push_back(next);
    for (const auto n : g.firms) next += n;
    next += g.entrant_slots;
  }
  group_companies_begin.push_back(next);
  households_begin = next;
  households_end = households_begin + p.households;
}

Simulation::Simulation(Params params, const engine::Comm& comm)
    : params_(std::move(params)),
      comm_(comm),
      ids_(params_),
      partition_(make_partition(ids_, params_, comm.size())),
      calendar_(engine::YearMonth::from_ordinal(params_.start.ordinal() -
                                                static_cast<int>(params_.warmup_months)),
                params_.end),
      orders_(comm_, partition_),
      applications_(comm_, partition_),
      decisions_(comm_, partition_),
      reports_(comm_, partition_),
      ghosts_(comm_, partition_),
      projects_(comm_, partition_) {
  purchase_logit_ = agents::FactoredLogit(params_.purchase);
  eol_logit_ = agents::FactoredLogit(params_.end_of_life);
  for (const auto& g : params_.groups) {
    group_ids_.push_back(g.id);
    // Tables one month longer than the horizon: later events are never scheduled
    // (household_event draws months_capped from them).
    const auto horizon = static_cast<std::uint32_t>(calendar_.ticks());
    lifetimes_.emplace_back(g.weibull_shape, g.weibull_scale_months, 1.0, horizon + 1);
    repair_lifetimes_.emplace_back(g.weibull_shape, g.weibull_scale_months,
                                   params_.repair_life_extension, horizon + 1);
    residual_lives_.emplace_back(g.weibull_shape, g.weibull_scale_months, horizon);
  }
  if (params_.shuffle_arrivals) {
    orders_.set_shuffle_seed(params_.seed + 1);
    applications_.set_shuffle_seed(params_.seed + 2);
    decisions_.set_shuffle_seed(params_.seed + 3);
    reports_.set_shuffle_seed(params_.seed + 4);
    ghosts_.set_shuffle_seed(params_.seed + 5);
    projects_.set_shuffle_seed(params_.seed + 6);
  }
  scheduler_.add_phase("environment", [this](Tick t) { phase_environment(t); });
  scheduler_.add_phase("review", [this](Tick t) { phase_review(t); });
  scheduler_.add_phase("government", [this](Tick t) { phase_government(t); });
  scheduler_.add_phase("offers", [this](Tick t) { phase_offers(t); });
  scheduler_.add_phase("consumers", [this](Tick t) { phase_consumers(t); });
  scheduler_.add_phase("materials", [this](Tick t) { phase_materials(t); });
  scheduler_.add_phase("social", [this](Tick t) { phase_social(t); });
  scheduler_.add_phase("accounting", [this](Tick t) { phase_accounting(t); });
}

Simulation::~Simulation() = default;

void Simulation::run_tick(Tick t) {
  scheduler_.run_tick(t);
}

std::uint64_t Simulation::messages_sent() const {
  return orders_.stats().messages_sent + applications_.stats().messages_sent +
         decisions_.stats().messages_sent + reports_.stats().messages_sent +
         ghosts_.stats().messages_sent + projects_.stats().messages_sent;
}

// ---------------------------------------------------------------- set-up ----

void Simulation::setup() {
  const int rank = comm_.rank();
  const std::size_t groups = params_.groups.size();

  owns_government_ = partition_.owner(ids_.government) == rank;
  for (std::size_t g = 0; g < groups; ++g)
    if (partition_.owner(ids_.chain_table(static_cast<int>(g))) == rank)
      owned_tables_.push_back(static_cast<int>(g));

  prices_.resize(groups);
  for (std::size_t g = 0; g < groups; ++g)
    prices_[g] = {params_.groups[g].virgin_price0, params_.groups[g].recyclate_price0};
  boards_.assign(groups, {});
  menus_.resize(groups);
  choice_counts_.assign(groups, {});
  local_choice_counts_.assign(groups, {});
  eol_counts_.assign(groups, {});
  local_eol_counts_.assign(groups, {});
  recyclate_demand_g_.assign(groups, 0);
  last_role_profit_.assign(groups, {});
  learning_.assign(groups, {});
  role_capacity_.assign(groups, {});
  retail_menus_.resize(groups);
  b2b_spend_milli_.assign(groups, 0);
  local_.assign(groups, {});
  indicators_.groups.assign(groups, {});
  indicators_.prices = prices_;
  scheme_budget_left_eur_.assign(params_.schemes.size(), 0.0);
  reopen_until_year_ = 0;
  budget_multiplier_ = 1.0;
  belief_multiplier_ = 1.0;
  adaptive_levy_ = 0;
  adaptive_levy_year_ = 0;
  adaptive_norm_year_ = 0;
  env_.assign(groups, {});
  table_members_.assign(groups, {});
  coalitions_.clear();
  loans_granted_ = 0;
  setup_regions();
  setup_pros();
  setup_second_hand();
  // Collection density per municipality: a pure function of (seed, municipality).
  density0_.resize(params_.municipalities);
  for (std::uint32_t m = 0; m < params_.municipalities; ++m) {
    RandomStream rs(params_.seed, m, 0, agents::purpose::kMunicipality);
    density0_[m] =
        static_cast<float>(rs.truncated_normal(params_.density_mean, params_.density_sd, 0.0, 1.0));
  }
  // 2016 reference material use per group (raw-material indices).
  indicators_.refs.assign(groups, {});
  for (std::size_t g = 0; g < groups; ++g) {
    const auto& gp = params_.groups[g];
    const double units_month = params_.household_weight * static_cast<double>(params_.households) *
                               gp.units_per_purchase / gp.mean_lifetime_months;
    const double new_share = 1.0 - params_.initial_second_hand - params_.initial_service;
    // New products bought by households plus public buyers' demand on top.
    const double kg_2016 =
        units_month * (new_share + gp.public_share) * gp.unit_mass_kg / gp.use_vs_2016;
    indicators_.refs[g] = {grams(kg_2016),
                           grams(kg_2016 * (1.0 - gp.initial_rc) * (1.0 - gp.bio_share)),
                           gp.critical, gp.target_kind};
  }

  // Companies owned by this rank.
  const auto [first, end] = owned_range(ids_.companies_begin, ids_.households_begin);
  first_company_ = first;
  const AgentId company_end = end;
  // Per group: the firms of each role in role order, then the entrant slots.
  const SlotLayout layout(params_, ids_.companies_begin);
  for (AgentId id = first_company_; id < company_end; ++id) {
    const int g = layout.group_of(id);
    const auto role = static_cast<Role>(layout.role_of(id));
    Company c;
    c.id = id;
    c.group = static_cast<std::uint16_t>(g);
    if (!layout.is_entrant_slot(id)) {
      init_company(c, id, g, role, 0);
    } else {
      c.role = role;
      c.alive = false;  // an entrant slot, filled when the sector is profitable
    }
    companies_.push_back(c);
  }
  pending_.assign(companies_.size(), {});

  setup_firm_links();

  init_households();
  build_network();
  rebuild_derived();

  // Initial national choice stock and chain-table boards, so that month 1 sees them.
  std::vector<std::int64_t> counts(groups * kOpt);
  for (std::size_t g = 0; g < groups; ++g)
    for (int k = 0; k < kOpt; ++k) counts[g * kOpt + idx(k)] = local_choice_counts_[g][idx(k)];
  comm_.allreduce_sum(counts);
  for (std::size_t g = 0; g < groups; ++g)
    for (int k = 0; k < kOpt; ++k) choice_counts_[g][idx(k)] = counts[g * kOpt + idx(k)];
  current_month_ = 0;  // no pledges at set-up
  phase_social(0);
  pending_choices_.clear();
  initial_adopters_.resize(groups);
  for (std::size_t g = 0; g < groups; ++g) initial_adopters_[g] = boards_[g].adopters;
  cumulative_adopters_ = initial_adopters_;
}

void Simulation::setup_firm_links() {
  const SlotLayout layout(params_, ids_.companies_begin);
  link_stride_ = static_cast<std::size_t>(params_.firm_peers) + params_.firm_partners;
  links_.assign(companies_.size() * link_stride_, kNoLink);
  for (std::size_t i = 0; i < companies_.size(); ++i)
    draw_links(layout, params_.seed, companies_[i].id, params_.firm_peers, params_.firm_partners,
               std::span<std::uint32_t>(links_).subspan(i * link_stride_, link_stride_));
  // Every rank's slots lie at their offset in slot_states_ (by id, not by rank order).
  slot_states_.assign(layout.slots(), {});
  slot_send_.assign(companies_.size(), {});
  if (layout.slots() * sizeof(SlotState) >
      static_cast<std::size_t>(std::numeric_limits<int>::max()))
    throw std::length_error("too many company slots for the slot-state allgather");
  const std::array<std::int64_t, 2> mine = {
      static_cast<std::int64_t>(first_company_ - ids_.companies_begin),
      static_cast<std::int64_t>(companies_.size())};
  const auto bytes =
      comm_.allgather_bytes({reinterpret_cast<const std::uint8_t*>(mine.data()), sizeof(mine)});
  std::vector<std::int64_t> all(bytes.size() / sizeof(std::int64_t));
  std::memcpy(all.data(), bytes.data(), bytes.size());
  const auto ranks = static_cast<std::size_t>(comm_.size());
  slot_counts_.assign(ranks, 0);
  slot_displs_.assign(ranks, 0);
  for (std::size_t r = 0; r < ranks; ++r) {
    slot_displs_[r] = static_cast<int>(all[2 * r] * static_cast<std::int64_t>(sizeof(SlotState)));
    slot_counts_[r] =
        static_cast<int>(all[2 * r + 1] * static_cast<std::int64_t>(sizeof(SlotState)));
  }
}

std::array<double, agents::kStrategies> Simulation::firm_social_shares(std::size_t index) const {
  const auto linked = linked_shares(
      std::span<const std::uint32_t>(links_).subspan(index * link_stride_, link_stride_),
      slot_states_);
  if (linked.any) return linked.share;
  const auto& board = boards_[companies_[index].group];
  std::array<double, agents::kStrategies> share{};
  for (int s = 0; s < agents::kStrategies; ++s) share[idx(s)] = board.output_share(s);
  return share;
}

std::pair<AgentId, AgentId> Simulation::owned_range(AgentId begin, AgentId end) const {
  // The ids of [begin, end) that this rank owns: one contiguous block, since
  // [begin, end) is one class of a SPREAD partition or lies inside the rank's block.
  const int rank = comm_.rank();
  if (begin >= end) return {begin, begin};
  const int cls = partition_.class_of(begin);
  const AgentId first = std::clamp(partition_.first(rank, cls), begin, end);
  const AgentId last = std::clamp(partition_.end(rank, cls), begin, end);
  return {first, std::max(first, last)};
}

void Simulation::init_company(Company& c, AgentId id, int group, Role role, Tick tick) {
  const auto& gp = params_.groups[idx(group)];
  const auto& p = params_;
  RandomStream rs(p.seed, id, tick, agents::purpose::kFirmInit);
  c.id = id;
  c.group = static_cast<std::uint16_t>(group);
  c.role = role;
  c.alive = true;
  c.ever_alive = true;
  c.size = rs.uniform() < gp.large_share ? agents::SizeClass::kLarge : agents::SizeClass::kSme;
  c.capacity_weight =
      static_cast<float>(c.size == agents::SizeClass::kLarge ? p.large_capacity_factor : 1.0);
  const double sd = p.cost_dispersion;
  c.efficiency = static_cast<float>(std::exp(sd * rs.normal() - 0.5 * sd * sd));
  c.attitude =
      static_cast<float>(rs.truncated_normal(p.firm_attitude_mean, p.firm_attitude_sd, 0.0, 1.0));
  c.threshold =
      static_cast<float>(std::clamp(rs.normal(p.threshold_mean, p.threshold_sd), 0.0, 1.0));
  c.review_month = static_cast<std::uint8_t>(1 + rs.below(12));
  c.belief = static_cast<float>(rs.truncated_normal(1.0, p.belief_sd, 0.0, 3.0));
  c.intention = agents::kNoIntentions;
  c.crisis_loan = false;
  c.recycled_content = role == Role::kProducer ? gp.initial_rc : 0.0;
  c.negative_cash_months = 0;
  c.adopted = 0;
  if (tick == 0 && rs.uniform() < p.initial_adoption_share) {
    for (int s = 0; s < agents::kStrategies; ++s) {
      if (!agents::strategy_applies(role, static_cast<Strategy>(s))) continue;
      c.adopt(static_cast<Strategy>(s));
      c.recycled_content = std::min(1.0, c.recycled_content + p.strategies[idx(s)].rc_gain);
      break;
    }
  }
  // Expected monthly revenue of an average firm of this role, scaled by its weight.
  const double households = p.household_weight * static_cast<double>(p.households);
  const double units_month = households * gp.units_per_purchase / gp.mean_lifetime_months;
  const double market_month = units_month * gp.price_eur;
  const double expected_weight = 1.0 - gp.large_share + gp.large_share * p.large_capacity_factor;
  // Consumer prices include the retail margin; producers and refurbishers get the
  // wholesale part, retailers the margin.
  const double new_share = 1.0 - p.initial_second_hand - p.initial_service;
  const double wholesale = 1.0 / (1.0 + p.retail_margin);
  const double collected_t = units_month * gp.unit_mass_kg * p.collection_share / 1000.0;
  double role_market = 0;
  switch (role) {
    case Role::kProducer:
      role_market = market_month * wholesale * new_share;
      break;
    case Role::kRefurbisher:
      role_market =
          market_month * wholesale *
          (p.initial_second_hand * gp.price_factor[2] + p.initial_service * gp.price_factor[3]);
      break;
    case Role::kRecycler:
      role_market = recycler_market_t(group) * gp.recyclate_price0;
      break;
    case Role::kManufacturer:
      role_market = units_month * (new_share + gp.public_share) * b2b_unit_cost(group);
      break;
    case Role::kRetailer:
      role_market = market_month * (1.0 - wholesale) *
                    (new_share + p.initial_second_hand * gp.price_factor[2] +
                     p.initial_service * gp.price_factor[3]);
      break;
    case Role::kCollector:
      role_market = collected_t * (p.collection_fee +
                                   p.sorting_yield * p.sorted_price_share * gp.recyclate_price0);
      break;
  }
  const auto n = std::max<std::uint32_t>(gp.firms[static_cast<std::size_t>(role)], 1);
  c.base_monthly_revenue = role_market / (n * expected_weight) * c.capacity_weight;
  c.cash = Euro::from_double(p.initial_cash_months * c.base_monthly_revenue);
  c.debt = Euro{};
  c.units_sold = 0;
  c.revenue = Euro{};
  c.cost = Euro{};
}

void Simulation::init_households() {
  const auto [first, end] = owned_range(ids_.households_begin, ids_.households_end);
  first_household_ = first;
  const std::size_t n = end > first ? static_cast<std::size_t>(end - first) : 0;
  households_.resize(n);
  buckets_.assign(calendar_.ticks(), {});
  // The households' streams get their usual blocks in batches: two truncated
  // normals (two uniforms each unless rejected), an income class and two uniforms
  // per group; one uniform per group for the residual lives.
  const std::size_t groups = params_.groups.size();
  engine::StreamBatch init_streams(params_.seed, 0, agents::purpose::kHouseholdInit,
                                   blocks_for(4 + 4 + 2 + 4 * groups));
  engine::StreamBatch life_streams(params_.seed, 0, agents::purpose::kLifetime,
                                   blocks_for(2 * groups));
  constexpr std::size_t kChunk = 256;
  for (std::size_t c = 0; c < n; c += kChunk) {
    const std::size_t m = std::min(kChunk, n - c);
    init_streams.fill(first + c, m);
    life_streams.fill(first + c, m);
    for (std::size_t j = 0; j < m; ++j) {
      const std::size_t i = c + j;
      const AgentId id = first + i;
      RandomStream init_rs = init_streams.stream(j);
      households_[i] = make_household(params_, id - ids_.households_begin, init_rs);
      RandomStream rs = life_streams.stream(j);
      for (std::size_t g = 0; g < groups; ++g) {
        // Residual life of the current product in a stationary renewal process.
        const Tick due = residual_lives_[g].months(rs.uniform());
        schedule(static_cast<std::uint32_t>(i), static_cast<int>(g), due);
        ++local_choice_counts_[g][households_[i].last_choice[g]];
        ++local_eol_counts_[g][households_[i].last_eol[g]];
      }
    }
  }
}

void Simulation::schedule(std::uint32_t local, int group, Tick due) {
  // Events beyond the horizon are never scheduled.
  if (due < calendar_.ticks())
    buckets_[due].push_back(local * agents::kMaxGroups + static_cast<std::uint32_t>(group));
}

void Simulation::build_network() {
  const std::uint64_t n = params_.households;
  const std::size_t local_n = households_.size();
  exception_begin_.assign(local_n + 1, 0);
  exceptions_.clear();
  ghost_ids_.clear();
  ring_half_ = 0;
  if (params_.global_mixing || n < 2) {
    subscriber_begin_.assign(local_n + 1, 0);
    return;
  }
  std::uint32_t half = std::max<std::uint32_t>(1, params_.degree / 2);
  half =
      static_cast<std::uint32_t>(std::min<std::uint64_t>(half, (n - 1) / 2 == 0 ? 1 : (n - 1) / 2));
  // neighbour_counts counts in 16-bit fields (households.network.degree is at most 64).
  if (2 * std::uint64_t{half} >= 0xFFFFu)
    throw std::invalid_argument("households.network.degree must be below 65535");
  ring_half_ = half;
  for (std::uint32_t j = 0; j < window_keep_.size(); ++j)
    window_keep_[j] = j <= 2 * half && j != half ? 0xFF : 0;
  // Watts-Strogatz ring (k/2 each side), each edge rewired with probability beta.
  // Every household has 2 * half edges. Edges of windowed households that stay on
  // the ring are implicit; the others become exceptions, local targets at once and
  // remote ones (block ends and rewired edges) listed apart to become ghost slots.
  const std::uint64_t first_index = first_household_ - ids_.households_begin;
  // Remote edges: the exception each one fills (increasing), and a sort key per edge,
  // target household index << 32 | edge number.
  std::vector<std::uint32_t> remote_exception;
  engine::LargeVector<std::uint64_t> remote_key;
  exceptions_.reserve(static_cast<std::size_t>(static_cast<double>(local_n) * 2 * half *
                                               std::min(1.0, params_.rewiring * 1.1 + 0.01)) +
                      4 * std::size_t{half});
  // Streams in batches: one uniform per edge, and a few blocks for rewired targets.
  engine::StreamBatch streams(params_.seed, 0, agents::purpose::kNetwork,
                              blocks_for(4 * std::size_t{half}) + 1);
  constexpr std::size_t kChunk = 256;
  for (std::size_t i = 0; i < local_n; ++i) {
    if (i % kChunk == 0) streams.fill(first_household_ + i, std::min(kChunk, local_n - i));
    const std::uint64_t hi = first_index + i;
    const bool window = windowed(i);
    RandomStream rs = streams.stream(i % kChunk);
    for (std::uint32_t j = 1; j <= half; ++j) {
      // (hi + j) mod n and (hi - j) mod n, without a division (j <= (n - 1) / 2).
      const std::uint64_t up = hi + j >= n ? hi + j - n : hi + j;
      const std::uint64_t down = hi >= j ? hi - j : hi + n - j;
      for (int side = 0; side < 2; ++side) {
        const std::uint64_t ring = side == 0 ? up : down;
        std::uint64_t target = ring;
        if (rs.uniform() < params_.rewiring) {
          target = rs.below(n);
          if (target == hi) target = (hi + 1) % n;
        }
        if (window && target == ring) continue;  // the window holds it
        // A windowed household's ring targets are local and never wrap.
        const auto replaced = static_cast<std::uint32_t>(window ? (side == 0 ? i + j : i - j) : 0);
        if (target >= first_index && target < first_index + local_n) {
          exceptions_.push_back({replaced, static_cast<std::uint32_t>(target - first_index)});
        } else {
          remote_key.push_back(target << 32 | remote_exception.size());
          remote_exception.push_back(static_cast<std::uint32_t>(exceptions_.size()));
          exceptions_.push_back({replaced, 0});
        }
      }
    }
    exception_begin_[i + 1] = static_cast<std::uint32_t>(exceptions_.size());
  }
  // Remote neighbours become ghost slots, numbered in id order: the edges sorted by
  // target (radix, on the target's bits only), each new target a new slot.
  if (remote_exception.size() > 0xFFFFFFFFu || n > 0xFFFFFFFFu)
    throw std::length_error("build_network: more than 2^32 households or remote edges");
  engine::LargeVector<std::uint64_t> scratch;
  const auto sorted = radix_sort(remote_key, scratch, 32 + bits_below(n), 32);
  std::vector<std::uint32_t> remote_slot(remote_exception.size());
  ghost_ids_.clear();
  std::uint64_t previous = n;  // no household index
  for (const std::uint64_t key : sorted) {
    const std::uint64_t target = key >> 32;
    if (target != previous) ghost_ids_.push_back(ids_.households_begin + target);
    previous = target;
    remote_slot[key & 0xFFFFFFFFu] = static_cast<std::uint32_t>(ghost_ids_.size() - 1);
  }
  for (std::size_t r = 0; r < remote_exception.size(); ++r)
    exceptions_[remote_exception[r]].target = kGhostBit | remote_slot[r];
  engine::LargeVector<std::uint64_t>().swap(remote_key);
  engine::LargeVector<std::uint64_t>().swap(scratch);
  // Ghost copies start from the same pure initialisation as their owner's agent
  // (their streams batched as in init_households).
  const std::size_t groups = params_.groups.size();
  ghost_choice_.assign(ghost_ids_.size() * groups, 0);
  ghost_eol_.assign(ghost_ids_.size() * groups, 0);
  engine::StreamBatch init_streams(params_.seed, 0, agents::purpose::kHouseholdInit,
                                   blocks_for(4 + 4 + 2 + 4 * groups));
  for (std::size_t c = 0; c < ghost_ids_.size(); c += kChunk) {
    const std::size_t m = std::min(kChunk, ghost_ids_.size() - c);
    init_streams.fill(std::span<const std::uint64_t>(ghost_ids_).subspan(c, m));
    for (std::size_t j = 0; j < m; ++j) {
      const std::size_t s = c + j;
      RandomStream rs = init_streams.stream(j);
      const Household h = make_household(params_, ghost_ids_[s] - ids_.households_begin, rs);
      for (std::size_t g = 0; g < groups; ++g) {
        ghost_choice_[s * groups + g] = h.last_choice[g];
        ghost_eol_[s * groups + g] = h.last_eol[g];
      }
    }
  }
  // Tell owners who holds ghosts of their households.
  engine::Exchange<SubscribeMsg> subscriptions(comm_, partition_);
  for (std::size_t s = 0; s < ghost_ids_.size(); ++s)
    subscriptions.post(
        {ghost_ids_[s], static_cast<AgentId>(comm_.rank()), static_cast<std::uint32_t>(s)});
  const auto inbox = subscriptions.exchange();
  subscriber_begin_.assign(local_n + 1, 0);
  for (const auto& m : inbox)
    ++subscriber_begin_[static_cast<std::size_t>(m.receiver - first_household_) + 1];
  for (std::size_t i = 0; i < local_n; ++i) subscriber_begin_[i + 1] += subscriber_begin_[i];
  subscribers_.resize(inbox.size());
  subscriber_slots_.resize(inbox.size());
  std::vector<std::uint32_t> fill(subscriber_begin_.begin(), subscriber_begin_.end() - 1);
  for (const auto& m : inbox) {
    const std::uint32_t k = fill[static_cast<std::size_t>(m.receiver - first_household_)]++;
    subscribers_[k] = static_cast<std::int32_t>(m.sender);
    subscriber_slots_[k] = m.seq;
  }
}

// ---------------------------------------------------------------- helpers ---

void Simulation::adopt(Company& c, int s, double own_investment, double grant) {
  adoption_events_.push_back(
      {c.id, current_tick_, static_cast<std::uint8_t>(s), static_cast<std::uint8_t>(grant > 0),
       static_cast<std::uint8_t>(c.group), static_cast<std::uint8_t>(c.role), grant});
  c.adopt(static_cast<Strategy>(s));
  c.cash -= Euro::from_double(own_investment);
  c.recycled_content = std::min(1.0, c.recycled_content + params_.strategies[idx(s)].rc_gain);
}

bool Simulation::is_local_company(AgentId id) const {
  return id >= first_company_ && id < first_company_ + companies_.size();
}

Company& Simulation::company(AgentId id) {
  if (!is_local_company(id)) throw std::logic_error("message for a company this rank does not own");
  return companies_[static_cast<std::size_t>(id - first_company_)];
}

double Simulation::learning_factor(int group, int s) const {
  return learning_[idx(group)][idx(s)];
}

double Simulation::firm_material_kg_per_unit(const Company& c) const {
  const auto& gp = params_.groups[c.group];
  double kg = gp.unit_mass_kg;
  if (c.has(Strategy::kReduce)) kg *= 1.0 + params_.strategies[idx(0)].material_change;
  // Components from manufacturers that adopted reduce carry less material.
  kg *= 1.0 + params_.strategies[idx(0)].material_change * params_.component_material_share *
                  manufacturer_share(c.group, Strategy::kReduce);
  return std::max(0.0, kg);
}

double Simulation::manufacturer_share(int group, Strategy s) const {
  const auto& m = role_capacity_[idx(group)][static_cast<std::size_t>(Role::kManufacturer)];
  return m.capacity > 0 ? m.adopters[static_cast<std::size_t>(s)] / m.capacity : 0.0;
}

double Simulation::recycled_capability(const Company& c) const {
  // The firm's own capability plus recycled material in components from manufacturers
  // that adopted substitute or recycle.
  double cap = c.recycled_content;
  for (const auto s : {Strategy::kSubstitute, Strategy::kRecycle})
    cap += params_.strategies[static_cast<std::size_t>(s)].rc_gain *
           params_.component_material_share * manufacturer_share(c.group, s);
  return std::min(1.0, cap);
}

double Simulation::enforced_min_rc(int group) const {
  double floor = 0;
  for (const auto& rule : params_.rules)
    if (rule.group == group && rule.kind != 1 && rule.enforcement(current_year_) > 0)
      floor = std::max(floor, rule.min_rc);  // every kind but ECODESIGN sets a content floor
  return floor;
}

Simulation::MaterialMix Simulation::material_mix(const Company& c, bool circular_line) const {
  // Cheapest feasible mix of virgin, EU recyclate and imported recyclate. The imported
  // part of the recycled content grows with the price advantage of imports
  // (availability and quality limit it: share x (P_EU / P_imp)^elasticity, at most 1);
  // recycled content is at the capability when recyclate is cheaper than virgin,
  // else at the enforced minimum (capped by the capability). The circular line keeps
  // the capability (its recycled content is what it is sold on).
  const auto& pr = prices_[c.group];
  const auto& env = env_[c.group];
  const double imported_price = env.imported_recyclate_eur_t;
  MaterialMix mix;
  mix.imported = imported_price > 0
                     ? std::min(1.0, params_.imported_recyclate_share * env.import_factor *
                                         std::pow(pr.recyclate_eur_t / imported_price,
                                                  params_.import_elasticity))
                     : 1.0;
  const double recycled_price =
      mix.imported * imported_price + (1.0 - mix.imported) * pr.recyclate_eur_t;
  const double cap = recycled_capability(c);
  if (circular_line || recycled_price < pr.virgin_eur_t) {
    mix.rc = cap;
  } else {
    mix.rc = std::min(cap, enforced_min_rc(c.group));
  }
  mix.eur_per_t = (1.0 - mix.rc) * pr.virgin_eur_t + mix.rc * recycled_price;
  return mix;
}

double Simulation::recycler_reservation_price(int group) const {
  // Price per tonne of recyclate at which an average recycler (cost factor 1) covers its
  // variable cost per tonne of output: (P_sort + processing) / y_r with P_sort = s P, so
  // P* = processing / (y_r - s); without a margin over the sorted price, never.
  const double yield = params_.recycling_yield / params_.sorting_yield;
  const double margin = yield - params_.sorted_price_share;
  const double processing =
      params_.recycling_cost_share * params_.groups[idx(group)].recyclate_price0;
  return margin > 0 ? processing / margin : std::numeric_limits<double>::infinity();
}

double Simulation::recycler_market_t(int group) const {
  // Domestic recyclate (t/month) recyclers expect to sell at the start: producers' demand at
  // the start (initial content, or the minimum in force in the start year) less imports, at
  // most what the collected mass yields.
  const auto& gp = params_.groups[idx(group)];
  const auto& p = params_;
  const double units_month = p.household_weight * static_cast<double>(p.households) *
                             gp.units_per_purchase / gp.mean_lifetime_months;
  const double new_share = 1.0 - p.initial_second_hand - p.initial_service;
  double rc0 = gp.initial_rc;
  for (const auto& rule : p.rules)
    if (rule.group == group && rule.kind != 1 && rule.enforcement(p.start.year) > 0)
      rc0 = std::max(rc0, rule.min_rc);
  const double demand_t = units_month * (new_share + gp.public_share) * gp.unit_mass_kg * rc0 *
                          (1.0 - std::min(1.0, p.imported_recyclate_share)) / 1000.0;
  const double collected_t = units_month * gp.unit_mass_kg * p.collection_share / 1000.0;
  return std::min(collected_t * p.recycling_yield, demand_t);
}

double Simulation::producer_other_cost(int group) const {
  // Non-material, non-EPR unit cost of a producer at the start (wholesale price less margin).
  const auto& gp = params_.groups[idx(group)];
  const double wholesale = gp.price_eur / (1.0 + params_.retail_margin);
  const double base = wholesale / (1.0 + params_.markup);
  const double material0 =
      gp.unit_mass_kg / 1000.0 *
      ((1.0 - gp.initial_rc) * gp.virgin_price0 + gp.initial_rc * gp.recyclate_price0);
  // EPR fees in force at the start are part of the calibrated cost base (prices include them).
  const bool epr0 = gp.epr && gp.epr_start_year <= params_.start.year;
  const double epr_fee0 = epr0 ? gp.unit_mass_kg * gp.epr_fee_per_kg : 0.0;
  return std::max(0.1 * base, base - material0 - epr_fee0);
}

double Simulation::b2b_unit_cost(int group) const {
  return params_.b2b_input_share * producer_other_cost(group);
}

double Simulation::cost_factor(const Company& c) const {
  double adoption_premium = 1.0;
  for (int s = 0; s < agents::kStrategies; ++s)
    if (c.has(static_cast<Strategy>(s)))
      adoption_premium += params_.strategies[idx(s)].unit_cost_change * learning_factor(c.group, s);
  return c.efficiency * adoption_premium;
}

double Simulation::unit_cost(const Company& c, int option) const {
  const auto& gp = params_.groups[c.group];
  const double base = gp.price_eur * gp.price_factor[idx(option)] /
                      ((1.0 + params_.markup) * (1.0 + params_.retail_margin));
  if (c.role != Role::kProducer) return base * cost_factor(c);
  const auto mix = material_mix(c, option == static_cast<int>(Option::kNewCircular));
  return producer_other_cost(c.group) * cost_factor(c) +
         firm_material_kg_per_unit(c) / 1000.0 * mix.eur_per_t;
}

double Simulation::offer_price(const Company& c, int option) const {
  // Cost-plus: unit cost (with the EPR fee and the plastic levy that producers pass on)
  // times one plus the margin; circular lines add the circular premium.
  const bool circular = option == static_cast<int>(Option::kNewCircular) ||
                        option == static_cast<int>(Option::kService);
  double cost = unit_cost(c, option);
  if (c.role == Role::kProducer) {
    const auto& env = env_[c.group];
    const double kg = firm_material_kg_per_unit(c);
    if (env.epr) {
      // The PRO's current fee table.
      const auto& fee = pros_[c.group].fee;
      const bool dfr = c.has(Strategy::kSubstitute) || c.has(Strategy::kRecycle);
      cost += kg * fee.base_eur_per_kg * fee.modulation(dfr);
    }
    if (env.levy) {
      const auto mix = material_mix(c, option == static_cast<int>(Option::kNewCircular));
      cost += kg * (1.0 - mix.rc) / 1000.0 * plastic_levy_rate(current_year_);
    }
  }
  return cost * (1.0 + params_.markup + (circular ? params_.circular_premium : 0.0));
}

int Simulation::open_scheme(int group, int strategy, bool chain_project) const {
  if (current_tick_ < warmup_ticks()) return -1;  // no national schemes in the warm-up
  for (std::size_t k = 0; k < params_.schemes.size(); ++k) {
    const auto& s = params_.schemes[k];
    if (s.chain_projects != chain_project) continue;
    if (current_year_ < s.first_year || current_year_ > std::max(s.last_year, reopen_until_year_))
      continue;
    if (current_month_ < s.window_start || current_month_ > s.window_end) continue;
    if (!((s.group_mask >> group) & 1u)) continue;
    if (strategy >= 0 && !((s.strategy_mask >> strategy) & 1u)) continue;
    return static_cast<int>(k);
  }
  return -1;
}

double Simulation::strategy_capex(const Company& c, int s) const {
  const double capex = params_.strategies[idx(s)].capex;
  return c.size == agents::SizeClass::kLarge ? capex * params_.large_capex_factor : capex;
}

agents::StrategyEconomics Simulation::economics(
    const Company& c, int s, const std::array<double, agents::kStrategies>& social) const {
  const auto& gp = params_.groups[c.group];
  const auto& sp = params_.strategies[idx(s)];
  const auto& pr = prices_[c.group];
  const auto& env = env_[c.group];
  agents::StrategyEconomics e;
  e.capex = strategy_capex(c, s);
  e.horizon_years = params_.horizon_years;
  e.hurdle_rate = c.size == agents::SizeClass::kLarge ? params_.hurdle_large : params_.hurdle_sme;
  // Information sharing in a table that pledged lowers the perceived risk (never below 0).
  if (boards_[c.group].pledged != 0)
    e.hurdle_rate = std::max(0.0, e.hurdle_rate - params_.information_risk_reduction);
  const double revenue_year = c.base_monthly_revenue * 12.0;
  const double cost_year = revenue_year / (1.0 + params_.markup);
  // dR: buyers of the circular offer (the share already choosing it nationally last
  // month plus the expected extra demand) pay the premium; circular procurement adds
  // guaranteed public demand: the Rijk's circular share and the regional tenders'
  // reserved share and expected wins, higher the higher the circularity weight.
  // Manufacturers sell circular components to the producers' circular lines; retailers
  // stock circular (substitute) or second-hand (extend) offers; collectors earn a
  // quality premium on sorted material.
  bool becomes_circular = false;
  auto offer = Option::kNewCircular;
  switch (c.role) {
    case Role::kProducer:
    case Role::kManufacturer:
      becomes_circular = !c.circular_offer() && s != static_cast<int>(Strategy::kExtend);
      break;
    case Role::kRefurbisher:
      becomes_circular = true;
      offer = Option::kService;
      break;
    case Role::kRetailer:
      becomes_circular = true;
      offer = s == static_cast<int>(Strategy::kExtend) ? Option::kSecondHand : Option::kNewCircular;
      break;
    case Role::kCollector:
      e.revenue_change = revenue_year * params_.circular_premium;
      break;
    case Role::kRecycler:
      break;
  }
  if (becomes_circular) {
    const auto& counts = choice_counts_[c.group];
    const std::int64_t total = counts[0] + counts[1] + counts[2] + counts[3];
    const double observed = total > 0
                                ? static_cast<double>(counts[static_cast<std::size_t>(offer)]) /
                                      static_cast<double>(total)
                                : 0.0;
    e.revenue_change =
        revenue_year * params_.circular_premium * (params_.circular_demand_share + observed);
    if (c.role == Role::kProducer)
      e.revenue_change += revenue_year * gp.public_share * public_circular_share(c.group) *
                          params_.circular_premium;
  }
  e.cost_change = cost_year * sp.unit_cost_change * learning_factor(c.group, s);
  if (c.role != Role::kProducer) return e;

  const double tonnes_year = revenue_year / std::max(gp.price_eur, 1e-9) * gp.unit_mass_kg / 1000.0;
  const double rc = c.recycled_content;
  const double material_price = (1.0 - rc) * pr.virgin_eur_t + rc * pr.recyclate_eur_t;
  e.cost_change += tonnes_year * sp.material_change * material_price;
  const double gain = std::min(sp.rc_gain, 1.0 - rc);
  e.cost_change += tonnes_year * gain * (pr.recyclate_eur_t - pr.virgin_eur_t);
  // Virgin tonnes saved per year (levy base).
  const double virgin_saved = tonnes_year * (gain - sp.material_change * (1.0 - rc));
  // dEPR: eco-modulated fee; design for recycling (substitute, recycle) earns the
  // discount and avoids the malus, reduce lowers the mass placed on the market.
  if (env.epr) {
    const bool dfr_now = c.has(Strategy::kSubstitute) || c.has(Strategy::kRecycle);
    const bool dfr_after = dfr_now || s == static_cast<int>(Strategy::kSubstitute) ||
                           s == static_cast<int>(Strategy::kRecycle);
    // At the PRO's current fee table.
    const auto& table = pros_[c.group].fee;
    auto fee = [&](bool dfr) { return table.base_eur_per_kg * table.modulation(dfr); };
    e.epr_change =
        tonnes_year * 1000.0 * ((1.0 + sp.material_change) * fee(dfr_after) - fee(dfr_now));
  }
  // dTax: a national levy on virgin polymer saves on the virgin tonnes avoided.
  // The announced levy counts from the first year, regardless of its start year.
  const double levy_rate = announced_plastic_levy();
  if (gp.plastic_levy && levy_rate > 0) e.tax_change = virgin_saved * levy_rate;
  // Expected EU penalties avoided, weighted by the firm's belief P_reg that a rule is
  // enforced: the rule's enforcement path x the firm's belief b_f x its credence in
  // the rule, which grows with the years of notices since the announcement and
  // with the output share of its linked firms (peers and chain partners; the chain table
  // as a fallback, firm_social_shares) that already comply (ecodesign: reduce;
  // recycled-content floors: substitute or recycle).
  const double complying_reduce = social[idx(static_cast<int>(Strategy::kReduce))];
  const double complying_rc = std::max(social[idx(static_cast<int>(Strategy::kSubstitute))],
                                       social[idx(static_cast<int>(Strategy::kRecycle))]);
  for (const auto& rule : params_.rules) {
    if (rule.group != c.group || current_year_ < rule.announce_year) continue;
    const double credence = params_.credence.credence(
        current_year_, rule.announce_year, rule.kind == 1 ? complying_reduce : complying_rc);
    for (int t = 1; t <= e.horizon_years; ++t) {
      const double p_reg = std::min(
          1.0, rule.enforcement(current_year_ + t) * c.belief * belief_multiplier_ * credence);
      double avoided = 0;
      if (rule.kind == 1) {  // ecodesign: the linear design costs more
        if (s == static_cast<int>(Strategy::kReduce) && !c.has(Strategy::kReduce))
          avoided = rule.cost_increase * cost_year;
      } else if (gain > 0) {  // recycled-content floors
        const double before = std::max(0.0, rule.min_rc - rc);
        const double after = std::max(0.0, rule.min_rc - rc - gain);
        avoided = (before - after) * tonnes_year * rule.penalty_per_t;
      }
      e.expected_penalty_avoided[idx(t - 1)] += p_reg * avoided;
    }
  }
  return e;
}

void Simulation::rebuild_derived() {
  order_counts_.clear();
  order_prices_.clear();
  shop_keys_.clear();
  shop_counts_.clear();
  shop_margin_raw_.clear();
  order_keys_.clear();
  bucket_scratch_.clear();
  const std::size_t groups = params_.groups.size();
  const std::size_t local_n = households_.size();
  seen_stride_ = local_n + ghost_ids_.size();
  // kSeenPad bytes more: the vector window count reads 16 bytes from a window's start.
  seen_.assign(groups * seen_stride_ + kSeenPad, 0);
  for (std::size_t g = 0; g < groups; ++g) {
    std::uint8_t* row = seen_.data() + g * seen_stride_;
    for (std::size_t i = 0; i < local_n; ++i)
      row[i] = pack_seen(households_[i].last_choice[g], households_[i].last_eol[g]);
    for (std::size_t s = 0; s < ghost_ids_.size(); ++s)
      row[local_n + s] = pack_seen(ghost_choice_[s * groups + g], ghost_eol_[s * groups + g]);
  }
  attitude_factors_.resize(local_n);
  municipality_.resize(local_n);
  for (std::size_t i = 0; i < local_n; ++i) {
    const auto& h = households_[i];
    auto& f = attitude_factors_[i];
    f.purchase = purchase_logit_.usable() ? purchase_logit_.attitude_factor(h.attitude) : 0.0;
    f.eol = eol_logit_.usable() ? eol_logit_.attitude_factor(h.eol_attitude) : 0.0;
    municipality_[i] = h.municipality;
  }
}

void Simulation::neighbour_counts(std::uint32_t local, int group, NeighbourCounts& out,
                                  const std::uint8_t*& gathered) const {
  out = {};
  if (params_.global_mixing) {
    for (int k = 0; k < kOpt; ++k) {
      out.purchase[idx(k)] = static_cast<std::uint64_t>(choice_counts_[idx(group)][idx(k)]);
      out.eol[idx(k)] = static_cast<std::uint64_t>(eol_counts_[idx(group)][idx(k)]);
      out.purchase_total += out.purchase[idx(k)];
      out.eol_total += out.eol[idx(k)];
    }
    return;
  }
  const std::uint32_t b = exception_begin_[local];
  const std::uint32_t e = exception_begin_[local + 1];
  out.purchase_total = out.eol_total = 2 * std::uint64_t{ring_half_};
  // Ghost entries (kGhostBit set) index past the local households.
  const std::uint8_t* row = seen_.data() + idx(group) * seen_stride_;
  const bool window = windowed(local);
  // Four 16-bit counters per 64-bit register (build_network keeps the degree below
  // 2^16): no store-to-load chain. An exception takes back its window entry after
  // the window was added, so no counter ever goes below zero.
  std::uint64_t acc_choice = 0;
  std::uint64_t acc_eol = 0;
  const auto add = [&](std::uint8_t seen) {
    acc_choice += std::uint64_t{1} << ((seen & 3u) * 16u);
    acc_eol += std::uint64_t{1} << ((seen >> 2) * 16u);
  };
  if (window) {
#if defined(__SSE2__) && defined(__x86_64__)
    if (ring_half_ <= kVectorHalf) {
      // The window's 2 * half + 1 bytes in one 16-byte load (seen_ has kSeenPad bytes
      // of slack at its end), the household itself masked out. Per option k, one sum
      // of absolute differences counts both the neighbours whose choice is k (in the
      // low 4 bits: at most 14) and those whose end-of-life choice is k (times 16).
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(row + local - ring_half_));
      const __m128i three = _mm_set1_epi8(3);
      const __m128i choice = _mm_and_si128(v, three);
      const __m128i eol = _mm_and_si128(_mm_srli_epi16(v, 2), three);
      const __m128i keep = _mm_load_si128(reinterpret_cast<const __m128i*>(window_keep_.data()));
      for (std::uint32_t k = 0; k < static_cast<std::uint32_t>(kOpt); ++k) {
        const __m128i key = _mm_set1_epi8(static_cast<char>(k));
        const __m128i ones =
            _mm_and_si128(_mm_or_si128(_mm_and_si128(_mm_cmpeq_epi8(choice, key), _mm_set1_epi8(1)),
                                       _mm_and_si128(_mm_cmpeq_epi8(eol, key), _mm_set1_epi8(16))),
                          keep);
        const __m128i sums = _mm_sad_epu8(ones, _mm_setzero_si128());
        const auto both = static_cast<std::uint64_t>(_mm_cvtsi128_si64(sums)) +
                          static_cast<std::uint64_t>(_mm_extract_epi16(sums, 4));
        acc_choice += (both & 15u) << (16 * k);
        acc_eol += (both >> 4) << (16 * k);
      }
    } else
#endif
      for (std::uint32_t j = 1; j <= ring_half_; ++j) {
        add(row[local - j]);
        add(row[local + j]);
      }
  }
  for (std::uint32_t k = b; k < e; ++k) {
    const auto& x = exceptions_[k];
    if (window) {
      const std::uint8_t seen = row[x.replaced];
      acc_choice -= std::uint64_t{1} << ((seen & 3u) * 16u);
      acc_eol -= std::uint64_t{1} << ((seen >> 2) * 16u);
    }
    add(gathered != nullptr ? gathered[k - b] : row[seen_offset(x.target)]);
  }
  if (gathered != nullptr) gathered += e - b;
  for (std::size_t k = 0; k < out.purchase.size(); ++k) {
    out.purchase[k] = (acc_choice >> (16 * k)) & 0xFFFFu;
    out.eol[k] = (acc_eol >> (16 * k)) & 0xFFFFu;
  }
}

[[gnu::always_inline]] inline std::uint8_t Simulation::logit_choice(
    const agents::FactoredLogit& logit, const agents::ChoiceRule& rule, const float& attitude,
    double attitude_factor, std::uint8_t linear_option, std::uint8_t last_choice,
    const std::array<double, kOpt>& option_factor, const std::array<double, kOpt>& cost,
    const std::array<bool, kOpt>& available, const std::array<std::uint64_t, kOpt>& count,
    std::uint64_t total, RandomStream& rs) const {
  if (logit.usable())
    return logit.choose_by_factor(attitude_factor, linear_option, last_choice, option_factor,
                                  logit.social_factors(count, total), rs);
  agents::ChoiceSituation s;
  for (std::size_t k = 0; k < s.social_share.size(); ++k)
    s.social_share[k] =
        total > 0 ? static_cast<double>(count[k]) / static_cast<double>(total) : 0.0;
  s.cost = cost;
  s.available = available;
  s.last_choice = last_choice;
  s.linear_option = linear_option;
  return agents::choose(rule, attitude, s, rs);
}

std::vector<AgentId> Simulation::neighbour_ids(std::uint32_t local) const {
  const auto global = [&](std::uint32_t v) {
    return v & kGhostBit ? ghost_ids_[v & ~kGhostBit] : first_household_ + v;
  };
  std::vector<AgentId> ids;
  std::vector<std::uint32_t> replaced;
  const bool window = windowed(local);
  for (std::uint32_t k = exception_begin_[local]; k < exception_begin_[local + 1]; ++k)
    if (window) replaced.push_back(exceptions_[k].replaced);
  if (window)
    for (std::uint32_t j = 1; j <= ring_half_; ++j)
      for (const std::uint32_t v : {local + j, local - j})
        if (std::find(replaced.begin(), replaced.end(), v) == replaced.end())
          ids.push_back(first_household_ + v);
  for (std::uint32_t k = exception_begin_[local]; k < exception_begin_[local + 1]; ++k)
    ids.push_back(global(exceptions_[k].target));
  return ids;
}

// ---------------------------------------------------------------- phases ----

void Simulation::phase_environment(Tick t) {
  const auto ym = calendar_.at(t);
  current_tick_ = t;
  current_year_ = ym.year;
  adoption_events_.clear();
  decision_events_.clear();
  current_month_ = ym.month;
  for (auto& row : local_) row.fill(0);
  // Years since time.start; the warm-up holds prices, taxes and collection at their start values.
  const double years = std::max(0.0, (ym.ordinal() - params_.start.ordinal()) / 12.0);
  const double ets_rise = params_.ets0 * (std::pow(1.0 + params_.ets_growth, years) - 1.0);
  for (std::size_t g = 0; g < params_.groups.size(); ++g) {
    const auto& gp = params_.groups[g];
    auto& env = env_[g];
    env = {};
    for (const auto& sh : params_.shocks) {
      if (!((sh.group_mask >> g) & 1u) || ym.ordinal() < sh.start_ordinal ||
          ym.ordinal() >= sh.start_ordinal + sh.months)
        continue;
      env.virgin_factor *= sh.virgin_factor;
      env.import_factor *= sh.import_factor;
      env.floor_factor *= sh.floor_factor;
    }
    // Virgin price: path with drift, shocks, and the ETS price rise passed on per tonne of CO2.
    prices_[g].virgin_eur_t =
        gp.virgin_price0 * std::pow(1.0 + gp.virgin_drift, years) * env.virgin_factor +
        ets_rise * gp.virgin_co2;
    env.imported_recyclate_eur_t = params_.imported_recyclate_factor * gp.recyclate_price0 *
                                   std::pow(1.0 + gp.virgin_drift, years) * env.floor_factor;
    env.epr = gp.epr && ym.year >= gp.epr_start_year;
    env.levy = gp.plastic_levy && plastic_levy_rate(ym.year) > 0;
    env.import_share = std::min(1.0, gp.import_share * env.import_factor *
                                         (env.levy ? 1.0 + params_.plastic_levy_leakage : 1.0));
  }
  pro_review(t);
  // Circular procurement: the regional share, or the Circular Economy Act's floor once it binds.
  procurement_circular_ = params_.circular_procurement;
  for (const auto& rule : params_.rules)
    if (rule.kind == 2 && rule.enforcement(ym.year) > 0)
      procurement_circular_ = std::max(procurement_circular_, rule.procurement_share);
  regions_environment(ym.year, t == warmup_ticks() || (t > warmup_ticks() && ym.month == 1));
  // Residual-waste charge per tonne passed on to households (waste tax + incineration CO2 levy).
  const double co2_levy =
      ym.year >= 2030
          ? params_.co2_levy_2030
          : params_.co2_levy_start +
                (params_.co2_levy_2030 - params_.co2_levy_start) *
                    std::clamp(years / std::max(1.0, 2030.0 - params_.start.year), 0.0, 1.0);
  waste_tax_eur_t_ = params_.waste_tax * std::pow(1.0 + params_.waste_tax_index, years);
  residual_charge_eur_t_ =
      (waste_tax_eur_t_ + co2_levy * params_.co2_per_t_residual) * params_.pass_through;
  density_rise_ = params_.density_growth * years;
  // At time.start after a warm-up, the learning curves start again from the adopters then:
  // the cost premia c0 are those of time.start.
  if (t == warmup_ticks() && t > 0) initial_adopters_ = cumulative_adopters_;
  // Learning factors of this month: c = c0 (X / X0)^-b with X the cumulative adoptions
  // up to last month (the adopters at set-up plus every adoption since, exited firms
  // included) and X0 those at the start (+1 each, so that a strategy nobody had adopted
  // yet starts at c0).
  for (std::size_t g = 0; g < params_.groups.size(); ++g)
    for (std::size_t s = 0; s < agents::kStrategies; ++s) {
      const double x = 1.0 + static_cast<double>(cumulative_adopters_[g][s]);
      const double x0 = 1.0 + static_cast<double>(initial_adopters_[g][s]);
      learning_[g][s] = std::pow(x / x0, -params_.strategies[s].learning);
    }
  if (t == warmup_ticks() || (t > warmup_ticks() && ym.month == 1)) {
    const double programme = params_.envelope_for(ym.year) * params_.programme_share;
    budget_cumulative_ += milli(programme);
    for (std::size_t k = 0; k < params_.schemes.size(); ++k) {
      const auto& s = params_.schemes[k];
      const bool open =
          ym.year >= s.first_year && ym.year <= std::max(s.last_year, reopen_until_year_);
      scheme_budget_left_eur_[k] = open ? programme * s.budget_share * budget_multiplier_ : 0.0;
    }
  }
}

void Simulation::phase_review(Tick t) {
  for (std::size_t i = 0; i < companies_.size(); ++i) {
    auto& c = companies_[i];
    if (c.alive && c.review_month == current_month_) review_company(c, i, t);
  }
  for (const int g : owned_tables_) form_chain_projects(g);
  // Applications travel to the government's rank.
  (void)applications_.exchange();
}

void Simulation::review_company(Company& c, std::size_t index, Tick t) {
  RandomStream rs(params_.seed, c.id, t, agents::purpose::kReview);
  const auto& board = boards_[c.group];
  const double credit = params_.credit_months * c.base_monthly_revenue;
  const auto sn = firm_social_shares(index);
  c.intention = agents::kNoIntentions;
  for (int s = 0; s < agents::kStrategies; ++s) {
    if (!agents::strategy_applies(c.role, static_cast<Strategy>(s)) ||
        c.has(static_cast<Strategy>(s)))
      continue;
    const double u = rs.uniform();
    auto e = economics(c, s, sn);
    const double social = sn[idx(s)];
    const bool pledged = (board.pledged >> s) & 1u;
    const double npv0 = agents::strategy_npv(e);
    const double u0 =
        agents::strategy_intention(params_.intention, npv0, e.capex, social, c.attitude, pledged);
    const double p0 = agents::adoption_probability(params_.intention.beta, u0, c.threshold);
    c.intention[idx(s)] = static_cast<float>(u0);
    const int scheme = open_scheme(c.group, s, false);
    if (scheme >= 0 && pending_[index].strategy == 0xFF && e.capex > 0) {
      const auto& sp = params_.schemes[idx(scheme)];
      const double rate = c.size == agents::SizeClass::kLarge ? sp.rate_large : sp.rate_sme;
      const double requested = std::min(rate * e.capex, sp.max_eur);
      if (requested >= sp.min_eur && requested > 0) {
        // The firm counts on its province's co-funding (Rijk-Regio) where it is offered.
        e.subsidy_rate = std::min(1.0, (requested + expected_cofunding(c.id, requested)) / e.capex);
        const double npv1 = agents::strategy_npv(e);
        const double u1 = agents::strategy_intention(params_.intention, npv1, e.capex, social,
                                                     c.attitude, pledged);
        const double p1 = agents::adoption_probability(params_.intention.beta, u1, c.threshold);
        if (u < p1 && agents::can_finance(c, credit, e.capex - requested)) {
          ApplicationMsg m{ids_.government,
                           c.id,
                           0,
                           rs.next_u32(),
                           static_cast<std::uint8_t>(scheme),
                           static_cast<std::uint8_t>(s),
                           requested,
                           u1};
          applications_.post(m);
          pending_[index] = {static_cast<std::uint8_t>(s), static_cast<float>(p0),
                             static_cast<float>(u)};
          ++local_[c.group][kSubsidyApplications];
          continue;
        }
      }
    }
    if (u < p0 && agents::can_finance(c, credit, e.capex)) adopt(c, s, e.capex);
  }
}

void Simulation::form_chain_projects(int group) {
  // Coalitions of 3-6 members in at least 3 distinct roles whose intention for the
  // same strategy exceeds the coalition threshold apply jointly (Circulaire Ketenprojecten).
  const int scheme = open_scheme(group, -1, true);
  if (scheme < 0) return;
  const auto& sp = params_.schemes[idx(scheme)];
  const auto& members = table_members_[idx(group)];
  std::vector<agents::ProjectCandidate> candidates;
  candidates.reserve(members.size());
  for (const auto& m : members) candidates.push_back({m.id, m.intention, m.role, m.adopted});
  RandomStream rs(params_.seed, ids_.chain_table(group), current_tick_, agents::purpose::kArrival);
  for (const auto& coalition :
       agents::form_coalitions(candidates, params_.coalition_threshold,
                               params_.same_strategy_projects, sp.strategy_mask)) {
    Coalition co;
    co.table = ids_.chain_table(group);
    co.strategy = coalition.strategy;
    double requested = 0;
    for (const std::size_t i : coalition.members) {
      const auto& m = members[i];
      // Mixed projects: each member brings its best strategy.
      const auto s = coalition.strategy != agents::kNoStrategy ? coalition.strategy
                                                               : agents::best_strategy(m.intention);
      const double capex =
          params_.strategies[s].capex * (m.large ? params_.large_capex_factor : 1.0);
      const double grant = std::min(
          (m.large ? sp.rate_large : sp.rate_sme) * params_.project_cost_share * capex, sp.max_eur);
      co.members.push_back({m.id, grant});
      requested += grant;
    }
    const auto seq = static_cast<std::uint32_t>(coalitions_.size());
    applications_.post({ids_.government, co.table, seq, rs.next_u32(),
                        static_cast<std::uint8_t>(scheme), coalition.strategy, requested,
                        static_cast<double>(coalition.members.size())});
    ++local_[idx(group)][kSubsidyApplications];
    ++local_[idx(group)][kChainProjects];
    coalitions_.push_back(std::move(co));
  }
}

void Simulation::phase_government(Tick /*t*/) {
  const auto inbox = applications_.received();
  if (owns_government_) {
    std::vector<std::vector<agents::SubsidyApplication>> per_scheme(params_.schemes.size());
    for (const auto& m : inbox)
      per_scheme[m.scheme].push_back({m.sender, m.arrival, m.score, m.requested_eur, m.seq});
    std::uint32_t seq = 0;
    for (std::size_t k = 0; k < per_scheme.size(); ++k) {
      if (per_scheme[k].empty()) continue;
      const auto& sp = params_.schemes[k];
      // Chain projects: the maximum is per participating firm (up to 6).
      agents::SchemeRules rules{sp.min_eur, sp.chain_projects ? 6 * sp.max_eur : sp.max_eur,
                                sp.tender};
      Euro left = Euro::from_double(scheme_budget_left_eur_[k]);
      Euro running = left;  // budget left after each decision, for the decision log
      const auto decisions = agents::allocate_subsidies(rules, per_scheme[k], left);
      scheme_budget_left_eur_[k] = left.to_double();
      for (const auto& d : decisions) {
        const auto& app = *std::find_if(per_scheme[k].begin(), per_scheme[k].end(),
                                        [&](const agents::SubsidyApplication& a) {
                                          return a.applicant == d.applicant && a.ref == d.ref;
                                        });
        if (d.granted) running -= Euro::from_double(d.granted_eur);
        // Firms' grants (not chain projects') are topped up by their province.
        const bool firm = d.applicant >= ids_.companies_begin;
        const double cofunding = d.granted && firm ? cofund_grant(d.applicant, d.granted_eur) : 0.0;
        decision_events_.push_back(
            {d.applicant, current_tick_, app.arrival, static_cast<std::uint8_t>(k),
             static_cast<std::uint8_t>(d.granted), static_cast<std::uint8_t>(group_of(d.applicant)),
             0, seq, firm ? firm_province(params_, d.applicant) : kNoProvince, app.requested_eur,
             d.granted_eur, running.to_double(), cofunding});
        decisions_.post({d.applicant, ids_.government, seq++, static_cast<std::uint8_t>(d.granted),
                         d.ref, d.granted_eur, cofunding});
        if (d.granted) {
          const auto g = group_of(d.applicant);
          ++local_[g][kSubsidyGrants];
          local_[g][kSubsidyCommitted] += milli(d.granted_eur);
        }
      }
    }
  }
  (void)decisions_.exchange();
}

std::size_t Simulation::group_of(AgentId id) const {
  if (id >= ids_.chain_tables_begin && id < ids_.companies_begin)
    return static_cast<std::size_t>(id - ids_.chain_tables_begin);
  const auto it =
      std::upper_bound(ids_.group_companies_begin.begin(), ids_.group_companies_begin.end(), id);
  return static_cast<std::size_t>(it - ids_.group_companies_begin.begin()) - 1;
}

void Simulation::phase_offers(Tick /*t*/) {
  // Granted chain projects: the table passes each member its share.
  for (const auto& m : decisions_.received()) {
    if (m.receiver >= ids_.companies_begin || !m.granted) continue;
    const auto& co = coalitions_[m.reply_to];
    for (std::size_t k = 0; k < co.members.size(); ++k)
      projects_.post({co.members[k].first, co.table,
                      static_cast<std::uint32_t>(k) + m.reply_to * 8u, co.strategy,
                      co.members[k].second});
  }
  coalitions_.clear();
  for (const auto& m : projects_.exchange()) {
    auto& c = company(m.receiver);
    // A mixed project's member adopts its best strategy as of now.
    const auto strategy =
        m.strategy != agents::kNoStrategy ? m.strategy : agents::best_strategy(c.intention);
    if (!c.alive || strategy == agents::kNoStrategy || c.has(static_cast<Strategy>(strategy)))
      continue;
    const int s = strategy;
    const double capex = strategy_capex(c, s);
    const double credit = params_.credit_months * c.base_monthly_revenue;
    // The project covers part of the investment and brings partners: the member
    // re-evaluates the strategy with the grant and adopts by the logistic rule.
    const auto sn = firm_social_shares(static_cast<std::size_t>(m.receiver - first_company_));
    auto e = economics(c, s, sn);
    e.subsidy_rate = capex > 0 ? m.amount_eur / capex : 0.0;
    const double u1 = agents::strategy_intention(params_.intention, agents::strategy_npv(e),
                                                 e.capex, sn[idx(s)], c.attitude, true);
    RandomStream rs(params_.seed, c.id, current_tick_, agents::purpose::kProject);
    if (rs.uniform() >= agents::adoption_probability(params_.intention.beta, u1, c.threshold))
      continue;
    if (!agents::can_finance(c, credit, capex - m.amount_eur)) continue;
    adopt(c, s, capex - m.amount_eur, m.amount_eur);
    local_[c.group][kSubsidyPaid] += milli(m.amount_eur);
  }
  for (const auto& m : decisions_.received()) {
    if (m.receiver < ids_.companies_begin) continue;
    const auto index = static_cast<std::size_t>(m.receiver - first_company_);
    auto& c = company(m.receiver);
    auto& pend = pending_[index];
    const int s = pend.strategy;
    // Already adopted this month through a chain project: a grant is declined, not paid.
    if (!c.alive || c.has(static_cast<Strategy>(s))) {
      pend = {};
      continue;
    }
    const double capex = strategy_capex(c, s);
    const double credit = params_.credit_months * c.base_monthly_revenue;
    bool adopt_now = false;
    double own = capex;
    if (m.granted) {
      adopt_now = true;
      const double cofunding = std::min(m.cofunding_eur, std::max(0.0, capex - m.amount_eur));
      own = capex - m.amount_eur - cofunding;
      local_[c.group][kSubsidyPaid] += milli(m.amount_eur);
      local_[c.group][kCofundingPaid] += milli(cofunding);
    } else {
      adopt_now = pend.u < pend.p_without && agents::can_finance(c, credit, capex);
    }
    if (adopt_now) adopt(c, s, own, capex - own);
    pend = {};
  }
  // Exact alive capacity per (group, role) and of its adopters per strategy.
  const std::size_t groups = params_.groups.size();
  constexpr std::size_t kPerRole = 2 + agents::kStrategies;
  std::vector<std::int64_t> capacity(groups * agents::kRoles * kPerRole, 0);
  for (const auto& c : companies_) {
    if (!c.alive) continue;
    auto* row = capacity.data() + (static_cast<std::size_t>(c.group) * agents::kRoles +
                                   idx(static_cast<int>(c.role))) *
                                      kPerRole;
    row[0] += milli(c.capacity_weight);
    if (c.adopted) row[1] += milli(c.capacity_weight);
    for (int s = 0; s < agents::kStrategies; ++s)
      if (c.has(static_cast<Strategy>(s))) row[2 + idx(s)] += milli(c.capacity_weight);
  }
  comm_.allreduce_sum(capacity);
  for (std::size_t g = 0; g < groups; ++g)
    for (std::size_t r = 0; r < agents::kRoles; ++r) {
      const auto* row = capacity.data() + (g * agents::kRoles + r) * kPerRole;
      auto& rc = role_capacity_[g][r];
      rc.capacity = static_cast<double>(row[0]) / 1000.0;
      rc.any_adopter = static_cast<double>(row[1]) / 1000.0;
      for (std::size_t s = 0; s < agents::kStrategies; ++s)
        rc.adopters[s] = static_cast<double>(row[2 + s]) / 1000.0;
    }

  // Publish offers: every rank gets the same supplier and shop menus.
  std::vector<Offer> mine;
  auto publish = [&](const Company& c, Option o) {
    mine.push_back({c.id, c.capacity_weight, c.group, static_cast<std::uint8_t>(o), 0,
                    offer_price(c, static_cast<int>(o))});
  };
  auto stock = [&](const Company& c, Option o) {
    mine.push_back({c.id, c.capacity_weight, c.group, static_cast<std::uint8_t>(o), 1, 0.0});
  };
  for (const auto& c : companies_) {
    if (!c.alive) continue;
    switch (c.role) {
      case Role::kProducer:
        // Every producer keeps its conventional line; adopters add a circular one.
        publish(c, Option::kNewLinear);
        if (c.circular_offer()) publish(c, Option::kNewCircular);
        break;
      case Role::kRefurbisher:
        publish(c, Option::kSecondHand);
        if (c.has(Strategy::kExtend)) publish(c, Option::kService);
        break;
      case Role::kRetailer:
        // Every shop sells new linear products; adopters widen the circular assortment.
        stock(c, Option::kNewLinear);
        if (c.has(Strategy::kSubstitute)) stock(c, Option::kNewCircular);
        if (c.has(Strategy::kExtend)) {
          stock(c, Option::kSecondHand);
          stock(c, Option::kService);
        }
        break;
      default:
        break;
    }
  }
  const auto bytes = comm_.allgather_bytes(
      {reinterpret_cast<const std::uint8_t*>(mine.data()), mine.size() * sizeof(Offer)});
  std::vector<Offer> all(bytes.size() / sizeof(Offer));
  if (!all.empty()) std::memcpy(all.data(), bytes.data(), bytes.size());
  std::sort(all.begin(), all.end(), [](const Offer& a, const Offer& b) {
    return a.id != b.id ? a.id < b.id : a.option < b.option;
  });
  for (auto* menus : {&menus_, &retail_menus_})
    for (auto& per_group : *menus)
      for (auto& menu : per_group) {
        menu.ids.clear();
        menu.cumulative.clear();
        menu.prices.clear();
        menu.mean_price = 0;
      }
  for (const auto& o : all) {
    auto& menu = (o.retail ? retail_menus_ : menus_)[o.group][o.option];
    const auto& gp = params_.groups[o.group];
    // Demand weight: capacity x (price / reference price)^-elasticity.
    const double reference = gp.price_eur * gp.price_factor[o.option];
    const double weight = o.retail || reference <= 0 || o.price <= 0
                              ? o.weight
                              : o.weight * std::pow(o.price / reference, -params_.price_elasticity);
    menu.ids.push_back(o.id);
    menu.cumulative.push_back((menu.cumulative.empty() ? 0.0 : menu.cumulative.back()) + weight);
    menu.prices.push_back(o.price);
    menu.mean_price += weight * o.price;
  }
  for (auto& per_group : menus_)
    for (auto& menu : per_group)
      if (!menu.cumulative.empty() && menu.cumulative.back() > 0)
        menu.mean_price /= menu.cumulative.back();
  for (auto* menus : {&menus_, &retail_menus_})
    for (auto& per_group : *menus)
      for (auto& menu : per_group) build_guide(menu.cumulative, menu.guide, menu.bins_per_unit);
}

void Simulation::gather_exception_choices(std::span<const std::uint32_t> due) {
  // Each exception target's byte of seen_ is read in address order: the (position,
  // exception number) pairs are bucketed by the position's high bits (one counting
  // pass), so each bucket's reads stay within a region that fits in cache, and the
  // bytes are then written to gathered_ in event order. The same bytes as reading
  // seen_ per event; only the order of the reads changes.
  if (seen_.size() > 0xFFFFFFFFu)
    throw std::length_error("gather_exception_choices: more than 2^32 bytes of choices");
  gather_at_.clear();
  for (const std::uint32_t entry : due) {
    const std::uint32_t local = entry / agents::kMaxGroups;
    const std::size_t base = static_cast<std::size_t>(entry % agents::kMaxGroups) * seen_stride_;
    for (std::uint32_t k = exception_begin_[local]; k < exception_begin_[local + 1]; ++k) {
      const std::uint32_t v = exceptions_[k].target;
      gather_at_.push_back(static_cast<std::uint32_t>(base + seen_offset(v)));
    }
  }
  const std::size_t n = gather_at_.size();
  gathered_.resize(n);
  gather_pairs_.resize(n);
  constexpr int kBucketBits = 8;
  const int shift = std::max(0, bits_below(seen_.size()) - kBucketBits);
  std::array<std::uint32_t, (1u << kBucketBits) + 1> start{};
  for (const std::uint32_t at : gather_at_) ++start[(at >> shift) + 1];
  for (std::size_t b = 1; b < start.size(); ++b) start[b] += start[b - 1];
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint32_t at = gather_at_[i];
    gather_pairs_[start[at >> shift]++] = std::uint64_t{at} << 32 | i;
  }
  const std::uint8_t* seen = seen_.data();
  std::uint8_t* out = gathered_.data();
  for (const std::uint64_t pair : gather_pairs_) out[pair & 0xFFFFFFFFu] = seen[pair >> 32];
}

std::vector<Simulation::NeighbourCounts> Simulation::gathered_neighbour_counts(
    std::span<const std::uint32_t> due) {
  gather_exception_choices(due);
  std::vector<NeighbourCounts> counts(due.size());
  const std::uint8_t* gathered = gathered_.data();
  for (std::size_t i = 0; i < due.size(); ++i)
    neighbour_counts(due[i] / agents::kMaxGroups, static_cast<int>(due[i] % agents::kMaxGroups),
                     counts[i], gathered);
  return counts;
}

void Simulation::phase_consumers(Tick t) {
  // Events of one tick are independent (choices become visible in the social
  // phase, random streams are counter-based, totals are integers, messages are
  // delivered in canonical order), so the bucket is processed in local-index
  // order: neighbour scans then walk the network arrays nearly sequentially.
  auto& bucket = buckets_[t];
  const std::span<const std::uint32_t> due = radix_sort(
      bucket, bucket_scratch_, bits_below(std::uint64_t{households_.size()} * agents::kMaxGroups));
  order_counts_.resize(static_cast<std::size_t>(ids_.households_begin - ids_.companies_begin) *
                       kOpt);
  order_prices_.resize(order_counts_.size());
  shop_counts_.resize(order_counts_.size());
  shop_margin_raw_.resize(order_counts_.size());
  key_bits_ = bits_below(std::uint64_t{order_counts_.size()});
  update_purchase_views();
  // Software prefetch (no effect on results), in three stages so that each load
  // finds its line in cache: the attitude factors, the municipality and the
  // exception offsets kFar events ahead, the exceptions kMid ahead, and the ring
  // window's packed choices kNear ahead. The exception targets' choices come from
  // the month's gather (gathered_), read in event order.
  constexpr std::size_t kFar = 24;
  constexpr std::size_t kMid = 12;
  constexpr std::size_t kNear = 6;
  const bool network = !params_.global_mixing && ring_half_ > 0;
  if (network) gather_exception_choices(due);
  const std::uint8_t* gathered = network ? gathered_.data() : nullptr;  // the next event's
  pending_draws_.resize(params_.groups.size() * kOpt);
  // The random blocks an event usually needs (two of its purchase stream, one of
  // its shop stream) are computed for kBatch events at a time, in SIMD lanes.
  constexpr std::size_t kBatch = 16;
  std::array<engine::Philox4x32Counter, kBatch * kBlocksAhead> counters;
  std::array<engine::Philox4x32Counter, kBatch * kBlocksAhead> blocks;
  for (std::size_t i = 0; i < due.size(); ++i) {
    if (i % kBatch == 0) {
      const std::size_t n = std::min(kBatch, due.size() - i);
      for (std::size_t j = 0; j < n; ++j) {
        const std::uint32_t entry = due[i + j];
        const int g = static_cast<int>(entry % agents::kMaxGroups);
        const AgentId id = first_household_ + entry / agents::kMaxGroups;
        auto* c = &counters[j * kBlocksAhead];
        for (std::uint32_t b = 0; b < kPurchaseBlocks; ++b)
          c[b] = RandomStream::counter(id, t, per_group(agents::purpose::kPurchase, g), b);
        c[kPurchaseBlocks] =
            RandomStream::counter(id, t, per_group(agents::purpose::kRetailer, g), 0);
      }
      engine::philox4x32_10_many(std::span(counters).first(n * kBlocksAhead),
                                 RandomStream::key(params_.seed),
                                 std::span(blocks).first(n * kBlocksAhead));
    }
    if (i + kFar < due.size()) {
      const std::uint32_t far = due[i + kFar] / agents::kMaxGroups;
      __builtin_prefetch(&attitude_factors_[far]);  // one line: 16-byte aligned records
      __builtin_prefetch(&municipality_[far]);
      if (network) __builtin_prefetch(&exception_begin_[far + 1]);
    }
    if (network && i + kMid < due.size()) {
      const std::uint32_t mid = due[i + kMid] / agents::kMaxGroups;
      __builtin_prefetch(exceptions_.data() + exception_begin_[mid]);
    }
    if (network && i + kNear < due.size()) {
      const std::uint32_t near = due[i + kNear] / agents::kMaxGroups;
      const std::uint8_t* row =
          seen_.data() +
          static_cast<std::size_t>(due[i + kNear] % agents::kMaxGroups) * seen_stride_;
      if (windowed(near)) {
        __builtin_prefetch(row + near - ring_half_);
        __builtin_prefetch(row + near + ring_half_);
      }
    }
    const std::uint32_t entry = due[i];
    household_event(entry / agents::kMaxGroups, static_cast<int>(entry % agents::kMaxGroups), t,
                    &blocks[(i % kBatch) * kBlocksAhead], gathered);
  }
  resolve_purchase_draws();
  engine::LargeVector<std::uint32_t>().swap(bucket);  // release the month's memory
  // One order per (supplier, option) for all of this rank's purchases, and one per
  // (shop, option) with the exact sum of the shop's margins. Both go out in
  // canonical (receiver, seq) order, so the receiving exchange merges sorted runs
  // instead of sorting: keys are company * kOpt + option, and the seq is
  // group * kOpt + option (suppliers) or the option (shops).
  const auto supplier_keys = radix_sort(order_keys_, order_scratch_, key_bits_);
  const auto shop_sorted = radix_sort(shop_keys_, shop_scratch_, key_bits_);
  std::size_t a = 0;
  std::size_t b = 0;
  while (a < supplier_keys.size() || b < shop_sorted.size()) {
    const bool supplier_next =
        b == shop_sorted.size() || (a < supplier_keys.size() && supplier_keys[a] < shop_sorted[b]);
    const std::uint32_t key = supplier_next ? supplier_keys[a++] : shop_sorted[b++];
    const AgentId receiver = ids_.companies_begin + key / kOpt;
    const std::size_t g = group_of(receiver);
    const auto option = static_cast<std::uint8_t>(key % kOpt);
    const double units = params_.groups[g].units_per_purchase * params_.household_weight;
    if (supplier_next) {
      orders_.post({receiver, first_household_, static_cast<std::uint32_t>(g * kOpt + option),
                    option, units, order_prices_[key], order_counts_[key], 0});
      order_counts_[key] = 0;
    } else {
      orders_.post({receiver, first_household_, option, option, units, 0.0, shop_counts_[key],
                    shop_margin_raw_[key]});
      shop_counts_[key] = 0;
      shop_margin_raw_[key] = 0;
    }
  }
  order_keys_.clear();
  shop_keys_.clear();
  if (owns_government_) public_procurement();

  // Suppliers book their sales, in canonical order: public orders (the
  // government has the lowest id) first, then households' purchases, each
  // booked one by one as if it had come in its own message. Suppliers earn
  // their cost-plus price, shops their margin. Orders arrive sorted by
  // receiver, so each firm's unit costs are computed once per option.
  // A shop books its margins as the households' ranks summed them (an exact
  // integer sum), and its cost once, on the month's total margin.
  AgentId cached = 0;
  std::array<double, kOpt> cost{};  // per option; < 0: not computed yet
  Company* shop = nullptr;
  Euro shop_margin;
  auto book_shop_cost = [&] {
    if (shop == nullptr) return;
    const double share = cost_factor(*shop) / (1.0 + params_.markup);
    shop->cost += Euro::from_double(shop_margin.to_double() * share);
    shop = nullptr;
    shop_margin = Euro{};
  };
  for (const auto& m : orders_.exchange()) {
    auto& c = company(m.receiver);
    if (m.receiver != cached || cached == 0) {
      book_shop_cost();
      cached = m.receiver;
      cost.fill(-1.0);
    }
    const std::uint32_t n = std::max<std::uint32_t>(m.count, 1);
    if (c.role == Role::kRetailer) {
      shop = &c;
      shop_margin += Euro::from_raw(m.amount_raw);
      c.revenue += Euro::from_raw(m.amount_raw);
      for (std::uint32_t k = 0; k < n; ++k) c.units_sold += m.units;
      continue;
    }
    const Euro revenue = Euro::from_double(m.units * m.price);
    const bool circular = m.option == static_cast<std::uint8_t>(Option::kNewCircular);
    if (cost[m.option] < 0) cost[m.option] = unit_cost(c, m.option);
    const Euro booked_cost = Euro::from_double(m.units * cost[m.option]);
    for (std::uint32_t k = 0; k < n; ++k) {
      c.units_sold += m.units;
      c.revenue += revenue;
      c.cost += booked_cost;
      if (circular) c.units_circular += m.units;
    }
  }
  book_shop_cost();
  std::fill(recyclate_demand_g_.begin(), recyclate_demand_g_.end(), 0);
  std::fill(b2b_spend_milli_.begin(), b2b_spend_milli_.end(), 0);
  for (auto& c : companies_) {
    if (!c.alive || c.role == Role::kRecycler || c.role == Role::kManufacturer ||
        c.role == Role::kCollector)
      continue;  // these three operate in the materials phase
    operate_company(c);
  }
}

void Simulation::resolve_purchase_draws() {
  // The draws were kept per (group, option), so the searches run through one pair of
  // menus at a time: its entries stay in cache, and the purchases are first tallied
  // per menu entry, then booked once per supplier and per shop. A shop's margin on a
  // purchase depends only on the supplier's price, so it is rounded once per
  // supplier. All totals are integer sums, and a (supplier, option) has one price a
  // month, so neither the order of the purchases nor this grouping changes them.
  const std::size_t groups = params_.groups.size();
  for (std::size_t g = 0; g < groups; ++g) {
    const double units = params_.groups[g].units_per_purchase * params_.household_weight;
    for (std::size_t k = 0; k < static_cast<std::size_t>(kOpt); ++k) {
      auto& draws = pending_draws_[g * kOpt + k];
      if (draws.empty()) continue;
      const SupplierMenu& menu = menus_[g][k];
      const SupplierMenu& shop = retail_menus_[g][k];
      const std::size_t n = menu.ids.size();
      if (supplier_tally_.size() < n) supplier_tally_.resize(n);
      if (shop_tally_.size() < shop.ids.size()) shop_tally_.resize(shop.ids.size());
      for (const PendingDraw& d : draws) {
        const std::size_t at = std::min<std::size_t>(
            guided_upper_bound(menu.cumulative, menu.guide, menu.bins_per_unit, d.pick), n - 1);
        auto& supplier = supplier_tally_[at];
        ++supplier.purchases;
        if (d.shop_pick < 0) continue;
        const std::size_t s = std::min<std::size_t>(
            guided_upper_bound(shop.cumulative, shop.guide, shop.bins_per_unit, d.shop_pick),
            shop.ids.size() - 1);
        if (supplier.shop_purchases++ == 0)
          supplier.margin_raw =
              Euro::from_double(units * (menu.prices[at] * params_.retail_margin)).raw();
        ++shop_tally_[s].purchases;
        shop_tally_[s].margin_raw += supplier.margin_raw;
      }
      draws.clear();
      // Book per supplier and per shop; keys are company * kOpt + option, and new keys
      // are listed for the sorted sending in phase_consumers.
      for (std::size_t at = 0; at < n; ++at) {
        auto& supplier = supplier_tally_[at];
        if (supplier.purchases == 0) continue;
        const auto key = static_cast<std::uint32_t>(menu.ids[at] - ids_.companies_begin) * kOpt +
                         static_cast<std::uint32_t>(k);
        if (order_counts_[key] == 0) {
          order_keys_.push_back(key);
          order_prices_[key] = menu.prices[at];
        }
        order_counts_[key] += supplier.purchases;
        if (supplier.shop_purchases > 0)
          local_[g][kRetailMargin] += std::int64_t{supplier.shop_purchases} *
                                      milli(units * menu.prices[at] * params_.retail_margin);
        supplier = {};
      }
      for (std::size_t s = 0; s < shop.ids.size(); ++s) {
        auto& tally = shop_tally_[s];
        if (tally.purchases == 0) continue;
        const auto key = static_cast<std::uint32_t>(shop.ids[s] - ids_.companies_begin) * kOpt +
                         static_cast<std::uint32_t>(k);
        if (shop_counts_[key] == 0) shop_keys_.push_back(key);
        shop_counts_[key] += tally.purchases;
        shop_margin_raw_[key] += tally.margin_raw;
        tally = {};
      }
    }
  }
}

void Simulation::update_purchase_views() {
  // An option costs its expected cost-plus price, plus the shop margin when bought
  // in a shop (with probability a_k, the capacity share of shops stocking it), or the
  // effort of finding it elsewhere (circular options only).
  const std::size_t groups = params_.groups.size();
  purchase_views_.resize(groups);
  for (std::size_t g = 0; g < groups; ++g) {
    const auto& gp = params_.groups[g];
    auto& view = purchase_views_[g];
    view.shops = role_capacity_[g][static_cast<std::size_t>(Role::kRetailer)].capacity;
    view.any_available = false;
    for (int k = 0; k < kOpt; ++k) {
      const auto& menu = menus_[g][idx(k)];
      const auto& shop = retail_menus_[g][idx(k)];
      const double stocked =
          view.shops > 0 && !shop.cumulative.empty() ? shop.cumulative.back() / view.shops : 0.0;
      const double search = k == static_cast<int>(Option::kNewLinear)
                                ? 0.0
                                : params_.retail_search_cost_share * (1.0 - stocked);
      view.cost[idx(k)] = menu.mean_price * (1.0 + params_.retail_margin * stocked + search);
      view.available[idx(k)] = !menu.ids.empty();
      view.any_available = view.any_available || view.available[idx(k)];
    }
    if (purchase_logit_.usable()) {
      agents::ChoiceSituation s;
      s.cost = view.cost;
      s.available = view.available;
      view.option_factor = purchase_logit_.option_factors(s);
    }
    // End of life: repair, resell, separate collection (per municipality, below), residual.
    const double units = gp.units_per_purchase * params_.household_weight;
    const double kg = units * gp.unit_mass_kg;
    view.units_milli = milli(units);
    view.mass_grams = grams(kg);
    view.waste_tax_milli = milli(kg / 1000.0 * waste_tax_eur_t_);
    view.eol_cost = {params_.repair_cost_share * gp.price_eur,
                     params_.resell_cost_share * gp.price_eur, 0.0,
                     residual_charge_eur_t_ * gp.units_per_purchase * gp.unit_mass_kg / 1000.0};
  }
  collection_effort_.resize(density0_.size());
  for (std::size_t m = 0; m < density0_.size(); ++m) {
    const double density = std::min(1.0, density0_[m] + density_rise_);
    collection_effort_[m] = params_.collection_effort * (1.0 - density);
  }
  // End-of-life costs and option factors per group and municipality (the collection
  // effort differs by municipality; everything else is the group's).
  eol_views_.resize(groups * collection_effort_.size());
  for (std::size_t g = 0; g < groups; ++g)
    for (std::size_t m = 0; m < collection_effort_.size(); ++m) {
      auto& ev = eol_views_[g * collection_effort_.size() + m];
      ev.cost = purchase_views_[g].eol_cost;
      ev.cost[static_cast<std::size_t>(agents::EolOption::kCollect)] =
          collection_effort_[m] * params_.groups[g].collection_effort_factor;
      if (!eol_logit_.usable()) continue;
      agents::ChoiceSituation s;
      s.cost = ev.cost;
      s.available = {true, true, true, true};
      ev.option_factor = eol_logit_.option_factors(s);
    }
}

void Simulation::household_event(std::uint32_t local, int g, Tick t,
                                 const engine::Philox4x32Counter* ahead,
                                 const std::uint8_t*& gathered) {
  // The household record is not read here (only by the rare general logit path):
  // the attitude factors, the municipality and seen_ (the last choices) hold what
  // the event needs, in smaller arrays.
  const auto& h = households_[local];
  const auto [last_choice, last_eol] = last_choices(local, g);
  auto& row = local_[idx(g)];
  const AgentId id = first_household_ + local;
  RandomStream rs(params_.seed, id, t, per_group(agents::purpose::kPurchase, g), ahead,
                  kPurchaseBlocks);

  // End of life of the product: repair, resell/donate, separate collection or residual waste.
  NeighbourCounts seen;
  neighbour_counts(local, g, seen, gathered);
  const auto& view = purchase_views_[idx(g)];
  const auto& eol_view = eol_views_[idx(g) * collection_effort_.size() + municipality_[local]];
  const auto& factors = attitude_factors_[local];
  const auto eol_choice = logit_choice(eol_logit_, params_.end_of_life, h.eol_attitude, factors.eol,
                                       static_cast<std::uint8_t>(agents::EolOption::kResidual),
                                       last_eol, eol_view.option_factor, eol_view.cost,
                                       {true, true, true, true}, seen.eol, seen.eol_total, rs);
  const auto e = static_cast<agents::EolOption>(eol_choice);
  std::uint8_t purchase_choice = last_choice;
  if (e == agents::EolOption::kRepair) {
    // Repaired: no waste and no purchase; the product lives on.
    row[kRepairs] += view.units_milli;
    schedule(local, g,
             t + static_cast<Tick>(repair_lifetimes_[idx(g)].months_capped(rs.uniform())));
  } else {
    row[kEndOfLife] += view.mass_grams;
    if (e == agents::EolOption::kResell) {
      row[kReused] += view.mass_grams;
      row[kResoldUnits] += view.units_milli;
    }
    if (e == agents::EolOption::kCollect) row[kCollected] += view.mass_grams;
    if (e == agents::EolOption::kResidual) {
      row[kResidual] += view.mass_grams;
      row[kWasteTax] += view.waste_tax_milli;
    }
    // Purchase of the replacement; the options' costs are the same for every
    // household of the group this month (update_purchase_views).
    const double shops = view.shops;
    const auto last = last_choice;
    constexpr auto kLinear = static_cast<std::uint8_t>(Option::kNewLinear);
    if (view.any_available) {
      auto choice = static_cast<Option>(logit_choice(
          purchase_logit_, params_.purchase, h.attitude, factors.purchase, kLinear, last,
          view.option_factor, view.cost, view.available, seen.purchase, seen.purchase_total, rs));
      bool buys = true;
      if (choice == Option::kSecondHand) {
        row[kSecondHandWanted] += view.units_milli;
        // Resale supply: second-hand is found with the month's availability, else the
        // household chooses again among the other options (none left: no purchase).
        constexpr auto kSh = static_cast<std::size_t>(Option::kSecondHand);
        if (params_.resale_supply && rs.uniform() >= second_hand_availability_[idx(g)]) {
          auto available = view.available;
          auto factor = view.option_factor;
          available[kSh] = false;
          factor[kSh] = 0;
          buys = false;
          for (std::size_t k = 0; k < available.size(); ++k) buys = buys || available[k];
          if (buys)
            choice = static_cast<Option>(logit_choice(
                purchase_logit_, params_.purchase, h.attitude, factors.purchase, kLinear, last,
                factor, view.cost, available, seen.purchase, seen.purchase_total, rs));
        }
      }
      if (buys) {
        purchase_choice = static_cast<std::uint8_t>(choice);
        row[idx(kPurchasesLinear + static_cast<int>(choice))] += view.units_milli;
        // The supplier is drawn by demand weight; the shop by capacity over all shops,
        // and a shop that does not stock the option means the household buys it
        // directly from the supplier. The searches run batched after the events
        // (resolve_purchase_draws), from these uniforms.
        const auto option = static_cast<std::size_t>(choice);
        const double pick = rs.uniform() * menus_[idx(g)][option].cumulative.back();
        const auto& shop = retail_menus_[idx(g)][option];
        RandomStream shop_rs(params_.seed, id, t, per_group(agents::purpose::kRetailer, g),
                             ahead + kPurchaseBlocks, 1);
        const double shop_pick = shop_rs.uniform() * shops;
        const bool in_shop = !shop.cumulative.empty() && shop_pick < shop.cumulative.back();
        pending_draws_[idx(g) * kOpt + option].push_back({pick, in_shop ? shop_pick : -1.0});
      }
    }
    schedule(local, g, t + static_cast<Tick>(lifetimes_[idx(g)].months_capped(rs.uniform())));
  }
  if (purchase_choice != last_choice || eol_choice != last_eol)
    pending_choices_.push_back({local, static_cast<std::uint8_t>(g), purchase_choice, eol_choice});
}

void Simulation::setup_second_hand() {
  // Resale supply: the stock at set-up is `second_hand_stock_months` of the start's
  // second-hand purchases; everyone finds second-hand in the first month.
  const std::size_t groups = params_.groups.size();
  second_hand_stock_milli_.assign(groups, 0);
  second_hand_availability_.assign(groups, 1.0);
  if (!params_.resale_supply) return;
  for (std::size_t g = 0; g < groups; ++g) {
    const auto& gp = params_.groups[g];
    const double units_month = params_.household_weight * static_cast<double>(params_.households) *
                               gp.units_per_purchase / gp.mean_lifetime_months;
    second_hand_stock_milli_[g] =
        milli(params_.initial_second_hand * units_month * params_.second_hand_stock_months);
  }
}

void Simulation::second_hand_account() {
  // Resale supply, from the month's exact national totals (identical on every rank): the
  // stock gains the units resold and loses the second-hand units bought (at least 0);
  // next month a household finds second-hand with probability stock / this month's
  // second-hand demand (at most 1).
  indicators_.second_hand_stock.clear();
  indicators_.second_hand_availability.clear();
  if (!params_.resale_supply) return;
  const std::size_t groups = params_.groups.size();
  indicators_.second_hand_stock.resize(groups);
  indicators_.second_hand_availability.resize(groups);
  for (std::size_t g = 0; g < groups; ++g) {
    const auto& row = indicators_.groups[g];
    auto& stock = second_hand_stock_milli_[g];
    stock = std::max<std::int64_t>(0, stock + row[kResoldUnits] - row[kPurchasesSecondHand]);
    const std::int64_t wanted = row[kSecondHandWanted];
    second_hand_availability_[g] =
        wanted > 0 ? std::min(1.0, static_cast<double>(stock) / static_cast<double>(wanted)) : 1.0;
    indicators_.second_hand_stock[g] = stock;
    indicators_.second_hand_availability[g] = second_hand_availability_[g];
  }
}

void Simulation::public_procurement() {
  // Public buyers' monthly demand per group: a share goes to circular offers
  // (circular procurement), the rest to all producers, split by demand weight.
  std::uint32_t seq = 0;
  for (std::size_t g = 0; g < params_.groups.size(); ++g) {
    const auto& gp = params_.groups[g];
    // The Rijk's part; provinces and municipalities tender the rest (regions.cpp).
    const double units = gp.public_share * (1.0 - params_.regional_procurement) *
                         params_.household_weight * static_cast<double>(params_.households) *
                         gp.units_per_purchase / gp.mean_lifetime_months;
    if (units <= 0) continue;
    const auto& circular = menus_[g][static_cast<std::size_t>(Option::kNewCircular)];
    const auto& linear = menus_[g][static_cast<std::size_t>(Option::kNewLinear)];
    const double circular_units = circular.ids.empty() ? 0.0 : units * procurement_circular_;
    auto award = [&](const SupplierMenu& menu, double volume, Option option) {
      if (menu.ids.empty() || volume <= 0) return;
      const double total = menu.cumulative.back();
      double before = 0;
      for (std::size_t k = 0; k < menu.ids.size(); ++k) {
        const double w = menu.cumulative[k] - before;
        before = menu.cumulative[k];
        const double q = volume * w / total;
        orders_.post({menu.ids[k], ids_.government, seq++, static_cast<std::uint8_t>(option), q,
                      menu.prices[k], 0, 0});
        local_[g][kProcurement] += milli(q * menu.prices[k]);
      }
    };
    award(circular, circular_units, Option::kNewCircular);
    award(linear, units - circular_units, Option::kNewLinear);
  }
  regional_procurement(seq);
}

void Simulation::operate_company(Company& c) {
  auto& row = local_[c.group];
  c.cost += Euro::from_double(params_.fixed_cost_share * c.base_monthly_revenue);
  if (c.role != Role::kProducer) return;
  const auto& gp = params_.groups[c.group];
  const auto& env = env_[c.group];
  const double kg_unit = firm_material_kg_per_unit(c);
  const double kg = c.units_sold * kg_unit;
  // The month's cheapest feasible mix for the conventional line; the circular line at capability.
  const auto linear = material_mix(c, false);
  const auto circular = material_mix(c, true);
  const double kg_circular = std::min(c.units_circular, c.units_sold) * kg_unit;
  const double secondary_linear = (kg - kg_circular) * linear.rc;
  const double secondary_circular = kg_circular * circular.rc;
  const double secondary = secondary_linear + secondary_circular;
  const double imported_recyclate =
      secondary_linear * linear.imported + secondary_circular * circular.imported;
  const double primary = kg - secondary;
  // Pattern P6: is the producer's recycled content at the minimum in force?
  // Per producer (all its output) and per product line (material-weighted).
  if (const double rc_min = enforced_min_rc(c.group); rc_min > 0 && kg > 0) {
    const auto at_min = [&](double rc) { return std::abs(rc - rc_min) <= kRcMinBand; };
    ++row[kRcMinProducers];
    if (at_min(secondary / kg)) ++row[kRcAtMinProducers];
    row[kRcMinMaterial] += grams(kg);
    row[kRcAtMinMaterial] += (at_min(linear.rc) ? grams(kg - kg_circular) : 0) +
                             (at_min(circular.rc) ? grams(kg_circular) : 0);
  }
  row[kMaterialUse] += grams(kg);
  row[kSecondaryUse] += grams(secondary);
  row[kPrimaryUse] += grams(primary);
  row[kBioBased] += grams(primary * gp.bio_share);
  row[kImported] += grams(primary * env.import_share) + grams(imported_recyclate);
  row[kImportedRecyclate] += grams(imported_recyclate);
  // Rounded per firm, so that the global sum does not depend on how firms are split over ranks.
  recyclate_demand_g_[c.group] += grams(secondary - imported_recyclate);
  // Bought-in components: the manufacturers' revenue, shared out in the materials phase.
  b2b_spend_milli_[c.group] += milli(c.units_sold * b2b_unit_cost(c.group));
  // EPR fee to the group's PRO, eco-modulated: design for recycling (substitute,
  // recycle) pays less.
  if (env.epr) {
    const auto& table = pros_[c.group].fee;
    const bool dfr = c.has(Strategy::kSubstitute) || c.has(Strategy::kRecycle);
    const double fee = kg * table.base_eur_per_kg * table.modulation(dfr);
    c.cost += Euro::from_double(fee);
    row[kEprFees] += milli(fee);
  }
  if (env.levy) {
    const double levy = primary / 1000.0 * plastic_levy_rate(current_year_);
    c.cost += Euro::from_double(levy);
    row[kLevy] += milli(levy);
  }
  // EU rules: an enforced shortfall is fined per tonne (recycled content) or the
  // non-compliant linear design costs more (ecodesign).
  for (std::size_t r = 0; r < params_.rules.size(); ++r) {
    const auto& rule = params_.rules[r];
    if (rule.group != c.group) continue;
    const double enforcement = rule.enforcement(current_year_);
    if (enforcement <= 0) continue;
    double fine = 0;
    if (rule.kind == 1) {
      if (!c.has(Strategy::kReduce)) fine = rule.cost_increase * c.units_sold * unit_cost(c, 0);
    } else if (kg > 0 && secondary < rule.min_rc * kg) {
      fine = (rule.min_rc * kg - secondary) / 1000.0 * rule.penalty_per_t;
    }
    if (fine <= 0) continue;
    RandomStream rs(params_.seed, c.id, static_cast<std::uint32_t>(current_year_),
                    per_group(agents::purpose::kEnforcement, static_cast<int>(r % 16)));
    if (rs.uniform() >= enforcement) continue;
    c.cost += Euro::from_double(fine);
    row[kPenalties] += milli(fine);
  }
}

void Simulation::phase_materials(Tick /*t*/) {
  const std::size_t groups = params_.groups.size();
  std::vector<std::int64_t> totals(groups * 3);
  for (std::size_t g = 0; g < groups; ++g) {
    totals[3 * g] = local_[g][kCollected];
    totals[3 * g + 1] = recyclate_demand_g_[g];
    totals[3 * g + 2] = b2b_spend_milli_[g];
  }
  comm_.allreduce_sum(totals);
  // This month's material flows per group, from exact global totals.
  struct Flows {
    double collected_kg, demand_kg, b2b_eur, collectors, sorted_price_t, recyclers, supply_kg,
        sold_kg, manufacturer_weight;
  };
  std::vector<Flows> flows(groups);
  const double recycler_yield = params_.recycling_yield / params_.sorting_yield;
  const double premium = params_.circular_premium;
  for (std::size_t g = 0; g < groups; ++g) {
    const auto& gp = params_.groups[g];
    const auto& cap = role_capacity_[g];
    auto& f = flows[g];
    f.collected_kg = static_cast<double>(totals[3 * g]) / 1000.0;
    f.demand_kg = static_cast<double>(totals[3 * g + 1]) / 1000.0;
    f.b2b_eur = static_cast<double>(totals[3 * g + 2]) / 1000.0;
    // Collectors take in the separately collected mass (by capacity), are paid the
    // collection fee (PRO under EPR, else the municipality) and sell sorted material.
    f.collectors = cap[static_cast<std::size_t>(Role::kCollector)].capacity;
    const double sorted_kg = f.collectors > 0 ? f.collected_kg * params_.sorting_yield : 0.0;
    f.sorted_price_t = params_.sorted_price_share * prices_[g].recyclate_eur_t;
    // Recyclers buy sorted material only as far as producers demand domestic recyclate,
    // within their processing capacity: headroom x the start market per unit of demand weight.
    f.recyclers = cap[static_cast<std::size_t>(Role::kRecycler)].capacity;
    const double n_recyclers =
        std::max<double>(gp.firms[static_cast<std::size_t>(Role::kRecycler)], 1);
    const double expected_weight =
        1.0 - gp.large_share + gp.large_share * params_.large_capacity_factor;
    const double capacity_kg = params_.recycler_headroom * recycler_market_t(static_cast<int>(g)) *
                               1000.0 / (n_recyclers * expected_weight) * f.recyclers;
    f.supply_kg = std::min(sorted_kg * recycler_yield, capacity_kg);
    f.sold_kg = f.recyclers > 0 ? std::min(f.supply_kg, f.demand_kg) : 0.0;
    // Manufacturers share the producers' purchases by capacity, circular ones weighted up.
    const auto& mc = cap[static_cast<std::size_t>(Role::kManufacturer)];
    f.manufacturer_weight = mc.capacity + premium * mc.any_adopter;
  }
  const double fixed = params_.fixed_cost_share;
  for (auto& c : companies_) {
    if (!c.alive) continue;
    const auto& gp = params_.groups[c.group];
    const auto& f = flows[c.group];
    auto& row = local_[c.group];
    if (c.role == Role::kCollector) {
      const double intake_kg = f.collected_kg * c.capacity_weight / f.collectors;
      const double out_kg = intake_kg * params_.sorting_yield;
      const double quality = 1.0 + premium * (c.has(Strategy::kExtend) ? 1.0 : 0.0) +
                             premium * (c.has(Strategy::kRecycle) ? 1.0 : 0.0);
      const double fee = intake_kg / 1000.0 * params_.collection_fee;
      c.units_sold += out_kg;
      c.revenue += Euro::from_double((fee + out_kg / 1000.0 * f.sorted_price_t) * quality);
      c.cost += Euro::from_double(intake_kg / 1000.0 * params_.sorting_cost_share *
                                      gp.recyclate_price0 * cost_factor(c) +
                                  fixed * c.base_monthly_revenue);
      row[kCollectionFees] += milli(fee * quality);
    } else if (c.role == Role::kRecycler) {
      const double output_kg = f.sold_kg * c.capacity_weight / f.recyclers;
      const double intake_kg = output_kg / recycler_yield;
      c.units_sold += output_kg;
      c.revenue += Euro::from_double(output_kg * prices_[c.group].recyclate_eur_t / 1000.0);
      c.cost +=
          Euro::from_double(intake_kg / 1000.0 *
                                (f.sorted_price_t + params_.recycling_cost_share *
                                                        gp.recyclate_price0 * cost_factor(c)) +
                            fixed * c.base_monthly_revenue);
      row[kRecyclate] += grams(output_kg);
    } else if (c.role == Role::kManufacturer) {
      const double weight = c.capacity_weight * (1.0 + (c.adopted ? premium : 0.0));
      const double sales =
          f.manufacturer_weight > 0 ? f.b2b_eur * weight / f.manufacturer_weight : 0.0;
      c.revenue += Euro::from_double(sales);
      c.cost += Euro::from_double(sales / (1.0 + params_.markup) * cost_factor(c) +
                                  fixed * c.base_monthly_revenue);
    }
  }
  for (std::size_t g = 0; g < groups; ++g) {
    const auto& f = flows[g];
    auto& pr = prices_[g];
    if (comm_.is_root()) local_[g][kImported] += grams(std::max(0.0, f.demand_kg - f.sold_kg));
    // Tatonnement on relative excess demand (against the domestic supply), within
    // bounds set by the virgin price.
    const double scale = std::max(f.demand_kg, f.supply_kg);
    if (scale > 0)
      pr.recyclate_eur_t *= 1.0 + params_.recyclate_speed * (f.demand_kg - f.supply_kg) / scale;
    // Cheap imported recyclate during a shock lowers the floor domestic recyclers can sell at.
    // Recyclers do not sell below their variable cost (reservation price).
    const double cap = params_.recyclate_cap * pr.virgin_eur_t;
    double floor = params_.recyclate_floor * env_[g].floor_factor * pr.virgin_eur_t;
    if (params_.recyclers_reservation_price)
      floor = std::max(floor, recycler_reservation_price(static_cast<int>(g)));
    pr.recyclate_eur_t = std::clamp(pr.recyclate_eur_t, std::min(floor, cap), cap);
  }
}

void Simulation::phase_social(Tick /*t*/) {
  // Households' new choices become visible to neighbours (local now, remote via ghosts).
  // seen_ holds the current last choices (the household records keep those of set-up
  // or restore; save_checkpoint writes seen_'s). Entries are prefetched kAhead
  // changes ahead (no effect on results).
  constexpr std::size_t kAhead = 16;
  for (std::size_t i = 0; i < pending_choices_.size(); ++i) {
    if (i + kAhead < pending_choices_.size()) {
      const auto& next = pending_choices_[i + kAhead];
      __builtin_prefetch(&seen_[next.group * seen_stride_ + next.local], 1);
      __builtin_prefetch(&subscriber_begin_[next.local]);
    }
    const auto& pc = pending_choices_[i];
    std::uint8_t& own = seen_[pc.group * seen_stride_ + pc.local];
    --local_choice_counts_[pc.group][own & 3u];
    ++local_choice_counts_[pc.group][pc.choice];
    --local_eol_counts_[pc.group][own >> 2];
    ++local_eol_counts_[pc.group][pc.eol];
    own = pack_seen(pc.choice, pc.eol);
    const AgentId id = first_household_ + pc.local;
    for (std::uint32_t k = subscriber_begin_[pc.local]; k < subscriber_begin_[pc.local + 1]; ++k)
      ghosts_.post_to(subscribers_[k], {id, subscriber_slots_[k], pc.group, pc.choice, pc.eol});
  }
  pending_choices_.clear();
  for (const auto& m : ghosts_.exchange()) {
    // The owner addresses the ghost slot directly (no search in ghost_ids_).
    const auto s = static_cast<std::size_t>(m.sender);
    if (s >= ghost_ids_.size() || ghost_ids_[s] != m.receiver)
      throw std::logic_error("ghost update for a slot that holds another household");
    seen_[m.seq * seen_stride_ + households_.size() + s] = pack_seen(m.choice, m.eol);
  }

  // Firms report to their chain table; tables aggregate and publish.
  for (const auto& c : companies_) {
    if (!c.alive) continue;
    reports_.post({ids_.chain_table(c.group), c.id, 0, c.adopted, static_cast<std::uint8_t>(c.role),
                   c.revenue.raw(), c.capacity_weight, c.intention});
  }
  std::vector<ChainBoard> mine;
  std::vector<std::int32_t> mine_groups;
  for (const int g : owned_tables_) {
    ChainBoard b;
    b.pledged = boards_[idx(g)].pledged;
    mine.push_back(b);
    mine_groups.push_back(g);
  }
  const auto inbox = reports_.exchange();
  for (const int g : owned_tables_) table_members_[idx(g)].clear();
  for (const auto& m : inbox) {
    const auto g = static_cast<int>(m.receiver - ids_.chain_tables_begin);
    table_members_[idx(g)].push_back({m.sender, m.intention, m.role, m.adopted, m.capacity > 1.0});
    const auto pos = static_cast<std::size_t>(std::find(mine_groups.begin(), mine_groups.end(), g) -
                                              mine_groups.begin());
    auto& b = mine[pos];
    ++b.alive;
    b.revenue_total += m.revenue_raw;
    for (int s = 0; s < agents::kStrategies; ++s) {
      if (!((m.adopted >> s) & 1u)) continue;
      ++b.adopters[idx(s)];
      b.revenue_adopters[idx(s)] += m.revenue_raw;
    }
    if (m.role == static_cast<std::uint8_t>(Role::kRecycler))
      b.recycler_capacity_milli += milli(m.capacity);
  }
  if (current_month_ == 12) {
    for (auto& b : mine)
      for (int s = 0; s < agents::kStrategies; ++s)
        if (b.output_share(s) >= params_.pledge_threshold)
          b.pledged = static_cast<std::uint8_t>(b.pledged | (1u << s));
  }
  // Boards of every table, on every rank.
  struct Packed {
    std::int32_t group;
    ChainBoard board;
  };
  std::vector<Packed> packed;
  for (std::size_t i = 0; i < mine.size(); ++i) packed.push_back({mine_groups[i], mine[i]});
  const auto bytes = comm_.allgather_bytes(
      {reinterpret_cast<const std::uint8_t*>(packed.data()), packed.size() * sizeof(Packed)});
  std::vector<Packed> all(bytes.size() / sizeof(Packed));
  if (!all.empty()) std::memcpy(all.data(), bytes.data(), bytes.size());
  for (const auto& p : all) boards_[idx(p.group)] = p.board;

  // What firms see of their linked firms next month, from the same reports: every slot's
  // revenue and strategies (dead or empty slots: none), on every rank. Without links
  // (companies.peers and partners 0) nobody reads it.
  if (link_stride_ > 0) {
    for (std::size_t i = 0; i < companies_.size(); ++i) {
      const auto& c = companies_[i];
      slot_send_[i] = c.alive ? SlotState{c.revenue.raw(), c.adopted, {}} : SlotState{};
    }
    comm_.allgather_into({reinterpret_cast<const std::uint8_t*>(slot_send_.data()),
                          slot_send_.size() * sizeof(SlotState)},
                         slot_counts_, slot_displs_,
                         {reinterpret_cast<std::uint8_t*>(slot_states_.data()),
                          slot_states_.size() * sizeof(SlotState)});
  }

  // Information sharing: members of a table that pledged grow more positive.
  if (current_month_ == 12) {
    for (auto& c : companies_)
      if (c.alive && boards_[c.group].pledged)
        c.attitude = static_cast<float>(std::min(1.0, c.attitude + params_.information_boost));
  }
}

void Simulation::phase_accounting(Tick t) {
  const std::size_t groups = params_.groups.size();
  std::vector<std::int64_t> role_profit(groups * agents::kRoles, 0);
  for (auto& c : companies_) {
    if (!c.alive) continue;
    role_profit[c.group * idx(agents::kRoles) + idx(static_cast<int>(c.role))] +=
        (c.revenue - c.cost).raw();
    auto& row = local_[c.group];
    row[kRevenueTotal] += c.revenue.raw();
    if (c.circular_offer() || c.has(Strategy::kExtend)) row[kRevenueCircular] += c.revenue.raw();
    // Crisis loans (scenario): recyclers in distress get a credit line, while loans last.
    if (params_.crisis_loans && c.role == Role::kRecycler && !c.crisis_loan &&
        c.negative_cash_months >= 12 && t >= warmup_ticks() &&
        current_year_ >= params_.crisis_first && current_year_ <= params_.crisis_last) {
      const auto granted = loans_granted_;
      if (granted < params_.crisis_max_firms) {
        const Euro loan = Euro::from_double(params_.crisis_loan_months * c.base_monthly_revenue);
        c.cash += loan;
        c.debt += loan;
        c.crisis_loan = true;
        row[kCrisisLoans] += loan.raw();
        ++loans_local_;
      }
    }
    if (agents::close_month(c, params_.bankruptcy_months)) {
      c.alive = false;
      ++row[kExits];
      ++row[idx(kExitsProducer + static_cast<int>(c.role))];
      row[kCapacityLost] += milli(c.capacity_weight);
      row[idx(kCapacityLostProducer + static_cast<int>(c.role))] += milli(c.capacity_weight);
    }
    c.units_sold = 0;
    c.units_circular = 0;
    c.revenue = Euro{};
    c.cost = Euro{};
  }
  // Entrants fill free slots in January when their role made a profit last month
  // (a role with no firm left: when producers did).
  if (current_month_ == 1 && t > 0) {
    for (auto& c : companies_) {
      if (c.ever_alive || c.alive) continue;
      const auto& profit = last_role_profit_[c.group];
      const auto role = static_cast<std::size_t>(c.role);
      const bool empty = role_capacity_[c.group][role].capacity <= 0;
      if (profit[role] <= 0 && !(empty && profit[0] > 0)) continue;
      RandomStream rs(params_.seed, c.id, t, agents::purpose::kEntry);
      if (rs.uniform() >= params_.entry_rate) continue;
      init_company(c, c.id, c.group, c.role, t);
      ++local_[c.group][kEntries];
    }
  }
  for (const auto& c : companies_) {
    if (!c.alive) continue;
    auto& row = local_[c.group];
    ++row[kFirmsAlive];
    if (c.circular_offer() || c.has(Strategy::kExtend)) ++row[kFirmsCircular];
    for (int s = 0; s < agents::kStrategies; ++s)
      if (c.has(static_cast<Strategy>(s))) ++row[idx(kAdoptedReduce + s)];
    row[kCash] += c.cash.raw();
  }

  // One exact reduction of every extensive total, plus producer profits and the choice stock.
  constexpr std::size_t kR = agents::kRoles;
  const std::size_t stride = kMetricCount + kR + 2 * kOpt;
  std::vector<std::int64_t> flat(groups * stride + 1);
  for (std::size_t g = 0; g < groups; ++g) {
    auto* out = flat.data() + g * stride;
    std::copy(local_[g].begin(), local_[g].end(), out);
    for (std::size_t r = 0; r < kR; ++r) out[kMetricCount + r] = role_profit[g * kR + r];
    for (std::size_t k = 0; k < kOpt; ++k) {
      out[kMetricCount + kR + k] = local_choice_counts_[g][k];
      out[kMetricCount + kR + kOpt + k] = local_eol_counts_[g][k];
    }
  }
  flat.back() = loans_local_;
  comm_.allreduce_sum(flat);
  for (std::size_t g = 0; g < groups; ++g) {
    const auto* in = flat.data() + g * stride;
    std::copy_n(in, kMetricCount, indicators_.groups[g].begin());
    for (std::size_t r = 0; r < kR; ++r) last_role_profit_[g][r] = in[kMetricCount + r];
    for (std::size_t k = 0; k < kOpt; ++k) {
      choice_counts_[g][k] = in[kMetricCount + kR + k];
      eol_counts_[g][k] = in[kMetricCount + kR + kOpt + k];
    }
    committed_cumulative_ += indicators_.groups[g][kSubsidyCommitted];
  }
  loans_granted_ += static_cast<std::uint32_t>(flat.back());
  if (t == warmup_ticks()) {
    std::int64_t material = 0, good = 0;
    for (const auto& row : indicators_.groups) {
      material += row[kMaterialUse];
      good += row[kSecondaryUse] + row[kBioBased];
    }
    start_secondary_share_ =
        material > 0 ? static_cast<double>(good) / static_cast<double>(material) : 0.0;
  }
  loans_local_ = 0;
  second_hand_account();
  pro_account(t);
  adaptive_review();
  gather_events();
  indicators_.prices = prices_;
  indicators_.targets.resize(groups);
  indicators_.rc_min.resize(groups);
  for (std::size_t g = 0; g < groups; ++g) {
    indicators_.targets[g] = params_.groups[g].target_for(current_year_);
    indicators_.rc_min[g] = enforced_min_rc(static_cast<int>(g));
  }
  indicators_.adaptive_triggers = adaptive_triggers_;
  indicators_.subsidy_committed_cumulative = committed_cumulative_;
  indicators_.budget_cumulative = budget_cumulative_;
}

void Simulation::gather_events() {
  // Every rank's events of this month, in canonical order, on every rank.
  auto gather = [&](auto& events, auto less) {
    using E = typename std::remove_reference_t<decltype(events)>::value_type;
    const auto bytes = comm_.allgather_bytes(
        {reinterpret_cast<const std::uint8_t*>(events.data()), events.size() * sizeof(E)});
    events.resize(bytes.size() / sizeof(E));
    if (!events.empty()) std::memcpy(events.data(), bytes.data(), bytes.size());
    std::sort(events.begin(), events.end(), less);
  };
  gather(adoption_events_, [](const AdoptionEvent& a, const AdoptionEvent& b) {
    return a.firm != b.firm ? a.firm < b.firm : a.strategy < b.strategy;
  });
  gather(decision_events_,
         [](const DecisionEvent& a, const DecisionEvent& b) { return a.order < b.order; });
  for (const auto& e : adoption_events_) ++cumulative_adopters_[e.group][e.strategy];
}

std::string Simulation::adoptions_header() {
  return "month,firm_id,product_group,role,strategy,subsidised,grant_eur";
}

std::string Simulation::decisions_header() {
  return "month,scheme,applicant_id,product_group,arrival,requested_eur,granted,amount_eur,budget_"
         "left_eur,province,cofunding_eur";
}

std::string Simulation::adoption_rows() const {
  std::string out;
  char buf[256];
  for (const auto& e : adoption_events_) {
    std::snprintf(buf, sizeof buf, "%s,%llu,%s,%s,%s,%d,%.3f\n",
                  calendar_.at(e.tick).to_string().c_str(), static_cast<unsigned long long>(e.firm),
                  group_ids_[e.group].c_str(), agents::kRoleNames[e.role],
                  agents::kStrategyNames[e.strategy], e.subsidised, e.grant_eur);
    out += buf;
  }
  return out;
}

std::string Simulation::decision_rows() const {
  std::string out;
  char buf[256];
  for (const auto& e : decision_events_) {
    // Province: 0-based index; empty for chain-project applications.
    const std::string province = e.province == kNoProvince ? "" : std::to_string(e.province);
    std::snprintf(buf, sizeof buf, "%s,%s,%llu,%s,%u,%.3f,%d,%.3f,%.3f,%s,%.3f\n",
                  calendar_.at(e.tick).to_string().c_str(), params_.schemes[e.scheme].id.c_str(),
                  static_cast<unsigned long long>(e.applicant), group_ids_[e.group].c_str(),
                  e.arrival, e.requested_eur, e.granted, e.amount_eur, e.budget_left_eur,
                  province.c_str(), e.cofunding_eur);
    out += buf;
  }
  return out;
}

double Simulation::announced_plastic_levy() const {
  return params_.plastic_levy > 0 ? params_.plastic_levy : adaptive_levy_;
}

double Simulation::plastic_levy_rate(int year) const {
  const int start = params_.plastic_levy > 0 ? params_.plastic_levy_start : adaptive_levy_year_;
  return year >= start ? announced_plastic_levy() : 0.0;
}

void Simulation::announce_adaptive_norm(int trigger_year) {
  adaptive_norm_year_ = trigger_year;
  for (const std::size_t r : params_.adaptive_norm_rules) {
    auto& rule = params_.rules[r];
    rule.off = false;
    rule.announce_year = trigger_year;
    rule.apply_year = trigger_year + params_.adaptive_norm_lag;
  }
}

void Simulation::adaptive_review() {
  // Every `review_years` (the ICER cycle), in December, compare the national
  // secondary + bio-based share with the linear path from the start to 55 % in 2035.
  if (params_.adaptive_mode == 0 || current_month_ != 12 || current_tick_ < warmup_ticks() ||
      current_year_ < params_.adaptive_first ||
      (current_year_ - params_.adaptive_first) % params_.adaptive_every != 0)
    return;
  std::int64_t material = 0, good = 0;
  for (const auto& row : indicators_.groups) {
    material += row[kMaterialUse];
    good += row[kSecondaryUse] + row[kBioBased];
  }
  if (material <= 0) return;
  const double share = static_cast<double>(good) / static_cast<double>(material);
  const double start = start_secondary_share_;
  const double f = std::clamp(static_cast<double>(current_year_ - params_.start.year) /
                                  std::max(1, 2035 - params_.start.year),
                              0.0, 1.0);
  const double path = start + f * (0.55 - start);
  if (path - share <= params_.adaptive_gamma) return;
  ++adaptive_triggers_;
  if (params_.adaptive_mode == 1) {
    budget_multiplier_ *= params_.adaptive_budget_raise;
    // Reopen every scheme for the next `extend_years` years.
    reopen_until_year_ = current_year_ + params_.adaptive_extend_years;
    // A national levy after a lag, once, where none is configured.
    if (params_.adaptive_levy > 0 && params_.plastic_levy <= 0 && adaptive_levy_ <= 0) {
      adaptive_levy_ = params_.adaptive_levy;
      adaptive_levy_year_ = current_year_ + params_.adaptive_levy_lag;
    }
    // A national recycled-content norm after a lag, once: announced now.
    if (!params_.adaptive_norm_rules.empty() && adaptive_norm_year_ == 0)
      announce_adaptive_norm(current_year_);
  } else {
    belief_multiplier_ *= params_.adaptive_belief_raise;
  }
}

}  // namespace ketensim::world
