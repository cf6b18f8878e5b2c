#include "agents/household.hpp"

#include <cmath>

namespace ketensim::agents {

double bass_adoption_probability(double p, double q, double adopted_share, double dt_years) {
  return 1.0 - std::exp(-(p + q * adopted_share) * dt_years);
}

}  // namespace ketensim::agents
