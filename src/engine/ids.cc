#include "engine/ids.h"

#include <openssl/rand.h>

#include <cstdint>
#include <cstdlib>
#include <random>

namespace folio::engine {
namespace {
constexpr char kBase62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
}

std::string NewId() {
  // Ids must be unique, not secret (session tokens are the secrets): a per-thread generator
  // seeded once with 256 bits from OpenSSL's CSPRNG, so an id costs no call into its locked
  // DRBG. Each character is one byte below 248 (= 4 * 62) taken mod 62, so characters are
  // uniform: 22 of them carry 131 bits.
  thread_local std::mt19937_64 rng = [] {
    uint64_t seed[4];
    if (RAND_bytes(reinterpret_cast<unsigned char*>(seed), sizeof seed) != 1) {
      std::abort();  // no entropy: cannot issue ids
    }
    std::seed_seq seq{seed[0], seed[1], seed[2], seed[3]};
    return std::mt19937_64(seq);
  }();
  std::string id(kIdLength, '0');
  size_t n = 0;
  while (n < kIdLength) {
    uint64_t word = rng();
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
