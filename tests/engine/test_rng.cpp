// Tests of the counter-based RNG: Philox4x32-10 known answers, stream keying,
// and the distributions' moments within a few standard errors.
#include "model/engine/rng.hpp"

#include "model/engine/philox_batch.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <vector>

namespace ketensim::engine {
namespace {

// ---- Philox4x32-10 known-answer tests ---------------------------------------
//
// The three "philox4x32 10" lines of the Random123 known-answer file
// `kat_vectors` (D. E. Shaw Research, Random123 1.x,
// https://github.com/DEShawResearch/random123, file tests/kat_vectors; the
// same lines are in the Random123 release tarballs). Columns: counter words
// 0..3, key words 0..1, expected output words 0..3, all hex:
//
//   philox4x32 10 00000000 00000000 00000000 00000000 00000000 00000000   6627e8d5 e169c58d
//   bc57ac4c 9b00dbd8 philox4x32 10 ffffffff ffffffff ffffffff ffffffff ffffffff ffffffff 408f276d
//   41c83b0e a20bc7c6 6d5451fd philox4x32 10 243f6a88 85a308d3 13198a2e 03707344 a4093822 299f31d0
//   d16cfe09 94fdcceb 5001e420 24126ea1
struct Kat {
  Philox4x32Counter ctr;
  Philox4x32Key key;
  Philox4x32Counter expected;
};

constexpr std::array<Kat, 3> kPhiloxKat{{
    {{0x00000000u, 0x00000000u, 0x00000000u, 0x00000000u},
     {0x00000000u, 0x00000000u},
     {0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u}},
    {{0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu},
     {0xffffffffu, 0xffffffffu},
     {0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu}},
    {{0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u},
     {0xa4093822u, 0x299f31d0u},
     {0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u}},
}};

TEST(Philox4x32_10, MatchesRandom123KnownAnswers) {
  for (const auto& kat : kPhiloxKat) EXPECT_EQ(philox4x32_10(kat.ctr, kat.key), kat.expected);
}

TEST(Philox4x32_10, IsConstexpr) {
  static_assert(philox4x32_10(kPhiloxKat[0].ctr, kPhiloxKat[0].key) == kPhiloxKat[0].expected);
  SUCCEED();
}

// ---- keying -----------------------------------------------------------------

std::vector<std::uint32_t> draw_u32(RandomStream rs, int n) {
  std::vector<std::uint32_t> out;
  for (int i = 0; i < n; ++i) out.push_back(rs.next_u32());
  return out;
}

TEST(RandomStream, SameKeyGivesSameSequence) {
  const auto a = draw_u32(RandomStream(42, 7, 3, 5), 1000);
  const auto b = draw_u32(RandomStream(42, 7, 3, 5), 1000);
  EXPECT_EQ(a, b);
}

TEST(RandomStream, FirstBlockIsPhiloxOfTheDocumentedLayout) {
  // key = seed, counter = {block 0, tick << 16 | purpose, id low, id high}.
  const std::uint64_t seed = 0x0123456789abcdefull;
  const std::uint64_t id = 0xfedcba9876543210ull;
  RandomStream rs(seed, id, 0x1234, 0x5678);
  const auto block =
      philox4x32_10({0u, 0x12345678u, 0x76543210u, 0xfedcba98u}, {0x89abcdefu, 0x01234567u});
  for (std::uint32_t w : block) EXPECT_EQ(rs.next_u32(), w);
  const auto block1 =
      philox4x32_10({1u, 0x12345678u, 0x76543210u, 0xfedcba98u}, {0x89abcdefu, 0x01234567u});
  EXPECT_EQ(rs.next_u32(), block1[0]);
}

// ---- Batched blocks ------------------------------------------------------------

// Counters with every word varied (block index, tick/purpose, both id words), so a
// lane that mixed up words or blocks would show.
std::vector<Philox4x32Counter> varied_counters(std::size_t n) {
  std::vector<Philox4x32Counter> ctr(n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto u = static_cast<std::uint32_t>(i);
    ctr[i] = {u % 3, 0x00070000u | (u * 7919u & 0xFFFFu), 0x9E3779B9u * (u + 1), u >> 2};
  }
  return ctr;
}

TEST(PhiloxMany, EqualsOneBlockAtATimeForEveryBatchSize) {
  // Sizes around the SIMD widths (8 lanes, 3 x 8 per pass) and their remainders.
  const Philox4x32Key key{0x89abcdefu, 0x01234567u};
  for (std::size_t n = 0; n <= 60; ++n) {
    const auto ctr = varied_counters(n);
    std::vector<Philox4x32Counter> out(n, Philox4x32Counter{1, 2, 3, 4});
    std::vector<Philox4x32Counter> scalar(n);
    philox4x32_10_many(ctr, key, out);
    philox4x32_10_many_scalar(ctr, key, scalar);
    for (std::size_t i = 0; i < n; ++i) {
      ASSERT_EQ(out[i], philox4x32_10(ctr[i], key)) << "n " << n << " block " << i;
      ASSERT_EQ(scalar[i], philox4x32_10(ctr[i], key)) << "n " << n << " block " << i;
    }
  }
}

TEST(PhiloxMany, MatchesRandom123KnownAnswersInEveryLane) {
  // Each known-answer counter in every position of a 24-block batch (same key).
  for (const auto& kat : kPhiloxKat) {
    for (std::size_t at = 0; at < 24; ++at) {
      auto ctr = varied_counters(24);
      ctr[at] = kat.ctr;
      std::vector<Philox4x32Counter> out(ctr.size());
      philox4x32_10_many(ctr, kat.key, out);
      EXPECT_EQ(out[at], kat.expected) << "lane " << at;
    }
  }
}

TEST(PhiloxMany, RefusesMismatchedSizes) {
  const auto ctr = varied_counters(9);
  std::vector<Philox4x32Counter> out(8);
  EXPECT_THROW(philox4x32_10_many(ctr, {1, 2}, out), std::invalid_argument);
}

TEST(RandomStream, BlocksComputedAheadGiveTheSameDraws) {
  // A stream given its first blocks (as the consumers phase does, from a batch)
  // draws exactly what the plain stream draws, past those blocks too.
  const std::uint64_t seed = 0x0123456789abcdefull;
  const std::uint64_t id = 0x0000000100000005ull;
  for (std::uint32_t ahead = 0; ahead <= 3; ++ahead) {
    std::vector<Philox4x32Counter> ctr;
    for (std::uint32_t b = 0; b < ahead; ++b) ctr.push_back(RandomStream::counter(id, 300, 17, b));
    std::vector<Philox4x32Counter> blocks(ctr.size());
    philox4x32_10_many(ctr, RandomStream::key(seed), blocks);
    RandomStream plain(seed, id, 300, 17);
    RandomStream batched(seed, id, 300, 17, blocks.data(), ahead);
    for (int i = 0; i < 40; ++i)
      ASSERT_EQ(batched.next_u32(), plain.next_u32()) << ahead << " " << i;
    EXPECT_EQ(RandomStream(seed, id, 300, 17, blocks.data(), ahead).uniform(),
              RandomStream(seed, id, 300, 17).uniform());
  }
  EXPECT_THROW(RandomStream::counter(id, RandomStream::kMaxTick + 1, 0, 0), std::out_of_range);
}

TEST(StreamBatch, StreamsDrawWhatThePlainStreamsDraw) {
  // Consecutive agents (across the 2^32 boundary of the id's low word), two fills.
  const std::uint64_t seed = 20251013;
  StreamBatch batch(seed, 12, 5, 3);
  for (const std::uint64_t first : {std::uint64_t{1000}, (std::uint64_t{1} << 32) - 7}) {
    batch.fill(first, 20);
    for (std::size_t i = 0; i < 20; ++i) {
      RandomStream got = batch.stream(i);
      RandomStream expected(seed, first + i, 12, 5);
      for (int k = 0; k < 30; ++k) ASSERT_EQ(got.next_u32(), expected.next_u32()) << i << " " << k;
    }
  }
  EXPECT_THROW(StreamBatch(seed, RandomStream::kMaxTick + 1, 5, 3), std::out_of_range);
}

TEST(StreamBatch, ListedAgentsDrawWhatThePlainStreamsDraw) {
  // Ids in no order, one repeated, one above 2^32; then a range fill must forget the list.
  const std::uint64_t seed = 77;
  StreamBatch batch(seed, 0, 9, 2);
  const std::vector<std::uint64_t> ids = {5, 900001, 17, (std::uint64_t{1} << 32) + 3, 17, 0};
  batch.fill(ids);
  for (std::size_t i = 0; i < ids.size(); ++i) {
    RandomStream got = batch.stream(i);
    RandomStream expected(seed, ids[i], 0, 9);
    for (int k = 0; k < 20; ++k) ASSERT_EQ(got.next_u32(), expected.next_u32()) << i << " " << k;
  }
  batch.fill(40, 3);
  for (std::size_t i = 0; i < 3; ++i)
    EXPECT_EQ(batch.stream(i).next_u64(), RandomStream(seed, 40 + i, 0, 9).next_u64()) << i;
}

TEST(RandomStream, EveryKeyComponentChangesTheSequence) {
  const auto base = draw_u32(RandomStream(42, 7, 3, 5), 8);
  EXPECT_NE(base, draw_u32(RandomStream(43, 7, 3, 5), 8));
  EXPECT_NE(base, draw_u32(RandomStream(42 + (1ull << 32), 7, 3, 5), 8));  // seed high word
  EXPECT_NE(base, draw_u32(RandomStream(42, 8, 3, 5), 8));
  EXPECT_NE(base, draw_u32(RandomStream(42, 7 + (1ull << 32), 3, 5), 8));  // id high word
  EXPECT_NE(base, draw_u32(RandomStream(42, 7, 4, 5), 8));
  EXPECT_NE(base, draw_u32(RandomStream(42, 7, 3, 6), 8));
  // Tick and purpose share a counter word: swapping them must not collide.
  EXPECT_NE(draw_u32(RandomStream(42, 7, 3, 5), 8), draw_u32(RandomStream(42, 7, 5, 3), 8));
}

TEST(RandomStream, TickAboveSixteenBitsIsRefused) {
  EXPECT_NO_THROW(RandomStream(1, 1, RandomStream::kMaxTick, 0));
  // 65536 would reuse tick 0's counters.
  EXPECT_THROW(RandomStream(1, 1, RandomStream::kMaxTick + 1, 0), std::out_of_range);
}

TEST(RandomStream, U64IsTwoU32HighFirst) {
  RandomStream a(9, 9, 9, 9);
  RandomStream b(9, 9, 9, 9);
  for (int i = 0; i < 10; ++i) {
    const std::uint64_t hi = b.next_u32();
    const std::uint64_t lo = b.next_u32();
    EXPECT_EQ(a.next_u64(), (hi << 32) | lo);
  }
}

// ---- uniform ----------------------------------------------------------------

TEST(RandomStream, OpenUnitNeverReachesZeroOrOne) {
  EXPECT_GT(RandomStream::open_unit(0), 0.0);
  EXPECT_LT(RandomStream::open_unit(std::numeric_limits<std::uint64_t>::max()), 1.0);
  EXPECT_EQ(RandomStream::open_unit(0), 0x1.0p-53);
  EXPECT_EQ(RandomStream::open_unit(std::numeric_limits<std::uint64_t>::max()), 1.0 - 0x1.0p-53);
  // Symmetric cells: u(x) + u(~x) == 1 exactly.
  for (std::uint64_t x : {0ull, 1ull << 12, 0x0123456789abcdefull, 1ull << 63})
    EXPECT_EQ(RandomStream::open_unit(x) + RandomStream::open_unit(~x), 1.0);
}

struct Moments {
  double mean = 0;
  double var = 0;
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();
};

template <typename Draw>
Moments moments(int n, Draw&& draw) {
  // Welford, so that the variance is not hurt by cancellation.
  Moments m;
  double m2 = 0;
  for (int i = 0; i < n; ++i) {
    const double x = draw(i);
    const double d = x - m.mean;
    m.mean += d / (i + 1);
    m2 += d * (x - m.mean);
    m.min = std::min(m.min, x);
    m.max = std::max(m.max, x);
  }
  m.var = m2 / (n - 1);
  return m;
}

constexpr int kDraws = 1'000'000;
constexpr double kSigmas = 5.0;

// Tolerances: 5 standard errors. For U(0,1): sd of the mean sqrt(1/12/n); sd of
// the sample variance sqrt((mu4 - sigma^4)/n) with mu4 = 1/80, sigma^4 = 1/144.
void expect_standard_uniform(const Moments& m, int n = kDraws) {
  const double se_mean = std::sqrt(1.0 / 12.0 / n);
  const double se_var = std::sqrt((1.0 / 80.0 - 1.0 / 144.0) / n);
  EXPECT_NEAR(m.mean, 0.5, kSigmas * se_mean);
  EXPECT_NEAR(m.var, 1.0 / 12.0, kSigmas * se_var);
  EXPECT_GT(m.min, 0.0);
  EXPECT_LT(m.max, 1.0);
}

TEST(RandomStream, UniformMomentsWithinOneStream) {
  RandomStream rs(2025, 1, 0, 1);
  expect_standard_uniform(moments(kDraws, [&](int) { return rs.uniform(); }));
}

TEST(RandomStream, UniformMomentsAcrossAgents) {
  // How the model uses it: one short stream per agent, consecutive ids.
  expect_standard_uniform(moments(kDraws, [](int i) {
    return RandomStream(2025, static_cast<std::uint64_t>(i), 7, 2).uniform();
  }));
}

TEST(RandomStream, UniformMomentsAcrossTicks) {
  constexpr int kTicks = RandomStream::kMaxTick + 1;
  expect_standard_uniform(
      moments(
          kTicks,
          [](int i) { return RandomStream(2025, 11, static_cast<std::uint32_t>(i), 2).uniform(); }),
      kTicks);
}

TEST(RandomStream, BernoulliEdgeProbabilities) {
  RandomStream rs(5, 5, 5, 5);
  for (int i = 0; i < 10000; ++i) {
    EXPECT_FALSE(rs.bernoulli(0.0));
    EXPECT_TRUE(rs.bernoulli(1.0));
  }
}

// ---- normal, weibull, truncated normal ----------------------------------------

TEST(RandomStream, StandardNormalMoments) {
  RandomStream rs(77, 3, 1, 9);
  const Moments m = moments(kDraws, [&](int) { return rs.normal(); });
  // sd of the mean 1/sqrt(n); sd of the sample variance sqrt(2/n) (mu4 = 3).
  EXPECT_NEAR(m.mean, 0.0, kSigmas / std::sqrt(kDraws));
  EXPECT_NEAR(m.var, 1.0, kSigmas * std::sqrt(2.0 / kDraws));
}

TEST(RandomStream, ScaledNormalMoments) {
  const double mean = 3.0;
  const double sd = 2.0;
  const Moments m = moments(kDraws, [&](int i) {
    return RandomStream(78, static_cast<std::uint64_t>(i), 1, 9).normal(mean, sd);
  });
  EXPECT_NEAR(m.mean, mean, kSigmas * sd / std::sqrt(kDraws));
  EXPECT_NEAR(m.var, sd * sd, kSigmas * sd * sd * std::sqrt(2.0 / kDraws));
}

TEST(RandomStream, WeibullMeanAndVarianceMatchGammaFormulas) {
  for (const auto& [shape, scale] :
       {std::pair{1.5, 2.0}, std::pair{0.8, 1.0}, std::pair{3.0, 10.0}}) {
    SCOPED_TRACE(testing::Message() << "shape " << shape << " scale " << scale);
    RandomStream rs(79, 1, 2, 3);
    const Moments m = moments(kDraws, [&](int) { return rs.weibull(shape, scale); });
    // Raw moments E[X^r] = scale^r * Gamma(1 + r / shape).
    const auto raw = [&](int r) { return std::pow(scale, r) * std::tgamma(1.0 + r / shape); };
    const double mean = raw(1);
    const double var = raw(2) - mean * mean;
    const double mu4 =
        raw(4) - 4 * mean * raw(3) + 6 * mean * mean * raw(2) - 3 * std::pow(mean, 4);
    EXPECT_NEAR(m.mean, mean, kSigmas * std::sqrt(var / kDraws));
    EXPECT_NEAR(m.var, var, kSigmas * std::sqrt((mu4 - var * var) / kDraws));
    EXPECT_GT(m.min, 0.0);
  }
}

TEST(RandomStream, TruncatedNormalStaysInBounds) {
  struct Case {
    double mean, sd, lo, hi;
  };
  // Wide, narrow, one-sided, mean outside the window, far tail (fallback path).
  for (const Case c :
       {Case{0.5, 0.3, 0.0, 1.0}, Case{0.0, 1.0, -0.01, 0.01}, Case{10.0, 5.0, 10.0, 1e9},
        Case{-3.0, 1.0, 0.0, 1.0}, Case{0.0, 1.0, 8.0, 9.0}, Case{2.0, 0.0, 2.0, 2.0}}) {
    RandomStream rs(80, 1, 2, 3);
    for (int i = 0; i < 20000; ++i) {
      const double x = rs.truncated_normal(c.mean, c.sd, c.lo, c.hi);
      ASSERT_GE(x, c.lo);
      ASSERT_LE(x, c.hi);
    }
  }
}

TEST(RandomStream, TruncatedNormalSymmetricWindowKeepsMean) {
  // N(1, 1) on [0, 2]: symmetric about the mean, so the mean stays 1; the sd of
  // the truncated law is below 1, so 5/sqrt(n) is a safe bound.
  RandomStream rs(81, 1, 2, 3);
  const Moments m = moments(kDraws, [&](int) { return rs.truncated_normal(1.0, 1.0, 0.0, 2.0); });
  EXPECT_NEAR(m.mean, 1.0, kSigmas / std::sqrt(kDraws));
}

TEST(RandomStream, TruncatedNormalRejectsEmptyWindow) {
  RandomStream rs(1, 1, 1, 1);
  EXPECT_THROW(rs.truncated_normal(0.0, 1.0, 1.0, 0.0), std::invalid_argument);
  EXPECT_THROW(rs.truncated_normal(0.0, 1.0, std::nan(""), 1.0), std::invalid_argument);
}

// ---- below ------------------------------------------------------------------

TEST(RandomStream, BelowStaysInRange) {
  RandomStream rs(90, 1, 1, 1);
  for (std::uint64_t n :
       {std::uint64_t{1}, std::uint64_t{2}, std::uint64_t{3}, std::uint64_t{7}, std::uint64_t{1000},
        (std::uint64_t{1} << 40) + 7, (std::uint64_t{1} << 63) + 1,
        std::numeric_limits<std::uint64_t>::max()}) {
    for (int i = 0; i < 2000; ++i) ASSERT_LT(rs.below(n), n) << "n = " << n;
  }
  for (int i = 0; i < 100; ++i) EXPECT_EQ(rs.below(1), 0u);
}

TEST(RandomStream, BelowZeroIsRefused) {
  RandomStream rs(1, 1, 1, 1);
  EXPECT_THROW(rs.below(0), std::invalid_argument);
}

TEST(RandomStream, BelowIsRoughlyUniformChiSquare) {
  // 10 cells, 200000 draws: chi-square with 9 degrees of freedom has mean 9 and
  // sd ~4.2; P(chi2 > 45) is about 1e-6.
  constexpr std::uint64_t kCells = 10;
  constexpr int kN = 200000;
  std::array<int, kCells> counts{};
  RandomStream rs(91, 1, 1, 1);
  for (int i = 0; i < kN; ++i) ++counts[rs.below(kCells)];
  const double expected = static_cast<double>(kN) / kCells;
  double chi2 = 0;
  for (int c : counts) chi2 += (c - expected) * (c - expected) / expected;
  EXPECT_LT(chi2, 45.0);
}

TEST(RandomStream, BelowHasNoBiasForHugeRanges) {
  // n = 3 * 2^62: a plain x % n would give values below 2^63 with probability
  // 3/4 instead of 2/3 (the low 2^62 residues would be hit twice as often).
  const std::uint64_t n = 3ull << 62;
  constexpr int kN = 200000;
  RandomStream rs(92, 1, 1, 1);
  int low = 0;
  for (int i = 0; i < kN; ++i) low += rs.below(n) < (1ull << 63) ? 1 : 0;
  const double p = 2.0 / 3.0;
  EXPECT_NEAR(static_cast<double>(low) / kN, p, kSigmas * std::sqrt(p * (1 - p) / kN));
}

}  // namespace
}  // namespace ketensim::engine
