// The indicators of one simulated month: exact integer accumulators per product
// group (reduced over ranks with integer sums), and their CSV rendering.
// Every column is documented in docs/OUTPUTS.md.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "agents/types.hpp"

static_assert(ketensim::agents::kRoles == 6, "per-role metrics below list six roles");

namespace ketensim::world {

// Extensive quantities, stored as int64: counts as-is, money in milli-euro,
// mass in grams, units in milli-units, weights in milli-units.
enum Metric : int {
  kFirmsAlive = 0,
  kFirmsCircular,
  kAdoptedReduce,  // + strategy index
  kAdoptedSubstitute,
  kAdoptedExtend,
  kAdoptedRecycle,
  kRevenueTotal,     // milli-euro
  kRevenueCircular,  // milli-euro, firms with any circular strategy
  kPurchasesLinear,  // milli-units, + option index
  kPurchasesCircular,
  kPurchasesSecondHand,
  kPurchasesService,
  kMaterialUse,   // grams
  kPrimaryUse,    // grams
  kSecondaryUse,  // grams
  kImported,      // grams (primary imports + imported recyclate)
  kEndOfLife,     // grams
  kCollected,     // grams
  kRecyclate,     // grams produced by domestic recyclers
  kSubsidyApplications,
  kSubsidyGrants,
  kSubsidyCommitted,  // milli-euro
  kSubsidyPaid,       // milli-euro
  kPenalties,         // milli-euro
  kEntries,
  kExits,
  kCapacityLost,   // milli-weight
  kCash,           // milli-euro, alive firms
  kRepairs,        // milli-units repaired instead of replaced
  kReused,         // grams resold or donated
  kResidual,       // grams in residual waste
  kBioBased,       // grams of bio-based primary material
  kWasteTax,       // milli-euro waste tax on residual waste
  kEprFees,        // milli-euro
  kLevy,           // milli-euro national plastic levy
  kProcurement,    // milli-euro public purchases
  kChainProjects,  // chain-project applications
  kCrisisLoans,    // milli-euro
  kExitsProducer,  // + role index
  kExitsRefurbisher,
  kExitsRecycler,
  kExitsManufacturer,
  kExitsRetailer,
  kExitsCollector,
  kCapacityLostProducer,  // milli-weight, + role index
  kCapacityLostRefurbisher,
  kCapacityLostRecycler,
  kCapacityLostManufacturer,
  kCapacityLostRetailer,
  kCapacityLostCollector,
  kImportedRecyclate,  // grams of non-EU recyclate in producers' recycled content
  kRetailMargin,       // milli-euro earned by shops on household purchases
  kCollectionFees,     // milli-euro paid to collectors (PRO or municipality)
  // Regional governments (provinces and municipalities).
  kRegionalProcurement,     // milli-euro public purchases by regional tenders (in kProcurement)
  kRegionalCircularAwards,  // milli-euro of those awarded to circular offers
  kCofundingCommitted,      // milli-euro provincial co-funding granted with national grants
  kCofundingPaid,           // milli-euro provincial co-funding paid to adopting firms
  // Recycled content at the legal minimum (pattern P6): alive producers with output this
  // month in a group with a recycled-content minimum in force, and those of them whose
  // recycled content (secondary / material, both lines) is within kRcMinBand of it;
  // their material (grams), and the grams in product lines (conventional, circular)
  // whose recycled content is within kRcMinBand of it.
  kRcMinProducers,
  kRcAtMinProducers,
  kRcMinMaterial,
  kRcAtMinMaterial,
  // Resale supply (households.resale_supplies_second_hand): milli-units resold or donated,
  // and milli-units of second-hand purchases households wanted (before availability).
  kResoldUnits,
  kSecondHandWanted,
  kMetricCount
};

// Half-width of the band around the recycled-content minimum in force within which a
// producer counts as "at the minimum" (0.5 percentage points).
inline constexpr double kRcMinBand = 0.005;

// Constants per group that rendering needs (identical on every rank).
struct GroupRefs {
  std::int64_t material_2016_g = 0;  // grams per month of material use in 2016
  std::int64_t primary_abiotic_2016_g = 0;
  bool critical = false;
  int target_kind = 0;
};

// Per-group prices set by the environment and the material market.
struct GroupPrices {
  double virgin_eur_t = 0;
  double recyclate_eur_t = 0;
};

// A product group's PRO at the end of the month (identical on every rank).
struct ProView {
  bool in_force = false;  // EPR in force this month
  double fee_eur_per_kg = 0;
  std::int64_t balance_milli = 0;
  std::int64_t sorting_cost_milli = 0;  // this month
  std::int64_t admin_cost_milli = 0;    // this month
};

struct MonthIndicators {
  // [group][metric]; the national total is computed when rendering.
  std::vector<std::array<std::int64_t, kMetricCount>> groups;
  std::vector<GroupPrices> prices;
  std::int64_t subsidy_committed_cumulative = 0;  // milli-euro, national
  std::int64_t budget_cumulative = 0;             // milli-euro, national envelope to date
  std::vector<GroupRefs> refs;
  std::vector<double> targets;  // product-group target value this year (0: none)
  int adaptive_triggers = 0;
  std::vector<ProView> pro;    // per group (empty: no PRO columns filled)
  std::vector<double> rc_min;  // per group: recycled-content minimum in force (0: none)
  // Resale supply on: per group, the second-hand stock (milli-units) at the end of the
  // month and the availability for the next month (empty: off).
  std::vector<std::int64_t> second_hand_stock;
  std::vector<double> second_hand_availability;

  std::span<std::int64_t> flat() {
    return {groups.empty() ? nullptr : groups.front().data(), groups.size() * kMetricCount};
  }
};

// CSV header line (no newline).
std::string timeseries_header();
// Rows of one month: one per product group, then the national total "NL".
std::string timeseries_rows(const std::string& month, const std::vector<std::string>& group_ids,
                            const MonthIndicators& m);

}  // namespace ketensim::world
