// 64-bit fixed-point quantities for extensive totals (money, mass, counts) so that
// sums are exact and independent of summation order and rank layout.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

namespace ketensim::engine {

namespace detail {
constexpr bool is_power_of_ten(std::int64_t n) {
  if (n < 1) return false;
  while (n % 10 == 0) n /= 10;
  return n == 1;
}
}  // namespace detail

// A quantity stored as an integer number of 1/Scale units. Tag keeps units apart.
// Scale is a power of ten so that the decimal text is exact.
template <typename Tag, std::int64_t Scale>
class Fixed {
  static_assert(detail::is_power_of_ten(Scale), "Fixed: Scale must be 1, 10, 100, ...");

 public:
  static constexpr std::int64_t kScale = Scale;

  constexpr Fixed() = default;
  static constexpr Fixed from_raw(std::int64_t raw) {
    Fixed f;
    f.raw_ = raw;
    return f;
  }
  // Rounds value * Scale half away from zero; identical on every rank for the
  // same input. Throws std::out_of_range for NaN, infinities and values whose raw
  // count does not fit in 64 bits (llround's result is unspecified there).
  static Fixed from_double(double value) {
    const double scaled = value * static_cast<double>(Scale);
    if (!(scaled >= -0x1.0p63 && scaled < 0x1.0p63))
      throw std::out_of_range("Fixed::from_double: value not finite or out of 64-bit range");
    return from_raw(static_cast<std::int64_t>(std::llround(scaled)));
  }

  constexpr std::int64_t raw() const { return raw_; }
  double to_double() const { return static_cast<double>(raw_) / static_cast<double>(Scale); }

  constexpr Fixed& operator+=(Fixed o) {
    raw_ += o.raw_;
    return *this;
  }
  constexpr Fixed& operator-=(Fixed o) {
    raw_ -= o.raw_;
    return *this;
  }
  friend constexpr Fixed operator+(Fixed a, Fixed b) { return a += b; }
  friend constexpr Fixed operator-(Fixed a, Fixed b) { return a -= b; }
  friend constexpr Fixed operator-(Fixed a) { return from_raw(-a.raw_); }
  friend constexpr auto operator<=>(Fixed a, Fixed b) = default;

  // Exact decimal text (no floating point), e.g. "-12.345" for Scale 1000.
  std::string to_string() const {
    const bool negative = raw_ < 0;
    // Magnitude as unsigned, valid for INT64_MIN too.
    const std::uint64_t mag =
        negative ? ~static_cast<std::uint64_t>(raw_) + 1u : static_cast<std::uint64_t>(raw_);
    const auto scale = static_cast<std::uint64_t>(Scale);
    char buf[48];
    int digits = 0;
    for (std::uint64_t s = scale; s > 1; s /= 10) ++digits;
    if (digits > 0) {
      std::snprintf(buf, sizeof buf, "%s%llu.%0*llu", negative ? "-" : "",
                    static_cast<unsigned long long>(mag / scale), digits,
                    static_cast<unsigned long long>(mag % scale));
    } else {
      std::snprintf(buf, sizeof buf, "%s%llu", negative ? "-" : "",
                    static_cast<unsigned long long>(mag));
    }
    return buf;
  }

 private:
  std::int64_t raw_ = 0;
};

struct EuroTag {};
struct KilogramTag {};

// Money in milli-euro: exact up to about 9.2e15 EUR.
using Euro = Fixed<EuroTag, 1000>;
// Mass in grams, expressed in kilograms: exact up to about 9.2e15 kg.
using Kilograms = Fixed<KilogramTag, 1000>;

}  // namespace ketensim::engine
