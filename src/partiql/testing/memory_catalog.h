// An in-memory Catalog for tests and benchmarks: tables (active/inactive), documents with
// QLDB-style ids and revision history, top-level indexes, the committed view, history(),
// information_schema.user_tables, DDL and redaction.
//
// MemoryDatabase holds committed state; Begin() returns a MemoryCatalog (one transaction)
// working on a private copy; Commit() publishes it (last writer wins: no OCC checks).
// The clock is deterministic: 2024-01-01T00:00:00.000Z plus one second per transaction.
// MemoryDatabase is thread-safe; a MemoryCatalog is used by one thread at a time.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "partiql/catalog.h"

namespace folio::partiql::testing {

struct MemRevision {
  std::optional<ion::Value> data;  // nullopt for a delete revision or after redaction
  std::optional<ion::Value> data_hash;  // set once redacted
  int64_t version = 0;
  int64_t sequence_no = 0;  // block of the writing transaction
  ion::Timestamp tx_time;
  std::string tx_id;
  bool deleted = false;
};

struct MemDocument {
  std::vector<MemRevision> revisions;  // oldest first
};

struct MemIndex {
  std::string id;
  std::string field;
};

struct MemTable {
  std::string id;
  std::string name;
  bool active = true;
  std::optional<ion::Value> tags;
  std::vector<MemIndex> indexes;
  std::map<std::string, MemDocument> docs;  // by document id
};

struct MemState {
  std::map<std::string, MemTable> tables;  // by table id
  int64_t next_sequence_no = 1;
  uint64_t next_id = 1;
  int64_t clock_seconds = 0;
};

// Counters of how sources were read (for planner tests).
struct MemStats {
  int64_t scans = 0;
  int64_t index_lookups = 0;
  int64_t id_lookups = 0;
};

class MemoryCatalog;

class MemoryDatabase {
 public:
  MemoryDatabase() = default;
  std::unique_ptr<MemoryCatalog> Begin();
  // Publishes the transaction's state.
  void Commit(MemoryCatalog& txn);
  MemState Snapshot() const;
  std::string strand_id() const { return strand_id_; }

 private:
  mutable std::mutex mu_;
  MemState state_;  // GUARDED_BY(mu_)
  uint64_t txn_counter_ = 0;  // GUARDED_BY(mu_)
  std::string strand_id_ = "5PLf9SXwndd63lPaSIa0O6";
};

// 22-character Base62 id derived from a counter (deterministic, unique per counter value).
std::string MakeId(uint64_t counter, uint64_t salt);

class MemoryCatalog : public Catalog {
 public:
  MemoryCatalog(MemState state, std::string tx_id, ion::Timestamp now, std::string strand_id);

  Result<std::unique_ptr<TableSource>> Resolve(SourceKind kind, std::string_view name,
                                               const HistoryRange& range = {}) override;
  Result<std::string> Insert(std::string_view table, ion::Value document) override;
  Status Update(std::string_view table, std::string_view document_id,
                ion::Value document) override;
  Status Delete(std::string_view table, std::string_view document_id) override;
  Result<std::string> CreateTable(std::string_view table,
                                  const std::optional<ion::Value>& tags) override;
  Result<std::string> DropTable(std::string_view table) override;
  Result<std::string> UndropTable(std::string_view table_id) override;
  Result<std::string> CreateIndex(std::string_view table, std::string_view field) override;
  Result<std::string> DropIndex(std::string_view table, std::string_view index_id) override;
  Result<ion::Value> RedactRevision(const ion::Value& block_address, std::string_view table_id,
                                    std::string_view document_id) override;
  std::string TransactionId() const override { return tx_id_; }
  ion::Timestamp Now() const override { return now_; }

  const MemStats& stats() const { return stats_; }
  MemState& state() { return state_; }

 private:
  friend class MemoryDatabase;
  MemTable* ActiveTable(std::string_view name);
  std::string NewId();
  MemRevision NewRevision(int64_t version) const;

  MemState state_;
  std::string tx_id_;
  ion::Timestamp now_;
  std::string strand_id_;
  int64_t sequence_no_;
  int redactions_ = 0;
  MemStats stats_;
};

}  // namespace folio::partiql::testing
