#include "engine/ids.h"

#include <openssl/rand.h>

#include <cstdlib>

namespace folio::engine {
namespace {
constexpr char kBase62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
}

std::string NewId() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) std::abort();  // no entropy: cannot issue ids
  unsigned __int128 v = 0;
  for (unsigned char b : bytes) v = v << 8 | b;
  // 62^22 > 2^128, so 22 digits always suffice; leading zeros keep the length fixed.
  std::string id(kIdLength, '0');
  for (size_t i = kIdLength; i-- > 0;) {
    id[i] = kBase62[static_cast<unsigned>(v % 62)];
    v /= 62;
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
