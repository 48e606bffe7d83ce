// The journal block: QLDB's block shape, its Ion form and the hash rules that seal it.
//
// DO NOT CHANGE the Ion field names, the hash inputs or their order: they are the journal
// format (docs/formats/journal.md) and what QLDB verifiers recompute
// (spec/qldb-semantics.md section 6). H below is ion::IonHashSha256.
//   revision.hash   = dot(H(metadata), H(data))       user revision with data
//                   = dot(H(metadata), dataHash)      after redaction (same value)
//                   = H(metadata)                     deletion (no data: dot with an empty side)
//   system revision: {hash} only, given by the engine, not recomputable
//   entriesHashList = [H(transactionInfo), MerkleRoot(revision hashes) if any revisions,
//                      H(redactionInfo) if present,
//                      H({blockAddress, transactionId, blockTimestamp})]
//     The last member is Folio's own: QLDB lets entriesHashList hold internal hashes clients
//     cannot recompute (they check membership and the root), and it makes every block field
//     tamper-evident.
//   entriesHash     = MerkleRoot(entriesHashList)
//   blockHash       = dot(entriesHash, previousBlockHash)  (block 0: no previous, = entriesHash)
// Plain value types; thread-compatible.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/sha256.h"
#include "common/status.h"
#include "ion/ion.h"
#include "ion/value.h"

namespace folio::journal {

struct BlockAddress {
  std::string strand_id;  // 22 Base62 characters; one strand per ledger
  uint64_t sequence_no = 0;

  // {strandId:"…", sequenceNo:N}
  ion::Value ToIon() const;
  // Errors: kInvalidArgument (not a struct, missing or mistyped field, negative sequenceNo).
  static Result<BlockAddress> FromIon(const ion::Value& v);
  bool operator==(const BlockAddress&) const = default;
};

struct RevisionMetadata {
  std::string id;  // document id
  int64_t version = 0;
  ion::Timestamp tx_time;
  std::string tx_id;

  // {id, version, txTime, txId}
  ion::Value ToIon() const;
  static Result<RevisionMetadata> FromIon(const ion::Value& v);
};

// One entry of a block's `revisions` list.
struct Revision {
  // A system revision carries only `hash` (DDL and other internal changes).
  bool is_system = false;
  // User revisions: the block that holds the revision (set by SealBlock).
  BlockAddress block_address;
  RevisionMetadata metadata;
  // The document. Absent for a deletion, and after redaction (then data_hash is set).
  std::optional<ion::Value> data;
  std::optional<Hash256> data_hash;
  Hash256 hash{};
  // Not stored: IonHash(*data) when the writer already computed it (off the commit path's
  // serial section); SealBlock then uses it instead of hashing `data` again. Must equal
  // IonHashSha256(*data) whenever set.
  std::optional<Hash256> known_data_hash;
  // Not stored: *data's encoding (ion::EncodeForSplice) when the writer already made one;
  // EncodeBlock copies its bytes instead of encoding the data again. Must encode *data
  // whenever set.
  std::shared_ptr<const ion::EncodedValue> encoded_data;

  static Revision User(RevisionMetadata metadata, std::optional<ion::Value> data);
  static Revision System(const Hash256& hash);
  bool is_deletion() const { return !is_system && !data && !data_hash; }
  bool is_redacted() const { return !is_system && data_hash.has_value(); }

  // User: {blockAddress, hash, data | dataHash (omitted for a deletion), metadata}.
  // System: {hash}. With `data_placeholder`, data (when present) is written as a null.
  ion::Value ToIon(bool data_placeholder = false) const;
  static Result<Revision> FromIon(const ion::Value& v);
};

struct StatementInfo {
  std::string statement;  // as sent, with ? placeholders
  ion::Timestamp start_time;
  Hash256 statement_digest{};
};

struct DocumentInfo {
  std::string document_id;
  std::string table_name;
  std::string table_id;
  std::vector<int64_t> statements;  // 0-based indexes into TransactionInfo::statements
};

struct TransactionInfo {
  std::vector<StatementInfo> statements;
  std::vector<DocumentInfo> documents;  // in first-touch order; Ion struct keyed by id

  // {statements:[{statement, startTime, statementDigest}], documents:{id:{tableName, tableId,
  // statements}}}
  ion::Value ToIon() const;
  static Result<TransactionInfo> FromIon(const ion::Value& v);
};

struct RedactedRevisionRef {
  BlockAddress block_address;
  std::string table_id;
  std::string document_id;
  int64_t version = 0;
};

struct RedactionInfo {
  std::vector<RedactedRevisionRef> revisions;

  // {revisions:[{blockAddress, tableId, documentId, version}]}
  ion::Value ToIon() const;
  static Result<RedactionInfo> FromIon(const ion::Value& v);
};

struct Block {
  BlockAddress address;
  std::string transaction_id;
  ion::Timestamp timestamp;  // millisecond precision, UTC
  Hash256 block_hash{};
  Hash256 entries_hash{};
  std::optional<Hash256> previous_block_hash;  // absent only for block 0 (empty blob in Ion)
  std::vector<Hash256> entries_hash_list;
  TransactionInfo transaction_info;
  std::optional<RedactionInfo> redaction_info;
  std::vector<Revision> revisions;
  // Not stored: IonHash(transaction_info.ToIon()) when the writer already computed it (off the
  // commit path's serial section); SealBlock then uses it instead of hashing the transaction
  // info again. Must equal that hash whenever set.
  std::optional<Hash256> known_transaction_info_hash;

  // The GetBlock / export shape (spec/qldb-semantics.md section 6.1). With
  // `data_placeholder_revision`, that revision's data is written as a null (see EncodeBlock).
  ion::Value ToIon(std::optional<size_t> data_placeholder_revision = std::nullopt) const;
  // Errors: kCorruption naming the field when the value is not a well-formed block.
  static Result<Block> FromIon(const ion::Value& v);

  // Position of MerkleRoot(revision hashes) in entries_hash_list (nullopt: no revisions).
  std::optional<size_t> RevisionsRootIndex() const {
    return revisions.empty() ? std::nullopt : std::optional<size_t>(1);
  }
  std::vector<Hash256> RevisionHashes() const;
  // Index of the user revision of document `document_id`, if the block has one.
  std::optional<size_t> FindRevision(std::string_view document_id) const;
};

// The hash of a user revision from its metadata and data / dataHash (see the file comment).
// Errors: kInvalidArgument for a system revision or an unhashable value.
Result<Hash256> ComputeRevisionHash(const Revision& revision);

// A user revision as a record: {blockAddress: {strandId, sequenceNo}, hash, data | dataHash,
// metadata: {id, version, txTime, txId}}, the shape of a block's revisions and of the indexed
// storage's current and history records.
struct RevisionRecordView {
  std::string_view strand_id;
  uint64_t sequence_no;
  const Hash256& hash;
  bool has_data;  // the data is the writer's spliced piece
  const std::optional<Hash256>& data_hash;
  std::string_view id;
  int64_t version;
  const ion::Timestamp& tx_time;
  std::string_view tx_id;
};
// The field names WriteRevisionRecord uses (declare them to the writer).
inline constexpr std::string_view kRevisionRecordSymbols[] = {
    "blockAddress", "strandId", "sequenceNo", "hash",   "data", "dataHash",
    "metadata",     "id",       "version",    "txTime", "txId"};
void WriteRevisionRecord(ion::BinaryStreamWriter& w, const RevisionRecordView& r);

// The block's stored bytes: ion::WriteBinary(block.ToIon()), except that the data of the first
// revision carrying encoded_data is copied from that encoding rather than encoded again.
Bytes EncodeBlock(const Block& block);

// Seals `block` as the block at `address` following `previous_block_hash`: sets the address
// (also on every user revision), every user revision's hash, entries_hash_list, entries_hash
// and block_hash. Errors: kInvalidArgument (empty transaction id, timestamp not millisecond
// UTC, strand id not 22 characters, unhashable value).
Status SealBlock(Block& block, const BlockAddress& address,
                 const std::optional<Hash256>& previous_block_hash);

// Recomputes every hash of a sealed block and compares. Returns kCorruption naming the first
// mismatching field with expected and actual hex ("block 12: revisions[3].hash: expected …,
// stored …"). Does not check the link to the previous block's own hash (the caller does).
Status VerifyBlockHashes(const Block& block);

// Assembles an unsealed block for one transaction.
class BlockBuilder {
 public:
  BlockBuilder(std::string transaction_id, ion::Timestamp block_timestamp);

  // Returns the statement's 0-based index.
  size_t AddStatement(std::string statement, ion::Timestamp start_time,
                      const Hash256& statement_digest);
  // Records that statement `statement_index` touched a document (each index once per document).
  void AddDocumentStatement(std::string_view document_id, std::string_view table_name,
                            std::string_view table_id, size_t statement_index);
  void AddRevision(Revision revision);
  void SetRedactionInfo(RedactionInfo info);
  // Replaces the transaction info (statements and documents) by `info`, whose Ion hash is
  // `info_hash` (the caller computed it: see Block::known_transaction_info_hash).
  void SetTransactionInfo(TransactionInfo info, const Hash256& info_hash);

  // The unsealed block (hand it to Journal::Append, which seals it).
  Block Take() && { return std::move(block_); }

 private:
  Block block_;
};

}  // namespace folio::journal
