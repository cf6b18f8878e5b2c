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
  // Every character but the dash must be a digit: from_chars alone would accept
  // a sign ("-001-01") or stop early without error ("20x5-01" parses as 20).
  for (std::size_t i = 0; i < text.size(); ++i)
    if (i != 4 && (text[i] < '0' || text[i] > '9')) return std::nullopt;
  YearMonth ym;
  const auto* b = text.data();
  std::from_chars(b, b + 4, ym.year);
  std::from_chars(b + 5, b + 7, ym.month);
  if (ym.month < 1 || ym.month > 12 || ym.year < 1) return std::nullopt;
  return ym;
}

}  // namespace ketensim::engine
