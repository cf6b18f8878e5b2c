#include "model/world/lifetime_table.hpp"

#include "model/world/menu_search.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace ketensim::world {

namespace {
// No uniform draw is below 2^-53 (RandomStream::open_unit), so thresholds
// below this can never be reached and end the table.
constexpr double kSmallest = 0x1.0p-56;
constexpr std::size_t kMaxMonths = std::size_t{1} << 22;
}  // namespace

RoundedWeibull::RoundedWeibull(double shape, double scale, double factor,
                               std::uint32_t table_months)
    : shape_(shape), scale_(scale), factor_(factor), has_factor_(factor != 1.0) {
  if (!(shape > 0) || !(scale > 0) || !(factor >= 0) || !std::isfinite(shape) ||
      !std::isfinite(scale) || !std::isfinite(factor))
    throw std::invalid_argument(
        "RoundedWeibull: shape and scale must be finite and > 0, factor finite and >= 0");
  const double s = factor * scale;
  // factor 0: no table, every draw goes to the formula (which gives 1 month).
  const std::size_t limit =
      std::min<std::size_t>(kMaxMonths, std::max<std::uint32_t>(1, table_months));
  for (std::size_t m = 1; s > 0 && m <= limit; ++m) {
    const double t = std::exp(-std::pow((static_cast<double>(m) - 0.5) / s, shape));
    threshold_.push_back(t);
    if (t < kSmallest) break;
  }
  full_ = s > 0 && threshold_.size() == limit;
  // lo_[b] = number of thresholds >= b / kBins (non-increasing in b).
  lo_.assign(kBins + 1, 0);
  std::size_t count = threshold_.size();
  for (std::uint32_t b = 0; b <= kBins; ++b) {
    const double edge = static_cast<double>(b) / kBins;
    while (count > 0 && threshold_[count - 1] < edge) --count;
    lo_[b] = static_cast<std::uint32_t>(count);
  }
  // A bin [lo, hi) is clean when no threshold T has its guard band [T (1 - g),
  // T (1 + g)] (widened to 2 g against rounding of the products) reaching into it;
  // then every u of the bin has the same count, lo_[b + 1] = lo_[b], and no guard
  // check fires. A count of the whole table (beyond) goes to the formula.
  static_assert((kBins & (kBins - 1)) == 0, "u * kBins must be exact");
  clean_months_.assign(kBins, kNotClean);
  for (std::uint32_t b = 0; b < kBins; ++b) {
    const double lo = static_cast<double>(b) / kBins;
    const double hi = static_cast<double>(b + 1) / kBins;
    const std::uint32_t above = lo_[b + 1];
    if (above != lo_[b] || above >= threshold_.size() || above >= kNotClean) continue;
    const bool below_clear = above == 0 || threshold_[above - 1] * (1.0 - 2 * kGuard) >= hi;
    const bool above_clear = threshold_[above] * (1.0 + 2 * kGuard) < lo;
    if (below_clear && above_clear)
      clean_months_[b] = static_cast<std::uint16_t>(std::max<std::uint32_t>(1, above));
  }
}

long long RoundedWeibull::exact(double u) const {
  // The same expression, in the same order, as the simulation always used.
  const double draw = scale_ * std::pow(-std::log(u), 1.0 / shape_);
  const double life = has_factor_ ? factor_ * draw : draw;
  return std::max<long long>(1, std::llround(life));
}

ResidualLife::ResidualLife(double shape, double scale, std::uint32_t horizon_months) {
  if (!(shape > 0) || !(scale > 0) || !std::isfinite(shape) || !std::isfinite(scale))
    throw std::invalid_argument("ResidualLife: shape and scale must be finite and > 0");
  const auto survival = [&](double x) { return std::exp(-std::pow(x / scale, shape)); };
  const double mean = scale * std::tgamma(1.0 + 1.0 / shape);
  // C(m) = (integral of S over [0, m + 1]) / mu, the integral by Simpson's rule per
  // month; stop at the horizon or where S is negligible. The last entry is 1: R
  // beyond the table.
  constexpr int kSteps = 64;  // even
  constexpr double kTail = 1e-15;
  const std::uint32_t limit = std::max<std::uint32_t>(1, horizon_months);
  double running = 0;
  for (std::uint32_t m = 0; m < limit; ++m) {
    const double h = 1.0 / kSteps;
    double sum = survival(m) + survival(m + 1.0);
    for (int i = 1; i < kSteps; ++i) sum += (i % 2 ? 4.0 : 2.0) * survival(m + i * h);
    running += sum * h / 3.0;
    cumulative_.push_back(std::min(1.0, running / mean));
    if (survival(m + 1.0) < kTail) break;
  }
  cumulative_.push_back(1.0);
  build_guide(cumulative_, guide_, bins_per_unit_);
}

std::uint32_t ResidualLife::months(double u) const {
  const std::size_t m = guided_upper_bound(cumulative_, guide_, bins_per_unit_, u);
  return static_cast<std::uint32_t>(std::min(m, cumulative_.size() - 1));
}

double ResidualLife::cumulative(std::uint32_t m) const {
  return m < cumulative_.size() ? cumulative_[m] : 1.0;
}

}  // namespace ketensim::world
