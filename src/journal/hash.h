// QLDB's hash combinator `dot` and the Merkle constructions built from it.
//
// DO NOT CHANGE: every function here is part of the journal format and of the digests and
// proofs clients verify (docs/formats/journal.md, spec/wire-and-drivers.md sections 4.1, 6).
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "common/bytes.h"
#include "common/sha256.h"
#include "common/qldb_hash.h"
#include "common/status.h"

namespace folio::journal {

// The primitives live in common/qldb_hash.h (the driver verifies with the same code).
using qldb::CompareHashes;
using qldb::Dot;
using qldb::DotBytes;
using qldb::FoldProof;
using qldb::MerkleRoot;
using qldb::ToBytes;
using qldb::ToHash256;

// RFC 6962 audit path of leaf m in `leaves`, deeper siblings first, so that
// FoldProof(leaves[m], path) == MerkleRoot(leaves). Requires m < leaves.size().
std::vector<Hash256> MerklePath(size_t m, std::span<const Hash256> leaves);

// The largest power of two strictly below n (n >= 2).
uint64_t LargestPowerOfTwoBelow(uint64_t n);

}  // namespace folio::journal
