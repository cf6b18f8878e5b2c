// The chain-table world on one rank: its share of households and companies, the
// government and chain-table agents it owns, and the eight phases of a tick
// (ARCHITECTURE.md section 3). Results are identical for every rank count.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "agents/company.hpp"
#include "agents/household.hpp"
#include "agents/pro.hpp"
#include "model/engine/calendar.hpp"
#include "model/engine/exchange.hpp"
#include "model/engine/large_array.hpp"
#include "model/engine/mpi_context.hpp"
#include "model/engine/partition.hpp"
#include "model/engine/scheduler.hpp"
#include "model/world/firm_links.hpp"
#include "model/world/indicators.hpp"
#include "model/world/lifetime_table.hpp"
#include "model/world/menu_search.hpp"
#include "model/world/messages.hpp"
#include "model/world/params.hpp"

namespace ketensim::engine {
class CheckpointWriter;
class CheckpointReader;
}  // namespace ketensim::engine

namespace ketensim::world {

// Id layout, from the config alone: government, chain tables, companies per
// group (producers, refurbishers, recyclers, entrant slots), then households.
struct IdLayout {
  AgentId government = 0;
  AgentId chain_tables_begin = 1;
  AgentId companies_begin = 0;
  std::vector<AgentId> group_companies_begin;  // per group, plus the end
  AgentId households_begin = 0;
  AgentId households_end = 0;

  explicit IdLayout(const Params& p);
  AgentId chain_table(int group) const { return chain_tables_begin + static_cast<AgentId>(group); }
};

// What each chain table publishes to all ranks (read by members next month).
struct ChainBoard {
  std::int64_t alive = 0;
  std::array<std::int64_t, agents::kStrategies> adopters{};
  std::int64_t revenue_total = 0;
  std::array<std::int64_t, agents::kStrategies> revenue_adopters{};
  std::int64_t recycler_capacity_milli = 0;  // total demand weight of alive recyclers
  std::uint8_t pledged = 0;                  // bit s: the table pledged strategy s

  double output_share(int s) const {
    return revenue_total > 0 ? static_cast<double>(revenue_adopters[static_cast<std::size_t>(s)]) /
                                   static_cast<double>(revenue_total)
                             : 0.0;
  }
};

// Firm-level event records, gathered to every rank each month (rare events).
struct AdoptionEvent {
  AgentId firm = 0;
  std::uint32_t tick = 0;
  std::uint8_t strategy = 0;
  std::uint8_t subsidised = 0;  // 1: own investment reduced by a grant
  std::uint8_t group = 0;
  std::uint8_t role = 0;
  double grant_eur = 0;
};

inline constexpr std::uint32_t kNoProvince = 0xFFFFFFFFu;

struct DecisionEvent {
  AgentId applicant = 0;
  std::uint32_t tick = 0;
  std::uint32_t arrival = 0;
  std::uint8_t scheme = 0;
  std::uint8_t granted = 0;
  std::uint8_t group = 0;
  std::uint8_t pad = 0;
  std::uint32_t order = 0;     // position in the government's decision sequence this month
  std::uint32_t province = 0;  // the applicant firm's province (chain projects: kNoProvince)
  double requested_eur = 0;
  double amount_eur = 0;
  double budget_left_eur = 0;
  double cofunding_eur = 0;  // the province's top-up of the grant
};

class Simulation {
 public:
  Simulation(Params params, const engine::Comm& comm);
  ~Simulation();

  // Population synthesis, network and ghost set-up (collective).
  void setup();
  // All ticks, the warm-up included: tick 0 is time.start - warmup, and the first
  // `warmup_ticks()` ticks run before time.start (nothing of them is an output).
  engine::Tick ticks() const { return calendar_.ticks(); }
  engine::Tick warmup_ticks() const { return params_.warmup_months; }
  const engine::Calendar& calendar() const { return calendar_; }
  // Runs one tick (collective); afterwards `indicators()` holds its exact totals on every rank.
  void run_tick(engine::Tick tick);
  const MonthIndicators& indicators() const { return indicators_; }
  const std::vector<std::string>& group_ids() const { return group_ids_; }
  const engine::PhaseScheduler& scheduler() const { return scheduler_; }
  const Params& params() const { return params_; }
  // This month's events (same on every rank, canonical order): CSV rows for
  // adoptions.csv and subsidy_decisions.csv, and their headers.
  static std::string adoptions_header();
  static std::string decisions_header();
  std::string adoption_rows() const;
  std::string decision_rows() const;

  // Rebuilds every derived array (the packed neighbour choices seen_ from
  // households_ and the ghost copies; the learning memo; the order scratch).
  // setup() and restore_checkpoint() call it; anything else that overwrites
  // households_, ghost_choice_ or ghost_eol_ must call it before the next tick.
  void rebuild_derived();

  // Checkpoint/restart, in model/world/checkpoint.cpp, which keeps THE list of
  // members that are saved and those that are rebuilt: a new member must be
  // added to that list. Collective; called between ticks, before `next_tick`.
  void save_checkpoint(engine::CheckpointWriter& out, engine::Tick next_tick) const;
  // Collective; replaces setup(). Restores the state saved by save_checkpoint,
  // whatever the number of ranks that wrote it, and returns the next tick to run.
  engine::Tick restore_checkpoint(const engine::CheckpointReader& in);

  // Global ids of the network neighbours of local household `local`, in slot order
  // (window entries first, then the exceptions): for tests and diagnostics.
  std::vector<AgentId> neighbour_ids(std::uint32_t local) const;

  // What a household sees of the last choices of its neighbours (with global mixing,
  // of all households): per option, how many chose it, out of how many.
  struct NeighbourCounts {
    std::array<std::uint64_t, agents::kOptions> purchase{};
    std::array<std::uint64_t, agents::kOptions> eol{};
    std::uint64_t purchase_total = 0;
    std::uint64_t eol_total = 0;
  };
  // One scan of the household's neighbours' packed choices gives both counts (public
  // for tests; the household events call it).
  // `gathered`, if not null, points at the packed choices of the household's
  // exception targets in exception order (gather_exception_choices), read instead
  // of seen_ and passed over (it then points at the next event's).
  void neighbour_counts(std::uint32_t local, int group, NeighbourCounts& out,
                        const std::uint8_t*& gathered) const;
  void neighbour_counts(std::uint32_t local, int group, NeighbourCounts& out) const {
    const std::uint8_t* direct = nullptr;
    neighbour_counts(local, group, out, direct);
  }
  // The counts of the events `due` (entries local * kMaxGroups + group, ascending)
  // as phase_consumers computes them: one gather of the exception targets' choices
  // for all of them, then neighbour_counts per event from the gathered bytes (for
  // tests; network only).
  std::vector<NeighbourCounts> gathered_neighbour_counts(std::span<const std::uint32_t> due);
  // A local household's record: its last_choice and last_eol are those of set-up or
  // restore; last_choices() gives the current ones.
  const agents::Household& household(std::uint32_t local) const { return households_[local]; }
  // The current last purchase and end-of-life choice of a local household in a group.
  std::pair<std::uint8_t, std::uint8_t> last_choices(std::uint32_t local, int group) const {
    const std::uint8_t own = seen_[static_cast<std::size_t>(group) * seen_stride_ + local];
    return {static_cast<std::uint8_t>(own & 3u), static_cast<std::uint8_t>(own >> 2)};
  }

  // Local sizes, for logs and benchmarks.
  std::size_t local_households() const { return households_.size(); }
  AgentId first_household() const { return first_household_; }
  std::size_t local_companies() const { return companies_.size(); }
  std::uint64_t messages_sent() const;

 private:
  struct PendingChoice {
    std::uint32_t local;
    std::uint8_t group;
    std::uint8_t choice;
    std::uint8_t eol;
  };
  // A purchase whose supplier and shop are still to be drawn (resolve_purchase_draws):
  // the event's uniforms scaled to the menus' totals. shop_pick < 0: no shop stocks it.
  // Kept per (group, option), the pair of menus it is drawn from.
  struct PendingDraw {
    double pick;
    double shop_pick;
  };
  // What a chain table knows of a member from its monthly report.
  struct MemberIntent {
    AgentId id;
    agents::Intentions intention;  // at its last review
    std::uint8_t role;
    std::uint8_t adopted;  // strategies adopted by the report (bit s)
    bool large;
  };
  // A chain-project coalition awaiting the government's decision.
  struct Coalition {
    AgentId table = 0;
    std::uint8_t strategy = agents::kNoStrategy;      // kNoStrategy: mixed (members' best)
    std::vector<std::pair<AgentId, double>> members;  // (firm, grant share in EUR)
  };
  // This month's environment of a product group, identical on every rank.
  struct GroupEnv {
    double virgin_factor = 1, import_factor = 1, floor_factor = 1;
    double import_share = 0;
    double imported_recyclate_eur_t = 0;  // world (non-EU) recyclate price
    bool epr = false;
    bool levy = false;
  };
  struct PendingApplication {
    std::uint8_t strategy = 0xFF;
    float p_without = 0;
    float u = 1;
  };
  struct SupplierMenu {
    std::vector<AgentId> ids;
    std::vector<double> cumulative;  // cumulative demand weights (capacity x price^-elasticity)
    std::vector<double> prices;      // cost-plus price per unit (suppliers only)
    double mean_price = 0;           // expected price paid (demand-weighted)
    // Derived with the menu: where a draw starts its search (build_guide).
    std::vector<std::uint32_t> guide;
    double bins_per_unit = 0;
  };
  // Alive capacity (demand weight) of one role in one group, and of its adopters per
  // strategy; exact global totals recomputed in the offers phase of every tick.
  struct RoleCapacity {
    double capacity = 0;
    double any_adopter = 0;  // capacity of those with at least one strategy
    std::array<double, agents::kStrategies> adopters{};
  };
  // A producer's material mix this month.
  struct MaterialMix {
    double rc = 0;         // recycled content (share of material)
    double imported = 0;   // share of the recycled part that is imported recyclate
    double eur_per_t = 0;  // average material price
  };

  // What every household of a group sees this month when it chooses (derived from
  // the menus and prices at the start of the consumers phase).
  struct PurchaseView {
    std::array<double, agents::kOptions> cost{};
    std::array<bool, agents::kOptions> available{};
    std::array<double, agents::kOptions> option_factor{};  // purchase_logit_.option_factors
    bool any_available = false;
    double shops = 0;  // alive retail capacity of the group
    // End-of-life costs; the collection effort is per municipality (collection_effort_).
    std::array<double, agents::kOptions> eol_cost{};
    // One event's amounts, rounded as the indicators book them (the same for every
    // household of the group this month): units (milli), mass (grams), waste tax (milli-EUR).
    std::int64_t units_milli = 0;
    std::int64_t mass_grams = 0;
    std::int64_t waste_tax_milli = 0;
  };

  // Phases.
  void phase_environment(engine::Tick t);
  void phase_review(engine::Tick t);
  void phase_government(engine::Tick t);
  void phase_offers(engine::Tick t);
  void phase_consumers(engine::Tick t);
  void phase_materials(engine::Tick t);
  void phase_social(engine::Tick t);
  void phase_accounting(engine::Tick t);

  // Set-up helpers.
  void init_company(agents::Company& c, AgentId id, int group, agents::Role role,
                    engine::Tick tick);
  void init_households();
  // The ids of [begin, end) (a class of the partition) that this rank owns.
  std::pair<AgentId, AgentId> owned_range(AgentId begin, AgentId end) const;
  void build_network();
  void schedule(std::uint32_t local, int group, engine::Tick due);

  // Decision helpers.
  void review_company(agents::Company& c, std::size_t index, engine::Tick t);
  void form_chain_projects(int group);
  // Fills gathered_ for the month's due events (sorted entries), see gathered_.
  void gather_exception_choices(std::span<const std::uint32_t> due);
  // `ahead`: the event's first random blocks, computed in a batch by
  // phase_consumers: kPurchaseBlocks of its purchase stream, then the first block
  // of its shop stream. `gathered`: as for neighbour_counts.
  void household_event(std::uint32_t local, int group, engine::Tick t,
                       const engine::Philox4x32Counter* ahead, const std::uint8_t*& gathered);
  static constexpr std::uint32_t kPurchaseBlocks = 2;
  static constexpr std::size_t kBlocksAhead = kPurchaseBlocks + 1;
  // Draws the suppliers and shops of the tick's purchases and counts the orders.
  void resolve_purchase_draws();
  void update_purchase_views();
  void public_procurement();
  void adaptive_review();
  // Announces the NATIONAL mode's recycled-content norm (params_.adaptive_norm_rules),
  // in force `norm_lag_years` after `trigger_year`.
  void announce_adaptive_norm(int trigger_year);
  // Regional governments (Rijk-Regio), in model/world/regions.cpp.
  void setup_regions();
  void regions_environment(int year, bool year_start);
  void regional_procurement(std::uint32_t& seq);
  double cofund_grant(AgentId firm, double grant_eur);  // government owner: draws the budget
  double expected_cofunding(AgentId firm, double grant_eur) const;
  double public_circular_share(int group) const;
  // Producer responsibility organisations, in model/world/pro.cpp.
  void setup_pros();
  void pro_review(engine::Tick t);  // environment phase: the yearly fee review
  void setup_second_hand();
  void second_hand_account();        // after the monthly reduction: stock and availability
  void pro_account(engine::Tick t);  // after the monthly reduction: income, cost, reserve
  void adopt(agents::Company& c, int strategy, double own_investment, double grant = 0);
  void gather_events();
  std::size_t group_of(AgentId id) const;
  // First open scheme for (group, strategy); chain-project schemes only for tables.
  int open_scheme(int group, int strategy, bool chain_project) const;
  double strategy_capex(const agents::Company& c, int s) const;
  // `social`: the firm's SN per strategy (firm_social_shares), also its peers' compliance.
  agents::StrategyEconomics economics(const agents::Company& c, int s,
                                      const std::array<double, agents::kStrategies>& social) const;
  // SN_s of companies_[index] for every strategy: the output-weighted share of its
  // live linked firms that adopted s at the last board update; the chain table's
  // share when none of its linked firms has output (docs/ODD.md 7.5).
  std::array<double, agents::kStrategies> firm_social_shares(std::size_t index) const;
  // Set-up: the links of the owned companies and the layout of the slot-state allgather.
  void setup_firm_links();
  void operate_company(agents::Company& c);
  double unit_cost(const agents::Company& c, int option) const;
  double offer_price(const agents::Company& c, int option) const;
  double cost_factor(const agents::Company& c) const;
  double producer_other_cost(int group) const;
  double recycler_market_t(int group) const;
  // Recyclers' reservation price (EUR/t of recyclate): their average variable cost (7.9).
  double recycler_reservation_price(int group) const;
  double b2b_unit_cost(int group) const;
  double manufacturer_share(int group, agents::Strategy s) const;
  double recycled_capability(const agents::Company& c) const;
  double enforced_min_rc(int group) const;
  MaterialMix material_mix(const agents::Company& c, bool circular_line) const;
  double firm_material_kg_per_unit(const agents::Company& c) const;
  double learning_factor(int group, int s) const;
  bool is_local_company(AgentId id) const;
  agents::Company& company(AgentId id);
  // One logit choice of a household event: by factors (agents::FactoredLogit, with the
  // household's precomputed attitude factor) when the rule allows it, else by
  // agents::choose() from the same inputs; `attitude` (a reference into the household
  // record) is read only then.
  std::uint8_t logit_choice(const agents::FactoredLogit& logit, const agents::ChoiceRule& rule,
                            const float& attitude, double attitude_factor,
                            std::uint8_t linear_option, std::uint8_t last_choice,
                            const std::array<double, agents::kOptions>& option_factor,
                            const std::array<double, agents::kOptions>& cost,
                            const std::array<bool, agents::kOptions>& available,
                            const std::array<std::uint64_t, agents::kOptions>& count,
                            std::uint64_t total, agents::RandomStream& rs) const;
  static std::uint8_t pack_seen(std::uint8_t choice, std::uint8_t eol) {
    return static_cast<std::uint8_t>(choice | (eol << 2));
  }

  Params params_;
  const engine::Comm& comm_;
  IdLayout ids_;
  engine::Partition partition_;
  engine::Calendar calendar_;
  engine::PhaseScheduler scheduler_;
  std::vector<std::string> group_ids_;
  // Whole-month lifetimes per group (from the config): a new product, a repaired one.
  std::vector<RoundedWeibull> lifetimes_;
  std::vector<RoundedWeibull> repair_lifetimes_;
  std::vector<ResidualLife> residual_lives_;  // of the products held at the start

  // Owned agents (the households' last_choice and last_eol as of set-up or restore:
  // the current ones are in seen_).
  engine::LargeVector<agents::Household> households_;
  AgentId first_household_ = 0;  // global id of households_[0]
  std::vector<agents::Company> companies_;
  AgentId first_company_ = 0;  // global id of companies_[0]
  std::vector<PendingApplication> pending_;
  // Links of the owned companies (setup_firm_links, from the seed and the id alone):
  // slot indices (id - companies_begin) at [local * link_stride_ + k], kNoLink if none.
  std::vector<std::uint32_t> links_;
  std::size_t link_stride_ = 0;
  // The slot-state allgather: this rank's slots (scratch), and every rank's part in
  // bytes of slot_states_ (fixed by the partition).
  std::vector<SlotState> slot_send_;
  std::vector<int> slot_counts_;
  std::vector<int> slot_displs_;
  bool owns_government_ = false;
  std::vector<int> owned_tables_;

  // Network: every household has 2 * ring_half_ neighbours (0: no network). For a
  // household at least ring_half_ from both ends of the local range ("windowed"),
  // the neighbours are its ring window, local indices i - ring_half_ .. i +
  // ring_half_ without i, except where an exception replaces a window entry by
  // another target (a rewired edge). Other households list all their neighbours
  // as exceptions. Exceptions are a CSR over local households; targets below
  // kGhostBit are local indices, others ghost slots. Only ~1 in 10 edges is
  // stored, so a neighbour scan reads the window bytes of seen_ and a short list.
  static constexpr std::uint32_t kGhostBit = 0x80000000u;
  // The place in a row of seen_ of an exception target v (local index, or ghost slot
  // past the local households).
  std::size_t seen_offset(std::uint32_t v) const {
    return (v & ~kGhostBit) + (v >> 31) * households_.size();
  }
  struct NeighbourException {
    std::uint32_t replaced;  // the window entry it replaces (windowed households)
    std::uint32_t target;
  };
  std::uint32_t ring_half_ = 0;
  // The window count reads a windowed household's ring window with one 16-byte load
  // where ring_half_ <= kVectorHalf; window_keep_ masks out the household itself.
  static constexpr std::uint32_t kVectorHalf = 7;
  static constexpr std::size_t kSeenPad = 16;
  alignas(16) std::array<std::uint8_t, 16> window_keep_{};
  bool windowed(std::size_t local) const {
    return local >= ring_half_ && local + ring_half_ < households_.size();
  }
  engine::LargeVector<std::uint32_t> exception_begin_;
  engine::LargeVector<NeighbourException> exceptions_;
  engine::LargeVector<AgentId> ghost_ids_;
  // The ghosts' last choices at set-up or restore, [slot * groups + g]: staging for
  // seen_, which alone is updated by the ticks.
  engine::LargeVector<std::uint8_t> ghost_choice_;
  engine::LargeVector<std::uint8_t> ghost_eol_;
  engine::LargeVector<std::uint32_t> subscriber_begin_;  // CSR over local households
  engine::LargeVector<std::int32_t> subscribers_;        // ranks
  // Network structure like subscribers_ (built with it in build_network, never
  // saved): the ghost slot of the household on that subscriber rank.
  engine::LargeVector<std::uint32_t> subscriber_slots_;

  // Rebuilt by rebuild_derived() at set-up and restore, then the only current copy
  // (phase_social updates it, save_checkpoint saves it): the last purchase and
  // end-of-life choice of every local household and ghost copy, packed as
  // choice | eol << 2, one byte per (group, agent) in group-major order
  // [g * seen_stride_ + v], v = local index or households_.size() + ghost slot,
  // so that a neighbour scan reads one byte per edge from a compact array.
  engine::LargeVector<std::uint8_t> seen_;
  std::size_t seen_stride_ = 0;
  // The month's gather of exception targets' packed choices (phase_consumers): per
  // exception of the due events, in event order, its byte of seen_ (gathered_), read
  // in address order through (position in seen_, exception number) pairs bucketed
  // by position, so that the random reads of rewired neighbours become a sweep.
  engine::LargeVector<std::uint32_t> gather_at_;
  engine::LargeVector<std::uint64_t> gather_pairs_;
  engine::LargeVector<std::uint8_t> gathered_;
  // Derived (rebuilt by rebuild_derived(), never saved): per local household its
  // attitude factors FactoredLogit::attitude_factor() for the purchase and the
  // end-of-life choice (attitudes never change; 0 where the logit is not usable).
  struct AttitudeFactors {
    double purchase = 0;
    double eol = 0;
  };
  engine::LargeVector<AttitudeFactors> attitude_factors_;
  // Derived like attitude_factors_: the households' municipalities. With these two and
  // seen_ (their last choices), a household event does not read the household record.
  engine::LargeVector<std::uint16_t> municipality_;

  // Derived scratch of the consumers phase (empty between ticks): purchases
  // counted per (supplier - companies_begin) * kOptions + option, and the keys
  // touched this tick, posted as one aggregated order each.
  std::vector<std::uint32_t> order_counts_;
  std::vector<std::uint32_t> order_keys_;
  std::vector<double> order_prices_;  // [supplier * kOptions + option]: this month's price
  // Purchases in shops per (shop - companies_begin) * kOptions + option: count and
  // the exact sum of the shop's margins (Euro raw), and the keys touched this tick.
  std::vector<std::uint32_t> shop_counts_;
  std::vector<std::int64_t> shop_margin_raw_;
  std::vector<std::uint32_t> shop_keys_;
  int key_bits_ = 0;                          // bits of an order key (company * kOptions + option)
  std::vector<std::uint32_t> order_scratch_;  // radix sort buffers
  std::vector<std::uint32_t> shop_scratch_;

  // Event calendar: bucket per tick of (local index * kMaxGroups + group).
  std::vector<engine::LargeVector<std::uint32_t>> buckets_;
  // Derived scratch: the due bucket sorted by local index (radix sort buffer).
  engine::LargeVector<std::uint32_t> bucket_scratch_;
  std::vector<PendingChoice> pending_choices_;
  // Derived scratch of the consumers phase: the month's draws per (group, option),
  // [group * kOptions + option], and per menu entry of the pair being resolved.
  std::vector<std::vector<PendingDraw>> pending_draws_;
  // All zero between pairs; the margin is valid where the shop purchases are > 0.
  struct EntryTally {
    std::uint32_t purchases = 0;       // supplier entry: purchases; shop entry: purchases
    std::uint32_t shop_purchases = 0;  // supplier entry: those of them bought in a shop
    std::int64_t margin_raw = 0;       // supplier entry: a shop's margin on one purchase;
                                       // shop entry: its margins summed (Euro raw)
  };
  std::vector<EntryTally> supplier_tally_;
  std::vector<EntryTally> shop_tally_;

  // Market state, identical on every rank.
  std::vector<GroupPrices> prices_;
  std::vector<ChainBoard> boards_;
  // Every company slot's revenue and strategies at the last board update (phase_social),
  // identical on every rank: what firms see of their linked firms (firm_social_shares).
  std::vector<SlotState> slot_states_;
  std::vector<std::array<std::int64_t, agents::kStrategies>> initial_adopters_;  // X0 of learning
  // X of learning: adopters at set-up plus every adoption since (exited firms included).
  std::vector<std::array<std::int64_t, agents::kStrategies>> cumulative_adopters_;
  std::vector<std::array<SupplierMenu, agents::kOptions>> menus_;
  std::vector<std::array<std::int64_t, agents::kOptions>> choice_counts_;  // national stock
  std::vector<std::array<std::int64_t, agents::kOptions>> local_choice_counts_;
  std::vector<std::array<std::int64_t, agents::kOptions>> eol_counts_;  // national stock
  std::vector<std::array<std::int64_t, agents::kOptions>> local_eol_counts_;
  std::vector<std::array<std::int64_t, agents::kRoles>>
      last_role_profit_;  // milli-euro, last month
  std::vector<std::array<RoleCapacity, agents::kRoles>> role_capacity_;
  std::vector<std::array<double, agents::kStrategies>> learning_;  // this month's LF_s per group
  std::vector<std::array<SupplierMenu, agents::kOptions>> retail_menus_;  // shops stocking option k
  std::vector<std::int64_t> b2b_spend_milli_;     // producers' purchases from manufacturers, local
  std::vector<std::int64_t> recyclate_demand_g_;  // grams this month, local
  std::vector<double> scheme_budget_left_eur_;    // government owner only
  std::vector<GroupEnv> env_;
  // One PRO per product group (active while EPR is in force), identical on every
  // rank: fed with the exact monthly totals of the group (model/world/pro.cpp).
  std::vector<agents::Pro> pros_;
  // Resale supply (params_.resale_supply), identical on every rank: second-hand stock per
  // group (milli-units) and the probability that a household finds second-hand this month.
  std::vector<std::int64_t> second_hand_stock_milli_;
  std::vector<double> second_hand_availability_;
  std::vector<float> density0_;  // collection density per municipality at the start
  // Derived at the start of each consumers phase (never saved).
  std::vector<PurchaseView> purchase_views_;
  // The households' two logit rules by factors, and what a household sees at its
  // end-of-life choice this month, per [group * municipalities + municipality]:
  // the options' costs and (when eol_logit_ is usable) their option factors.
  agents::FactoredLogit purchase_logit_;
  agents::FactoredLogit eol_logit_;
  struct EolView {
    std::array<double, agents::kOptions> cost{};
    std::array<double, agents::kOptions> option_factor{};
  };
  std::vector<EolView> eol_views_;
  std::vector<double> collection_effort_;  // per municipality: effort x (1 - density)
  double density_rise_ = 0;
  double procurement_circular_ = 0;
  // Regional governments: households' share per province (from the config), the
  // share of regional demand reserved for circular offers this month, and each
  // province's co-funding budget left this year (used on the government owner).
  std::vector<double> province_share_;
  double regional_circular_ = 0;
  std::vector<double> province_budget_left_eur_;
  double waste_tax_eur_t_ = 0;
  double residual_charge_eur_t_ = 0;
  // Chain tables owned here: members' reported intentions; coalitions this tick.
  std::vector<std::vector<MemberIntent>> table_members_;
  std::vector<Coalition> coalitions_;
  // Crisis loans and the adaptive policy (identical on every rank).
  std::uint32_t loans_granted_ = 0;
  std::int64_t loans_local_ = 0;
  int reopen_until_year_ = 0;  // adaptive national mode reopens schemes until this year
  // Adaptive national mode: the plastic levy it introduced (0: none) and from which year.
  double adaptive_levy_ = 0;
  int adaptive_levy_year_ = 0;
  int adaptive_norm_year_ = 0;  // trigger year of the national norm (0: not announced)
  // The national plastic levy announced (EUR/t of virgin polymer; 0: none): the
  // configured one, or the one the adaptive rule introduced; and the one in force in `year`.
  double announced_plastic_levy() const;
  double plastic_levy_rate(int year) const;
  double budget_multiplier_ = 1;
  double belief_multiplier_ = 1;
  int adaptive_triggers_ = 0;
  double start_secondary_share_ = 0;

  // Exchanges.
  engine::Exchange<OrderMsg> orders_;
  engine::Exchange<ApplicationMsg> applications_;
  engine::Exchange<DecisionMsg> decisions_;
  engine::Exchange<ReportMsg> reports_;
  engine::Exchange<GhostMsg> ghosts_;
  engine::Exchange<ProjectMsg> projects_;

  MonthIndicators indicators_;
  std::vector<AdoptionEvent> adoption_events_;  // local this month, then everyone's
  std::vector<DecisionEvent> decision_events_;
  std::vector<std::array<std::int64_t, kMetricCount>> local_;
  std::int64_t committed_cumulative_ = 0;
  std::int64_t budget_cumulative_ = 0;
  engine::Tick current_tick_ = 0;
  int current_year_ = 0;
  int current_month_ = 0;
};

}  // namespace ketensim::world
