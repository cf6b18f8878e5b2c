// Per-household rules of the diffusion validation model (MODEL.md "Validation
// configs"; DOMAIN_NOTES 3.4 Bass, 3.6 Granovetter): the Bass hazard and the
// threshold rule. Plain functions of a household's state and what it sees.
#pragma once

#include <cmath>
#include <cstdint>

#include "agents/types.hpp"

namespace ketensim::agents::diffusion {

// Purposes of the diffusion model's random draws, in their own range so that
// they never meet the chain-table model's (agents/types.hpp).
namespace purpose {
inline constexpr engine::Purpose kInitialAdopter = 0x0101;
inline constexpr engine::Purpose kNetwork = 0x0102;
inline constexpr engine::Purpose kThreshold = 0x0103;
inline constexpr engine::Purpose kResistance = 0x0104;
}  // namespace purpose

// One household of the diffusion model, kept in one flat array (16 bytes: four
// households to a cache line). The Bass hazard a household spends per tick is
// not stored: it is a function of (seen, degree) that the model tabulates.
struct Household {
  // Bass: hazard budget left (+infinity once adopted); threshold rule: the threshold.
  double level = 0;
  std::uint32_t seen = 0;    // adopted neighbours (network mixing)
  std::uint16_t degree = 0;  // neighbours (network mixing)
  std::uint8_t adopted = 0;
  std::uint8_t reserved = 0;
};
static_assert(sizeof(Household) == 16, "keep diffusion households compact");

// Share of a household's neighbours that adopted (0 without neighbours).
inline double neighbour_share(std::uint32_t seen, std::uint32_t degree) {
  return degree > 0 ? static_cast<double>(seen) / static_cast<double>(degree) : 0.0;
}

// Bass hazard rate h = p + q F (per year) of a household that sees adopted share F.
inline double bass_hazard_rate(double p, double q, double seen_share) {
  return p + q * seen_share;
}

// Probability of adopting within one tick of dt years: 1 - exp(-(p + q F) dt).
double bass_tick_probability(double p, double q, double seen_share, double dt_years);

// The Bass rule as a household's cumulative hazard budget. A household draws
// R ~ Exp(1) once and adopts in the first tick at which the hazard it has
// accumulated, sum (p + q F_t) dt, reaches R. Given it has not adopted yet,
// P(adopt this tick) = P(R <= H + h dt | R > H) = 1 - exp(-h dt): the same
// process as a fresh Bernoulli(1 - exp(-h dt)) draw every tick, without a
// random draw per household per tick.
double draw_resistance(RandomStream& rs);

// Hazard a household spends in one tick of dt years while it sees share F: (p + q F) dt.
inline double bass_tick_hazard(double p, double q, double seen_share, double dt_years) {
  return bass_hazard_rate(p, q, seen_share) * dt_years;
}

// One tick of the Bass rule: spends the tick's hazard; true when the budget is used up.
inline bool spend_hazard(double& budget, double tick_hazard) {
  budget -= tick_hazard;
  return budget <= 0.0;
}

// Granovetter (1978): adopt when the adopted share seen reaches the threshold.
inline bool threshold_adopts(double seen_share, double threshold) {
  return seen_share >= threshold;
}

// Threshold of household `index` of `households` on the uniform grid: index / households.
double uniform_grid_threshold(std::uint64_t index, std::uint64_t households);

// Normal(mean, sd) clipped to [0, 1] (clipped, not truncated: the mass beyond
// the bounds sits on 0 and 1, so P(threshold <= x) = Phi((x - mean) / sd) on [0, 1)).
double normal_threshold(RandomStream& rs, double mean, double sd);

}  // namespace ketensim::agents::diffusion
