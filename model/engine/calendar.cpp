#include "model/engine/calendar.hpp"

#include <charconv>
#include <cstdio>

namespace ketensim::engine {

std::string YearMonth::to_string() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d", year, month);
  return buf;
}

std::optional<YearMonth> YearMonth::parse(std::string_view text) {
  if (text.size() != 7 || text[4] != '-') return std::nullopt;
  YearMonth ym;
  const auto* b = text.data();
  if (std::from_chars(b, b + 4, ym.year).ec != std::errc{} ||
      std::from_chars(b + 5, b + 7, ym.month).ec != std::errc{})
    return std::nullopt;
  if (ym.month < 1 || ym.month > 12 || ym.year < 1) return std::nullopt;
  return ym;
}

}  // namespace ketensim::engine
