// Regional governments (Rijk-Regio): where municipalities and firms lie among the
// provinces, and the pure functions of the config that the provinces' tenders and
// co-funding use. The provinces' state and phases are Simulation members, defined
// in regions.cpp; like the national government's, they run on its owner rank.
#pragma once

#include <cstdint>
#include <vector>

#include "agents/types.hpp"
#include "model/world/params.hpp"

namespace ketensim::world {

// Province of municipality m: contiguous blocks of municipalities,
// floor(m x provinces / municipalities), as households' municipalities are
// contiguous blocks of household ids.
std::uint32_t province_of_municipality(const Params& p, std::uint32_t municipality);

// Share of the households living in each province (sums to 1): the share of
// regional public demand each province buys.
std::vector<double> province_household_shares(const Params& p);

// A firm's municipality and province: a pure function of (seed, firm id); firms
// lie where households live (a uniform household index, then its municipality).
std::uint32_t firm_municipality(const Params& p, agents::AgentId firm);
std::uint32_t firm_province(const Params& p, agents::AgentId firm);

// Whether province `province` co-funds national grants (regions.cofunding_provinces).
bool province_cofunds(const Params& p, std::uint32_t province);

// Share of regional public demand reserved for circular offers in `year`: the
// regional ambition, or the Circular Economy Act's procurement share once it binds.
double regional_circular_floor(const Params& p, int year);

// Expected share of a group's public demand that pays for circular offers, as a
// producer sees it in its review: the Rijk's circular share on the national part,
// and on the regional part the reserved share plus, on the open lots, the
// probability that a circular offer beats an equal linear one (w_circ scoring).
double expected_public_circular_share(const Params& p, int group, double national_circular,
                                      double regional_floor);

}  // namespace ketensim::world
