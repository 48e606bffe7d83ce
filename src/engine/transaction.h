// A QLDB transaction: a kv snapshot plus the transaction's own writes, exposed to the PartiQL
// evaluator as a partiql::Catalog, with the read set OCC validates at commit.
//
// Thread safety: one caller at a time (a session's commands arrive in order).
// Invariants:
//   - reads see the snapshot taken at begin, overlaid with this transaction's writes;
//   - every read of a key another transaction could change is recorded in read_keys_;
//   - a statement that fails leaves the overlay as it was before that statement.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "engine/commit_digest.h"
#include "engine/engine.h"
#include "journal/block.h"
#include "kv/kv.h"
#include "partiql/catalog.h"
#include "storage/schema.h"

namespace folio::engine {

class LedgerImpl;

// The tables visible at a snapshot, by table id. Immutable once published.
struct CatalogState {
  std::map<std::string, storage::TableInfo> tables;
};

// OCC read/write keys. A key names something a commit can change:
//   "t" tableId            any document of the table (scans)
//   "d" docId              one document
//   "i" tableId field hash documents whose indexed field has that value (phantoms)
//   "n" name               which table holds a name (create/drop/undrop)
//   "c"                    the table catalog as a whole (information_schema, indexes)
std::string OccTableKey(std::string_view table_id);
std::string OccDocKey(std::string_view doc_id);
std::string OccIndexKey(std::string_view table_id, std::string_view field, const Hash256& hash);
std::string OccNameKey(std::string_view name);
inline std::string OccCatalogKey() { return "c"; }

// A document this transaction changed; `data` is the final state (nullopt = deleted).
struct PendingDocument {
  std::string table_id;
  std::string document_id;
  std::optional<ion::Value> data;
  // The encoding of data: its size counts against the limits, and the block and the current
  // entry copy its bytes. Set exactly when data is (SetData, ClearData).
  std::shared_ptr<const ion::EncodedValue> encoded;
  std::optional<storage::Revision> base;  // the committed revision at the snapshot, if any
  std::vector<int64_t> statements;        // 0-based indexes into the statement log
  // IonHashSha256(*data), computed by the committing thread before the commit is queued so the
  // serial committer does not walk the document again (or taken from the statement parameter
  // the document equals: Ion-equal values have equal Ion hashes). Set only when data is, and
  // reset whenever data changes.
  std::optional<Hash256> data_hash;

  // data, its encoding and its hash change together.
  void SetData(ion::Value value, std::shared_ptr<const ion::EncodedValue> encoding,
               std::optional<Hash256> hash) {
    data = std::move(value);
    encoded = std::move(encoding);
    data_hash = hash;
  }
  void ClearData() {
    data.reset();
    encoded.reset();
    data_hash.reset();
  }
};

struct StatementRecord {
  std::string text;
  ion::Timestamp start_time;
  Hash256 digest;
};

struct RedactionRequest {
  std::string table_id;
  std::string document_id;
  uint64_t version;
  uint64_t sequence_no;
};

class TransactionImpl final : public Transaction, public partiql::Catalog {
 public:
  TransactionImpl(std::shared_ptr<LedgerImpl> ledger, std::string id,
                  std::shared_ptr<const kv::Snapshot> snapshot, uint64_t snapshot_seq,
                  std::shared_ptr<const CatalogState> catalog);
  ~TransactionImpl() override;

  // Transaction
  const std::string& id() const override { return id_; }
  std::chrono::steady_clock::time_point started_at() const override { return started_; }
  Result<StatementResult> Execute(std::string_view statement,
                                  std::span<const ion::Value> parameters) override;
  Result<CommitResult> Commit(const Hash256& client_digest) override;
  void CommitAsync(const Hash256& client_digest, CommitCallback done) override;
  void Abort() override;

  // partiql::Catalog
  Result<std::unique_ptr<partiql::TableSource>> Resolve(partiql::SourceKind kind,
                                                        std::string_view name,
                                                        const partiql::HistoryRange& range) override;
  Result<std::string> Insert(std::string_view table, ion::Value document) override;
  Status Update(std::string_view table, std::string_view document_id, ion::Value document) override;
  Status Delete(std::string_view table, std::string_view document_id) override;
  Result<std::string> CreateTable(std::string_view table,
                                  const std::optional<ion::Value>& tags) override;
  Result<std::string> DropTable(std::string_view table) override;
  Result<std::string> UndropTable(std::string_view table_id) override;
  Result<std::string> CreateIndex(std::string_view table, std::string_view field) override;
  Result<std::string> DropIndex(std::string_view table, std::string_view index_id) override;
  Result<ion::Value> RedactRevision(const ion::Value& block_address, std::string_view table_id,
                                    std::string_view document_id) override;
  std::string TransactionId() const override { return id_; }
  ion::Timestamp Now() const override;

  // --- For the ledger's committer and the sources ----------------------------------------
  const std::set<std::string>& read_keys() const { return read_keys_; }
  const std::map<std::string, PendingDocument>& documents() const { return documents_; }
  // Moves the data of pending document `doc_id` out (for its journal revision). Only the commit
  // build step calls it; the transaction is closed after its commit whatever the outcome.
  std::optional<ion::Value> TakeDocumentData(const std::string& doc_id) {
    std::optional<ion::Value>& data = documents_.at(doc_id).data;
    std::optional<ion::Value> taken = std::move(data);
    data.reset();
    return taken;
  }
  const std::vector<std::string>& document_order() const { return document_order_; }
  const std::map<std::string, storage::TableInfo>& changed_tables() const { return changed_tables_; }
  const std::vector<std::pair<std::string, std::string>>& created_indexes() const {
    return created_indexes_;  // (table id, index id)
  }
  const std::vector<std::pair<std::string, storage::IndexInfo>>& dropped_indexes() const {
    return dropped_indexes_;
  }
  const std::vector<StatementRecord>& statements() const { return statements_; }
  // The block's transaction info (statements, and documents under the table names this
  // transaction sees) and its Ion hash, both built by PrepareCommit. The commit build step
  // moves the info out.
  journal::TransactionInfo& journal_info() { return journal_info_; }
  const Hash256& journal_info_hash() const { return journal_info_hash_; }
  const std::optional<RedactionRequest>& redaction() const { return redaction_; }
  uint64_t snapshot_seq() const { return snapshot_seq_; }
  bool has_writes() const {
    return !documents_.empty() || !changed_tables_.empty() || redaction_.has_value();
  }

  // The access plan of the last successful statement ("T: index_lookup(VIN)"), for tests.
  const std::string& last_plan() const { return last_plan_; }
  // "scan", "index_lookup" or "none" for the last successful statement.
  const std::string& last_plan_summary() const { return last_plan_summary_; }

  void RecordRead(std::string key) { read_keys_.insert(std::move(key)); }
  void CountRead(int64_t n = 1) { read_ios_ += n; }
  kv::Store* store() const;
  const kv::Snapshot* snapshot() const { return snapshot_.get(); }
  // The table as this transaction sees it (its own DDL applied), by id or active name.
  const storage::TableInfo* TableById(std::string_view table_id) const;
  const storage::TableInfo* ActiveTableByName(std::string_view name) const;
  // Every table (active and dropped) as this transaction sees it.
  std::vector<const storage::TableInfo*> AllTables() const;
  // The user data of a document as this transaction sees it (overlay first).
  const PendingDocument* PendingFor(std::string_view doc_id) const;

 private:
  struct Overlay {  // what a failed statement must roll back
    std::map<std::string, PendingDocument> documents;
    std::vector<std::string> document_order;
    std::map<std::string, storage::TableInfo> changed_tables;
    std::vector<std::pair<std::string, std::string>> created_indexes;
    std::vector<std::pair<std::string, storage::IndexInfo>> dropped_indexes;
    std::optional<RedactionRequest> redaction;
    int64_t write_ios;
  };
  Overlay SaveOverlay() const;
  Result<std::vector<ion::Value>> RunStatement(std::string_view statement,
                                               std::span<const ion::Value> parameters);
  void RestoreOverlay(Overlay o);
  Status CheckOpen() const;
  Result<const storage::TableInfo*> WritableTable(std::string_view name);
  // The document's Ion binary encoding (its size counts against the limits), after checking
  // that it is an unannotated struct within the per-document limit.
  Result<std::shared_ptr<const ion::EncodedValue>> CheckDocument(const ion::Value& document) const;
  PendingDocument& Touch(const storage::TableInfo& table, std::string_view doc_id,
                         std::optional<storage::Revision> base);
  Status CheckChangedDocumentLimit() const;
  // The Ion hash of the running statement's parameter that equals `document` (Ion data-model
  // equality), if one does: the statement digest hashed it already.
  std::optional<Hash256> ParameterHashOf(const ion::Value& document) const;
  void Close();
  // Checks the digest and computes the document hashes and the journal's transaction info
  // with its hash, off the committer's serial path. Closes the transaction on failure.
  Status PrepareCommit(const Hash256& client_digest);

  std::shared_ptr<LedgerImpl> ledger_;
  const std::string id_;
  const std::chrono::steady_clock::time_point started_;
  std::shared_ptr<const kv::Snapshot> snapshot_;
  const uint64_t snapshot_seq_;
  std::shared_ptr<const CatalogState> catalog_;
  CommitDigest digest_;
  bool open_ = true;

  std::vector<StatementRecord> statements_;
  int64_t current_statement_ = -1;
  std::set<std::string> read_keys_;
  std::map<std::string, PendingDocument> documents_;
  std::vector<std::string> document_order_;
  std::map<std::string, storage::TableInfo> changed_tables_;
  std::vector<std::pair<std::string, std::string>> created_indexes_;
  std::vector<std::pair<std::string, storage::IndexInfo>> dropped_indexes_;
  std::optional<RedactionRequest> redaction_;
  // The running statement's parameters and their Ion hashes (empty between statements).
  std::span<const ion::Value> statement_parameters_;
  std::vector<Hash256> statement_parameter_hashes_;
  journal::TransactionInfo journal_info_;
  Hash256 journal_info_hash_{};
  int64_t read_ios_ = 0;
  int64_t write_ios_ = 0;
  std::string last_plan_;
  std::string last_plan_summary_;
};

}  // namespace folio::engine
