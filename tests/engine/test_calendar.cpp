// Tests of the monthly calendar and "YYYY-MM" parsing.
#include "model/engine/calendar.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace ketensim::engine {
namespace {

TEST(YearMonth, ParsesValidText) {
  const auto ym = YearMonth::parse("2025-01");
  ASSERT_TRUE(ym.has_value());
  EXPECT_EQ(ym->year, 2025);
  EXPECT_EQ(ym->month, 1);
  EXPECT_EQ(YearMonth::parse("2050-12"), (YearMonth{2050, 12}));
  EXPECT_EQ(YearMonth::parse("0001-06"), (YearMonth{1, 6}));
  EXPECT_EQ(YearMonth::parse("9999-12"), (YearMonth{9999, 12}));
}

TEST(YearMonth, RejectsMalformedText) {
  for (const char* bad :
       {"",        "2025",    "2025-1",   "2025-001", "25-01",   "2025/01", "2025-00",
        "2025-13", "0000-01", "20x5-01",  "2025-1x",  "202501-", "-001-01", "+025-01",
        "2025-+1", "2025--1", " 2025-01", "2025-01 ", "2025- 1", "abcd-ef", "2025-01-01"}) {
    EXPECT_FALSE(YearMonth::parse(bad).has_value()) << '"' << bad << '"';
  }
}

TEST(YearMonth, ToStringPadsAndRoundTrips) {
  EXPECT_EQ((YearMonth{2025, 1}).to_string(), "2025-01");
  EXPECT_EQ((YearMonth{2050, 12}).to_string(), "2050-12");
  EXPECT_EQ((YearMonth{999, 3}).to_string(), "0999-03");
  for (int ordinal = 12; ordinal < 12 * 3000; ordinal += 7) {
    const YearMonth ym = YearMonth::from_ordinal(ordinal);
    ASSERT_EQ(YearMonth::parse(ym.to_string()), ym) << ym.to_string();
    ASSERT_EQ(ym.ordinal(), ordinal);
  }
}

TEST(YearMonth, OrdersChronologically) {
  EXPECT_LT((YearMonth{2025, 12}), (YearMonth{2026, 1}));
  EXPECT_LT((YearMonth{2025, 1}), (YearMonth{2025, 2}));
  EXPECT_EQ((YearMonth{2026, 1}).ordinal() - (YearMonth{2025, 12}).ordinal(), 1);
}

TEST(Calendar, CountsTicksInclusive) {
  EXPECT_EQ(Calendar({2025, 1}, {2050, 12}).ticks(), 312u);
  EXPECT_EQ(Calendar({2025, 1}, {2025, 1}).ticks(), 1u);
  EXPECT_EQ(Calendar({2025, 11}, {2026, 2}).ticks(), 4u);
}

TEST(Calendar, MapsTicksToMonths) {
  const Calendar cal({2025, 1}, {2050, 12});
  EXPECT_EQ(cal.at(0), (YearMonth{2025, 1}));
  EXPECT_EQ(cal.at(11), (YearMonth{2025, 12}));
  EXPECT_EQ(cal.at(12), (YearMonth{2026, 1}));
  EXPECT_EQ(cal.at(cal.ticks() - 1), cal.end());
  EXPECT_EQ(cal.start(), (YearMonth{2025, 1}));
  const Calendar mid({2025, 7}, {2026, 6});
  EXPECT_EQ(mid.at(5), (YearMonth{2025, 12}));
  EXPECT_EQ(mid.at(6), (YearMonth{2026, 1}));
}

TEST(Calendar, RefusesEndBeforeStart) {
  EXPECT_THROW(Calendar({2025, 2}, {2025, 1}), std::invalid_argument);
  EXPECT_THROW(Calendar({2026, 1}, {2025, 12}), std::invalid_argument);
}

}  // namespace
}  // namespace ketensim::engine
