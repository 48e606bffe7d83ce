// Byte-string helpers: hex and base64 (RFC 4648, standard alphabet, padded).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace folio {

using Bytes = std::vector<uint8_t>;

inline std::span<const uint8_t> AsSpan(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}
inline std::string_view AsStringView(std::span<const uint8_t> b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

std::string HexEncode(std::span<const uint8_t> bytes);
// Accepts upper or lower case; rejects odd lengths and non-hex characters.
Result<Bytes> HexDecode(std::string_view hex);

std::string Base64Encode(std::span<const uint8_t> bytes);
// Strict decoding: standard alphabet, correct '=' padding, no whitespace.
Result<Bytes> Base64Decode(std::string_view text);

}  // namespace folio
