// Offline replay and verification of one ledger's journal.
//
// VerifyJournal reads every block under `key_prefix` from block 0 at one snapshot and checks,
// in order, stopping at the FIRST inconsistency:
//   - the block keys are 0..n-1 with no gap, each parses as a well-formed block whose address
//     is its key's sequence number and whose strand is the journal's;
//   - every user revision hash, the entriesHashList, entriesHash and blockHash (VerifyBlockHashes);
//   - the chain: previousBlockHash == the previous block's blockHash (absent for block 0);
//   - every stored Merkle node equals the one recomputed from the block hashes, and no node
//     exists beyond those;
//   - the tip record names n blocks, the last block's hash and the strand.
// The error is kCorruption with a message naming the block, the field, and expected vs stored.
// Thread-safe; safe to run while the engine appends (it reads a snapshot).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "common/sha256.h"
#include "common/status.h"
#include "journal/block.h"
#include "kv/kv.h"

namespace folio::journal {

struct VerifyOptions {
  // Called for each block after it verified, in order. A non-OK status stops the replay and is
  // returned as is (the engine compares indexed storage against the replay here).
  // Default: none.
  std::function<Status(const Block& block)> on_block;
  // Called after each verified block with (blocks done, blocks in the tip record).
  // Default: none.
  std::function<void(uint64_t done, uint64_t total)> on_progress;
};

struct VerifyReport {
  uint64_t blocks = 0;
  uint64_t user_revisions = 0;
  uint64_t system_revisions = 0;
  std::string strand_id;          // empty for an empty journal
  std::optional<Hash256> digest;  // digest at the last block
  std::optional<Hash256> last_block_hash;
};

// Errors: kCorruption (first inconsistency), kIOError, or whatever on_block returned.
Result<VerifyReport> VerifyJournal(kv::Store& store, const std::string& key_prefix,
                                   const VerifyOptions& options = {});

}  // namespace folio::journal
