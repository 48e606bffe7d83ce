// Client-side verification of QLDB proofs (spec/wire-and-drivers.md section 6, the AWS samples'
// Verifier): the leaf hash is recomputed from the returned value, then folded with the proof
// using dot() and compared with the digest from GetDigest.
//
// Rejected with kCorruption: a proof that does not fold to the digest, a revision whose hash
// does not match its metadata and data, a block whose blockHash/entriesHash do not match its
// contents. Rejected with kInvalidArgument: values that are not the expected Ion shape, and
// any hash or proof element that is not a 32-byte blob. Pure functions; thread-safe.
#pragma once

#include <string_view>
#include <vector>

#include "common/sha256.h"
#include "common/status.h"
#include "ion/value.h"

namespace folio::driver {

// An Ion list of 32-byte blobs.
Result<std::vector<Hash256>> ParseProof(std::string_view proof_ion_text);

// The hash a revision must carry: dot(H(metadata), H(data) | dataHash | nothing).
// Errors: kInvalidArgument when metadata is missing or values cannot be hashed.
Result<Hash256> ComputeRevisionHash(const ion::Value& revision);

// Verifies a GetRevision result against `digest`.
Status VerifyRevision(std::string_view revision_ion_text, std::string_view proof_ion_text,
                      const Hash256& digest);

// Verifies a GetBlock result against `digest`: the block's own hashes (revision hashes,
// revisions root and H(transactionInfo) in entriesHashList, entriesHash, blockHash) and the
// proof from blockHash to the digest.
Status VerifyBlock(std::string_view block_ion_text, std::string_view proof_ion_text,
                   const Hash256& digest);

}  // namespace folio::driver
