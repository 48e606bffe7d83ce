// Journal: one ledger's strand of hash-chained blocks in a kv::Store, with the Merkle
// accumulator that yields the digest of ANY prefix and proofs against it in O(log n) reads.
//
// Write path (the engine's single committer):
//   JournalTip t = journal.tip();
//   for each transaction in the group:  FOLIO_ASSIGN_OR_RETURN(t, journal.AppendBlock(t, block, batch));
//   journal.StageTip(t, batch);         // once per batch (Append = AppendBlock + StageTip)
//   store.Write(batch, {.sync = true})  // block + Merkle nodes + tip record + engine state, atomic
//   journal.Publish(t);                 // only after the write succeeded
// Append never changes the Journal: a failed write simply drops the staged tip.
//
// Read path: GetBlock, Digest, BlockProof and RevisionProof accept any tip up to the published
// one; they read only durable, immutable keys, so they run concurrently with appends.
//
// Key layout under the caller's prefix P (docs/formats/keys.md, "journal"):
//   P 'B' seq:u64be                 block, Ion binary of Block::ToIon()
//   P 'M' level:u8 index:u64be      Merkle node: root of blocks [index*2^level, (index+1)*2^level)
//   P 'T'                           tip record: size:u64be lastBlockHash:32 strandId
// DO NOT CHANGE: part of the journal format.
//
// Thread safety: all methods are thread-safe. Publish calls must come from one committer, in
// append order.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/sha256.h"
#include "common/status.h"
#include "journal/block.h"
#include "kv/kv.h"

namespace folio::journal {

// The state of the journal after some number of blocks: a value type.
struct JournalTip {
  uint64_t size = 0;                       // number of blocks; the last one is size-1
  std::optional<Hash256> last_block_hash;  // absent iff size == 0
  // Roots of the complete subtrees covering blocks [0, size), one per set bit of size, largest
  // (leftmost) first, as (level, hash).
  std::vector<std::pair<uint8_t, Hash256>> peaks;

  // MTH(blockHash[0..size-1]); nullopt when empty.
  std::optional<Hash256> Digest() const;
  bool empty() const { return size == 0; }
};

class Journal {
 public:
  // Opens the journal stored under `key_prefix`, recovering the tip. `strand_id` (22 Base62
  // characters) must match the stored one for a non-empty journal.
  // Errors: kInvalidArgument (bad strand id), kFailedPrecondition (strand id mismatch),
  // kCorruption (tip record inconsistent with the stored blocks or nodes), kIOError.
  static Result<std::unique_ptr<Journal>> Open(kv::Store& store, std::string key_prefix,
                                               std::string strand_id);

  const std::string& strand_id() const { return strand_id_; }
  const std::string& key_prefix() const { return prefix_; }
  // The published tip (what reads and proofs may use).
  JournalTip tip() const;

  // Seals `block` as block number base.size (SealBlock with previous = base.last_block_hash)
  // and adds its bytes, its new Merkle nodes and the tip record to `batch`. Returns the tip
  // after it. Does not change the Journal. Errors: kInvalidArgument (from SealBlock).
  Result<JournalTip> Append(const JournalTip& base, Block& block, kv::WriteBatch& batch) const;
  // Append without the tip record: a batch of several blocks needs only its last tip, staged
  // with StageTip (a batch with blocks but without the tip record is not a valid journal).
  Result<JournalTip> AppendBlock(const JournalTip& base, Block& block, kv::WriteBatch& batch) const;
  // Adds the tip record of `tip` to `batch`.
  void StageTip(const JournalTip& tip, kv::WriteBatch& batch) const;
  // Makes `tip` the published tip once the batch holding its appends is durable.
  // Errors: kFailedPrecondition if `tip` does not extend the published tip.
  Status Publish(const JournalTip& tip);

  // The block at `seq`. Errors: kNotFound (beyond the published tip), kCorruption, kIOError.
  Result<Block> GetBlock(uint64_t seq) const;
  // The stored bytes of block `seq` (Ion binary). Errors as GetBlock.
  Result<std::string> GetBlockBytes(uint64_t seq) const;

  // MTH(blockHash[0..tip_seq]). Errors: kNotFound (tip_seq beyond the published tip),
  // kCorruption (a node is missing or malformed), kIOError.
  Result<Hash256> Digest(uint64_t tip_seq) const;
  // Sibling hashes, deepest first, so FoldProof(blockHash[seq], proof) == Digest(tip_seq).
  // Errors: kInvalidArgument (seq > tip_seq), as Digest.
  Result<std::vector<Hash256>> BlockProof(uint64_t seq, uint64_t tip_seq) const;
  // Proof for revision `revision_index` of `block` (spec/wire-and-drivers.md section 6.3):
  // FoldProof(block.revisions[i].hash, proof) == Digest(tip_seq).
  // Errors: kInvalidArgument (index out of range, block beyond tip_seq), as Digest.
  Result<std::vector<Hash256>> RevisionProof(const Block& block, size_t revision_index,
                                             uint64_t tip_seq) const;

  // Stages the redaction of revision `revision_index` of block `seq`: its data is replaced by
  // dataHash = H(data); every hash stays the same. Errors: kInvalidArgument (system revision,
  // no data, already redacted, index out of range), as GetBlock.
  Status StageRedaction(uint64_t seq, size_t revision_index, kv::WriteBatch& batch) const;

  // Keys (exposed for storage tools, tests and the verifier).
  std::string BlockKey(uint64_t seq) const;
  std::string NodeKey(uint8_t level, uint64_t index) const;
  std::string TipKey() const;

 private:
  Journal(kv::Store& store, std::string prefix, std::string strand_id, JournalTip tip);
  // Roots of complete subtrees, read in one MultiGet.
  Result<std::vector<Hash256>> ReadNodes(
      const std::vector<std::pair<uint8_t, uint64_t>>& ids) const;
  Status CheckTip(uint64_t tip_seq) const;

  kv::Store& store_;
  const std::string prefix_;
  const std::string strand_id_;
  mutable std::mutex mu_;
  JournalTip tip_;  // guarded by mu_
};

// Encoding helpers for the tip record (exposed for the verifier).
std::string EncodeTipRecord(const JournalTip& tip, std::string_view strand_id);
struct TipRecord {
  uint64_t size = 0;
  Hash256 last_block_hash{};
  std::string strand_id;
};
Result<TipRecord> DecodeTipRecord(std::string_view bytes);

// Peaks of a tree of `size` leaves as (level, index) node ids, leftmost first.
std::vector<std::pair<uint8_t, uint64_t>> PeakIds(uint64_t size);

}  // namespace folio::journal
