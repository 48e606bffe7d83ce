// Byte-string helpers: hex and base64 (RFC 4648, standard alphabet, padded), and ASCII case
// folding for protocol tokens and keywords.
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

// ASCII case folding: 'A'-'Z' become 'a'-'z'; every other byte is kept (HTTP header names,
// SigV4 canonical forms and PartiQL keywords are ASCII-case-insensitive).
inline char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
std::string AsciiLower(std::string_view s);
bool EqualsIgnoreAsciiCase(std::string_view a, std::string_view b);

}  // namespace folio
