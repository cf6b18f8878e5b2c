// Resolved, immutable run parameters derived from a validated scenario
// (the "data" the simulation runs on; the scenario proto is the "description").
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "agents/company.hpp"
#include "agents/household.hpp"
#include "ketensim/scenario.pb.h"
#include "model/engine/calendar.hpp"

namespace ketensim::world {

struct GroupParams {
  std::string id;
  double weibull_shape = 2.2;
  double weibull_scale_months = 120;  // scale so that the mean equals lifetime_years
  double mean_lifetime_months = 120;
  double units_per_purchase = 1;
  double unit_mass_kg = 10;
  double price_eur = 100;
  std::array<double, agents::kOptions> price_factor{1, 1.1, 0.6, 0.9};
  double virgin_price0 = 970;
  double virgin_drift = 0.02;
  double recyclate_price0 = 1650;
  double import_share = 0.3;
  double initial_rc = 0.1;
  std::array<std::uint32_t, agents::kRoles> firms{};  // per role
  std::uint32_t entrant_slots = 0;
  double large_share = 0.1;
  bool critical = false;
  // EPR (UPV) with eco-modulation.
  bool epr = false;
  double epr_fee_per_kg = 0, epr_discount = 0.4, epr_malus = 0;
  int epr_start_year = 2023;
  // The PRO's costs besides collection fees: per tonne collected, per tonne placed on the
  // market.
  double pro_sorting_eur_per_t = 0, pro_admin_eur_per_t = 0;
  double bio_share = 0;
  double use_vs_2016 = 0.98;
  double public_share = 0.05;
  double virgin_co2 = 2.0;
  int target_kind = 0;                         // config::TargetKind
  std::vector<std::pair<int, double>> target;  // (year, value), sorted
  bool plastic_levy = false;
  double collection_effort_factor = 1;  // x households.collection_effort_eur

  double target_for(int year) const;  // linear between path points, flat outside
};

struct StrategyParams {
  double capex = 200000;
  double unit_cost_change = 0.05;
  double material_change = 0;
  double rc_gain = 0;
  double learning = 0.3;
};

struct SchemeParams {
  std::string id;
  double rate_sme = 0.5, rate_large = 0.15;
  double min_eur = 0, max_eur = 0;
  double budget_share = 0.15;
  int first_year = 2025, last_year = 2025;
  int window_start = 1, window_end = 4;
  std::uint32_t group_mask = 0;    // bit g: eligible group (all bits when none listed)
  std::uint8_t strategy_mask = 0;  // bit s: eligible strategy
  bool tender = false;
  bool chain_projects = false;
};

struct ShockParams {
  std::uint32_t group_mask = ~0u;
  int start_ordinal = 0;  // YearMonth::ordinal of the first month
  int months = 0;
  double virgin_factor = 1, import_factor = 1, floor_factor = 1;
};

// Announce/apply year of a rule that only the adaptive rule can announce.
inline constexpr int kNeverAnnounced = 9999;

struct RuleParams {
  std::string id;
  int group = 0;
  int announce_year = 2019;
  int apply_year = 2025;  // after the variant's shift
  bool off = false;
  double min_rc = 0.25;
  double penalty_per_t = 1000;
  double enforcement_initial = 0.3, enforcement_final = 0.9;
  int ramp_years = 5;
  int kind = 0;  // config::EuRuleKind
  double cost_increase = 0.05;
  double procurement_share = 0.3;

  // Enforcement probability in `year` (0 before the apply year or when off).
  double enforcement(int year) const;
};

// Firms' credence in announced EU rules (eu.credence_*; docs/ODD.md 7.6).
struct CredenceParams {
  double initial = 0.3;
  double notice_rate = 0.25;
  double peer_weight = 0.5;

  // Weight a firm gives a rule's enforcement path in `year`, for a rule announced
  // in `announce_year`, when a share `peers_complying` of its chain table's
  // output already complies: 1 - (1 - c0) (1 - lambda_n)^years (1 - w_p S).
  double credence(int year, int announce_year, double peers_complying) const;
};

struct Params {
  std::string name;
  std::uint64_t seed = 0;
  engine::YearMonth start, end;
  // Ticks run before `start` (time.warmup_months): tick 0 is start - warmup_months.
  std::uint32_t warmup_months = 0;

  // Households.
  std::uint64_t households = 0;
  double household_weight = 1;  // real households per agent
  std::uint32_t municipalities = 342;
  bool global_mixing = false;
  std::uint32_t degree = 10;
  double rewiring = 0.1;
  agents::PurchaseRule purchase;
  double attitude_mean = 0.2, attitude_sd = 0.2;
  double initial_second_hand = 0.1, initial_service = 0.01;
  // Resold products supply the second-hand offer (stock per group; off: unlimited).
  bool resale_supply = false;
  double second_hand_stock_months = 1;
  agents::ChoiceRule end_of_life;
  double eol_attitude_mean = 0.544, eol_attitude_sd = 0.1;
  double repair_cost_share = 0.3, resell_cost_share = 0.1, collection_effort = 15;
  double repair_life_extension = 0.5;
  double initial_collection = 0.35;

  std::vector<GroupParams> groups;

  // Companies.
  agents::IntentionWeights intention;
  double threshold_mean = 0.25, threshold_sd = 0.12;
  double firm_attitude_mean = 0.3, firm_attitude_sd = 0.15;
  double hurdle_sme = 0.12, hurdle_large = 0.08;
  int horizon_years = 10;
  double large_capex_factor = 5;
  int bankruptcy_months = 24;
  double markup = 0.08;
  double cost_dispersion = 0.1;
  double fixed_cost_share = 0.05;
  double initial_cash_months = 3;
  double entry_rate = 0.3;
  double material_cost_share = 0.3;
  double circular_premium = 0.1;
  double circular_demand_share = 0.2;
  double initial_adoption_share = 0.05;
  double credit_months = 6;
  double large_capacity_factor = 5;
  std::array<StrategyParams, agents::kStrategies> strategies{};
  double belief_sd = 0.3;
  double coalition_threshold = 0.15;
  double project_cost_share = 0.2;
  double b2b_input_share = 0.4, component_material_share = 0.5;
  double retail_margin = 0.25, price_elasticity = 2, retail_search_cost_share = 0.1;
  // Links of every company slot (model/world/firm_links.hpp): peers, chain partners.
  std::uint32_t firm_peers = 6, firm_partners = 4;

  // Government and EU.
  std::vector<std::pair<int, double>> envelope;  // (year, EUR), sorted by year
  double programme_share = 0.85;
  std::vector<SchemeParams> schemes;
  std::vector<RuleParams> rules;
  CredenceParams credence;

  // Chain tables and markets.
  double pledge_threshold = 0.15;
  double information_boost = 0.01;
  double information_risk_reduction = 0.01;
  bool same_strategy_projects = true;
  double recyclate_speed = 0.05, recyclate_floor = 0.3, recyclate_cap = 3;
  bool recyclers_reservation_price = true;
  double recycling_yield = 0.7, collection_share = 0.45, recycling_cost_share = 0.3;
  double sorting_yield = 0.85, sorting_cost_share = 0.1, collection_fee = 100;
  double sorted_price_share = 0.1;
  double imported_recyclate_factor = 0.85, imported_recyclate_share = 0.3, import_elasticity = 2;
  double recycler_headroom = 1.25;

  // Producer responsibility organisations (agents/pro.hpp): cost-recovery fee rule.
  bool pro_cost_recovery = false;
  double pro_fee_min_factor = 0.25, pro_fee_max_factor = 3, pro_max_yearly_change = 0.5;
  double pro_reserve_share = 0.5;

  // Regions, taxes, shocks, crisis loans, adaptive policy.
  std::uint32_t provinces = 12;
  double density_mean = 0.5, density_sd = 0.15, density_growth = 0;
  double circular_procurement = 0.1, circularity_weight = 0.1;
  // Regional governments (model/world/regions.hpp): procurement and co-funding.
  double regional_procurement = 0.5, regional_circular = 0.1, tender_temperature = 0.1;
  double cofunding_rate = 0.25, cofunding_budget = 250000;
  std::vector<std::uint32_t> cofunding_provinces;  // empty: all
  double waste_tax = 39, waste_tax_index = 0.02;
  double co2_levy_start = 0, co2_levy_2030 = 295, co2_per_t_residual = 0.5, pass_through = 1;
  double ets0 = 75, ets_growth = 0.03;
  double plastic_levy = 0, plastic_levy_leakage = 0.2;
  int plastic_levy_start = 2028;
  std::vector<ShockParams> shocks;
  bool crisis_loans = false;
  int crisis_first = 2025, crisis_last = 2027;
  std::uint32_t crisis_max_firms = 10;
  double crisis_loan_months = 12;
  int adaptive_mode = 0;  // config::AdaptiveMode
  int adaptive_every = 2, adaptive_first = 2027;
  double adaptive_gamma = 0.05, adaptive_budget_raise = 1.5, adaptive_belief_raise = 1.2;
  int adaptive_extend_years = 2;
  double adaptive_levy = 0;  // EUR/t; 0: national mode raises subsidies only
  int adaptive_levy_lag = 2;
  // NATIONAL mode's norm: rules[adaptive_norm_rules[k]] start off (never announced) and
  // are announced by the first trigger (Simulation::adaptive_review).
  int adaptive_norm_lag = 3;
  std::vector<std::size_t> adaptive_norm_rules;

  // Engine.
  double company_weight = 1;     // resolved: the config value or the derived one
  bool spread_partition = true;  // companies and households split over ranks separately
  bool shuffle_arrivals = false;

  // Article 21 envelope for `year` (years after the last entry repeat it).
  double envelope_for(int year) const;
};

// Derives the run parameters; the scenario must already be validated.
Params resolve(const config::Scenario& scenario);

}  // namespace ketensim::world
