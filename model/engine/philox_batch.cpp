#include "model/engine/philox_batch.hpp"

#include <cstdint>
#include <stdexcept>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define KETENSIM_PHILOX_AVX2 1
#endif

namespace ketensim::engine {

void philox4x32_10_many_scalar(std::span<const Philox4x32Counter> ctr, Philox4x32Key key,
                               std::span<Philox4x32Counter> out) {
  if (ctr.size() != out.size()) throw std::invalid_argument("philox4x32_10_many: size mismatch");
  for (std::size_t i = 0; i < ctr.size(); ++i) out[i] = philox4x32_10(ctr[i], key);
}

#ifdef KETENSIM_PHILOX_AVX2
namespace {

constexpr std::size_t kLanes = 8;

// The high and low 32 bits of a * m for eight 32-bit lanes.
[[gnu::target("avx2")]] inline void mul_hi_lo(__m256i a, __m256i m, __m256i& hi, __m256i& lo) {
  const __m256i even = _mm256_mul_epu32(a, m);                        // lanes 0, 2, 4, 6
  const __m256i odd = _mm256_mul_epu32(_mm256_srli_epi64(a, 32), m);  // lanes 1, 3, 5, 7
  hi = _mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, 0xAA);
  lo = _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA);
}

// 4x4 transposes of 32-bit words within each 128-bit half: four registers of two
// counters each become one register per counter word (and back: it is its own
// inverse). Lanes then hold blocks in the order 0, 2, 4, 6, 1, 3, 5, 7.
[[gnu::target("avx2")]] inline void transpose(__m256i& r0, __m256i& r1, __m256i& r2, __m256i& r3) {
  const __m256i t0 = _mm256_unpacklo_epi32(r0, r1);
  const __m256i t1 = _mm256_unpackhi_epi32(r0, r1);
  const __m256i t2 = _mm256_unpacklo_epi32(r2, r3);
  const __m256i t3 = _mm256_unpackhi_epi32(r2, r3);
  r0 = _mm256_unpacklo_epi64(t0, t2);
  r1 = _mm256_unpackhi_epi64(t0, t2);
  r2 = _mm256_unpacklo_epi64(t1, t3);
  r3 = _mm256_unpackhi_epi64(t1, t3);
}

// kChains x 8 blocks; the chains are independent, so their rounds overlap in the
// pipeline instead of waiting on each multiply's latency.
template <std::size_t kChains>
[[gnu::target("avx2")]] void philox_lanes(const Philox4x32Counter* ctr, Philox4x32Key key,
                                          Philox4x32Counter* out) {
  __m256i c[kChains][4];
  for (std::size_t n = 0; n < kChains; ++n) {
    for (std::size_t k = 0; k < 4; ++k)
      c[n][k] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(&ctr[n * kLanes + 2 * k]));
    transpose(c[n][0], c[n][1], c[n][2], c[n][3]);
  }
  const __m256i m0 = _mm256_set1_epi32(static_cast<int>(0xD2511F53u));
  const __m256i m1 = _mm256_set1_epi32(static_cast<int>(0xCD9E8D57u));
  for (int round = 0; round < 10; ++round) {
    const __m256i k0 = _mm256_set1_epi32(static_cast<int>(key[0]));
    const __m256i k1 = _mm256_set1_epi32(static_cast<int>(key[1]));
    for (std::size_t n = 0; n < kChains; ++n) {
      __m256i hi0;
      __m256i lo0;
      __m256i hi1;
      __m256i lo1;
      mul_hi_lo(c[n][0], m0, hi0, lo0);
      mul_hi_lo(c[n][2], m1, hi1, lo1);
      c[n][0] = _mm256_xor_si256(_mm256_xor_si256(hi1, c[n][1]), k0);
      c[n][1] = lo1;
      c[n][2] = _mm256_xor_si256(_mm256_xor_si256(hi0, c[n][3]), k1);
      c[n][3] = lo0;
    }
    key = {key[0] + 0x9E3779B9u, key[1] + 0xBB67AE85u};
  }
  for (std::size_t n = 0; n < kChains; ++n) {
    transpose(c[n][0], c[n][1], c[n][2], c[n][3]);
    for (std::size_t k = 0; k < 4; ++k)
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(&out[n * kLanes + 2 * k]), c[n][k]);
  }
}

const bool kHasAvx2 = [] {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") != 0;
}();

}  // namespace
#endif

bool philox_batch_vectorised() {
#ifdef KETENSIM_PHILOX_AVX2
  return kHasAvx2;
#else
  return false;
#endif
}

void philox4x32_10_many(std::span<const Philox4x32Counter> ctr, Philox4x32Key key,
                        std::span<Philox4x32Counter> out) {
  if (ctr.size() != out.size()) throw std::invalid_argument("philox4x32_10_many: size mismatch");
  std::size_t i = 0;
#ifdef KETENSIM_PHILOX_AVX2
  if (kHasAvx2) {
    for (; i + 3 * kLanes <= ctr.size(); i += 3 * kLanes) philox_lanes<3>(&ctr[i], key, &out[i]);
    for (; i + kLanes <= ctr.size(); i += kLanes) philox_lanes<1>(&ctr[i], key, &out[i]);
  }
#endif
  philox4x32_10_many_scalar(ctr.subspan(i), key, out.subspan(i));
}

StreamBatch::StreamBatch(std::uint64_t seed, std::uint32_t tick, Purpose purpose,
                         std::uint32_t ahead)
    : seed_(seed), tick_(tick), purpose_(purpose), ahead_(ahead) {
  RandomStream::counter(0, tick, purpose, 0);  // refuses a tick above kMaxTick
}

void StreamBatch::fill(std::uint64_t first, std::size_t count) {
  first_ = first;
  ids_.clear();
  compute(count);
}

void StreamBatch::fill(std::span<const std::uint64_t> ids) {
  ids_.assign(ids.begin(), ids.end());
  compute(ids.size());
}

void StreamBatch::compute(std::size_t count) {
  counters_.resize(count * ahead_);
  blocks_.resize(count * ahead_);
  for (std::size_t i = 0; i < count; ++i)
    for (std::uint32_t b = 0; b < ahead_; ++b)
      counters_[i * ahead_ + b] = RandomStream::counter(id(i), tick_, purpose_, b);
  philox4x32_10_many(counters_, RandomStream::key(seed_), blocks_);
}

}  // namespace ketensim::engine
