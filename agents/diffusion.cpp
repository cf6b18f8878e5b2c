#include "agents/diffusion.hpp"

#include <algorithm>

namespace ketensim::agents::diffusion {

double bass_tick_probability(double p, double q, double seen_share, double dt_years) {
  return -std::expm1(-bass_hazard_rate(p, q, seen_share) * dt_years);
}

double draw_resistance(RandomStream& rs) {
  return -std::log(rs.uniform());
}

double uniform_grid_threshold(std::uint64_t index, std::uint64_t households) {
  return static_cast<double>(index) / static_cast<double>(households);
}

double normal_threshold(RandomStream& rs, double mean, double sd) {
  return std::clamp(rs.normal(mean, sd), 0.0, 1.0);
}

}  // namespace ketensim::agents::diffusion
