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
#include "common/qldb_hash.h"
#include "common/sha256.h"
#include "common/status.h"
#include "ion/value.h"

namespace folio::driver {

// The primitives live in common/qldb_hash.h (the journal builds with the same code).
using qldb::CompareHashes;
using qldb::Dot;
using qldb::DotBytes;
using qldb::FoldProof;
using qldb::MerkleRoot;
using qldb::ToHash256;

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
