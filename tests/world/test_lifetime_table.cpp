// RoundedWeibull must give exactly the formula's whole months for every u:
// random draws, and every representable neighbour of every threshold.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <vector>

#include "model/engine/rng.hpp"
#include "model/world/lifetime_table.hpp"

namespace ketensim::world {
namespace {

// The formula, written out independently of the class.
long long reference(double shape, double scale, double factor, double u) {
  const double draw = scale * std::pow(-std::log(u), 1.0 / shape);
  return std::max<long long>(1, std::llround(factor == 1.0 ? draw : factor * draw));
}

struct Case {
  double shape;
  double scale;
  double factor;
};

// Shapes and scales of the product groups (near-fixed packaging lives to long,
// spread-out PV lives), the repair extension, and extremes of the config ranges.
constexpr Case kCases[] = {{2.2, 135.0, 1.0},
                           {8.0, 12.5, 1.0},
                           {1.5, 400.0, 0.5},
                           {20.0, 1.0, 1.0},
                           {0.1, 3.0, 1.0},
                           {3.0, 90.0, 5.0},
                           {2.2, 135.0, 0.0},
                           {1.0, 0.0833 * 12, 1.0},
                           // T_1 = exp(-0.5 / scale) = 1/2 (to rounding): a threshold on
                           // a bin edge of the table.
                           {1.0, 0.72134752044448170, 1.0}};

TEST(RoundedWeibull, RandomDrawsGiveTheFormulasMonths) {
  engine::RandomStream rs(42, 7, 0, 1);
  for (const auto& c : kCases) {
    const RoundedWeibull table(c.shape, c.scale, c.factor);
    for (int i = 0; i < 200000; ++i) {
      const double u = rs.uniform();
      ASSERT_EQ(table.months(u), reference(c.shape, c.scale, c.factor, u))
          << "shape " << c.shape << " scale " << c.scale << " factor " << c.factor << " u " << u;
    }
  }
}

TEST(RoundedWeibull, NeighboursOfEveryBoundaryGiveTheFormulasMonths) {
  for (const auto& c : kCases) {
    if (c.factor == 0) continue;
    const RoundedWeibull table(c.shape, c.scale, c.factor);
    // The u at which the formula crosses m - 1/2, and the 8 doubles each side of it.
    for (int m = 1; m < 5000; ++m) {
      const double t = std::exp(-std::pow((m - 0.5) / (c.factor * c.scale), c.shape));
      if (t < 0x1.0p-53) break;
      double lo = t;
      double hi = t;
      for (int k = 0; k < 8; ++k) {
        lo = std::nextafter(lo, 0.0);
        hi = std::nextafter(hi, 1.0);
        for (const double u : {lo, t, hi}) {
          if (!(u > 0 && u < 1)) continue;
          ASSERT_EQ(table.months(u), reference(c.shape, c.scale, c.factor, u))
              << "shape " << c.shape << " m " << m << " u " << u;
        }
      }
    }
  }
}

// The table's bins are u in [b / 4096, (b + 1) / 4096): each edge and its
// neighbours, for tables of every case and for short tables (a horizon of 13 or 400
// months), where draws beyond the table take the formula.
TEST(RoundedWeibull, BinEdgesAndShortTablesGiveTheFormulasMonths) {
  for (const auto& c : kCases) {
    for (const std::uint32_t table_months : {13u, 400u, 1u << 22}) {
      const RoundedWeibull table(c.shape, c.scale, c.factor, table_months);
      for (int b = 1; b < 4096; ++b) {
        const double edge = b / 4096.0;
        for (const double u :
             {std::nextafter(edge, 0.0), edge, std::nextafter(edge, 1.0), edge + 0.5 / 4096.0})
          ASSERT_EQ(table.months(u), reference(c.shape, c.scale, c.factor, u))
              << "shape " << c.shape << " table " << table_months << " u " << u;
      }
    }
  }
}

// Capped draws: min(formula, table length) for tables that hold every threshold
// asked for (the simulation's: horizon + 1 months), and the formula itself where
// the table ended early (no cap). Random draws, bin edges, and the neighbours of the
// last threshold of the table, where the formula decides.
TEST(RoundedWeibull, CappedDrawsAreTheFormulasMonthsUpToTheTableLength) {
  engine::RandomStream rs(42, 8, 0, 1);
  for (const auto& c : kCases) {
    for (const std::uint32_t table_months : {1u, 13u, 313u, 400u, 1u << 22}) {
      const RoundedWeibull table(c.shape, c.scale, c.factor, table_months);
      const double s = c.factor * c.scale;
      const auto threshold = [&](double m) { return std::exp(-std::pow((m - 0.5) / s, c.shape)); };
      const double last = s > 0 ? threshold(table_months) : 0.0;
      // The table stops after its first threshold below 2^-56 (no uniform draw is that
      // small), so it is full when no threshold before the last one is below that.
      const bool full = s > 0 && (table_months == 1 || threshold(table_months - 1.0) >= 0x1.0p-56);
      ASSERT_EQ(table.cap(), full ? table_months : RoundedWeibull::kNoCap)
          << "shape " << c.shape << " table " << table_months;
      const auto expect = [&](double u) {
        return std::min(reference(c.shape, c.scale, c.factor, u), table.cap());
      };
      std::vector<double> us;
      for (int i = 0; i < 20000; ++i) us.push_back(rs.uniform());
      for (int b = 1; b < 4096; b += 7) us.push_back(b / 4096.0);
      us.push_back(last);
      double lo = last;
      double hi = last;
      for (int k = 0; k < 8; ++k) {
        lo = std::nextafter(lo, 0.0);
        hi = std::nextafter(hi, 1.0);
        us.insert(us.end(), {lo, hi});
      }
      for (const double u : us) {
        if (!(u > 0 && u < 1)) continue;
        ASSERT_EQ(table.months_capped(u), expect(u))
            << "shape " << c.shape << " table " << table_months << " u " << u;
      }
    }
  }
}

TEST(RoundedWeibull, ExtremeDrawsAndMonthsAreAtLeastOne) {
  const RoundedWeibull table(2.2, 135.0);
  const double smallest = engine::RandomStream::open_unit(0);
  const double largest = engine::RandomStream::open_unit(~std::uint64_t{0});
  EXPECT_EQ(table.months(smallest), reference(2.2, 135.0, 1.0, smallest));
  EXPECT_EQ(table.months(largest), 1);
  EXPECT_GT(table.months(smallest), 500);
  const RoundedWeibull never(2.2, 135.0, 0.0);
  EXPECT_EQ(never.months(0.5), 1);
}

TEST(RoundedWeibull, RejectsInvalidParameters) {
  EXPECT_THROW(RoundedWeibull(0.0, 10.0), std::invalid_argument);
  EXPECT_THROW(RoundedWeibull(2.0, -1.0), std::invalid_argument);
  EXPECT_THROW(RoundedWeibull(2.0, 10.0, -0.5), std::invalid_argument);
  EXPECT_THROW(RoundedWeibull(std::numeric_limits<double>::quiet_NaN(), 10.0),
               std::invalid_argument);
}

// The residual life table against an independent simulation of the renewal
// process (lifetimes drawn from the Weibull formula, started long before 0) and
// against the closed-form mean E[R] = E[X^2] / (2 E[X]).
TEST(ResidualLife, MatchesASimulatedRenewalProcessAndTheMean) {
  struct Shape {
    double shape;
    double scale;
  };
  for (const auto& c : {Shape{2.2, 135.0}, Shape{8.0, 12.5}, Shape{1.2, 40.0}}) {
    const ResidualLife table(c.shape, c.scale);
    engine::RandomStream rs(5, 3, 0, 4);
    constexpr int kDraws = 200000;
    const double mean_life = c.scale * std::tgamma(1.0 + 1.0 / c.shape);
    std::vector<int> simulated(4096, 0);
    std::vector<int> tabled(4096, 0);
    double table_mean = 0;
    for (int i = 0; i < kDraws; ++i) {
      double at = -20.0 * mean_life * (1.0 + rs.uniform());
      while (at < 0) at += rs.weibull(c.shape, c.scale);
      ++simulated[std::min<std::size_t>(static_cast<std::size_t>(at), 4095)];
      const auto m = table.months(rs.uniform());
      ++tabled[std::min<std::size_t>(m, 4095)];
      table_mean += m;
    }
    // Largest distance between the two empirical CDFs (two-sample KS): with
    // 200,000 draws each the 0.1 % critical value is about 0.0062.
    double a = 0;
    double b = 0;
    double ks = 0;
    for (std::size_t m = 0; m < simulated.size(); ++m) {
      a += simulated[m];
      b += tabled[m];
      ks = std::max(ks, std::abs(a - b) / kDraws);
    }
    EXPECT_LT(ks, 0.0062) << "shape " << c.shape;
    // E[floor(R)] is about E[R] - 1/2; E[R] = scale Gamma(1 + 2/k) / (2 Gamma(1 + 1/k)).
    const double expected =
        c.scale * std::tgamma(1.0 + 2.0 / c.shape) / (2.0 * std::tgamma(1.0 + 1.0 / c.shape)) - 0.5;
    EXPECT_NEAR(table_mean / kDraws, expected, 0.01 * expected + 0.05) << "shape " << c.shape;
    EXPECT_DOUBLE_EQ(table.cumulative(1u << 30), 1.0);
  }
  EXPECT_THROW(ResidualLife(0.0, 10.0), std::invalid_argument);
}

// Tables cut at a horizon: RoundedWeibull still gives the formula's months
// (the formula decides beyond the table); ResidualLife gives "the horizon or
// later" for the mass beyond it, P(R >= H) = 1 - integral of S over [0, H] / mu.
TEST(LifetimeTables, CutAtAHorizon) {
  engine::RandomStream rs(11, 2, 0, 6);
  const RoundedWeibull cut(2.2, 135.0, 1.0, 12);
  for (int i = 0; i < 100000; ++i) {
    const double u = rs.uniform();
    ASSERT_EQ(cut.months(u), reference(2.2, 135.0, 1.0, u)) << "u " << u;
  }
  // A slowly decaying lifetime (shape 0.3): the table stops at the horizon.
  const std::uint32_t horizon = 60;
  const ResidualLife residual(0.3, 50.0, horizon);
  EXPECT_LT(residual.cumulative(horizon - 1), 1.0);
  EXPECT_DOUBLE_EQ(residual.cumulative(horizon), 1.0);
  int beyond = 0;
  constexpr int kDraws = 200000;
  for (int i = 0; i < kDraws; ++i) {
    const auto m = residual.months(rs.uniform());
    ASSERT_LE(m, horizon);
    if (m == horizon) ++beyond;
  }
  // Independently: integral of exp(-(x/50)^0.3) over [0, 60] by the trapezoid
  // rule on a fine grid, over mu = 50 Gamma(1 + 1/0.3).
  double integral = 0;
  constexpr int kGrid = 600000;
  for (int i = 0; i < kGrid; ++i) {
    const double a = 60.0 * i / kGrid;
    const double b = 60.0 * (i + 1) / kGrid;
    integral +=
        (std::exp(-std::pow(a / 50.0, 0.3)) + std::exp(-std::pow(b / 50.0, 0.3))) / 2 * (b - a);
  }
  const double p_beyond = 1.0 - integral / (50.0 * std::tgamma(1.0 + 1.0 / 0.3));
  EXPECT_NEAR(static_cast<double>(beyond) / kDraws, p_beyond, 0.005);
}

}  // namespace
}  // namespace ketensim::world
