// Indexed storage records of one ledger: table definitions and document revisions, with their
// key layout (docs/formats/keys.md, "storage"). Pure encoding; no I/O.
//
// DO NOT CHANGE the key tags or record fields: they are part of the on-disk format.
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

namespace folio::storage {

enum class TableStatus : uint8_t { kActive, kInactive };

struct IndexInfo {
  std::string index_id;
  std::string field;  // top-level field name; QLDB shows expr as "[field]"
  std::string status = "ONLINE";
};

struct TableInfo {
  std::string table_id;
  std::string name;
  TableStatus status = TableStatus::kActive;
  std::vector<IndexInfo> indexes;
  std::optional<ion::Value> tags;  // the aws_tags struct given at creation

  const IndexInfo* FindIndexOnField(std::string_view field) const;
  const IndexInfo* FindIndexById(std::string_view index_id) const;
  bool active() const { return status == TableStatus::kActive; }

  ion::Value ToIon() const;
  static Result<TableInfo> FromIon(const ion::Value& v);
  // The information_schema.user_tables row: {name, tableId, status, indexes:[{indexId, expr,
  // status}]}.
  ion::Value ToUserTablesRow() const;
};

// Key layout inside one ledger's store. Ids are fixed-width (22 bytes), so no separators.
//   't' tableId                         -> TableInfo (Ion binary)
//   'd' tableId docId                   -> current revision (Ion binary, committed-view shape)
//   'h' tableId docId version(BE u64)   -> every revision that is not current (superseded
//                                          ones and deletions), same shape
//   'x' tableId indexId keyHash(32) docId -> "" (index entry of the current revision)
//   'j' ...                             -> journal (journal module)
//   'm' name                            -> ledger metadata values
// The layout described above, stored under keys::Meta("format") (docs/formats/keys.md). "3":
// history holds only non-current revisions and index keys follow PartiQL equality. Ledgers
// without the key predate it (the engine upgrades them when it opens them).
inline constexpr std::string_view kDataFormat = "3";

namespace keys {
std::string Table(std::string_view table_id);
std::string TablePrefix();
std::string Current(std::string_view table_id, std::string_view doc_id);
std::string CurrentPrefix(std::string_view table_id);
std::string History(std::string_view table_id, std::string_view doc_id, uint64_t version);
std::string HistoryPrefix(std::string_view table_id);
std::string HistoryPrefix(std::string_view table_id, std::string_view doc_id);
std::string Index(std::string_view table_id, std::string_view index_id, const Hash256& key_hash,
                  std::string_view doc_id);
std::string IndexPrefix(std::string_view table_id, std::string_view index_id,
                        const Hash256& key_hash);
std::string IndexPrefix(std::string_view table_id, std::string_view index_id);
std::string JournalPrefix();
std::string Meta(std::string_view name);
// The document id at the end of an Index key.
std::string_view DocIdOfIndexKey(std::string_view key);
std::string_view DocIdOfCurrentKey(std::string_view key);
std::string_view DocIdOfHistoryKey(std::string_view key);
}  // namespace keys

// The value an index files `v` under. Every two values PartiQL's `=` finds equal map to the
// same key value: numbers (int, decimal, float) become the float nearest their exact value (one
// +0, one NaN), text becomes a string, lobs a blob, timestamps their UTC millisecond, nulls an
// untyped null, annotations are dropped, and containers are mapped element by element. Values
// that are not equal may share a key value, so an index lookup re-checks its predicate.
ion::Value IndexKeyValue(const ion::Value& v);
// The key under which a value is indexed: the Ion hash of IndexKeyValue(v). Fails for symbols
// with unknown text.
Result<Hash256> IndexKeyHash(const ion::Value& v);

// A document revision in the committed-view shape:
//   {blockAddress:{strandId, sequenceNo}, hash, data?, dataHash?, metadata:{id, version, txTime, txId}}
// A deletion has metadata and no data. A redacted revision has dataHash in place of data.
struct Revision {
  std::string strand_id;
  uint64_t sequence_no = 0;
  Hash256 hash{};
  std::optional<ion::Value> data;       // absent for deletions and redactions
  std::optional<Hash256> data_hash;     // set after redaction
  std::string document_id;
  uint64_t version = 0;
  ion::Timestamp tx_time;
  std::string tx_id;
  // Not stored: *data's encoding (ion::EncodeForSplice) when the writer already made one;
  // EncodeRevision copies its bytes instead of encoding the data again. Must encode *data
  // whenever set.
  std::shared_ptr<const ion::EncodedValue> encoded_data;

  bool deleted() const { return !data && !data_hash; }
  ion::Value Metadata() const;
  ion::Value ToIon() const;  // the committed-view row
  static Result<Revision> FromIon(const ion::Value& v);
};

}  // namespace folio::storage
