// Many Philox4x32-10 blocks at once, in SIMD lanes where the CPU has them (AVX2,
// chosen at run time so the build stays portable). Each block is exactly
// philox4x32_10(ctr, key): a batch only changes how fast the bits come.
#pragma once

#include <cstddef>
#include <span>

#include "model/engine/rng.hpp"

namespace ketensim::engine {

// out[i] = philox4x32_10(ctr[i], key) for every i; out.size() must equal ctr.size().
void philox4x32_10_many(std::span<const Philox4x32Counter> ctr, Philox4x32Key key,
                        std::span<Philox4x32Counter> out);

// The same with one lane at a time (what philox4x32_10_many falls back to).
void philox4x32_10_many_scalar(std::span<const Philox4x32Counter> ctr, Philox4x32Key key,
                               std::span<Philox4x32Counter> out);

// Whether philox4x32_10_many uses SIMD lanes on this CPU.
bool philox_batch_vectorised();

}  // namespace ketensim::engine
