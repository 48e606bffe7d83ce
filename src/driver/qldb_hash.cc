#include "driver/qldb_hash.h"

#include <algorithm>

#include "ion/ion.h"

namespace folio::driver {

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

Result<Hash256> ToHash256(std::span<const uint8_t> bytes, std::string_view what) {
  if (bytes.size() != 32) {
    return Status::InvalidArgument(std::string(what) + " must be 32 bytes, got " +
                                   std::to_string(bytes.size()));
  }
  Hash256 h;
  std::copy(bytes.begin(), bytes.end(), h.begin());
  return h;
}

Result<Bytes> DotBytes(std::span<const uint8_t> a, std::span<const uint8_t> b) {
  if (a.empty()) return Bytes(b.begin(), b.end());
  if (b.empty()) return Bytes(a.begin(), a.end());
  FOLIO_ASSIGN_OR_RETURN(Hash256 ha, ToHash256(a));
  FOLIO_ASSIGN_OR_RETURN(Hash256 hb, ToHash256(b));
  Hash256 d = Dot(ha, hb);
  return Bytes(d.begin(), d.end());
}

Hash256 FoldProof(const Hash256& leaf, std::span<const Hash256> proof) {
  Hash256 acc = leaf;
  for (const Hash256& h : proof) acc = Dot(acc, h);
  return acc;
}

std::optional<Hash256> MerkleRoot(std::span<const Hash256> leaves) {
  if (leaves.empty()) return std::nullopt;
  std::vector<Hash256> level(leaves.begin(), leaves.end());
  while (level.size() > 1) {
    std::vector<Hash256> next;
    next.reserve((level.size() + 1) / 2);
    for (size_t i = 0; i + 1 < level.size(); i += 2) next.push_back(Dot(level[i], level[i + 1]));
    if (level.size() % 2 == 1) next.push_back(level.back());
    level = std::move(next);
  }
  return level[0];
}

Hash256 HashString(std::string_view text) {
  // An Ion string always has known text, so hashing cannot fail.
  auto h = ion::IonHashSha256(ion::Value::String(std::string(text)));
  return h.ok() ? *h : Hash256{};
}

CommitDigestBuilder::CommitDigestBuilder(std::string_view transaction_id)
    : digest_(HashString(transaction_id)) {}

Status CommitDigestBuilder::AddStatement(std::string_view statement,
                                         std::span<const ion::Value> parameters) {
  Hash256 s = HashString(statement);
  for (const ion::Value& p : parameters) {
    FOLIO_ASSIGN_OR_RETURN(Hash256 hp, ion::IonHashSha256(p));
    s = Dot(s, hp);
  }
  digest_ = Dot(digest_, s);
  return Status::OK();
}

}  // namespace folio::driver
