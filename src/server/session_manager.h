// QLDB sessions: session token -> {ledger, open transaction, result pages, timestamps}.
//
// Rules (spec/qldb-semantics.md sections 1, 4, 5; wire-and-drivers.md section 0):
//   - tokens are 44 base64 characters from 32 bytes of OpenSSL RAND (unguessable);
//   - one open transaction per session; StartTransaction while one is open -> kInvalidArgument
//     "Transaction already open"; Execute/Fetch/Commit with none -> kInvalidArgument
//     "No open transaction"; AbortTransaction with none succeeds;
//   - a transaction older than `transaction_timeout` is aborted and every later command naming it
//     gets kExpired "Transaction <id> has expired";
//   - a session older than `session_lifetime` -> kExpired "Session <id> has expired"; one unused
//     for `idle_timeout` -> kExpired "Exceeded the session idle time limit: Session <id>"; an
//     unknown or forgotten token -> kExpired "No such session" (all InvalidSessionException);
//   - StartTransaction on a ledger with more than `max_sessions_per_ledger` active sessions ->
//     kLimitExceeded (LimitExceededException on the wire, see server/handlers.cc);
//   - after an OCC conflict (or any commit outcome) the transaction is closed and the session
//     stays usable;
//   - results are paged `page_size` values at a time; page tokens live only inside their
//     transaction;
//   - a CommitTransaction resent for the session's last committed transaction with the same
//     digest returns the same result.
//
// Thread safety: all methods are thread-safe. Commands on one session are serialized by a
// per-session mutex; different sessions run in parallel.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/sha256.h"
#include "common/status.h"
#include "engine/engine.h"
#include "ion/value.h"

namespace folio::server {

struct SessionOptions {
  std::chrono::milliseconds transaction_timeout{30'000};    // Default: 30 s
  std::chrono::milliseconds session_lifetime{15 * 60'000};  // Default: 15 min
  std::chrono::milliseconds idle_timeout{5 * 60'000};       // Default: 5 min
  size_t max_sessions_per_ledger = 3000;                    // Default: 3000 (QLDB quota)
  size_t max_total_sessions = 20000;                        // Default: 20000 (memory bound)
  size_t page_size = 200;                                   // Default: 200 values per page
  // Commits handed to the engine and not yet answered, per ledger; one more is refused with
  // kResourceExhausted (CapacityExceededException, which the drivers retry). 0: no limit.
  size_t max_pending_commits_per_ledger = 0;                // Default: no limit
};

struct PageOut {
  std::vector<ion::Value> values;
  std::optional<std::string> next_page_token;
  int64_t read_ios = 0;
  int64_t write_ios = 0;
};

using Clock = std::function<std::chrono::steady_clock::time_point()>;

class SessionManager {
 public:
  // `engine` must outlive the manager. `clock` defaults to steady_clock::now.
  SessionManager(engine::Engine* engine, SessionOptions options, Clock clock = {});
  ~SessionManager();

  // kNotFound (unknown ledger, as reported by the engine), kLimitExceeded (total cap).
  Result<std::string> StartSession(std::string_view ledger_name);
  // Returns the new transaction id. kInvalidArgument "Transaction already open",
  // kLimitExceeded (session cap of the ledger), kExpired (session), engine errors.
  Result<std::string> StartTransaction(std::string_view token);
  Result<PageOut> ExecuteStatement(std::string_view token, std::string_view transaction_id,
                                   std::string_view statement,
                                   std::span<const ion::Value> parameters);
  Result<PageOut> FetchPage(std::string_view token, std::string_view transaction_id,
                            std::string_view page_token);
  // CommitTransactionAsync, waiting for its answer on the calling thread.
  Result<engine::CommitResult> CommitTransaction(std::string_view token,
                                                 std::string_view transaction_id,
                                                 const Hash256& digest);
  // CommitTransaction without blocking: `done` runs exactly once, inline or later on an engine
  // thread. `keep_alive` owns the committed transaction and its session (and so the ledger):
  // `done` must hand it to its own thread to release, never drop it on the engine's thread.
  // A resend of the transaction's commit while it is in flight is answered when it completes.
  using CommitDone =
      std::function<void(Result<engine::CommitResult>, std::shared_ptr<void> keep_alive)>;
  void CommitTransactionAsync(std::string_view token, std::string_view transaction_id,
                              const Hash256& digest, CommitDone done);
  Status AbortTransaction(std::string_view token);
  Status EndSession(std::string_view token);

  // Drops expired sessions (aborting their transactions) and aborts expired transactions.
  // Returns the number of sessions dropped. Called periodically by the server.
  size_t SweepExpired();

  size_t active_sessions() const;
  // Aborts every open transaction and forgets every session (server shutdown), after waiting
  // for every asynchronous commit to be answered (the engine answers each one).
  void Clear();
  // Blocks until every CommitTransactionAsync has called its `done`.
  void WaitForCommits();

 private:
  struct Session;
  Result<std::shared_ptr<Session>> Find(std::string_view token);
  // Validates that `transaction_id` names the open, unexpired transaction of `s`.
  // Requires s.mu held.
  Status CheckTransaction(Session& s, std::string_view transaction_id);
  void CloseTransaction(Session& s);  // Requires s.mu held.
  // Counts a commit against the ledger's max_pending_commits_per_ledger, or refuses it
  // (kResourceExhausted); ReleaseCommit when it is answered.
  Status AdmitCommit(const std::string& ledger_name);
  void ReleaseCommit(const std::string& ledger_name);
  PageOut TakePage(Session& s, std::deque<ion::Value> values);  // Requires s.mu held.
  std::chrono::steady_clock::time_point Now() const;

  engine::Engine* engine_;
  SessionOptions options_;
  Clock clock_;

  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<Session>, std::less<>> sessions_;  // GUARDED_BY(mu_)
  std::map<std::string, size_t, std::less<>> per_ledger_;                   // GUARDED_BY(mu_)
  std::map<std::string, size_t, std::less<>> pending_commits_;              // GUARDED_BY(mu_)

  std::mutex async_mu_;
  std::condition_variable async_cv_;  // signalled when async_commits_ drops
  size_t async_commits_ = 0;          // GUARDED_BY(async_mu_): handed to the engine, unanswered
};

// 32 random bytes, base64 (44 characters from the token alphabet).
std::string NewSessionToken();
// `length` random Base62 characters.
std::string NewBase62Id(size_t length = 22);

}  // namespace folio::server
