#include "model/world/indicators.hpp"

#include <cstdio>

#include "model/engine/fixed_point.hpp"

namespace ketensim::world {

namespace {

using Row = std::array<std::int64_t, kMetricCount>;

std::string ratio(std::int64_t num, std::int64_t den) {
  if (den == 0) return "";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6f", static_cast<double>(num) / static_cast<double>(den));
  return buf;
}

std::string price(double value) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", value);
  return buf;
}

// Exact decimal of a milli-scaled integer.
std::string milli(std::int64_t raw) {
  return engine::Fixed<struct MilliTag, 1000>::from_raw(raw).to_string();
}
// Grams to tonnes, exact.
std::string tonnes(std::int64_t grams) {
  return engine::Fixed<struct GramTag, 1000000>::from_raw(grams).to_string();
}

struct RowContext {
  const GroupPrices* prices = nullptr;  // null for the national row
  std::int64_t material_2016 = 0, primary_abiotic_2016 = 0;
  bool crm = false;  // has critical raw materials (NL: any group)
  std::int64_t crm_recyclate = 0, crm_material = 0;
  int target_kind = 0;
  double target = 0;
  std::int64_t committed_cum = 0, budget_cum = 0;
  int adaptive_triggers = 0;
  // The product group's PRO (null: none reported); the national row sums the PROs in force.
  const ProView* pro = nullptr;
  bool pro_any = false;
  std::int64_t pro_income = 0, pro_cost = 0, pro_collected = 0, pro_balance = 0;
  std::int64_t pro_sorting = 0, pro_admin = 0;
  double rc_min = 0;  // recycled-content minimum in force (0: none; national row: unused)
  // Resale supply on: second-hand stock (milli-units; national: sum) and availability.
  bool second_hand = false;
  std::int64_t second_hand_stock = 0;
  double second_hand_availability = 0;
};

std::string fixed6(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6f", v);
  return buf;
}

void append_row(std::string& out, const std::string& month, const std::string& group, const Row& r,
                const RowContext& x) {
  const bool national = x.prices == nullptr;
  const std::int64_t purchases =
      r[kPurchasesLinear] + r[kPurchasesCircular] + r[kPurchasesSecondHand] + r[kPurchasesService];
  const std::int64_t primary_abiotic = r[kPrimaryUse] - r[kBioBased];
  std::string target_value;
  switch (x.target_kind) {
    case 1:
      target_value = ratio(r[kReused] + r[kCollected], r[kEndOfLife]);
      break;
    case 2:
      target_value = ratio(r[kCollected], r[kEndOfLife]);
      break;
    case 3:
      target_value = ratio(r[kSecondaryUse], r[kMaterialUse]);
      break;
    default:
      break;
  }
  const std::vector<std::string> cells = {
      month,
      group,
      std::to_string(r[kFirmsAlive]),
      std::to_string(r[kFirmsCircular]),
      std::to_string(r[kAdoptedReduce]),
      std::to_string(r[kAdoptedSubstitute]),
      std::to_string(r[kAdoptedExtend]),
      std::to_string(r[kAdoptedRecycle]),
      ratio(r[kFirmsCircular], r[kFirmsAlive]),
      ratio(r[kRevenueCircular], r[kRevenueTotal]),
      milli(purchases),
      ratio(r[kPurchasesLinear], purchases),
      ratio(r[kPurchasesCircular], purchases),
      ratio(r[kPurchasesSecondHand], purchases),
      ratio(r[kPurchasesService], purchases),
      milli(r[kRepairs]),
      tonnes(r[kMaterialUse]),
      tonnes(r[kPrimaryUse]),
      tonnes(r[kSecondaryUse]),
      ratio(r[kSecondaryUse], r[kMaterialUse]),
      ratio(r[kSecondaryUse] + r[kBioBased], r[kMaterialUse]),
      ratio(r[kMaterialUse], x.material_2016),
      ratio(primary_abiotic, x.primary_abiotic_2016),
      ratio(r[kImported], r[kMaterialUse]),
      x.crm ? ratio(x.crm_recyclate, x.crm_material) : "",
      tonnes(r[kEndOfLife]),
      tonnes(r[kReused]),
      tonnes(r[kCollected]),
      tonnes(r[kResidual]),
      tonnes(r[kRecyclate]),
      ratio(r[kCollected], r[kCollected] + r[kResidual]),
      national || x.target_kind == 0 ? "" : std::to_string(x.target_kind),
      national ? "" : target_value,
      national || x.target_kind == 0 ? "" : fixed6(x.target),
      national ? "" : price(x.prices->virgin_eur_t),
      national ? "" : price(x.prices->recyclate_eur_t),
      std::to_string(r[kSubsidyApplications]),
      std::to_string(r[kChainProjects]),
      std::to_string(r[kSubsidyGrants]),
      milli(r[kSubsidyCommitted]),
      milli(r[kSubsidyPaid]),
      national ? milli(x.committed_cum) : "",
      national ? milli(x.budget_cum) : "",
      milli(r[kPenalties]),
      milli(r[kEprFees]),
      milli(r[kWasteTax]),
      milli(r[kLevy]),
      milli(r[kProcurement]),
      milli(r[kCrisisLoans]),
      national ? std::to_string(x.adaptive_triggers) : "",
      std::to_string(r[kEntries]),
      std::to_string(r[kExits]),
      std::to_string(r[kExitsProducer]),
      std::to_string(r[kExitsRefurbisher]),
      std::to_string(r[kExitsRecycler]),
      std::to_string(r[kExitsManufacturer]),
      std::to_string(r[kExitsRetailer]),
      std::to_string(r[kExitsCollector]),
      milli(r[kCapacityLost]),
      milli(r[kCapacityLostProducer]),
      milli(r[kCapacityLostRefurbisher]),
      milli(r[kCapacityLostRecycler]),
      milli(r[kCapacityLostManufacturer]),
      milli(r[kCapacityLostRetailer]),
      milli(r[kCapacityLostCollector]),
      milli(r[kCash]),
      tonnes(r[kImportedRecyclate]),
      milli(r[kRetailMargin]),
      milli(r[kCollectionFees]),
      milli(r[kRegionalProcurement]),
      milli(r[kRegionalCircularAwards]),
      milli(r[kCofundingCommitted]),
      milli(r[kCofundingPaid]),
      // PRO: the base fee in force, the month's fee income, collection fees paid,
      // separately collected tonnes, and the reserve at the end of the month.
      !national && x.pro && x.pro->in_force ? fixed6(x.pro->fee_eur_per_kg) : "",
      x.pro_any ? milli(x.pro_income) : "",
      x.pro_any ? milli(x.pro_cost) : "",
      x.pro_any ? tonnes(x.pro_collected) : "",
      x.pro_any ? milli(x.pro_balance) : "",
      // Pattern P6: the recycled-content minimum in force and the share of producers at it.
      !national && x.rc_min > 0 ? fixed6(x.rc_min) : "",
      ratio(r[kRcAtMinProducers], r[kRcMinProducers]),
      ratio(r[kRcAtMinMaterial], r[kRcMinMaterial]),
      // PRO: sorting and administration cost this month.
      x.pro_any ? milli(x.pro_sorting) : "",
      x.pro_any ? milli(x.pro_admin) : "",
      // Resale supply: units resold, second-hand wanted, the stock and next month's availability.
      milli(r[kResoldUnits]),
      milli(r[kSecondHandWanted]),
      x.second_hand ? milli(x.second_hand_stock) : "",
      !national && x.second_hand ? fixed6(x.second_hand_availability) : "",
  };
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (i) out += ',';
    out += cells[i];
  }
  out += '\n';
}

}  // namespace

std::string timeseries_header() {
  return "month,product_group,firms_alive,firms_circular,adopted_reduce,adopted_substitute,"
         "adopted_extend,adopted_recycle,adoption_share_firms,adoption_share_output,"
         "purchases_units,share_new_linear,share_new_circular,share_second_hand,share_service,"
         "repairs_units,material_use_t,primary_material_t,secondary_material_t,secondary_share,"
         "secondary_bio_share,raw_material_index,primary_abiotic_index,import_dependency,"
         "crm_domestic_recycling_share,end_of_life_t,reused_t,collected_t,residual_t,recyclate_t,"
         "recycling_rate,pg_target_kind,pg_target_value,pg_target,virgin_price_eur_t,"
         "recyclate_price_eur_t,subsidy_applications,chain_project_applications,subsidy_grants,"
         "subsidy_committed_eur,subsidy_paid_eur,subsidy_committed_cum_eur,budget_envelope_cum_eur,"
         "eu_penalties_eur,epr_fees_eur,waste_tax_eur,plastic_levy_eur,procurement_eur,"
         "crisis_loans_eur,adaptive_triggers,firm_entries,firm_exits,exits_producer,"
         "exits_refurbisher,exits_recycler,exits_manufacturer,exits_retailer,exits_collector,"
         "capacity_lost,capacity_lost_producer,capacity_lost_refurbisher,capacity_lost_recycler,"
         "capacity_lost_manufacturer,capacity_lost_retailer,capacity_lost_collector,firm_cash_eur,"
         "imported_recyclate_t,retail_margin_eur,collection_fees_eur,regional_procurement_eur,"
         "regional_circular_awards_eur,provincial_cofunding_eur,provincial_cofunding_paid_eur,"
         "pro_fee_eur_per_kg,pro_income_eur,pro_collection_cost_eur,pro_collected_t,"
         "pro_balance_eur,rc_min_in_force,producers_at_rc_min_share,"
         "material_at_rc_min_share,pro_sorting_cost_eur,pro_admin_cost_eur,resold_units,"
         "second_hand_wanted_units,second_hand_stock_units,second_hand_availability";
}

std::string timeseries_rows(const std::string& month, const std::vector<std::string>& group_ids,
                            const MonthIndicators& m) {
  std::string out;
  Row total{};
  RowContext national;
  for (std::size_t g = 0; g < m.groups.size(); ++g) {
    const auto& row = m.groups[g];
    const auto& ref = m.refs[g];
    RowContext x;
    x.prices = &m.prices[g];
    x.material_2016 = ref.material_2016_g;
    x.primary_abiotic_2016 = ref.primary_abiotic_2016_g;
    x.crm = ref.critical;
    x.crm_recyclate = row[kRecyclate];
    x.crm_material = row[kMaterialUse];
    x.target_kind = ref.target_kind;
    x.target = g < m.targets.size() ? m.targets[g] : 0.0;
    x.rc_min = g < m.rc_min.size() ? m.rc_min[g] : 0.0;
    if (g < m.second_hand_stock.size()) {
      x.second_hand = national.second_hand = true;
      x.second_hand_stock = m.second_hand_stock[g];
      x.second_hand_availability = m.second_hand_availability[g];
      national.second_hand_stock += x.second_hand_stock;
    }
    if (g < m.pro.size() && m.pro[g].in_force) {
      x.pro = &m.pro[g];
      x.pro_any = true;
      x.pro_income = row[kEprFees];
      x.pro_cost = row[kCollectionFees];
      x.pro_collected = row[kCollected];
      x.pro_balance = m.pro[g].balance_milli;
      x.pro_sorting = m.pro[g].sorting_cost_milli;
      x.pro_admin = m.pro[g].admin_cost_milli;
      national.pro_any = true;
      national.pro_income += x.pro_income;
      national.pro_cost += x.pro_cost;
      national.pro_collected += x.pro_collected;
      national.pro_balance += x.pro_balance;
      national.pro_sorting += x.pro_sorting;
      national.pro_admin += x.pro_admin;
    }
    append_row(out, month, group_ids[g], row, x);
    for (int k = 0; k < kMetricCount; ++k)
      total[static_cast<std::size_t>(k)] += row[static_cast<std::size_t>(k)];
    national.material_2016 += ref.material_2016_g;
    national.primary_abiotic_2016 += ref.primary_abiotic_2016_g;
    if (ref.critical) {
      national.crm = true;
      national.crm_recyclate += row[kRecyclate];
      national.crm_material += row[kMaterialUse];
    }
  }
  national.committed_cum = m.subsidy_committed_cumulative;
  national.budget_cum = m.budget_cumulative;
  national.adaptive_triggers = m.adaptive_triggers;
  append_row(out, month, "NL", total, national);
  return out;
}

}  // namespace ketensim::world
