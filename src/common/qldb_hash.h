// QLDB's hash combinator `dot` and the Merkle constructions built on it, shared by the journal
// (which builds digests and proofs) and the driver (which verifies them).
//
// DO NOT CHANGE: part of the journal format and of the digests and proofs clients verify
// (docs/formats/journal.md, spec/wire-and-drivers.md sections 4.1 and 6). Pure functions.
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "common/bytes.h"
#include "common/sha256.h"
#include "common/status.h"

namespace folio::qldb {

// QLDB's order on hashes: compare byte 31 down to 0 as SIGNED int8; <0, 0 or >0.
int CompareHashes(const Hash256& a, const Hash256& b);

// dot(a, b) = sha256(lo || hi), where lo is the smaller of a, b under CompareHashes.
// Commutative.
Hash256 Dot(const Hash256& a, const Hash256& b);
// dot with QLDB's empty rule: an absent side yields the other side (both absent: absent).
std::optional<Hash256> Dot(const std::optional<Hash256>& a, const std::optional<Hash256>& b);
// dot over raw byte strings as clients compute it: an empty side returns the other; otherwise
// both must be 32 bytes. Errors: kInvalidArgument for any other length.
Result<Bytes> DotBytes(std::span<const uint8_t> a, std::span<const uint8_t> b);

// QLDB's MerkleRoot: pair neighbours left to right with Dot, carry an odd last element up
// unchanged, repeat until one remains. Empty list: nullopt. Equals the RFC 6962 tree shape
// (split at the largest power of two below n) with Dot as the node function.
std::optional<Hash256> MerkleRoot(std::span<const Hash256> leaves);

// fold(Dot, leaf, proof) in list order: what a verifier computes from a leaf and a proof.
Hash256 FoldProof(const Hash256& leaf, std::span<const Hash256> proof);

// Exactly 32 bytes, or kInvalidArgument naming `what`.
Result<Hash256> ToHash256(std::span<const uint8_t> bytes, std::string_view what = "hash");
inline Bytes ToBytes(const Hash256& h) { return Bytes(h.begin(), h.end()); }

}  // namespace folio::qldb
