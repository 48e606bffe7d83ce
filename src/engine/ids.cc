#include "engine/ids.h"

#include <atomic>
#include <chrono>
#include <cstdint>

#include "common/random.h"

namespace folio::engine {
namespace {
constexpr char kBase62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

// Fills id[from, kIdLength) with uniform random Base62 characters.
void FillRandom(std::string& id, size_t from) {
  // Ids must be unique, not secret (session tokens are the secrets). Each character is one
  // byte below 248 (= 4 * 62) taken mod 62, so characters are uniform: 22 of them carry 131 bits.
  size_t n = from;
  while (n < kIdLength) {
    uint64_t word = UniqueRandom64();
    for (int i = 0; i < 8 && n < kIdLength; ++i, word >>= 8) {
      unsigned byte = static_cast<unsigned>(word & 0xFF);
      if (byte < 248) id[n++] = kBase62[byte % 62];
    }
  }
}

// Characters of the ordered stamp: 62^11 > 2^64, so every uint64 fits.
constexpr size_t kStampLength = 11;

uint64_t NextStamp() {
  static std::atomic<uint64_t> last{0};
  uint64_t now = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                           std::chrono::system_clock::now().time_since_epoch())
                                           .count());
  uint64_t prev = last.load(std::memory_order_relaxed);
  uint64_t next;
  do {
    next = now > prev ? now : prev + 1;
  } while (!last.compare_exchange_weak(prev, next, std::memory_order_relaxed));
  return next;
}

}  // namespace

std::string NewId() {
  std::string id(kIdLength, '0');
  FillRandom(id, 0);
  return id;
}

std::string NewDocumentId() {
  std::string id(kIdLength, '0');
  uint64_t stamp = NextStamp();
  // Fixed-width big-endian Base62: kBase62 is in ASCII order, so byte order is numeric order.
  for (size_t i = kStampLength; i-- > 0; stamp /= 62) id[i] = kBase62[stamp % 62];
  FillRandom(id, kStampLength);
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
