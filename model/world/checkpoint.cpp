// Checkpoint/restart of the world: Simulation::save_checkpoint and
// Simulation::restore_checkpoint. Agent records are Boost.Serialization binary
// archives in chunks keyed by agent id (engine/checkpoint_store), so any number
// of ranks can read back what any number wrote. Random streams are
// counter-based and need no state.
//
// THE LIST: every member of Simulation, and what a checkpoint does with it.
// Keep it complete when adding a member (the static_asserts below catch new
// fields in the agent structs).
//
// Saved (restored exactly):
//   households_ (all fields; last_choice, last_eol as seen_ holds them now, since
//     the tick keeps the current ones only there), and per household
//     and group the tick of its next purchase (kNoEvent: none), read from
//     buckets_ (the record does not hold it)                   section "households"
//   companies_ (all fields, incl. cash, debt, belief, intentions,
//     crisis_loan, flags, flows incl. units_circular)             section "companies"
//   pending_ (pending subsidy applications, per company)          section "companies"
//   prices_ (recyclate price is state; virgin price recomputed)   section "global"
//   boards_ (chain-table boards incl. pledges)                    section "global"
//   initial_adopters_ (X0 of learning curves)                     section "global"
//   cumulative_adopters_ (X of learning curves)                   section "global"
//   choice_counts_, eol_counts_ (national stocks of last choices) section "global"
//   last_role_profit_ (last month's profit per group and role: entry) section "global"
//   table_members_ (members' reports to the chain tables, read by
//     the next month's coalition building; from each table's owner) section "global"
//   loans_granted_, start_secondary_share_, and the adaptive rule's
//     reopen_until_year_, budget_multiplier_, belief_multiplier_, adaptive_levy_,
//     adaptive_levy_year_, adaptive_norm_year_ (the norm's rules in params_ are
//     announced again from it),
//     adaptive_triggers_                                          section "global"
//   scheme_budget_left_eur_ (from the government's owner)         section "global"
//   province_budget_left_eur_ (provinces' co-funding left this year,
//     from the government's owner; after the scheme budgets)      section "global"
//   pros_ (per group: the PRO's base fee, its fee year's income, cost and
//     months, its reserve; discount and malus from the config)   section "global"
//   second_hand_stock_milli_, second_hand_availability_ (resale supply: per
//     group, stock and next month's availability; saved also when off) section "global"
//   committed_cumulative_, budget_cumulative_,
//   current_year_, current_month_                                 section "global"
//   slot_states_ (every company slot's revenue and strategies at the last
//     board update, read by linked firms; not rebuildable from companies_,
//     whose revenue accounting has cleared since)                 section "global"
// Metadata "world.warmup_months": the warm-up of the run (ticks count from its start);
//   must match on restore (absent in checkpoints written before the warm-up: read as 0).
// Rebuilt from the config and the partition (by setup()):
//   params_, ids_, partition_, calendar_, scheduler_, group_ids_, first_household_,
//   first_company_, owns_government_, owned_tables_, the network (ring_half_,
//   exception_begin_, exceptions_, ghost_ids_, subscriber_begin_, subscribers_, subscriber_slots_),
//   the exchanges, density0_ (municipal collection density at the start), indicators_.refs,
//   province_share_ (households' share per province),
//   links_, link_stride_ (firm links: from the seed and the slot id alone),
//   slot_send_ (scratch), slot_counts_, slot_displs_ (allgather layout)
// Rebuilt from saved state:
//   buckets_ (event calendar) from the saved due ticks
//   local_choice_counts_, local_eol_counts_ from households' last_choice, last_eol
//   ghost_choice_, ghost_eol_: fetched from the owners of the ghost households
//     (staging for seen_: the tick updates seen_ only)
// Derived, rebuilt by rebuild_derived() at the end of the restore (and of setup()):
//   seen_, seen_stride_ (packed last choices of local households and ghosts; from
//     then on the only current copy, see save_checkpoint),
//   attitude_factors_, municipality_ (from the households' attitudes and municipalities),
//   the consumers-phase scratch order_counts_, order_keys_, order_prices_,
//   shop_keys_, shop_counts_, shop_margin_raw_, key_bits_, order_scratch_,
//   shop_scratch_, bucket_scratch_ (empty
//   between ticks), purchase_views_ and collection_effort_ (recomputed at the start
//   of every consumers phase)
// Recomputed by the environment phase at the start of every tick:
//   env_ (incl. the imported recyclate price), density_rise_, procurement_circular_,
//   regional_circular_,
//   waste_tax_eur_t_, residual_charge_eur_t_, learning_ (learning factors from boards_)
// Transient within a tick (empty or overwritten before use at a tick boundary):
//   pending_choices_, menus_, retail_menus_, role_capacity_ (recomputed in the
//   offers phase before any use), recyclate_demand_g_, b2b_spend_milli_, local_,
//   indicators_ (but refs),
//   coalitions_, loans_local_, current_tick_, adoption_events_, decision_events_
// The output CSVs (timeseries.csv, adoptions.csv, subsidy_decisions.csv) are
// not in the checkpoint: its metadata records their lengths and CRC-32C, and a
// resume cuts them back to those lengths (model/app/run_loop.cpp).
#include <algorithm>
#include <boost/archive/archive_exception.hpp>
#include <boost/archive/binary_iarchive.hpp>
#include <boost/archive/binary_oarchive.hpp>
#include <cstring>
#include <sstream>
#include <stdexcept>
#include <tuple>
#include <type_traits>

#include "model/engine/checkpoint_store.hpp"
#include "model/world/simulation.hpp"

namespace ketensim::world {

namespace {

using agents::Company;
using agents::Household;

// A new field in an agent struct changes its size: add it to transfer() below,
// then update the size here.
static_assert(sizeof(Household) == 32,
              "Household changed: update transfer(Household) in checkpoint.cpp");
static_assert(sizeof(Company) == 128,
              "Company changed: update transfer(Company) in checkpoint.cpp");

constexpr std::size_t kHouseholdChunk = 32768;
constexpr std::size_t kCompanyChunk = 4096;
constexpr std::uint32_t kGlobalVersion = 8;  // 4: provinces' co-funding budgets; 5: PROs;
                                             // 6: second-hand stock and availability;
                                             // 7: adaptive levy; 8: adaptive norm,
                                             //    cumulative adopters, company slot states,
                                             //    members' intentions per strategy
constexpr auto kArchiveFlags = boost::archive::no_header;

// One function per record type serves both directions (Boost's `&`).
template <class Ar, class E>
void enum_field(Ar& ar, E& e) {
  auto v = static_cast<std::underlying_type_t<E>>(e);
  ar& v;
  e = static_cast<E>(v);
}

template <class Ar>
void euro_field(Ar& ar, engine::Euro& e) {
  std::int64_t raw = e.raw();
  ar& raw;
  e = engine::Euro::from_raw(raw);
}

template <class Ar, class T, std::size_t N>
void array_field(Ar& ar, std::array<T, N>& a) {
  for (auto& x : a) ar& x;
}

// A household's due tick per group (Household::kNoEvent: none before the horizon).
using DueTicks = std::array<std::uint16_t, agents::kMaxGroups>;

// The record layout of checkpoints is that of the household before its due ticks
// moved to the event calendar: the due ticks sit between reserved and last_choice.
template <class Ar>
void transfer(Ar& ar, Household& h, DueTicks& due) {
  ar& h.attitude& h.eol_attitude& h.municipality& h.income_class& h.reserved;
  array_field(ar, due);
  array_field(ar, h.last_choice);
  array_field(ar, h.last_eol);
}

template <class Ar>
void transfer(Ar& ar, Company& c) {
  ar& c.id& c.group;
  enum_field(ar, c.role);
  enum_field(ar, c.size);
  ar& c.alive& c.ever_alive& c.adopted& c.review_month& c.negative_cash_months;
  ar& c.attitude& c.threshold& c.efficiency& c.capacity_weight;
  ar& c.recycled_content& c.base_monthly_revenue;
  ar& c.belief;
  array_field(ar, c.intention);
  ar& c.crisis_loan;
  euro_field(ar, c.cash);
  euro_field(ar, c.debt);
  ar& c.units_sold& c.units_circular;
  euro_field(ar, c.revenue);
  euro_field(ar, c.cost);
}

template <class Ar>
void transfer(Ar& ar, ChainBoard& b) {
  ar& b.alive;
  array_field(ar, b.adopters);
  ar& b.revenue_total;
  array_field(ar, b.revenue_adopters);
  ar& b.recycler_capacity_milli& b.pledged;
}

template <class Ar>
void transfer(Ar& ar, agents::Pro& p) {
  ar& p.fee.base_eur_per_kg& p.year_income_milli& p.year_cost_milli& p.year_months& p.balance_milli;
}

template <class Ar>
void transfer(Ar& ar, GroupPrices& p) {
  ar& p.virgin_eur_t& p.recyclate_eur_t;
}

template <class Ar, class T>
void vector_field(Ar& ar, std::vector<T>& v, std::size_t expected) {
  std::uint64_t n = v.size();
  ar& n;
  if (n != expected)
    throw CheckpointError("saved for " + std::to_string(n) + " entries, expected " +
                          std::to_string(expected));
  v.resize(expected);
  for (auto& x : v) {
    if constexpr (std::is_arithmetic_v<T>) {
      ar& x;
    } else if constexpr (requires { x.size(); }) {
      array_field(ar, x);
    } else {
      transfer(ar, x);
    }
  }
}

// Chain-table member reports, per table, as a flat byte record list:
// (group u32, id u64, intention f32 x 4 (NaN: not evaluated), role u8, adopted u8, large u8).
constexpr std::size_t kMemberBytes = 4 + 8 + 4 * agents::kStrategies + 3;

template <class T>
void put(std::vector<std::uint8_t>& out, T v) {
  const auto* p = reinterpret_cast<const std::uint8_t*>(&v);
  out.insert(out.end(), p, p + sizeof v);
}

template <class T>
T take(const std::uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// Writes records [0, n) of one section as chunks of at most `chunk` records,
// keyed by agent id (first + index); `record(ar, i)` writes record i.
template <class Record>
void save_chunks(engine::CheckpointWriter& out, const std::string& section, AgentId first,
                 std::size_t n, std::size_t chunk, const Record& record) {
  for (std::size_t b = 0; b < n; b += chunk) {
    const std::size_t count = std::min(chunk, n - b);
    std::ostringstream os;
    {
      boost::archive::binary_oarchive ar(os, kArchiveFlags);
      std::uint64_t stored = count;
      ar& stored;
      for (std::size_t i = 0; i < count; ++i) record(ar, b + i);
    }
    out.add_chunk(section, first + b, count, os.str());
  }
}

std::string decode_error(const engine::CheckpointReader& in, const std::string& what) {
  return in.path().string() + ": cannot decode the checkpoint (" + what +
         "): the checkpoint is corrupt or was written by an incompatible version";
}

}  // namespace

void Simulation::save_checkpoint(engine::CheckpointWriter& out, engine::Tick next_tick) const {
  // Each household's next purchase per group, from the calendar (events before
  // next_tick have been processed; their buckets are empty).
  std::vector<DueTicks> due(households_.size());
  for (auto& d : due) d.fill(Household::kNoEvent);
  for (std::size_t t = next_tick; t < buckets_.size(); ++t)
    for (const std::uint32_t entry : buckets_[t])
      due[entry / agents::kMaxGroups][entry % agents::kMaxGroups] = static_cast<std::uint16_t>(t);
  save_chunks(out, "households", first_household_, households_.size(), kHouseholdChunk,
              [&](boost::archive::binary_oarchive& ar, std::size_t i) {
                // The current last choices are in seen_ (phase_social keeps them
                // there, not in the record).
                Household h = households_[i];
                for (std::size_t g = 0; g < params_.groups.size(); ++g)
                  std::tie(h.last_choice[g], h.last_eol[g]) =
                      last_choices(static_cast<std::uint32_t>(i), static_cast<int>(g));
                DueTicks d = due[i];
                transfer(ar, h, d);
              });
  save_chunks(out, "companies", first_company_, companies_.size(), kCompanyChunk,
              [&](boost::archive::binary_oarchive& ar, std::size_t i) {
                Company c = companies_[i];
                PendingApplication p = pending_[i];
                transfer(ar, c);
                ar& p.strategy& p.p_without& p.u;
              });
  // Scheme and provincial co-funding budgets live on the government's owner:
  // every rank gets them.
  std::vector<double> budgets = scheme_budget_left_eur_;
  budgets.insert(budgets.end(), province_budget_left_eur_.begin(), province_budget_left_eur_.end());
  {
    const auto bytes = comm_.allgather_bytes(
        owns_government_
            ? std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(budgets.data()),
                                            budgets.size() * sizeof(double))
            : std::span<const std::uint8_t>());
    if (bytes.size() != budgets.size() * sizeof(double))
      throw std::logic_error("government owned by no or several ranks");
    if (!bytes.empty()) std::memcpy(budgets.data(), bytes.data(), bytes.size());
  }
  // Chain-table member reports live on each table's owner: gather them.
  std::vector<std::uint8_t> mine;
  for (const int g : owned_tables_)
    for (const auto& m : table_members_[static_cast<std::size_t>(g)]) {
      put(mine, static_cast<std::uint32_t>(g));
      put(mine, static_cast<std::uint64_t>(m.id));
      for (const float u : m.intention) put(mine, u);
      put(mine, m.role);
      put(mine, m.adopted);
      put(mine, static_cast<std::uint8_t>(m.large ? 1 : 0));
    }
  const auto members = comm_.allgather_bytes(mine);
  if (comm_.is_root()) {
    std::ostringstream os;
    {
      boost::archive::binary_oarchive ar(os, kArchiveFlags);
      std::uint32_t version = kGlobalVersion;
      std::uint32_t tick = next_tick;
      ar& version& tick;
      const std::size_t groups = params_.groups.size();
      auto prices = prices_;
      auto boards = boards_;
      auto initial = initial_adopters_;
      auto cumulative = cumulative_adopters_;
      auto counts = choice_counts_;
      auto profit = last_role_profit_;
      vector_field(ar, prices, groups);
      vector_field(ar, boards, groups);
      vector_field(ar, initial, groups);
      vector_field(ar, cumulative, groups);
      vector_field(ar, counts, groups);
      vector_field(ar, profit, groups);
      vector_field(ar, budgets, params_.schemes.size() + params_.provinces);
      int year = current_year_, month = current_month_;
      std::int64_t committed = committed_cumulative_, budget = budget_cumulative_;
      ar& committed& budget& year& month;
      auto eol = eol_counts_;
      vector_field(ar, eol, groups);
      std::uint32_t loans = loans_granted_;
      int reopen = reopen_until_year_, triggers = adaptive_triggers_;
      double budget_mult = budget_multiplier_, belief_mult = belief_multiplier_,
             secondary = start_secondary_share_;
      ar& loans& reopen& triggers& budget_mult& belief_mult& secondary;
      double levy = adaptive_levy_;
      int levy_year = adaptive_levy_year_, norm_year = adaptive_norm_year_;
      ar& levy& levy_year& norm_year;
      std::uint64_t member_count = members.size() / kMemberBytes;
      ar& member_count;
      for (std::size_t k = 0; k < members.size(); ++k) {
        std::uint8_t byte = members[k];
        ar& byte;
      }
      auto pros = pros_;
      vector_field(ar, pros, groups);
      auto stock = second_hand_stock_milli_;
      auto availability = second_hand_availability_;
      vector_field(ar, stock, groups);
      vector_field(ar, availability, groups);
      std::uint64_t slots = slot_states_.size();
      ar& slots;
      for (auto st : slot_states_) ar& st.revenue_raw& st.adopted;
    }
    out.add_chunk("global", 0, 1, os.str());
  }
  out.set_meta("world.ids", std::to_string(partition_.total_ids()));
  out.set_meta("world.households", std::to_string(params_.households));
  out.set_meta("world.groups", std::to_string(params_.groups.size()));
  out.set_meta("world.next_tick", std::to_string(next_tick));
  out.set_meta("world.warmup_months", std::to_string(params_.warmup_months));
}

engine::Tick Simulation::restore_checkpoint(const engine::CheckpointReader& in) {
  setup();  // collective: the partition-dependent structures and the network

  std::string error;
  engine::Tick next_tick = 0;
  // Loaded here first, applied only once every rank has read its part.
  engine::LargeVector<Household> households(households_.size());
  std::vector<DueTicks> due(households_.size());
  std::vector<Company> companies(companies_.size());
  std::vector<PendingApplication> pending(companies_.size());
  auto prices = prices_;
  auto boards = boards_;
  auto initial = initial_adopters_;
  auto cumulative = cumulative_adopters_;
  auto counts = choice_counts_;
  auto profit = last_role_profit_;
  auto budgets = scheme_budget_left_eur_;
  budgets.insert(budgets.end(), province_budget_left_eur_.begin(), province_budget_left_eur_.end());
  int year = 0, month = 0;
  std::int64_t committed = 0, budget = 0;
  auto eol = eol_counts_;
  auto pros = pros_;  // discount and malus from the config (setup)
  auto stock = second_hand_stock_milli_;
  auto availability = second_hand_availability_;
  std::vector<SlotState> slot_states(slot_states_.size());
  std::uint32_t loans = 0;
  int reopen = 0, triggers = 0, levy_year = 0, norm_year = 0;
  double budget_mult = 1, belief_mult = 1, secondary = 0, levy = 0;
  std::vector<std::vector<MemberIntent>> members(params_.groups.size());
  try {
    const auto mismatch = [&](const std::string& key, std::uint64_t here) {
      if (in.meta_at(key) != std::to_string(here))
        throw CheckpointError(
            in.path().string() + ": the checkpoint was written for another configuration (" + key +
            " " + in.meta_at(key) + ", this run has " + std::to_string(here) + ")");
    };
    mismatch("world.ids", partition_.total_ids());
    mismatch("world.households", params_.households);
    mismatch("world.groups", params_.groups.size());
    // Ticks count from the start of the warm-up. Absent: written before the warm-up existed.
    if (in.meta().count("world.warmup_months") != 0)
      mismatch("world.warmup_months", params_.warmup_months);
    else if (params_.warmup_months != 0)
      throw CheckpointError(in.path().string() +
                            ": the checkpoint was written by a version without a warm-up "
                            "(time.warmup_months), this run has " +
                            std::to_string(params_.warmup_months) + " warm-up months");
    next_tick = static_cast<engine::Tick>(std::stoul(in.meta_at("world.next_tick")));
    if (next_tick == 0 || next_tick > calendar_.ticks())
      throw CheckpointError(in.path().string() + ": next tick " + std::to_string(next_tick) +
                            " outside the run");

    // The global header first: a checkpoint of another version is refused by its
    // version before its agent records (whose layout may differ) are decoded.
    {
      const auto header = in.read("global", 0, 1);
      if (header.size() != 1)
        throw CheckpointError(in.path().string() + ": the checkpoint has no global state");
      std::istringstream hs(header.front().bytes);
      boost::archive::binary_iarchive har(hs, kArchiveFlags);
      std::uint32_t version = 0, tick = 0;
      har& version& tick;
      if (version != kGlobalVersion || tick != next_tick)
        throw CheckpointError(decode_error(in, "global state header"));
    }

    std::size_t covered = 0;
    for (const auto& chunk :
         in.read("households", first_household_, first_household_ + households.size())) {
      std::istringstream is(chunk.bytes);
      boost::archive::binary_iarchive ar(is, kArchiveFlags);
      std::uint64_t count = 0;
      ar& count;
      if (count != chunk.count) throw CheckpointError(decode_error(in, "household chunk size"));
      for (std::uint64_t k = 0; k < count; ++k) {
        Household h;
        DueTicks d{};
        transfer(ar, h, d);
        const AgentId id = chunk.first + k;
        if (id < first_household_ || id >= first_household_ + households.size()) continue;
        households[static_cast<std::size_t>(id - first_household_)] = h;
        due[static_cast<std::size_t>(id - first_household_)] = d;
        ++covered;
      }
    }
    if (covered != households.size())
      throw CheckpointError(in.path().string() +
                            ": the checkpoint lacks household records for this rank's ids");

    covered = 0;
    for (const auto& chunk :
         in.read("companies", first_company_, first_company_ + companies.size())) {
      std::istringstream is(chunk.bytes);
      boost::archive::binary_iarchive ar(is, kArchiveFlags);
      std::uint64_t count = 0;
      ar& count;
      if (count != chunk.count) throw CheckpointError(decode_error(in, "company chunk size"));
      for (std::uint64_t k = 0; k < count; ++k) {
        Company c;
        PendingApplication p;
        transfer(ar, c);
        ar& p.strategy& p.p_without& p.u;
        const AgentId id = chunk.first + k;
        if (c.id != id) throw CheckpointError(decode_error(in, "company id"));
        if (id < first_company_ || id >= first_company_ + companies.size()) continue;
        companies[static_cast<std::size_t>(id - first_company_)] = c;
        pending[static_cast<std::size_t>(id - first_company_)] = p;
        ++covered;
      }
    }
    if (covered != companies.size())
      throw CheckpointError(in.path().string() +
                            ": the checkpoint lacks company records for this rank's ids");

    const auto global = in.read("global", 0, 1);
    if (global.size() != 1)
      throw CheckpointError(in.path().string() + ": the checkpoint has no global state");
    std::istringstream is(global.front().bytes);
    boost::archive::binary_iarchive ar(is, kArchiveFlags);
    std::uint32_t version = 0, tick = 0;
    ar& version& tick;
    if (version != kGlobalVersion || tick != next_tick)
      throw CheckpointError(decode_error(in, "global state header"));
    const std::size_t groups = params_.groups.size();
    vector_field(ar, prices, groups);
    vector_field(ar, boards, groups);
    vector_field(ar, initial, groups);
    vector_field(ar, cumulative, groups);
    vector_field(ar, counts, groups);
    vector_field(ar, profit, groups);
    vector_field(ar, budgets, params_.schemes.size() + params_.provinces);
    ar& committed& budget& year& month;
    vector_field(ar, eol, groups);
    ar& loans& reopen& triggers& budget_mult& belief_mult& secondary;
    ar& levy& levy_year& norm_year;
    std::uint64_t member_count = 0;
    ar& member_count;
    if (member_count > partition_.total_ids())
      throw CheckpointError(decode_error(in, "chain-table member count"));
    std::vector<std::uint8_t> bytes(static_cast<std::size_t>(member_count) * kMemberBytes);
    for (auto& byte : bytes) ar& byte;
    vector_field(ar, pros, groups);
    vector_field(ar, stock, groups);
    vector_field(ar, availability, groups);
    std::uint64_t slots = 0;
    ar& slots;
    if (slots != slot_states.size()) throw CheckpointError(decode_error(in, "company slot count"));
    for (auto& st : slot_states) ar& st.revenue_raw& st.adopted;
    for (std::size_t k = 0; k < bytes.size(); k += kMemberBytes) {
      const std::uint8_t* p = bytes.data() + k;
      const auto g = take<std::uint32_t>(p);
      if (g >= groups) throw CheckpointError(decode_error(in, "chain-table member group"));
      if (std::find(owned_tables_.begin(), owned_tables_.end(), static_cast<int>(g)) ==
          owned_tables_.end())
        continue;
      MemberIntent m{static_cast<AgentId>(take<std::uint64_t>(p + 4)), {}, 0, 0, false};
      for (std::size_t s = 0; s < m.intention.size(); ++s)
        m.intention[s] = take<float>(p + 12 + 4 * s);
      const std::uint8_t* q = p + 12 + 4 * agents::kStrategies;
      m.role = q[0];
      m.adopted = q[1];
      m.large = q[2] != 0;
      members[g].push_back(m);
    }
    for (const auto& d : due)
      for (std::size_t g = 0; g < groups; ++g)
        if (d[g] != Household::kNoEvent && (d[g] < next_tick || d[g] >= calendar_.ticks()))
          throw CheckpointError(
              decode_error(in, "a purchase event before the checkpoint's month or past the end"));
  } catch (const boost::archive::archive_exception& e) {
    error = decode_error(in, e.what());
  } catch (const std::exception& e) {
    error = e.what();
  }
  engine::agree_on_checkpoint_errors(comm_, error);

  // Saved state.
  households_ = std::move(households);
  companies_ = std::move(companies);
  pending_ = std::move(pending);
  prices_ = std::move(prices);
  boards_ = std::move(boards);
  initial_adopters_ = std::move(initial);
  cumulative_adopters_ = std::move(cumulative);
  choice_counts_ = std::move(counts);
  last_role_profit_ = std::move(profit);
  const auto schemes = static_cast<std::ptrdiff_t>(params_.schemes.size());
  scheme_budget_left_eur_.assign(budgets.begin(), budgets.begin() + schemes);
  province_budget_left_eur_.assign(budgets.begin() + schemes, budgets.end());
  committed_cumulative_ = committed;
  budget_cumulative_ = budget;
  current_year_ = year;
  current_month_ = month;
  eol_counts_ = std::move(eol);
  loans_granted_ = loans;
  reopen_until_year_ = reopen;
  adaptive_triggers_ = triggers;
  budget_multiplier_ = budget_mult;
  belief_multiplier_ = belief_mult;
  start_secondary_share_ = secondary;
  adaptive_levy_ = levy;
  adaptive_levy_year_ = levy_year;
  // The norm's rules are announced again from the saved trigger year.
  if (norm_year != 0) announce_adaptive_norm(norm_year);
  pros_ = std::move(pros);
  second_hand_stock_milli_ = std::move(stock);
  second_hand_availability_ = std::move(availability);
  slot_states_ = std::move(slot_states);
  for (const int g : owned_tables_)
    table_members_[static_cast<std::size_t>(g)] = std::move(members[static_cast<std::size_t>(g)]);

  // Rebuilt from saved state: event calendar and local choice stock.
  const std::size_t groups = params_.groups.size();
  for (auto& bucket : buckets_) bucket.clear();
  for (auto& row : local_choice_counts_) row.fill(0);
  for (auto& row : local_eol_counts_) row.fill(0);
  for (std::size_t i = 0; i < households_.size(); ++i) {
    const auto& h = households_[i];
    for (std::size_t g = 0; g < groups; ++g) {
      if (due[i][g] != Household::kNoEvent)
        buckets_[due[i][g]].push_back(static_cast<std::uint32_t>(i * agents::kMaxGroups + g));
      ++local_choice_counts_[g][h.last_choice[g]];
      ++local_eol_counts_[g][h.last_eol[g]];
    }
  }
  pending_choices_.clear();

  // Ghost copies: their owners send the current last choices.
  engine::Exchange<GhostMsg> refresh(comm_, partition_);
  for (std::size_t i = 0; i < households_.size(); ++i) {
    const AgentId id = first_household_ + i;
    for (std::uint32_t k = subscriber_begin_[i]; k < subscriber_begin_[i + 1]; ++k)
      for (std::size_t g = 0; g < groups; ++g)
        refresh.post_to(subscribers_[k],
                        {id, subscriber_slots_[k], static_cast<std::uint32_t>(g),
                         households_[i].last_choice[g], households_[i].last_eol[g]});
  }
  for (const auto& m : refresh.exchange()) {
    // GhostMsg::sender is the ghost slot on this rank (see phase_social).
    const auto s = static_cast<std::size_t>(m.sender);
    if (s >= ghost_ids_.size() || ghost_ids_[s] != m.receiver)
      throw std::logic_error("ghost refresh for a slot that holds another household");
    const std::size_t slot = s * groups + m.seq;
    ghost_choice_[slot] = m.choice;
    ghost_eol_[slot] = m.eol;
  }
  rebuild_derived();
  return next_tick;
}

}  // namespace ketensim::world
