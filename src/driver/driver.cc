#include "driver/driver.h"

#include <random>
#include <thread>

#include "driver/errors.h"

namespace folio::driver {

// ---- ResultStream ----------------------------------------------------------------------------

ResultStream::ResultStream(Transaction* txn, Page first)
    : txn_(txn),
      values_(std::move(first.values)),
      next_token_(std::move(first.next_page_token)),
      usage_(first.usage) {}

Result<std::optional<ion::Value>> ResultStream::Next() {
  while (pos_ >= values_.size()) {
    if (!next_token_) return std::optional<ion::Value>();
    if (txn_->closed_) {
      return Status::FailedPrecondition("the transaction of this result has ended");
    }
    Session& s = *txn_->session_;
    auto page = s.client_->FetchPage(s.token_, txn_->id_, *next_token_);
    if (!page.ok()) return s.Observe(page.status());
    values_ = std::move(page->values);
    pos_ = 0;
    next_token_ = std::move(page->next_page_token);
    usage_ += page->usage;
    txn_->usage_ += page->usage;
  }
  return std::optional<ion::Value>(std::move(values_[pos_++]));
}

Result<std::vector<ion::Value>> ResultStream::ReadAll() {
  std::vector<ion::Value> out;
  while (true) {
    FOLIO_ASSIGN_OR_RETURN(std::optional<ion::Value> v, Next());
    if (!v) return out;
    out.push_back(std::move(*v));
  }
}

// ---- Transaction -----------------------------------------------------------------------------

const std::string& Transaction::session_token() const { return session_->token(); }

Result<ResultStream> Transaction::ExecuteStream(std::string_view statement,
                                                std::vector<ion::Value> parameters) {
  if (closed_) return Status::FailedPrecondition("transaction " + id_ + " has ended");
  FOLIO_TRY(digest_.AddStatement(statement, parameters));
  auto page = session_->client_->ExecuteStatement(session_->token_, id_, statement, parameters);
  if (!page.ok()) {
    Status st = session_->Observe(page.status());
    // After OCC the server has closed the transaction.
    if (st.code() == StatusCode::kConflict || session_->dead()) closed_ = true;
    return st;
  }
  usage_ += page->usage;
  return ResultStream(this, std::move(*page));
}

Result<StatementResult> Transaction::Execute(std::string_view statement,
                                             std::vector<ion::Value> parameters) {
  FOLIO_ASSIGN_OR_RETURN(ResultStream stream, ExecuteStream(statement, std::move(parameters)));
  StatementResult out;
  FOLIO_ASSIGN_OR_RETURN(out.values, stream.ReadAll());
  out.usage = stream.usage();
  return out;
}

Status Transaction::Commit() {
  if (closed_) return Status::FailedPrecondition("transaction " + id_ + " has ended");
  auto echoed = session_->client_->CommitTransaction(session_->token_, id_, digest_.digest());
  if (!echoed.ok()) {
    Status st = session_->Observe(echoed.status());
    if (st.code() == StatusCode::kConflict || session_->dead()) closed_ = true;
    return st;
  }
  closed_ = true;
  if (*echoed != digest_.digest()) {
    return Status::Corruption("CommitDigest mismatch: sent " + HexEncode(digest_.digest()) +
                              ", server returned " + HexEncode(*echoed));
  }
  return Status::OK();
}

Status Transaction::Abort() {
  closed_ = true;
  return session_->Observe(session_->client_->AbortTransaction(session_->token_));
}

// ---- Session ---------------------------------------------------------------------------------

Result<std::unique_ptr<Session>> Session::Start(std::shared_ptr<SessionClient> client,
                                                std::string_view ledger) {
  FOLIO_ASSIGN_OR_RETURN(std::string token, client->StartSession(ledger));
  return std::unique_ptr<Session>(new Session(std::move(client), std::move(token)));
}

Status Session::Observe(Status st) {
  if (IsSessionDead(st)) dead_ = true;
  return st;
}

Result<std::unique_ptr<Transaction>> Session::StartTransaction() {
  if (dead_) return Status::FailedPrecondition("the session is no longer valid");
  auto id = client_->StartTransaction(token_);
  if (!id.ok()) return Observe(id.status());
  return std::unique_ptr<Transaction>(new Transaction(this, std::move(*id)));
}

Status Session::End() {
  if (dead_) return Status::OK();
  dead_ = true;
  return client_->EndSession(token_);
}

// ---- Driver ----------------------------------------------------------------------------------

std::chrono::milliseconds FullJitterBackoff(int retry) {
  thread_local std::mt19937_64 rng(std::random_device{}());
  int64_t cap = 5000;
  if (retry < 9) cap = std::min<int64_t>(cap, 10LL << retry);
  std::uniform_int_distribution<int64_t> dist(0, cap);
  return std::chrono::milliseconds(dist(rng));
}

Result<std::unique_ptr<Driver>> Driver::Create(DriverOptions options) {
  if (options.ledger.empty()) return Status::InvalidArgument("a ledger name is required");
  if (options.max_sessions == 0) return Status::InvalidArgument("max_sessions must be positive");
  if (options.retry_limit < 0) return Status::InvalidArgument("retry_limit must be >= 0");
  if (!options.backoff) options.backoff = FullJitterBackoff;
  FOLIO_ASSIGN_OR_RETURN(auto service, ServiceClient::Create(options.service));
  auto client = std::make_shared<SessionClient>(std::move(service));
  return std::unique_ptr<Driver>(new Driver(std::move(options), std::move(client)));
}

Driver::~Driver() { Close(); }

Result<std::unique_ptr<Session>> Driver::Acquire() {
  {
    std::unique_lock<std::mutex> lock(mu_);
    if (closed_) return Status::FailedPrecondition("the driver is closed");
    if (!cv_.wait_for(lock, options_.pool_timeout,
                      [&] { return in_use_ < options_.max_sessions || closed_; })) {
      return Status::ResourceExhausted(
          "SessionPoolEmptyError: no session available within the pool timeout");
    }
    if (closed_) return Status::FailedPrecondition("the driver is closed");
    ++in_use_;
    if (!idle_.empty()) {
      auto s = std::move(idle_.back());
      idle_.pop_back();
      return s;
    }
  }
  auto s = Session::Start(client_, options_.ledger);
  if (!s.ok()) Release(nullptr);
  return s;
}

void Driver::Release(std::unique_ptr<Session> session) {
  std::unique_lock<std::mutex> lock(mu_);
  --in_use_;
  if (session && !session->dead()) {
    if (closed_) {
      lock.unlock();
      session->End().IgnoreError();
      cv_.notify_one();
      return;
    }
    idle_.push_back(std::move(session));
  }
  cv_.notify_one();
}

void Driver::Close() {
  std::vector<std::unique_ptr<Session>> to_end;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (closed_) return;
    closed_ = true;
    to_end.swap(idle_);
  }
  cv_.notify_all();
  for (auto& s : to_end) s->End().IgnoreError();
}

Status Driver::Execute(const std::function<Status(Transaction&)>& fn, ExecuteStats* stats) {
  ExecuteStats local;
  ExecuteStats& st = stats ? *stats : local;
  st = ExecuteStats{};
  int retries = 0;
  while (true) {
    ++st.attempts;
    Status error;
    bool session_dead = false;
    bool start_failed = false;
    auto session = Acquire();
    if (!session.ok()) {
      error = session.status();
      // A StartSession failure is retryable and treated like a dead session.
      if (error.code() != StatusCode::kFailedPrecondition &&
          error.message().find("SessionPoolEmptyError") == std::string::npos) {
        start_failed = true;
      } else {
        return error;
      }
    } else {
      std::unique_ptr<Session> s = std::move(*session);
      auto txn = s->StartTransaction();
      if (!txn.ok()) {
        error = txn.status();
        if (!s->dead()) s->client().AbortTransaction(s->token()).IgnoreError();
      } else {
        Transaction& t = **txn;
        error = fn(t);
        if (error.ok()) error = t.Commit();
        if (error.ok()) {
          st.usage = t.usage();
          st.transaction_id = t.id();
          Release(std::move(s));
          return Status::OK();
        }
        if (!s->dead() && error.code() != StatusCode::kConflict) {
          if (!t.Abort().ok() && !s->dead()) s->MarkDead();
        }
      }
      session_dead = s->dead();
      Release(std::move(s));
    }
    if (!IsRetryable(error) && !start_failed) return error;
    st.retried.push_back(error);
    // A dead session (or failed StartSession) on the first attempt is retried at once.
    if (st.attempts == 1 && (session_dead || start_failed)) continue;
    ++retries;
    if (retries > options_.retry_limit) {
      st.retried.pop_back();
      return error;
    }
    std::this_thread::sleep_for(options_.backoff(retries));
  }
}

Result<std::vector<std::string>> Driver::ListTableNames() {
  return ExecuteAndReturn<std::vector<std::string>>(
      [](Transaction& txn) -> Result<std::vector<std::string>> {
        FOLIO_ASSIGN_OR_RETURN(
            StatementResult r,
            txn.Execute(
                "SELECT VALUE name FROM information_schema.user_tables WHERE status = 'ACTIVE'"));
        std::vector<std::string> names;
        for (const auto& v : r.values) {
          if (v.is_text() && !v.is_null()) names.emplace_back(v.text());
        }
        return names;
      });
}

}  // namespace folio::driver
