// Provinces and municipalities (Rijk-Regio): regional circular procurement
// tenders, co-funding of national grants, and the region map (regions.hpp).
#include "model/world/regions.hpp"

#include <algorithm>
#include <cmath>

#include "agents/government.hpp"
#include "model/world/simulation.hpp"

namespace ketensim::world {

namespace {

using agents::Option;
using engine::Euro;

std::int64_t milli(double x) {
  return std::llround(x * 1000.0);
}

}  // namespace

std::uint32_t province_of_municipality(const Params& p, std::uint32_t municipality) {
  return static_cast<std::uint32_t>(static_cast<std::uint64_t>(municipality) * p.provinces /
                                    std::max<std::uint32_t>(p.municipalities, 1));
}

std::vector<double> province_household_shares(const Params& p) {
  // Household index i lives in municipality floor(i M / N) (make_household), so
  // municipality m holds the indices in [ceil(m N / M), ceil((m + 1) N / M)).
  const std::uint64_t n = p.households;
  const std::uint64_t m_count = std::max<std::uint32_t>(p.municipalities, 1);
  const auto first_index = [&](std::uint64_t m) { return (m * n + m_count - 1) / m_count; };
  std::vector<double> shares(p.provinces, 0.0);
  if (n == 0) return shares;
  for (std::uint64_t m = 0; m < m_count; ++m) {
    const auto households = first_index(m + 1) - first_index(m);
    shares[province_of_municipality(p, static_cast<std::uint32_t>(m))] +=
        static_cast<double>(households) / static_cast<double>(n);
  }
  return shares;
}

std::uint32_t firm_municipality(const Params& p, agents::AgentId firm) {
  agents::RandomStream rs(p.seed, firm, 0, agents::purpose::kFirmPlace);
  const std::uint64_t index = rs.below(std::max<std::uint64_t>(p.households, 1));
  return static_cast<std::uint32_t>(index * p.municipalities /
                                    std::max<std::uint64_t>(p.households, 1));
}

std::uint32_t firm_province(const Params& p, agents::AgentId firm) {
  return province_of_municipality(p, firm_municipality(p, firm));
}

bool province_cofunds(const Params& p, std::uint32_t province) {
  return p.cofunding_provinces.empty() ||
         std::find(p.cofunding_provinces.begin(), p.cofunding_provinces.end(), province) !=
             p.cofunding_provinces.end();
}

double regional_circular_floor(const Params& p, int year) {
  double floor = p.regional_circular;
  for (const auto& rule : p.rules)
    if (rule.kind == 2 && rule.enforcement(year) > 0)
      floor = std::max(floor, rule.procurement_share);
  return floor;
}

double expected_public_circular_share(const Params& p, int group, double national_circular,
                                      double regional_floor) {
  const auto& gp = p.groups[static_cast<std::size_t>(group)];
  const double linear = gp.price_factor[static_cast<std::size_t>(agents::Option::kNewLinear)];
  const double circular = gp.price_factor[static_cast<std::size_t>(agents::Option::kNewCircular)];
  const double ratio = linear > 0 ? circular / linear : 1.0;
  const double win =
      agents::circular_win_probability(p.circularity_weight, p.tender_temperature, ratio);
  const double regional = regional_floor + (1.0 - regional_floor) * win;
  return (1.0 - p.regional_procurement) * national_circular + p.regional_procurement * regional;
}

// ------------------------------------------------------ Simulation members ----

void Simulation::setup_regions() {
  province_share_ = province_household_shares(params_);
  province_budget_left_eur_.assign(params_.provinces, 0.0);
  regional_circular_ = params_.regional_circular;
}

void Simulation::regions_environment(int year, bool year_start) {
  regional_circular_ = regional_circular_floor(params_, year);
  if (!year_start) return;
  for (std::uint32_t p = 0; p < params_.provinces; ++p)
    province_budget_left_eur_[p] = province_cofunds(params_, p) ? params_.cofunding_budget : 0.0;
}

void Simulation::regional_procurement(std::uint32_t& seq) {
  // Every province (with its municipalities) tenders its share of the regional
  // public demand per group each month in two lots: the circular lot (the reserved
  // share, circular offers only) and the open lot (every producer's offers, scored
  // with the circularity weight). Each lot goes whole to one winner.
  if (params_.regional_procurement <= 0) return;
  // The lots of a group are the same for every province this month (the menus,
  // prices and weights are): their running award weights are computed once per
  // group, and each province's draw is a search in them.
  struct Lot {
    std::vector<agents::TenderOffer> offers;
    std::vector<std::pair<AgentId, std::uint8_t>> who;  // (supplier, option) per offer
    std::vector<double> cumulative;
  };
  const std::size_t groups = params_.groups.size();
  std::vector<Lot> circular_lots(groups);
  std::vector<Lot> open_lots(groups);
  auto add = [](Lot& lot, const SupplierMenu& menu, Option option) {
    double before = 0;
    for (std::size_t k = 0; k < menu.ids.size(); ++k) {
      lot.offers.push_back(
          {menu.cumulative[k] - before, menu.prices[k], option == Option::kNewCircular});
      lot.who.emplace_back(menu.ids[k], static_cast<std::uint8_t>(option));
      before = menu.cumulative[k];
    }
  };
  for (std::size_t g = 0; g < groups; ++g) {
    const auto& circular = menus_[g][static_cast<std::size_t>(Option::kNewCircular)];
    const auto& linear = menus_[g][static_cast<std::size_t>(Option::kNewLinear)];
    add(circular_lots[g], circular, Option::kNewCircular);
    add(open_lots[g], linear, Option::kNewLinear);
    add(open_lots[g], circular, Option::kNewCircular);
    for (auto* lot : {&circular_lots[g], &open_lots[g]})
      agents::tender_cumulative(lot->offers, params_.circularity_weight, params_.tender_temperature,
                                lot->cumulative);
  }
  for (std::uint32_t p = 0; p < params_.provinces; ++p) {
    if (province_share_[p] <= 0) continue;
    for (std::size_t g = 0; g < groups; ++g) {
      const auto& gp = params_.groups[g];
      const double units = gp.public_share * params_.regional_procurement * province_share_[p] *
                           params_.household_weight * static_cast<double>(params_.households) *
                           gp.units_per_purchase / gp.mean_lifetime_months;
      if (units <= 0) continue;
      agents::RandomStream rs(
          params_.seed, static_cast<AgentId>(p) * static_cast<AgentId>(agents::kMaxGroups) + g,
          current_tick_, agents::purpose::kTender);
      const double u_circular = rs.uniform();
      const double u_open = rs.uniform();
      auto award = [&](const Lot& lot, double volume, double u) {
        const std::size_t k = agents::tender_pick(lot.cumulative, lot.offers, u);
        if (k >= lot.offers.size() || volume <= 0) return 0.0;
        const double eur = volume * lot.offers[k].price;
        orders_.post({lot.who[k].first, ids_.government, seq++, lot.who[k].second, volume,
                      lot.offers[k].price, 0, 0});
        auto& row = local_[g];
        row[kProcurement] += milli(eur);
        row[kRegionalProcurement] += milli(eur);
        if (lot.offers[k].circular) row[kRegionalCircularAwards] += milli(eur);
        return volume;
      };
      const double reserved = award(circular_lots[g], units * regional_circular_, u_circular);
      award(open_lots[g], units - reserved, u_open);
    }
  }
}

double Simulation::expected_cofunding(AgentId firm, double grant_eur) const {
  if (params_.cofunding_rate <= 0 || params_.cofunding_budget <= 0 ||
      !province_cofunds(params_, firm_province(params_, firm)))
    return 0.0;
  return std::min(params_.cofunding_rate * grant_eur, params_.cofunding_budget);
}

double Simulation::cofund_grant(AgentId firm, double grant_eur) {
  const std::uint32_t p = firm_province(params_, firm);
  Euro left = Euro::from_double(province_budget_left_eur_[p]);
  const double amount = agents::cofund(params_.cofunding_rate, grant_eur, left);
  province_budget_left_eur_[p] = left.to_double();
  local_[group_of(firm)][kCofundingCommitted] += milli(amount);
  return amount;
}

double Simulation::public_circular_share(int group) const {
  return expected_public_circular_share(params_, group, procurement_circular_, regional_circular_);
}

}  // namespace ketensim::world
