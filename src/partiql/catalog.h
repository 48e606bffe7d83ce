// The abstract catalog the PartiQL evaluator runs over. The engine implements it on top of
// storage for one transaction (snapshot + own writes); tests implement it in memory.
//
// Contract for every method: errors are returned as Status (kNotFound for unknown tables,
// kInvalidArgument for bad input, kLimitExceeded for QLDB quotas); the evaluator passes them
// through unchanged. A Catalog is used by one thread at a time.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "ion/value.h"

namespace folio::partiql {

// One row produced by a source. `value` is valid only during the callback. `document_id` is
// the QLDB document id the row belongs to (empty for sources without ids).
struct Row {
  const ion::Value& value;
  std::string_view document_id;
};
// Return a non-OK status to stop iteration with that error.
using RowCallback = std::function<Status(const Row&)>;

// What a FROM name refers to.
enum class SourceKind : uint8_t {
  kUserView,           // `T`: current user documents (data only)
  kCommittedView,      // `_ql_committed_T`: {blockAddress, hash, data, metadata}
  kHistory,            // `history(T | 'tableId' [, start [, end]])`: revisions, committed shape
  kInformationSchema,  // `information_schema.user_tables`
};

// A resolved FROM source. Paths are relative to the row value (user view: {"VIN"};
// committed view: {"data","VIN"} or {"metadata","id"}).
class TableSource {
 public:
  virtual ~TableSource() = default;
  virtual SourceKind kind() const = 0;
  // Every row. A scan of a table records a table-wide read for OCC.
  virtual Status Scan(const RowCallback& fn) = 0;
  // True when rows whose value at `path` equals a key can be found without a scan
  // (an index on a top-level field, or the document id in the committed view/history).
  virtual bool CanLookup(std::span<const std::string> path) const = 0;
  // Rows whose value at `path` is Ion-equal to one of `keys`. Requires CanLookup(path).
  // Records a read of exactly those keys for OCC (phantoms included).
  virtual Status LookupEqual(std::span<const std::string> path, std::span<const ion::Value> keys,
                             const RowCallback& fn) = 0;
  // Rows of the given document ids (the `BY id` lookup).
  virtual Status LookupById(std::span<const std::string> ids, const RowCallback& fn) = 0;
};

struct HistoryRange {
  std::optional<ion::Timestamp> start;
  std::optional<ion::Timestamp> end;
};

class Catalog {
 public:
  virtual ~Catalog() = default;

  // --- Reading -------------------------------------------------------------------------------
  // `name` is the identifier as written (case-sensitive). kUserView and kCommittedView take a
  // table name (for kCommittedView without the `_ql_committed_` prefix); kHistory takes a table
  // name or a table id; kInformationSchema takes "user_tables".
  virtual Result<std::unique_ptr<TableSource>> Resolve(SourceKind kind, std::string_view name,
                                                       const HistoryRange& range = {}) = 0;

  // --- DML on the user view -------------------------------------------------------------------
  // Each returns the affected document id. `document` must be a non-null struct.
  virtual Result<std::string> Insert(std::string_view table, ion::Value document) = 0;
  virtual Status Update(std::string_view table, std::string_view document_id,
                        ion::Value document) = 0;
  virtual Status Delete(std::string_view table, std::string_view document_id) = 0;

  // --- DDL: each returns the table id -------------------------------------------------------
  virtual Result<std::string> CreateTable(std::string_view table,
                                          const std::optional<ion::Value>& tags) = 0;
  virtual Result<std::string> DropTable(std::string_view table) = 0;
  virtual Result<std::string> UndropTable(std::string_view table_id) = 0;
  virtual Result<std::string> CreateIndex(std::string_view table, std::string_view field) = 0;
  virtual Result<std::string> DropIndex(std::string_view table, std::string_view index_id) = 0;

  // EXEC redact_revision: returns {blockAddress, tableId, documentId, version}.
  virtual Result<ion::Value> RedactRevision(const ion::Value& block_address,
                                            std::string_view table_id,
                                            std::string_view document_id) = 0;

  // --- Context -------------------------------------------------------------------------------
  virtual std::string TransactionId() const = 0;  // TXID()
  virtual ion::Timestamp Now() const = 0;         // UTCNOW()
};

}  // namespace folio::partiql
