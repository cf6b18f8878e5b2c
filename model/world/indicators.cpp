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
std::string milli(std::int64_t raw) { return engine::Fixed<struct MilliTag, 1000>::from_raw(raw).to_string(); }
// Grams to tonnes, exact.
std::string tonnes(std::int64_t grams) { return engine::Fixed<struct GramTag, 1000000>::from_raw(grams).to_string(); }

void append_row(std::string& out, const std::string& month, const std::string& group, const Row& r,
                const GroupPrices* prices, std::int64_t committed_cum, std::int64_t budget_cum) {
  const std::int64_t purchases = r[kPurchasesLinear] + r[kPurchasesCircular] +
                                 r[kPurchasesSecondHand] + r[kPurchasesService];
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
      tonnes(r[kMaterialUse]),
      tonnes(r[kPrimaryUse]),
      tonnes(r[kSecondaryUse]),
      ratio(r[kSecondaryUse], r[kMaterialUse]),
      ratio(r[kImported], r[kMaterialUse]),
      tonnes(r[kEndOfLife]),
      tonnes(r[kCollected]),
      ratio(r[kRecyclate], r[kEndOfLife]),
      prices ? price(prices->virgin_eur_t) : "",
      prices ? price(prices->recyclate_eur_t) : "",
      std::to_string(r[kSubsidyApplications]),
      std::to_string(r[kSubsidyGrants]),
      milli(r[kSubsidyCommitted]),
      milli(r[kSubsidyPaid]),
      prices ? "" : milli(committed_cum),
      prices ? "" : milli(budget_cum),
      milli(r[kPenalties]),
      std::to_string(r[kEntries]),
      std::to_string(r[kExits]),
      milli(r[kCapacityLost]),
      milli(r[kCash]),
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
         "material_use_t,primary_material_t,secondary_material_t,secondary_share,"
         "import_dependency,end_of_life_t,collected_t,recycling_rate,virgin_price_eur_t,"
         "recyclate_price_eur_t,subsidy_applications,subsidy_grants,subsidy_committed_eur,"
         "subsidy_paid_eur,subsidy_committed_cum_eur,budget_envelope_cum_eur,eu_penalties_eur,"
         "firm_entries,firm_exits,capacity_lost,firm_cash_eur";
}

std::string timeseries_rows(const std::string& month, const std::vector<std::string>& group_ids,
                            const MonthIndicators& m) {
  std::string out;
  Row total{};
  for (std::size_t g = 0; g < m.groups.size(); ++g) {
    append_row(out, month, group_ids[g], m.groups[g], &m.prices[g], 0, 0);
    for (int k = 0; k < kMetricCount; ++k) total[static_cast<std::size_t>(k)] += m.groups[g][static_cast<std::size_t>(k)];
  }
  append_row(out, month, "NL", total, nullptr, m.subsidy_committed_cumulative, m.budget_cumulative);
  return out;
}

}  // namespace ketensim::world
