// CRC-32C (Castagnoli), the checksum of checkpoint files and time-series
// prefixes: detects every single flipped byte and every burst up to 32 bits.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace ketensim::engine {

// Continues a CRC over more bytes: crc32c(b, crc32c(a)) == crc32c(a + b).
std::uint32_t crc32c(std::span<const std::uint8_t> bytes, std::uint32_t crc = 0);
std::uint32_t crc32c(std::string_view bytes, std::uint32_t crc = 0);

}  // namespace ketensim::engine
