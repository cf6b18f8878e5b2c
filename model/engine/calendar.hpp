// The monthly calendar: tick 0 is the start month; months are "YYYY-MM".
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace ketensim::engine {

struct YearMonth {
  int year = 2025;
  int month = 1;  // 1..12

  // Months since year 0, for differences.
  constexpr int ordinal() const { return year * 12 + (month - 1); }
  static constexpr YearMonth from_ordinal(int ordinal) { return {ordinal / 12, ordinal % 12 + 1}; }
  friend constexpr auto operator<=>(const YearMonth&, const YearMonth&) = default;

  std::string to_string() const;
  // Parses "YYYY-MM" (exactly four and two digits); nullopt when malformed, year
  // 0000 or month outside 1..12.
  static std::optional<YearMonth> parse(std::string_view text);
};

using Tick = std::uint32_t;

// The months [start, end], both included. Throws std::invalid_argument if end < start
// (ticks() would otherwise wrap to about 4 billion).
class Calendar {
 public:
  Calendar(YearMonth start, YearMonth end) : start_(start), end_(end) {
    if (end_.ordinal() < start_.ordinal())
      throw std::invalid_argument("calendar: end " + end_.to_string() + " before start " +
                                  start_.to_string());
  }

  Tick ticks() const { return static_cast<Tick>(end_.ordinal() - start_.ordinal() + 1); }
  YearMonth at(Tick tick) const {
    return YearMonth::from_ordinal(start_.ordinal() + static_cast<int>(tick));
  }
  YearMonth start() const { return start_; }
  YearMonth end() const { return end_; }

 private:
  YearMonth start_;
  YearMonth end_;
};

}  // namespace ketensim::engine
