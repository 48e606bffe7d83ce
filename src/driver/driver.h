// The Folio/QLDB driver: sessions, transactions with the QldbHash CommitDigest, a session pool
// and Execute(lambda) with the official drivers' retry rules (spec/wire-and-drivers.md 5.2-5.4).
//
//   auto driver = *Driver::Create({.service = {.endpoint = "http://127.0.0.1:8777", ...},
//                                  .ledger = "default"});
//   Status st = driver->Execute([&](Transaction& txn) -> Status {
//     FOLIO_ASSIGN_OR_RETURN(auto r, txn.Execute("SELECT * FROM T WHERE id = ?", {Int(1)}));
//     ...
//     return Status::OK();
//   });
//
// Retry rules of Execute: the whole lambda is re-run on OccConflictException, HTTP 500/503
// (CapacityExceededException), transport failures, and InvalidSessionException unless its
// message matches /Transaction .* has expired/; a failure of the first attempt with a dead
// session is retried at once without counting; otherwise up to `retry_limit` retries with
// full-jitter backoff uniform(0, min(5000, 10 * 2^retry)) ms. On a failure the transaction is
// aborted, except after OCC (closed by the server) or a dead session (dropped, no EndSession).
//
// Thread safety: Driver is thread-safe. Session, Transaction and ResultStream are used by one
// thread at a time; a Transaction must not outlive its Session.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/sha256.h"
#include "common/status.h"
#include "driver/qldb_hash.h"
#include "driver/service_client.h"
#include "driver/session_client.h"
#include "ion/value.h"

namespace folio::driver {

class Session;
class Transaction;

// The values of one statement, fetched page by page (FetchPage) as they are consumed.
class ResultStream {
 public:
  // The next value, nullopt at the end. Errors: as SessionClient::FetchPage.
  Result<std::optional<ion::Value>> Next();
  // Every remaining value.
  Result<std::vector<ion::Value>> ReadAll();
  // IO and timing of the pages fetched so far.
  const IoUsage& usage() const { return usage_; }

 private:
  friend class Transaction;
  ResultStream(Transaction* txn, Page first);
  Transaction* txn_;
  std::vector<ion::Value> values_;
  size_t pos_ = 0;
  std::optional<std::string> next_token_;
  IoUsage usage_;
};

struct StatementResult {
  std::vector<ion::Value> values;
  IoUsage usage;
};

class Transaction {
 public:
  const std::string& id() const { return id_; }
  const std::string& session_token() const;

  // Sends ExecuteStatement (folding it into the CommitDigest first, as the drivers do).
  Result<ResultStream> ExecuteStream(std::string_view statement,
                                     std::vector<ion::Value> parameters = {});
  // ExecuteStream plus ReadAll.
  Result<StatementResult> Execute(std::string_view statement,
                                  std::vector<ion::Value> parameters = {});

  // Commits with the locally computed CommitDigest and checks the server's echo.
  // Errors: service errors; kCorruption when the echoed digest differs.
  Status Commit();
  // AbortTransaction (always allowed by the server, even with no open transaction).
  Status Abort();

  const Hash256& commit_digest() const { return digest_.digest(); }
  const IoUsage& usage() const { return usage_; }
  bool closed() const { return closed_; }

 private:
  friend class Session;
  friend class ResultStream;
  Transaction(Session* session, std::string id) : session_(session), id_(id), digest_(id) {}
  Session* session_;
  std::string id_;
  CommitDigestBuilder digest_;
  IoUsage usage_;
  bool closed_ = false;
};

class Session {
 public:
  // StartSession on `ledger`. Errors: as SessionClient::StartSession.
  static Result<std::unique_ptr<Session>> Start(std::shared_ptr<SessionClient> client,
                                                std::string_view ledger);
  Result<std::unique_ptr<Transaction>> StartTransaction();
  // EndSession; the session cannot be used afterwards.
  Status End();

  // Marked after an InvalidSessionException that is not a transaction expiry.
  bool dead() const { return dead_; }
  void MarkDead() { dead_ = true; }
  const std::string& token() const { return token_; }
  SessionClient& client() { return *client_; }

 private:
  Session(std::shared_ptr<SessionClient> client, std::string token)
      : client_(std::move(client)), token_(std::move(token)) {}
  // Marks the session dead when `st` says so; returns `st`.
  Status Observe(Status st);
  friend class Transaction;
  friend class ResultStream;
  std::shared_ptr<SessionClient> client_;
  std::string token_;
  bool dead_ = false;
};

struct DriverOptions {
  ServiceConfig service;
  std::string ledger = "default";  // Default: "default" (the ledger `folio serve` creates)
  size_t max_sessions = 16;        // Default: 16 concurrent transactions (pool permits)
  std::chrono::milliseconds pool_timeout{10000};  // Default: wait up to 10 s for a permit
  int retry_limit = 4;                            // Default: 4 retries, as the official drivers
  // Delay before retry number `retry` (1-based). Default: full jitter (see the file comment).
  std::function<std::chrono::milliseconds(int retry)> backoff;
};

// What one Execute call did; for callers that report or test retries.
struct ExecuteStats {
  int attempts = 0;
  std::vector<Status> retried;  // the errors that caused a retry, in order
  IoUsage usage;                // of the successful attempt
  std::string transaction_id;   // of the successful attempt
};

// The default backoff: uniform random in [0, min(5000, 10 * 2^retry)] ms.
std::chrono::milliseconds FullJitterBackoff(int retry);

class Driver {
 public:
  // Errors: kInvalidArgument for a bad endpoint, CA file or option.
  static Result<std::unique_ptr<Driver>> Create(DriverOptions options);
  ~Driver();  // Close()

  // Runs `fn` in a transaction and commits it, retrying as described in the file comment.
  // Returns the error of the last attempt when it is not retryable or retries are exhausted.
  Status Execute(const std::function<Status(Transaction&)>& fn, ExecuteStats* stats = nullptr);

  template <typename T>
  Result<T> ExecuteAndReturn(const std::function<Result<T>(Transaction&)>& fn) {
    std::optional<T> out;
    FOLIO_TRY(Execute([&](Transaction& txn) -> Status {
      auto r = fn(txn);
      if (!r.ok()) return r.status();
      out = std::move(*r);
      return Status::OK();
    }));
    return std::move(*out);
  }

  // SELECT VALUE name FROM information_schema.user_tables WHERE status = 'ACTIVE'.
  Result<std::vector<std::string>> ListTableNames();

  // Ends every pooled session (EndSession, errors ignored). Sessions in use are ended when
  // returned. Idempotent.
  void Close();

  const DriverOptions& options() const { return options_; }
  std::shared_ptr<SessionClient> session_client() const { return client_; }

 private:
  Driver(DriverOptions options, std::shared_ptr<SessionClient> client)
      : options_(std::move(options)), client_(std::move(client)) {}
  Result<std::unique_ptr<Session>> Acquire();
  void Release(std::unique_ptr<Session> session);  // null or dead: frees the permit only

  DriverOptions options_;
  std::shared_ptr<SessionClient> client_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Session>> idle_;  // GUARDED_BY(mu_), LIFO
  size_t in_use_ = 0;                           // GUARDED_BY(mu_)
  bool closed_ = false;                         // GUARDED_BY(mu_)
};

}  // namespace folio::driver
