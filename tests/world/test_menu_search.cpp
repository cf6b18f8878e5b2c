// The guided draw from a cumulative weight table must return exactly
// std::upper_bound's index: random menus with ties, zero weights, one entry.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "model/engine/rng.hpp"
#include "model/world/menu_search.hpp"

namespace ketensim::world {
namespace {

std::size_t reference(const std::vector<double>& v, double x) {
  return static_cast<std::size_t>(std::upper_bound(v.begin(), v.end(), x) - v.begin());
}

TEST(MenuSearch, GuidedAndBranchFreeSearchesEqualUpperBound) {
  engine::RandomStream rs(9, 1, 0, 2);
  for (int menu = 0; menu < 300; ++menu) {
    const auto n = static_cast<std::size_t>(1 + rs.below(menu % 3 == 0 ? 5 : 3000));
    std::vector<double> cumulative;
    double sum = 0;
    for (std::size_t i = 0; i < n; ++i) {
      // A third of the weights are 0 (entries that tie with the one before),
      // some are huge (one entry spans many guide bins).
      const double u = rs.uniform();
      sum += u < 0.3 ? 0.0 : (u > 0.98 ? 1000.0 * u : u);
      cumulative.push_back(sum);
    }
    std::vector<std::uint32_t> guide;
    double bins_per_unit = 0;
    build_guide(cumulative, guide, bins_per_unit);
    const double total = cumulative.back();
    std::vector<double> picks;
    for (int k = 0; k < 2000; ++k) picks.push_back(rs.uniform() * total);
    // Exactly at entries and at the bin edges, where rounding could mislead the guide.
    for (const double c : cumulative) picks.push_back(c);
    for (std::size_t b = 0; b < guide.size(); ++b)
      picks.push_back(static_cast<double>(b) / bins_per_unit);
    picks.push_back(0.0);
    picks.push_back(total);
    for (const double x : picks) {
      ASSERT_EQ(guided_upper_bound(cumulative, guide, bins_per_unit, x), reference(cumulative, x))
          << "menu " << menu << " x " << x;
      ASSERT_EQ(upper_bound_index(cumulative, x), reference(cumulative, x));
    }
  }
}

TEST(MenuSearch, EmptyAndAllZeroMenusHaveNoGuide) {
  std::vector<std::uint32_t> guide{1, 2};
  double bins_per_unit = 5;
  build_guide({}, guide, bins_per_unit);
  EXPECT_TRUE(guide.empty());
  const std::vector<double> zeros{0.0, 0.0, 0.0};
  build_guide(zeros, guide, bins_per_unit);
  EXPECT_TRUE(guide.empty());
  EXPECT_EQ(guided_upper_bound(zeros, guide, bins_per_unit, 0.0), 3u);
}

}  // namespace
}  // namespace ketensim::world
