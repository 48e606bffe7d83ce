#include "server/session_manager.h"

#include <openssl/rand.h>

#include <array>

#include "common/await.h"
#include "common/bytes.h"

namespace folio::server {

namespace {
void RandomBytes(uint8_t* out, size_t n) {
  // RAND_bytes fails only if the CSPRNG cannot be seeded; there is no safe fallback then.
  if (RAND_bytes(out, static_cast<int>(n)) != 1) std::abort();
}
}  // namespace

std::string NewSessionToken() {
  std::array<uint8_t, 32> b;
  RandomBytes(b.data(), b.size());
  return Base64Encode(b);
}

std::string NewBase62Id(size_t length) {
  static constexpr char kAlphabet[] =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  std::string out;
  out.reserve(length);
  while (out.size() < length) {
    uint8_t buf[32];
    RandomBytes(buf, sizeof(buf));
    for (uint8_t c : buf) {
      if (c < 248 && out.size() < length) out += kAlphabet[c % 62];  // 248 = 4*62: no bias
    }
  }
  return out;
}

struct PendingPages {
  std::deque<ion::Value> values;
};

struct SessionManager::Session {
  std::mutex mu;  // serializes commands on this session
  std::string token;
  std::string id;  // shown in messages; never the token
  std::string ledger_name;
  std::shared_ptr<engine::Ledger> ledger;
  std::chrono::steady_clock::time_point created;
  std::chrono::steady_clock::time_point last_used;
  bool admitted = false;  // counted against max_sessions_per_ledger
  bool ended = false;     // removed from the map; later commands see "No such session"

  // Invariant: txn != nullptr iff a transaction is open; pages belong to it.
  std::unique_ptr<engine::Transaction> txn;
  std::string txn_id;
  std::chrono::steady_clock::time_point txn_started;
  std::map<std::string, PendingPages, std::less<>> pages;

  std::string expired_txn_id;       // last transaction closed by expiry
  std::string last_committed_txn;   // for idempotent commit resends
  engine::CommitResult last_commit;
  // An asynchronous commit in flight (the transaction is already closed here), and resends of
  // it that arrived meanwhile; they are answered with its outcome.
  std::string committing_txn;
  std::vector<std::pair<Hash256, std::function<void(Result<engine::CommitResult>)>>> resends;
};

SessionManager::SessionManager(engine::Engine* engine, SessionOptions options, Clock clock)
    : engine_(engine), options_(options), clock_(std::move(clock)) {}

SessionManager::~SessionManager() { Clear(); }

std::chrono::steady_clock::time_point SessionManager::Now() const {
  return clock_ ? clock_() : std::chrono::steady_clock::now();
}

Result<std::string> SessionManager::StartSession(std::string_view ledger_name) {
  SweepExpired();
  {
    std::lock_guard lock(mu_);
    if (sessions_.size() >= options_.max_total_sessions) {
      return Status::LimitExceeded("Exceeded the limit of " +
                                   std::to_string(options_.max_total_sessions) +
                                   " active sessions on this server");
    }
  }
  FOLIO_ASSIGN_OR_RETURN(std::shared_ptr<engine::Ledger> ledger, engine_->GetLedger(ledger_name));
  auto s = std::make_shared<Session>();
  s->token = NewSessionToken();
  s->id = NewBase62Id();
  s->ledger_name = std::string(ledger_name);
  s->ledger = std::move(ledger);
  s->created = s->last_used = Now();
  std::lock_guard lock(mu_);
  sessions_.emplace(s->token, s);
  return s->token;
}

Result<std::shared_ptr<SessionManager::Session>> SessionManager::Find(std::string_view token) {
  std::shared_ptr<Session> s;
  {
    std::lock_guard lock(mu_);
    auto it = sessions_.find(token);
    if (it == sessions_.end()) return Status::Expired("No such session");
    s = it->second;
  }
  auto now = Now();
  std::string expired;
  {
    std::lock_guard slock(s->mu);
    if (s->ended) return Status::Expired("No such session");
    if (now - s->created >= options_.session_lifetime) {
      expired = "Session " + s->id + " has expired";
    } else if (s->txn == nullptr && now - s->last_used >= options_.idle_timeout) {
      expired = "Exceeded the session idle time limit: Session " + s->id;
    }
    if (!expired.empty()) {
      CloseTransaction(*s);
      s->ended = true;
    } else {
      s->last_used = now;
    }
  }
  if (!expired.empty()) {
    std::lock_guard lock(mu_);
    auto it = sessions_.find(token);
    if (it != sessions_.end() && it->second == s) {
      if (s->admitted) --per_ledger_[s->ledger_name];
      sessions_.erase(it);
    }
    return Status::Expired(expired);
  }
  return s;
}

void SessionManager::CloseTransaction(Session& s) {
  if (s.txn) s.txn->Abort();
  s.txn.reset();
  s.txn_id.clear();
  s.pages.clear();
}

Status SessionManager::CheckTransaction(Session& s, std::string_view transaction_id) {
  if (s.txn && Now() - s.txn_started >= options_.transaction_timeout) {
    s.expired_txn_id = s.txn_id;
    CloseTransaction(s);
  }
  if (!s.txn) {
    if (!s.expired_txn_id.empty() && transaction_id == s.expired_txn_id) {
      return Status::Expired("Transaction " + s.expired_txn_id + " has expired");
    }
    return Status::InvalidArgument("No open transaction");
  }
  if (transaction_id != s.txn_id) {
    return Status::InvalidArgument("Transaction " + std::string(transaction_id) +
                                   " is not the open transaction of this session");
  }
  return Status::OK();
}

Result<std::string> SessionManager::StartTransaction(std::string_view token) {
  FOLIO_ASSIGN_OR_RETURN(std::shared_ptr<Session> s, Find(token));
  std::lock_guard slock(s->mu);
  if (s->txn && Now() - s->txn_started >= options_.transaction_timeout) {
    s->expired_txn_id = s->txn_id;
    CloseTransaction(*s);
  }
  if (s->txn) return Status::InvalidArgument("Transaction already open");
  if (!s->admitted) {
    std::lock_guard lock(mu_);
    size_t& n = per_ledger_[s->ledger_name];
    if (n >= options_.max_sessions_per_ledger) {
      return Status::LimitExceeded("Exceeded the limit of " +
                                   std::to_string(options_.max_sessions_per_ledger) +
                                   " active sessions on ledger " + s->ledger_name);
    }
    ++n;
    s->admitted = true;
  }
  FOLIO_ASSIGN_OR_RETURN(s->txn, s->ledger->BeginTransaction());
  s->txn_id = s->txn->id();
  s->txn_started = Now();
  s->expired_txn_id.clear();
  return s->txn_id;
}

PageOut SessionManager::TakePage(Session& s, std::deque<ion::Value> values) {
  PageOut out;
  size_t n = std::min(values.size(), options_.page_size);
  out.values.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    out.values.push_back(std::move(values.front()));
    values.pop_front();
  }
  if (!values.empty()) {
    std::string page_token = NewSessionToken();
    s.pages[page_token] = PendingPages{std::move(values)};
    out.next_page_token = std::move(page_token);
  }
  return out;
}

Result<PageOut> SessionManager::ExecuteStatement(std::string_view token,
                                                 std::string_view transaction_id,
                                                 std::string_view statement,
                                                 std::span<const ion::Value> parameters) {
  FOLIO_ASSIGN_OR_RETURN(std::shared_ptr<Session> s, Find(token));
  std::lock_guard slock(s->mu);
  FOLIO_TRY(CheckTransaction(*s, transaction_id));
  FOLIO_ASSIGN_OR_RETURN(engine::StatementResult r, s->txn->Execute(statement, parameters));
  std::deque<ion::Value> values(std::make_move_iterator(r.values.begin()),
                                std::make_move_iterator(r.values.end()));
  PageOut out = TakePage(*s, std::move(values));
  out.read_ios = r.read_ios;
  out.write_ios = r.write_ios;
  return out;
}

Result<PageOut> SessionManager::FetchPage(std::string_view token, std::string_view transaction_id,
                                          std::string_view page_token) {
  FOLIO_ASSIGN_OR_RETURN(std::shared_ptr<Session> s, Find(token));
  std::lock_guard slock(s->mu);
  FOLIO_TRY(CheckTransaction(*s, transaction_id));
  auto it = s->pages.find(page_token);
  if (it == s->pages.end()) {
    return Status::InvalidArgument("Invalid page token: it does not belong to transaction " +
                                   s->txn_id + " or was already fetched");
  }
  std::deque<ion::Value> values = std::move(it->second.values);
  s->pages.erase(it);
  return TakePage(*s, std::move(values));
}

Result<engine::CommitResult> SessionManager::CommitTransaction(std::string_view token,
                                                               std::string_view transaction_id,
                                                               const Hash256& digest) {
  // The committed transaction (second) is released here, on the calling thread.
  using Outcome = std::pair<Result<engine::CommitResult>, std::shared_ptr<void>>;
  Outcome outcome = AwaitCallback<Outcome>([&](auto deliver) {
    CommitTransactionAsync(token, transaction_id, digest,
                           [deliver](Result<engine::CommitResult> r,
                                     std::shared_ptr<void> keep) mutable {
                             deliver(Outcome(std::move(r), std::move(keep)));
                           });
  });
  return std::move(outcome.first);
}

void SessionManager::CommitTransactionAsync(std::string_view token,
                                            std::string_view transaction_id,
                                            const Hash256& digest, CommitDone done) {
  Result<std::shared_ptr<Session>> found = Find(token);
  if (!found.ok()) {
    done(found.status(), nullptr);
    return;
  }
  std::shared_ptr<Session> s = *std::move(found);
  std::unique_ptr<engine::Transaction> txn;
  std::string id;
  {
    std::unique_lock slock(s->mu);
    if (!s->txn && !s->committing_txn.empty() && transaction_id == s->committing_txn) {
      s->resends.emplace_back(digest, [done = std::move(done)](Result<engine::CommitResult> r) {
        done(std::move(r), nullptr);
      });
      return;
    }
    if (!s->txn && !s->last_committed_txn.empty() && transaction_id == s->last_committed_txn) {
      Result<engine::CommitResult> r = s->last_commit;
      if (digest != s->last_commit.commit_digest) r = Status::InvalidArgument("Digests don't match");
      slock.unlock();
      done(std::move(r), nullptr);
      return;
    }
    if (Status st = CheckTransaction(*s, transaction_id); !st.ok()) {
      slock.unlock();
      done(st, nullptr);
      return;
    }
    // Refused before the transaction closes: the driver aborts it and retries.
    if (Status st = AdmitCommit(s->ledger_name); !st.ok()) {
      slock.unlock();
      done(st, nullptr);
      return;
    }
    txn = std::move(s->txn);
    id = s->txn_id;
    CloseTransaction(*s);  // the engine closes the transaction on every Commit outcome
    s->committing_txn = id;
  }
  struct Committing {
    std::shared_ptr<Session> session;
    std::unique_ptr<engine::Transaction> txn;
  };
  auto keep = std::make_shared<Committing>(Committing{std::move(s), std::move(txn)});
  engine::Transaction* raw = keep->txn.get();
  {
    std::lock_guard lock(async_mu_);
    ++async_commits_;
  }
  raw->CommitAsync(digest, [this, keep, id = std::move(id), done = std::move(done)](
                               Result<engine::CommitResult> r) mutable {
    Session& session = *keep->session;
    ReleaseCommit(session.ledger_name);
    decltype(Session::resends) resends;
    {
      std::lock_guard slock(session.mu);
      if (r.ok()) {
        session.last_committed_txn = id;
        session.last_commit = *r;
      }
      session.committing_txn.clear();
      resends.swap(session.resends);
    }
    for (auto& [resent_digest, answer] : resends) {
      if (!r.ok()) {
        answer(r.status());
      } else if (resent_digest != r->commit_digest) {
        answer(Status::InvalidArgument("Digests don't match"));
      } else {
        answer(*r);
      }
    }
    done(std::move(r), std::move(keep));
    // Last use of `this`: WaitForCommits may return (and the manager go away) once unlocked.
    std::lock_guard lock(async_mu_);
    --async_commits_;
    async_cv_.notify_all();
  });
}

void SessionManager::WaitForCommits() {
  std::unique_lock lock(async_mu_);
  async_cv_.wait(lock, [&] { return async_commits_ == 0; });
}

Status SessionManager::AdmitCommit(const std::string& ledger_name) {
  if (options_.max_pending_commits_per_ledger == 0) return Status::OK();
  std::lock_guard lock(mu_);
  size_t& pending = pending_commits_[ledger_name];
  if (pending >= options_.max_pending_commits_per_ledger) {
    return Status(StatusCode::kResourceExhausted,
                  "Capacity exceeded: " + std::to_string(pending) +
                      " commits are pending on ledger " + ledger_name);
  }
  ++pending;
  return Status::OK();
}

void SessionManager::ReleaseCommit(const std::string& ledger_name) {
  if (options_.max_pending_commits_per_ledger == 0) return;
  std::lock_guard lock(mu_);
  auto it = pending_commits_.find(ledger_name);
  if (it != pending_commits_.end() && --it->second == 0) pending_commits_.erase(it);
}

Status SessionManager::AbortTransaction(std::string_view token) {
  FOLIO_ASSIGN_OR_RETURN(std::shared_ptr<Session> s, Find(token));
  std::lock_guard slock(s->mu);
  CloseTransaction(*s);
  return Status::OK();
}

Status SessionManager::EndSession(std::string_view token) {
  FOLIO_ASSIGN_OR_RETURN(std::shared_ptr<Session> s, Find(token));
  {
    std::lock_guard slock(s->mu);
    CloseTransaction(*s);
    s->ended = true;
  }
  std::lock_guard lock(mu_);
  auto it = sessions_.find(token);
  if (it != sessions_.end() && it->second == s) {
    if (s->admitted) --per_ledger_[s->ledger_name];
    sessions_.erase(it);
  }
  return Status::OK();
}

size_t SessionManager::SweepExpired() {
  std::vector<std::shared_ptr<Session>> all;
  {
    std::lock_guard lock(mu_);
    all.reserve(sessions_.size());
    for (auto& [_, s] : sessions_) all.push_back(s);
  }
  auto now = Now();
  std::vector<std::shared_ptr<Session>> dead;
  for (auto& s : all) {
    std::unique_lock slock(s->mu, std::try_to_lock);
    if (!slock.owns_lock()) continue;  // busy: it is in use, so not idle
    if (s->txn && now - s->txn_started >= options_.transaction_timeout) {
      s->expired_txn_id = s->txn_id;
      CloseTransaction(*s);
    }
    bool expired = now - s->created >= options_.session_lifetime ||
                   (s->txn == nullptr && now - s->last_used >= options_.idle_timeout);
    if (expired) {
      CloseTransaction(*s);
      s->ended = true;
      dead.push_back(s);
    }
  }
  std::lock_guard lock(mu_);
  size_t dropped = 0;
  for (auto& s : dead) {
    auto it = sessions_.find(s->token);
    if (it != sessions_.end() && it->second == s) {
      if (s->admitted) --per_ledger_[s->ledger_name];
      sessions_.erase(it);
      ++dropped;
    }
  }
  return dropped;
}

size_t SessionManager::active_sessions() const {
  std::lock_guard lock(mu_);
  return sessions_.size();
}

void SessionManager::Clear() {
  WaitForCommits();
  std::map<std::string, std::shared_ptr<Session>, std::less<>> all;
  {
    std::lock_guard lock(mu_);
    all.swap(sessions_);
    per_ledger_.clear();
  }
  for (auto& [_, s] : all) {
    std::lock_guard slock(s->mu);
    CloseTransaction(*s);
    s->ended = true;
  }
}

}  // namespace folio::server
