// Client-side QLDB hashing: the `dot` combinator, proof folding, Merkle roots and the
// CommitDigest accumulator (spec/wire-and-drivers.md sections 4.1 and 6.2).
//
// The driver must not depend on the journal module, so this is its own implementation of the
// same rules; the unit tests pin it to the published vectors. Pure functions; thread-safe.
// CommitDigestBuilder is a plain value (not thread-safe to mutate).
#pragma once

#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/sha256.h"
#include "common/status.h"
#include "ion/value.h"

namespace folio::driver {

// QLDB's order on hashes: compares byte 31 down to 0 as SIGNED int8 ("little-endian").
// Returns <0, 0 or >0.
int CompareHashes(const Hash256& a, const Hash256& b);

// dot(a, b) = sha256(lo || hi) with lo the smaller of a, b under CompareHashes. Commutative.
Hash256 Dot(const Hash256& a, const Hash256& b);

// dot over blobs as verifiers see them: an empty side yields the other side; otherwise both
// must be exactly 32 bytes. Errors: kInvalidArgument for any other length.
Result<Bytes> DotBytes(std::span<const uint8_t> a, std::span<const uint8_t> b);

// fold(dot, leaf, proof) in list order.
Hash256 FoldProof(const Hash256& leaf, std::span<const Hash256> proof);

// QLDB's MerkleRoot: pair neighbours left to right with Dot, carry an odd last node up
// unchanged, repeat until one remains. nullopt for an empty list.
std::optional<Hash256> MerkleRoot(std::span<const Hash256> leaves);

// Exactly 32 bytes, or kInvalidArgument naming `what`.
Result<Hash256> ToHash256(std::span<const uint8_t> bytes, std::string_view what = "hash");

// Hs(str): the Ion Hash (SHA-256) of the Ion string value `text`.
Hash256 HashString(std::string_view text);

// The QldbHash CommitDigest of one transaction, built the way every official driver does:
//   digest = Hs(transactionId); per statement s = Hs(text), s = dot(s, H(p)) per parameter,
//   digest = dot(digest, s).
class CommitDigestBuilder {
 public:
  explicit CommitDigestBuilder(std::string_view transaction_id);

  // Folds one ExecuteStatement in. Errors: kInvalidArgument when a parameter cannot be
  // Ion-hashed (a symbol with unknown text).
  Status AddStatement(std::string_view statement, std::span<const ion::Value> parameters);

  const Hash256& digest() const { return digest_; }

 private:
  Hash256 digest_;
};

}  // namespace folio::driver
