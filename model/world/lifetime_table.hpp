// Whole-month Weibull lifetimes without log and pow on the hot path.
//
// A household's next event is max(1, llround(factor * scale * (-ln u)^(1/shape)))
// months ahead, u uniform on (0, 1). That whole number only changes where u
// crosses a threshold T_m = exp(-((m - 1/2) / (factor * scale))^shape), so the
// table finds it by comparing u with the thresholds. Where u lies within a
// relative 1e-9 of a threshold (the computed formula and the threshold may
// disagree there by a few units in the last place), or beyond the table, it
// evaluates the formula itself. The result is therefore exactly the formula's,
// for every u.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace ketensim::world {

class RoundedWeibull {
 public:
  // `factor` (>= 0) multiplies the Weibull draw (the repair life extension); 1
  // means none, and then the formula is evaluated without the multiplication.
  // Throws std::invalid_argument for a shape or scale <= 0 or a factor < 0.
  // The table holds at most `table_months` thresholds (longer lifetimes are
  // computed by the formula, with the same result).
  RoundedWeibull(double shape, double scale, double factor = 1.0,
                 std::uint32_t table_months = 1u << 22);

  // max(1, llround(factor * scale * (-ln u)^(1 / shape))), bit for bit.
  long long months(double u) const { return lookup<false>(u); }

  // min(months(u), cap()), bit for bit, without evaluating the formula for draws
  // beyond the table. The simulation's tables are one month longer than its horizon
  // and it schedules nothing at or beyond the horizon, so a capped draw schedules
  // exactly what months(u) would.
  [[gnu::always_inline]] long long months_capped(double u) const { return lookup<true>(u); }

  // The table's length when it holds all `table_months` thresholds; otherwise (it
  // ended where thresholds fall below any uniform draw) no cap.
  long long cap() const { return full_ ? static_cast<long long>(threshold_.size()) : kNoCap; }

  static constexpr long long kNoCap = 0x7FFFFFFFFFFFFFFF;

  // The formula itself (the reference, and the fallback near thresholds).
  long long exact(double u) const;

 private:
  // Inline: it runs once per household event.
  template <bool kCapped>
  [[gnu::always_inline]] long long lookup(double u) const {
    const auto bin = std::min<std::uint32_t>(static_cast<std::uint32_t>(u * kBins), kBins - 1);
    // Most bins hold no threshold, nor one within the guard of their edges: there
    // the answer is the bin's, one 2-byte load.
    if (const std::uint16_t m = clean_months_[bin]; m != kNotClean) return m;
    // count = number of thresholds >= u, in [lo_[bin + 1], lo_[bin]].
    std::uint32_t lo = lo_[bin + 1];
    std::uint32_t hi = lo_[bin];
    while (lo < hi) {
      const std::uint32_t mid = lo + (hi - lo + 1) / 2;
      if (threshold_[mid - 1] >= u)
        lo = mid;
      else
        hi = mid - 1;
    }
    const std::size_t count = lo;
    const bool beyond = count == threshold_.size();
    const bool near_below = count > 0 && u > threshold_[count - 1] * (1.0 - kGuard);
    // Beyond a full table and clear of its last threshold, the formula gives at
    // least the table's length.
    if (kCapped && beyond && full_ && !near_below) return static_cast<long long>(count);
    const bool near_above = !beyond && u < threshold_[count] * (1.0 + kGuard);
    if (beyond || near_below || near_above) {
      const long long exact_months = exact(u);
      return kCapped ? std::min(exact_months, cap()) : exact_months;
    }
    return std::max<long long>(1, static_cast<long long>(count));
  }

  double shape_;
  double scale_;
  double factor_;
  bool has_factor_;
  bool full_ = false;  // the table holds all the thresholds asked for
  // threshold_[m - 1] = T_m for m = 1..M, decreasing; M = threshold_.size().
  std::vector<double> threshold_;
  // For u in bin b = floor(u * kBins): at least lo_[b] and at most lo_[b + 1]
  // thresholds are >= u.
  static constexpr std::uint32_t kBins = 4096;
  std::vector<std::uint32_t> lo_;
  // For a bin whose u all give the same count without a guard check, max(1, count);
  // kNotClean for the others (a threshold within the guard of the bin, or beyond
  // the table). kBins is a power of two, so u * kBins is exact and a bin is exactly
  // the u in [b / kBins, (b + 1) / kBins).
  static constexpr std::uint16_t kNotClean = 0xFFFF;
  std::vector<std::uint16_t> clean_months_;
  // Relative distance from a threshold inside which the formula decides.
  static constexpr double kGuard = 1e-9;
};

// Months until the product a household holds at the start reaches its end of
// life, for a renewal process in equilibrium: the forward recurrence time R of
// Weibull(shape, scale) lifetimes has density S(x) / mu, with S the survival
// function and mu the mean lifetime. The table holds P(floor(R) <= m) for whole
// months m, integrated numerically (Simpson, 64 steps a month), so a draw is one
// uniform and one table search.
class ResidualLife {
 public:
  // The table covers months 0 .. horizon_months - 1 (later ones are never
  // scheduled); its normaliser is mu = scale Gamma(1 + 1/shape). Throws
  // std::invalid_argument for a shape or scale <= 0.
  ResidualLife(double shape, double scale, std::uint32_t horizon_months = 1u << 22);

  // floor(R) for the uniform u in (0, 1); horizon_months or more when R lies
  // beyond the table.
  std::uint32_t months(double u) const;

  // P(floor(R) <= m) (1 beyond the table).
  double cumulative(std::uint32_t m) const;

 private:
  std::vector<double> cumulative_;
  std::vector<std::uint32_t> guide_;
  double bins_per_unit_ = 0;
};

}  // namespace ketensim::world
