#include "engine/ids.h"

#include <cstdint>

#include "common/random.h"

namespace folio::engine {
namespace {
constexpr char kBase62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
}

std::string NewId() {
  // Ids must be unique, not secret (session tokens are the secrets). Each character is one
  // byte below 248 (= 4 * 62) taken mod 62, so characters are uniform: 22 of them carry 131 bits.
  std::string id(kIdLength, '0');
  size_t n = 0;
  while (n < kIdLength) {
    uint64_t word = UniqueRandom64();
    for (int i = 0; i < 8 && n < kIdLength; ++i, word >>= 8) {
      unsigned byte = static_cast<unsigned>(word & 0xFF);
      if (byte < 248) id[n++] = kBase62[byte % 62];
    }
  }
  return id;
}

bool IsValidId(std::string_view id) {
  if (id.size() != kIdLength) return false;
  for (char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) return false;
  }
  return true;
}

}  // namespace folio::engine
