// The engine: every ledger in one data directory, their transactions, journals, digests and
// proofs. This is the only API the server uses.
//
// Thread safety: Engine and Ledger are thread-safe. A Transaction is driven by one caller at a
// time (a QLDB session has one open transaction and sends its commands in order).
//
// Status codes returned (mapped to QLDB exceptions only in server/error_map.cc):
//   kInvalidArgument     bad statement, parameter or name; digest mismatch ("Digests don't match")
//   kNotFound            unknown ledger, table, block or document
//   kAlreadyExists       ledger or table name in use
//   kFailedPrecondition  deletion-protected ledger; transaction no longer open
//   kConflict            OCC validation failed at commit; the transaction is closed
//   kLimitExceeded       a QLDB quota (40 documents, 4 MB, 128 KB document, tables, indexes)
//   kIOError/kCorruption storage failures
#pragma once

#include <chrono>
#include <functional>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/sha256.h"
#include "common/status.h"
#include "ion/value.h"

namespace folio::engine {

struct BlockAddress {
  std::string strand_id;
  uint64_t sequence_no = 0;
  // Parses `{strandId:"…", sequenceNo:N}` (Ion text or a struct value).
  static Result<BlockAddress> FromIon(const ion::Value& v);
  ion::Value ToIon() const;
  std::string ToIonText() const;
};

struct EngineOptions {
  std::string data_dir;                  // Default: none (required).
  std::string region = "us-east-1";      // Used in ARNs.
  std::string account_id = "000000000000";
  bool sync_commits = true;              // fsync every commit group. Default: true.
  size_t max_ledgers = 5;                // QLDB's default quota of active ledgers. Default: 5.
  // Each ledger's memtable size; its write-ahead log switches (and takes a zero-filled spare,
  // kv/zeroed_wal.h) when the memtable fills. Default: 32 MiB. Tests lower it to switch often.
  size_t ledger_write_buffer_bytes = size_t{32} << 20;
};

struct LedgerInfo {
  std::string name;
  std::string arn;
  std::string state = "ACTIVE";
  int64_t creation_epoch_seconds = 0;
  std::string permissions_mode = "ALLOW_ALL";
  bool deletion_protection = true;
  std::map<std::string, std::string> tags;
};

struct CreateLedgerParams {
  std::string name;
  std::string permissions_mode = "ALLOW_ALL";  // ALLOW_ALL | STANDARD
  bool deletion_protection = true;
  std::map<std::string, std::string> tags;
};

struct StatementResult {
  std::vector<ion::Value> values;  // one Ion value per result row
  int64_t read_ios = 0;
  int64_t write_ios = 0;
};

struct CommitResult {
  Hash256 commit_digest;
  int64_t read_ios = 0;
  int64_t write_ios = 0;
};

struct DigestInfo {
  Hash256 digest;
  BlockAddress tip;
};

// A block or revision (as an Ion struct) with its proof to the requested digest tip.
struct ProvenValue {
  ion::Value value;
  std::optional<std::vector<Hash256>> proof;  // set when a tip was given
};

class Transaction {
 public:
  virtual ~Transaction() = default;
  virtual const std::string& id() const = 0;  // 22 Base62 characters
  virtual std::chrono::steady_clock::time_point started_at() const = 0;
  // Runs one PartiQL statement. The statement and parameters are folded into the server-side
  // commit digest before execution, as the drivers do.
  virtual Result<StatementResult> Execute(std::string_view statement,
                                          std::span<const ion::Value> parameters) = 0;
  // Validates `client_digest` against the server's, runs OCC validation, and makes the
  // transaction durable (group commit). After any return the transaction is closed.
  virtual Result<CommitResult> Commit(const Hash256& client_digest) = 0;
  // Commit without blocking the caller: `done` runs exactly once with what Commit would return,
  // either before CommitAsync returns or later on an engine thread. The transaction must stay
  // alive until `done` has run, and whatever owns it (and so its ledger) must be released off
  // the engine's threads: `done` may move what it captured elsewhere, but must not destroy the
  // transaction itself. The default commits synchronously.
  using CommitCallback = std::function<void(Result<CommitResult>)>;
  virtual void CommitAsync(const Hash256& client_digest, CommitCallback done) {
    done(Commit(client_digest));
  }
  virtual void Abort() = 0;
};

class Ledger {
 public:
  virtual ~Ledger() = default;
  virtual const std::string& name() const = 0;
  virtual Result<std::unique_ptr<Transaction>> BeginTransaction() = 0;
};

class Engine {
 public:
  virtual ~Engine() = default;
  static Result<std::unique_ptr<Engine>> Open(const EngineOptions& options);

  virtual Result<LedgerInfo> CreateLedger(const CreateLedgerParams& params) = 0;
  virtual Result<LedgerInfo> DescribeLedger(std::string_view name) = 0;
  virtual std::vector<LedgerInfo> ListLedgers() = 0;  // sorted by name
  virtual Result<LedgerInfo> UpdateLedger(std::string_view name,
                                          std::optional<bool> deletion_protection) = 0;
  virtual Status DeleteLedger(std::string_view name) = 0;
  virtual Result<std::shared_ptr<Ledger>> GetLedger(std::string_view name) = 0;

  virtual Result<DigestInfo> GetDigest(std::string_view ledger) = 0;
  virtual Result<ProvenValue> GetBlock(std::string_view ledger, const BlockAddress& address,
                                       const std::optional<BlockAddress>& tip) = 0;
  virtual Result<ProvenValue> GetRevision(std::string_view ledger, const BlockAddress& address,
                                          std::string_view document_id,
                                          const std::optional<BlockAddress>& tip) = 0;

  // Tags by ledger ARN.
  virtual Status TagResource(std::string_view arn, const std::map<std::string, std::string>& tags) = 0;
  virtual Status UntagResource(std::string_view arn, std::span<const std::string> keys) = 0;
  virtual Result<std::map<std::string, std::string>> ListTags(std::string_view arn) = 0;
};

}  // namespace folio::engine
