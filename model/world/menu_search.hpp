// Draws from a cumulative weight table (supplier and shop menus): the index of
// the first entry above a uniform pick, found exactly as std::upper_bound would.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ketensim::world {

// std::upper_bound(v.begin(), v.end(), x) - v.begin() for a sorted, non-empty
// or empty v, without data-dependent branches (the supplier draw is random).
inline std::size_t upper_bound_index(const std::vector<double>& v, double x) {
  std::size_t len = v.size();
  if (len == 0) return 0;
  const double* first = v.data();
  while (len > 1) {
    const std::size_t half = len / 2;
    first = first[half - 1] <= x ? first + half : first;
    len -= half;
  }
  return static_cast<std::size_t>(first - v.data()) + (*first <= x ? 1 : 0);
}

// Guide table of a supplier menu: guide[b] = upper_bound_index(cumulative, edge b)
// for kGuidePerEntry * n equal bins of [0, total), so a draw starts its search
// at its bin's entry instead of searching the whole menu.
inline constexpr std::size_t kGuidePerEntry = 2;
inline void build_guide(const std::vector<double>& cumulative, std::vector<std::uint32_t>& guide,
                        double& bins_per_unit) {
  guide.clear();
  bins_per_unit = 0;
  if (cumulative.empty() || !(cumulative.back() > 0)) return;
  const std::size_t bins = kGuidePerEntry * cumulative.size();
  const double total = cumulative.back();
  bins_per_unit = static_cast<double>(bins) / total;
  guide.resize(bins);
  std::size_t r = 0;
  for (std::size_t b = 0; b < bins; ++b) {
    const double edge = static_cast<double>(b) / bins_per_unit;
    while (r < cumulative.size() && cumulative[r] <= edge) ++r;
    guide[b] = static_cast<std::uint32_t>(r);
  }
}

// The guide bin where the search for x >= 0 starts; requires a non-empty guide.
inline std::size_t guide_bin(const std::vector<std::uint32_t>& guide, double bins_per_unit,
                             double x) {
  const double at = x * bins_per_unit;
  return at < static_cast<double>(guide.size()) ? static_cast<std::size_t>(at) : guide.size() - 1;
}

// upper_bound_index(cumulative, x), exactly, starting from the guide table: a
// short scan from the bin's entry, checked against the entry before it (the bin
// edges are rounded, so a check that fails falls back to the full search).
inline std::size_t guided_upper_bound(const std::vector<double>& cumulative,
                                      const std::vector<std::uint32_t>& guide, double bins_per_unit,
                                      double x) {
  if (guide.empty() || !(x >= 0)) return upper_bound_index(cumulative, x);
  std::size_t r = guide[guide_bin(guide, bins_per_unit, x)];
  const std::size_t n = cumulative.size();
  // With two bins per entry the answer is mostly r or r + 1: both tested without a
  // branch (the table is sorted, so the second test implies the first), which
  // saves the draw a mispredicted branch; the scan below then usually stops at once.
  if (r + 1 < n)
    r += static_cast<std::size_t>(cumulative[r] <= x) +
         static_cast<std::size_t>(cumulative[r + 1] <= x);
  for (int steps = 0; r < n && cumulative[r] <= x; ++r)
    if (++steps > 16) return upper_bound_index(cumulative, x);
  if (r > 0 && !(cumulative[r - 1] <= x)) return upper_bound_index(cumulative, x);
  return r;
}

}  // namespace ketensim::world
