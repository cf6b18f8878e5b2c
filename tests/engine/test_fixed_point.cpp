// Tests of the 64-bit fixed-point quantities: order-independent exact sums,
// exact decimal text, rounding from double.
#include "model/engine/fixed_point.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <vector>

#include "model/engine/rng.hpp"

namespace ketensim::engine {
namespace {

struct TestTag {};
using Units = Fixed<TestTag, 1>;
using Cents = Fixed<TestTag, 100>;
using Tenths = Fixed<TestTag, 10>;

// Amounts of very different magnitudes and both signs: a double sum of these
// depends on the order, the fixed-point sum must not.
std::vector<Euro> mixed_amounts(int n) {
  std::vector<Euro> out;
  RandomStream rs(1, 2, 3, 4);
  for (int i = 0; i < n; ++i) {
    const double magnitude = std::pow(10.0, rs.uniform() * 12.0 - 3.0);  // 1e-3 .. 1e9 EUR
    out.push_back(Euro::from_double(rs.bernoulli(0.5) ? magnitude : -magnitude));
  }
  return out;
}

TEST(Fixed, SumIsExactWhateverTheOrder) {
  auto amounts = mixed_amounts(20000);
  const auto sum = [](const std::vector<Euro>& v) {
    return std::accumulate(v.begin(), v.end(), Euro{});
  };
  const Euro reference = sum(amounts);
  // The raw sum is the integer sum of the raws.
  std::int64_t raw_total = 0;
  for (const Euro e : amounts) raw_total += e.raw();
  EXPECT_EQ(reference.raw(), raw_total);

  for (std::uint32_t k = 0; k < 5; ++k) {
    RandomStream rs(99, 0, k, 0);
    for (std::size_t i = amounts.size(); i > 1; --i)
      std::swap(amounts[i - 1], amounts[rs.below(i)]);
    EXPECT_EQ(sum(amounts).raw(), reference.raw()) << "permutation " << k;
  }
  std::reverse(amounts.begin(), amounts.end());
  EXPECT_EQ(sum(amounts), reference);
  // Pairwise (tree) order, as a reduction over ranks would add.
  std::vector<Euro> level = amounts;
  while (level.size() > 1) {
    std::vector<Euro> next;
    for (std::size_t i = 0; i + 1 < level.size(); i += 2) next.push_back(level[i] + level[i + 1]);
    if (level.size() % 2 == 1) next.push_back(level.back());
    level = std::move(next);
  }
  EXPECT_EQ(level.front(), reference);
}

TEST(Fixed, ToStringIsExact) {
  EXPECT_EQ(Euro{}.to_string(), "0.000");
  EXPECT_EQ(Euro::from_raw(12345).to_string(), "12.345");
  EXPECT_EQ(Euro::from_raw(-12345).to_string(), "-12.345");
  EXPECT_EQ(Euro::from_raw(5).to_string(), "0.005");
  EXPECT_EQ(Euro::from_raw(-5).to_string(), "-0.005");
  EXPECT_EQ(Euro::from_raw(-50).to_string(), "-0.050");
  EXPECT_EQ(Euro::from_raw(-1000).to_string(), "-1.000");
  EXPECT_EQ(Euro::from_raw(1000).to_string(), "1.000");
  EXPECT_EQ(Euro::from_raw(-999).to_string(), "-0.999");
  EXPECT_EQ(Euro::from_raw(std::numeric_limits<std::int64_t>::max()).to_string(),
            "9223372036854775.807");
  EXPECT_EQ(Euro::from_raw(std::numeric_limits<std::int64_t>::min()).to_string(),
            "-9223372036854775.808");
  EXPECT_EQ(Kilograms::from_raw(-1).to_string(), "-0.001");
  EXPECT_EQ(Units::from_raw(-7).to_string(), "-7");
  EXPECT_EQ(Units::from_raw(0).to_string(), "0");
  EXPECT_EQ(Units::from_raw(std::numeric_limits<std::int64_t>::min()).to_string(),
            "-9223372036854775808");
  EXPECT_EQ(Cents::from_raw(-101).to_string(), "-1.01");
  EXPECT_EQ(Cents::from_raw(7).to_string(), "0.07");
  EXPECT_EQ(Tenths::from_raw(-3).to_string(), "-0.3");
}

TEST(Fixed, FromDoubleRoundsHalfAwayFromZero) {
  // Binary-exact inputs, so that the product value * Scale is exact too.
  EXPECT_EQ(Euro::from_double(0.0625).raw(), 63);  // 62.5
  EXPECT_EQ(Euro::from_double(-0.0625).raw(), -63);
  EXPECT_EQ(Euro::from_double(0.1875).raw(), 188);  // 187.5
  EXPECT_EQ(Euro::from_double(-0.1875).raw(), -188);
  EXPECT_EQ(Tenths::from_double(0.25).raw(), 3);  // 2.5
  EXPECT_EQ(Tenths::from_double(-0.25).raw(), -3);
  EXPECT_EQ(Tenths::from_double(0.125).raw(), 1);  // 1.25
  EXPECT_EQ(Units::from_double(2.5).raw(), 3);
  EXPECT_EQ(Units::from_double(-2.5).raw(), -3);
  EXPECT_EQ(Units::from_double(2.4999999).raw(), 2);
  // Ordinary decimal inputs land on the nearest unit.
  EXPECT_EQ(Euro::from_double(0.1).raw(), 100);
  EXPECT_EQ(Euro::from_double(-12.345).raw(), -12345);
  EXPECT_EQ(Euro::from_double(1e-4).raw(), 0);
  EXPECT_EQ(Euro::from_double(-1e-4).raw(), 0);
  EXPECT_EQ(Euro::from_double(1234567.891).raw(), 1234567891);
  EXPECT_EQ(Euro::from_double(0.0).raw(), 0);
}

TEST(Fixed, FromDoubleRefusesWhatDoesNotFit) {
  EXPECT_THROW(Euro::from_double(std::nan("")), std::out_of_range);
  EXPECT_THROW(Euro::from_double(std::numeric_limits<double>::infinity()), std::out_of_range);
  EXPECT_THROW(Euro::from_double(-std::numeric_limits<double>::infinity()), std::out_of_range);
  EXPECT_THROW(Euro::from_double(1e16), std::out_of_range);  // 1e19 milli-euro
  EXPECT_THROW(Euro::from_double(-1e16), std::out_of_range);
  EXPECT_THROW(Units::from_double(0x1.0p63), std::out_of_range);
  EXPECT_EQ(Units::from_double(-0x1.0p63).raw(), std::numeric_limits<std::int64_t>::min());
  EXPECT_NO_THROW(Euro::from_double(9.0e15));
}

TEST(Fixed, ArithmeticAndComparison) {
  const Euro a = Euro::from_raw(1500);
  const Euro b = Euro::from_raw(-250);
  EXPECT_EQ((a + b).raw(), 1250);
  EXPECT_EQ((a - b).raw(), 1750);
  EXPECT_EQ((-a).raw(), -1500);
  EXPECT_LT(b, a);
  EXPECT_EQ(a.to_double(), 1.5);
  Euro c;
  c += a;
  c -= b;
  EXPECT_EQ(c.raw(), 1750);
}

TEST(Fixed, ToStringRoundTripsThroughDecimalText) {
  // Every raw value's text parses back (as a decimal) to the same raw value.
  RandomStream rs(5, 6, 7, 8);
  for (int i = 0; i < 10000; ++i) {
    const auto raw = static_cast<std::int64_t>(rs.next_u64());
    const std::string text = Euro::from_raw(raw).to_string();
    const bool negative = text.front() == '-';
    const std::string digits = text.substr(negative ? 1 : 0);
    const auto dot = digits.find('.');
    ASSERT_EQ(digits.size() - dot, 4u) << text;
    // Rebuild the magnitude in unsigned arithmetic, which also covers INT64_MIN.
    const std::uint64_t mag =
        std::stoull(digits.substr(0, dot)) * 1000u + std::stoull(digits.substr(dot + 1));
    const std::uint64_t expected_mag = raw < 0 ? std::uint64_t{0} - static_cast<std::uint64_t>(raw)
                                               : static_cast<std::uint64_t>(raw);
    ASSERT_EQ(mag, expected_mag) << text;
    ASSERT_EQ(negative, raw < 0) << text;
  }
}

}  // namespace
}  // namespace ketensim::engine
