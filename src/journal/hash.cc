#include "journal/hash.h"

#include <bit>
#include <string>

namespace folio::journal {

uint64_t LargestPowerOfTwoBelow(uint64_t n) {
  FOLIO_ASSERT(n >= 2, "no power of two below n < 2");
  return std::bit_floor(n - 1);
}

namespace {
void AppendPath(size_t m, std::span<const Hash256> d, std::vector<Hash256>& out) {
  if (d.size() <= 1) return;
  size_t k = LargestPowerOfTwoBelow(d.size());
  if (m < k) {
    AppendPath(m, d.subspan(0, k), out);
    out.push_back(*MerkleRoot(d.subspan(k)));
  } else {
    AppendPath(m - k, d.subspan(k), out);
    out.push_back(*MerkleRoot(d.subspan(0, k)));
  }
}
}  // namespace

std::vector<Hash256> MerklePath(size_t m, std::span<const Hash256> leaves) {
  FOLIO_ASSERT(m < leaves.size(), "leaf index out of range");
  std::vector<Hash256> out;
  AppendPath(m, leaves, out);
  return out;
}

}  // namespace folio::journal
