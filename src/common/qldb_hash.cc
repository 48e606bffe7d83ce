#include "common/qldb_hash.h"

#include <algorithm>
#include <string>
#include <vector>

namespace folio::qldb {

int CompareHashes(const Hash256& a, const Hash256& b) {
  for (int i = 31; i >= 0; --i) {
    int d =
        static_cast<int>(static_cast<int8_t>(a[i])) - static_cast<int>(static_cast<int8_t>(b[i]));
    if (d != 0) return d;
  }
  return 0;
}

Hash256 Dot(const Hash256& a, const Hash256& b) {
  const Hash256& lo = CompareHashes(a, b) < 0 ? a : b;
  const Hash256& hi = &lo == &a ? b : a;
  Sha256 sha;
  sha.Update(std::span<const uint8_t>(lo));
  sha.Update(std::span<const uint8_t>(hi));
  return sha.Finish();
}

std::optional<Hash256> Dot(const std::optional<Hash256>& a, const std::optional<Hash256>& b) {
  if (!a) return b;
  if (!b) return a;
  return Dot(*a, *b);
}

Result<Bytes> DotBytes(std::span<const uint8_t> a, std::span<const uint8_t> b) {
  if (a.empty()) return Bytes(b.begin(), b.end());
  if (b.empty()) return Bytes(a.begin(), a.end());
  FOLIO_ASSIGN_OR_RETURN(Hash256 ha, ToHash256(a));
  FOLIO_ASSIGN_OR_RETURN(Hash256 hb, ToHash256(b));
  return ToBytes(Dot(ha, hb));
}

std::optional<Hash256> MerkleRoot(std::span<const Hash256> leaves) {
  if (leaves.empty()) return std::nullopt;
  std::vector<Hash256> level(leaves.begin(), leaves.end());
  while (level.size() > 1) {
    size_t out = 0;
    for (size_t i = 0; i < level.size(); i += 2) {
      level[out++] = i + 1 < level.size() ? Dot(level[i], level[i + 1]) : level[i];
    }
    level.resize(out);
  }
  return level[0];
}

Hash256 FoldProof(const Hash256& leaf, std::span<const Hash256> proof) {
  Hash256 acc = leaf;
  for (const Hash256& h : proof) acc = Dot(acc, h);
  return acc;
}

Result<Hash256> ToHash256(std::span<const uint8_t> bytes, std::string_view what) {
  if (bytes.size() != 32) {
    return Status::InvalidArgument(std::string(what) + " must be 32 bytes, got " +
                                   std::to_string(bytes.size()));
  }
  Hash256 h;
  std::copy(bytes.begin(), bytes.end(), h.begin());
  return h;
}

}  // namespace folio::qldb
