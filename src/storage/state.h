// Reading and writing one ledger's indexed storage (tables, current documents, history,
// index entries) through kv. Readers see one snapshot; writers append to a caller's batch so
// that state and journal commit in one atomic write.
//
// Thread safety: a StateReader is used by one thread; the free write functions are pure.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kv/kv.h"
#include "storage/schema.h"

namespace folio::storage {

class StateReader {
 public:
  // `snapshot` may be nullptr (latest state). Both must outlive the reader.
  StateReader(kv::Store* store, const kv::Snapshot* snapshot) : store_(store), snapshot_(snapshot) {}

  Result<std::vector<TableInfo>> ListTables() const;
  // The current revision of a document, or nullopt if there is none (never inserted, or deleted).
  Result<std::optional<Revision>> GetCurrent(std::string_view table_id, std::string_view doc_id) const;
  // Every current (live) revision of a table, in document-id order.
  Status ScanCurrent(std::string_view table_id, const std::function<Status(Revision&&)>& fn) const;
  // Document ids whose indexed field hashes to `key_hash`.
  Status ScanIndex(std::string_view table_id, std::string_view index_id, const Hash256& key_hash,
                   const std::function<Status(std::string_view doc_id)>& fn) const;
  // Stages in `batch` the removal of every entry of index `index_id` of table `table_id`.
  Status StageIndexRemoval(std::string_view table_id, std::string_view index_id,
                           kv::WriteBatch& batch) const;
  // Every revision of a table (or of one document), in (document id, version) order: the
  // history entries of each document followed by its current entry.
  Status ScanHistory(std::string_view table_id, std::optional<std::string_view> doc_id,
                     const std::function<Status(Revision&&)>& fn) const;
  Result<std::optional<Revision>> GetRevision(std::string_view table_id, std::string_view doc_id,
                                              uint64_t version) const;

 private:
  Status ScanPrefix(const std::string& prefix,
                    const std::function<Status(std::string_view, std::string_view)>& fn) const;
  kv::Store* store_;
  const kv::Snapshot* snapshot_;
};

// The ledger's data format marker (keys::Meta("format")); nullopt for a ledger written before
// the marker existed.
Result<std::optional<std::string>> ReadDataFormat(kv::Store& store);

// Decodes a stored Ion binary record.
Result<Revision> DecodeRevision(std::string_view bytes);
// Encodes a record; the data is copied from r.encoded_data when that is set.
std::string EncodeRevision(const Revision& r);

void PutTable(kv::WriteBatch& batch, const TableInfo& table);

// Writes revision `rev` of a document of `table`: the current entry (or, for a deletion, its
// removal and a history entry for the deletion), the history entry of `previous` (the
// document's prior current revision, if any, which `rev` supersedes), and index entries for
// every index of `table` (removing those of `previous`). A live revision is stored once, as
// the current entry; it moves to history when superseded.
Status PutRevision(kv::WriteBatch& batch, const TableInfo& table, const Revision& rev,
                   const std::optional<Revision>& previous);
// Index entry for one document under one index (used when an index is created).
Status PutIndexEntry(kv::WriteBatch& batch, const TableInfo& table, const IndexInfo& index,
                     const Revision& current);
// Rewrites a history entry in place (redaction); the current entry is never redacted.
void PutHistoryOnly(kv::WriteBatch& batch, std::string_view table_id, const Revision& rev);

}  // namespace folio::storage
