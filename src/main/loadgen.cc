#include "main/loadgen.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <span>
#include <thread>

#include "bench/vehicle_document.h"
#include "driver/driver.h"
#include "driver/errors.h"
#include "driver/http_client.h"
#include "driver/qldb_hash.h"
#include "driver/session_client.h"

namespace folio::cli {
namespace {

using Clock = std::chrono::steady_clock;
using ion::Value;

int64_t MicrosBetween(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration_cast<std::chrono::microseconds>(b - a).count();
}

bool IsIdentifier(std::string_view s) {
  if (s.empty() || s.size() > 128) return false;
  if (!(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

// Everything the clients share.
struct Shared {
  const LoadOptions* options = nullptr;
  std::string run_id;  // VIN prefix unique to this run
  std::atomic<uint64_t> next_doc{0};
  std::string insert_statement;  // INSERT INTO <table> ?
  std::string select_statement;  // SELECT * FROM <table> WHERE VIN = ?

  // Phases: 0 = preload (tickets), 1 = warmup, 2 = measure, 3 = stop.
  std::atomic<int> phase{0};
  std::atomic<int64_t> tickets{0};  // transactions handed out in the current ticketed phase
  int64_t ticket_limit = 0;         // 0: unlimited

  std::mutex vins_mu;
  std::vector<std::string> vins;  // GUARDED_BY(vins_mu): committed VINs of this run

  std::mutex errors_mu;
  std::set<std::string> first_errors;  // GUARDED_BY(errors_mu)

  void NoteError(const Status& st) {
    std::lock_guard lock(errors_mu);
    if (first_errors.size() < 5) first_errors.insert(st.ToString());
  }
  bool HaveVins() {
    std::lock_guard lock(vins_mu);
    return !vins.empty();
  }
  // A committed VIN of this run, chosen with `rng`; requires HaveVins().
  std::string PickVin(std::mt19937_64& rng) {
    std::lock_guard lock(vins_mu);
    std::uniform_int_distribution<size_t> pick(0, vins.size() - 1);
    return vins[pick(rng)];
  }
  bool TakeTicket() {
    if (ticket_limit <= 0) return true;
    return tickets.fetch_add(1) < ticket_limit;
  }
  // The next document to insert and its new VIN.
  Value NextDocument(std::string* vin) {
    uint64_t n = next_doc.fetch_add(1);
    *vin = fmt::format("{}{:08}", run_id, n);
    return bench::VehicleDocument(*vin, n);
  }
  // Whether a transaction started in `started_phase` and finishing now is measured: both ends
  // inside the measured phase.
  bool Measured(int started_phase) const {
    return started_phase == 2 && phase.load(std::memory_order_relaxed) == 2;
  }
};

struct ClientResult {
  int64_t commits = 0, reads = 0, occ = 0, errors = 0, digest_checked = 0;
  std::vector<int64_t> write_us, read_us;
  std::vector<LoadReport::CommitSample> commit_timeline;  // the commit latencies, with times

  // A committed write whose CommitTransaction was sent at `commit_sent`.
  void AddWrite(Clock::time_point start, Clock::time_point commit_sent, Clock::time_point end) {
    ++commits;
    ++digest_checked;
    commit_timeline.push_back(
        {MicrosBetween(Clock::time_point(), end), MicrosBetween(commit_sent, end)});
    write_us.push_back(MicrosBetween(start, end));
  }
  void AddRead(Clock::time_point start, Clock::time_point end) {
    ++reads;
    read_us.push_back(MicrosBetween(start, end));
  }
  void AddFailure(const Status& st) {
    if (st.code() == StatusCode::kConflict) {
      ++occ;
    } else {
      ++errors;
    }
  }
};

class Client {
 public:
  Client(Shared* shared, uint64_t seed) : shared_(shared), rng_(seed) {}

  Status Connect() {
    FOLIO_ASSIGN_OR_RETURN(auto service, driver::ServiceClient::Create(shared_->options->service));
    client_ = std::make_shared<driver::SessionClient>(std::move(service));
    return NewSession();
  }

  // Runs transactions through the phases until the stop phase, the end of the tickets (when
  // ticketed) or 1000 consecutive failures.
  void Run() {
    std::bernoulli_distribution is_read(shared_->options->read_ratio);
    int consecutive_errors = 0;
    for (;;) {
      int phase = shared_->phase.load(std::memory_order_relaxed);
      if (phase == 3 || !shared_->TakeTicket()) return;
      bool read = phase != 0 && is_read(rng_) && shared_->HaveVins();
      bool ok = read ? ReadOnce(phase) : WriteOnce(phase);
      consecutive_errors = ok ? 0 : consecutive_errors + 1;
      if (consecutive_errors >= 1000) {
        shared_->NoteError(Status::Internal("client stopped after 1000 consecutive failures"));
        return;
      }
      if (consecutive_errors >= 10) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }

  void End() {
    if (session_) (void)session_->End();
  }

  ClientResult& result() { return result_; }

 private:
  Status NewSession() {
    FOLIO_ASSIGN_OR_RETURN(session_, driver::Session::Start(client_, shared_->options->ledger));
    return Status::OK();
  }

  // Counts a failed transaction (when measuring), aborts it if still open, and replaces a dead
  // session. Returns false.
  bool Fail(const Status& st, driver::Transaction* txn, bool measured) {
    if (measured) result_.AddFailure(st);
    if (st.code() != StatusCode::kConflict) shared_->NoteError(st);
    if (txn != nullptr && !txn->closed() && !session_->dead()) (void)txn->Abort();
    if (session_->dead()) {
      if (Status s = NewSession(); !s.ok()) shared_->NoteError(s);
    }
    return false;
  }

  bool WriteOnce(int phase) {
    if (!session_ || session_->dead()) {
      if (Status s = NewSession(); !s.ok()) return Fail(s, nullptr, phase == 2);
    }
    std::string vin;
    std::vector<Value> params;
    params.push_back(shared_->NextDocument(&vin));

    auto t0 = Clock::now();
    auto txn = session_->StartTransaction();
    if (!txn.ok()) return Fail(txn.status(), nullptr, phase == 2);
    auto inserted = (*txn)->Execute(shared_->insert_statement, std::move(params));
    if (!inserted.ok()) return Fail(inserted.status(), txn->get(), phase == 2);
    auto t1 = Clock::now();
    Status committed = (*txn)->Commit();
    auto t2 = Clock::now();
    if (!committed.ok()) return Fail(committed, txn->get(), phase == 2);
    {
      std::lock_guard lock(shared_->vins_mu);
      shared_->vins.push_back(std::move(vin));
    }
    // Count only transactions that both started and finished inside the measured phase.
    if (shared_->Measured(phase)) result_.AddWrite(t0, t1, t2);
    return true;
  }

  bool ReadOnce(int phase) {
    if (!session_ || session_->dead()) {
      if (Status s = NewSession(); !s.ok()) return Fail(s, nullptr, phase == 2);
    }
    std::string vin = shared_->PickVin(rng_);
    std::vector<Value> params;
    params.push_back(Value::String(vin));

    auto t0 = Clock::now();
    auto txn = session_->StartTransaction();
    if (!txn.ok()) return Fail(txn.status(), nullptr, phase == 2);
    auto rows = (*txn)->Execute(shared_->select_statement, std::move(params));
    if (!rows.ok()) return Fail(rows.status(), txn->get(), phase == 2);
    if (rows->values.size() != 1) {
      return Fail(Status::Internal(fmt::format("SELECT by VIN {} returned {} documents, want 1",
                                               vin, rows->values.size())),
                  txn->get(), phase == 2);
    }
    Status committed = (*txn)->Commit();
    auto t1 = Clock::now();
    if (!committed.ok()) return Fail(committed, txn->get(), phase == 2);
    if (shared_->Measured(phase)) result_.AddRead(t0, t1);
    return true;
  }

  Shared* shared_;
  std::mt19937_64 rng_;
  std::shared_ptr<driver::SessionClient> client_;
  std::unique_ptr<driver::Session> session_;
  ClientResult result_;
};

// A session driven by an event loop (plain HTTP endpoints): the same transactions as Client,
// as a state machine over a non-blocking socket. Its thread's loop calls OnReadable/OnWritable;
// every response starts the next request at once, so a session waiting for the server costs no
// thread and one wake-up of the loop serves every response that has arrived.
class EventSession {
 public:
  EventSession(Shared* shared, driver::ServiceClient* service, const addrinfo* address,
               uint64_t seed)
      : shared_(shared), service_(service), address_(address), rng_(seed) {}
  ~EventSession() { CloseSocket(); }

  // Connects (blocking, then non-blocking for the run). Errors: kIOError.
  Status Connect() {
    CloseSocket();
    fd_ =
        ::socket(address_->ai_family, address_->ai_socktype | SOCK_CLOEXEC, address_->ai_protocol);
    if (fd_ < 0) return Status::IOError(fmt::format("socket: {}", std::strerror(errno)));
    // Linux bounds a blocking connect by the send timeout.
    auto timeout_ms = service_->config().http.timeout.count();
    timeval tv{static_cast<time_t>(timeout_ms / 1000),
               static_cast<suseconds_t>((timeout_ms % 1000) * 1000)};
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    if (::connect(fd_, address_->ai_addr, address_->ai_addrlen) != 0) {
      Status st = Status::IOError(fmt::format("cannot connect to {}: {}",
                                              service_->config().endpoint, std::strerror(errno)));
      CloseSocket();
      return st;
    }
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    int flags = ::fcntl(fd_, F_GETFL);
    ::fcntl(fd_, F_SETFL, flags | O_NONBLOCK);
    input_.clear();
    reader_ = std::make_unique<driver::HttpResponseReader>();
    ++connection_;
    return Status::OK();
  }

  int fd() const { return fd_; }
  // Changes with every new connection (a new descriptor may reuse the old one's number).
  uint64_t connection() const { return connection_; }
  // No request in flight and none to start in this run of the loop.
  bool idle() const { return step_ == Step::kIdle; }
  // Whether the socket must be watched for writability (a request only partly sent).
  bool wants_write() const { return sent_ < wire_.size(); }

  // What a run of the event loop asks of every session.
  enum class Mode {
    kStart,         // start a QLDB session, then idle (a failure is kept in start_error())
    kTransactions,  // transactions while the phase and the tickets allow
    kEnd,           // end the session
  };

  // Starts the session's part of a run of the loop.
  void Begin(Mode mode) {
    mode_ = mode;
    switch (mode) {
      case Mode::kStart:
        start_error_ = Status::OK();
        if (fd_ < 0) {
          if (Status st = Connect(); !st.ok()) {
            start_error_ = st;
            return;
          }
        }
        Send(Step::kStartSession, driver::StartSessionRequest(shared_->options->ledger));
        return;
      case Mode::kTransactions:
        Next();
        return;
      case Mode::kEnd:
        if (!token_.empty() && fd_ >= 0) Send(Step::kEndSession, driver::EndSessionRequest(token_));
        return;
    }
  }

  const Status& start_error() const { return start_error_; }

  // Fails the request in flight when it has waited longer than the client's request timeout
  // (the driver's HttpOptions::timeout) for its response.
  void CheckDeadline(Clock::time_point now) {
    if (step_ != Step::kIdle && fd_ >= 0 && now > deadline_) {
      TransportFailed(fmt::format("timed out after {} ms waiting for {}",
                                  service_->config().http.timeout.count(),
                                  service_->config().endpoint));
    }
  }

  void OnWritable() { Flush(); }

  void OnReadable() {
    char buf[65536];
    ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
    if (n <= 0) {
      TransportFailed(n == 0 ? "the server closed the connection"
                             : fmt::format("recv: {}", std::strerror(errno)));
      return;
    }
    input_.append(buf, static_cast<size_t>(n));
    auto used = reader_->Feed(input_);
    if (!used.ok()) {
      TransportFailed(used.status().message());
      return;
    }
    input_.erase(0, *used);
    if (!reader_->done()) return;
    bool keep_alive = reader_->keep_alive();
    driver::HttpResponse response = reader_->Take();
    if (!keep_alive) CloseSocket();
    OnResponse(driver::ServiceClient::ResponseBody(std::move(response)));
  }

  ClientResult& result() { return result_; }

 private:
  enum class Step {
    kIdle,
    kStartSession,
    kStartTransaction,
    kExecute,
    kCommit,
    kAbort,
    kEndSession
  };

  void CloseSocket() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  // Signs `body` as a SendCommand request and sends it (the rest when writable again).
  void Send(Step step, std::string body) {
    step_ = step;
    if (fd_ < 0) {
      if (Status st = Connect(); !st.ok()) {
        Failed(st);
        return;
      }
    }
    deadline_ = Clock::now() + service_->config().http.timeout;
    driver::HeaderList headers = driver::SendCommandHeaders();
    service_->Sign("POST", "/", headers, body);
    wire_.clear();
    driver::SerializeRequest("POST", "/", service_->host_header(), headers, body, wire_);
    sent_ = 0;
    Flush();
  }

  void Flush() {
    while (sent_ < wire_.size()) {
      ssize_t n = ::send(fd_, wire_.data() + sent_, wire_.size() - sent_, MSG_NOSIGNAL);
      if (n > 0) {
        sent_ += static_cast<size_t>(n);
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;  // the loop waits
      TransportFailed(fmt::format("send: {}", std::strerror(errno)));
      return;
    }
  }

  void TransportFailed(std::string_view what) {
    CloseSocket();
    Failed(Status::IOError(std::string(what)));
  }

  // The next transaction, or idle when the phase has ended or the tickets are gone.
  void Next() {
    step_ = Step::kIdle;
    if (consecutive_errors_ >= 1000) return;  // noted once when it reached 1000
    if (token_.empty()) {
      Send(Step::kStartSession, driver::StartSessionRequest(shared_->options->ledger));
      return;
    }
    phase_ = shared_->phase.load(std::memory_order_relaxed);
    if (phase_ == 3 || !shared_->TakeTicket()) return;
    std::bernoulli_distribution is_read(shared_->options->read_ratio);
    read_ = phase_ != 0 && is_read(rng_) && shared_->HaveVins();
    params_.clear();
    if (read_) {
      vin_ = shared_->PickVin(rng_);
      params_.push_back(Value::String(vin_));
    } else {
      params_.push_back(shared_->NextDocument(&vin_));
    }
    t0_ = Clock::now();
    Send(Step::kStartTransaction, driver::StartTransactionRequest(token_));
  }

  void OnResponse(Result<std::string> body) {
    if (!body.ok()) {
      Failed(body.status());
      return;
    }
    switch (step_) {
      case Step::kStartSession: {
        auto token = driver::ReadStartSessionResult(std::move(*body));
        if (!token.ok()) return Failed(token.status());
        token_ = std::move(*token);
        if (mode_ == Mode::kStart) {
          step_ = Step::kIdle;
          return;
        }
        Next();
        return;
      }
      case Step::kStartTransaction: {
        auto id = driver::ReadStartTransactionResult(std::move(*body));
        if (!id.ok()) return Failed(id.status());
        txn_id_ = std::move(*id);
        digest_.emplace(txn_id_);
        const std::string& statement =
            read_ ? shared_->select_statement : shared_->insert_statement;
        if (Status st = digest_->AddStatement(statement, params_); !st.ok()) return Failed(st);
        Send(Step::kExecute, driver::ExecuteStatementRequest(token_, txn_id_, statement, params_));
        return;
      }
      case Step::kExecute: {
        auto page = driver::ReadExecuteStatementResult(std::move(*body));
        if (!page.ok()) return Failed(page.status());
        if (read_ && page->values.size() != 1) {
          return Failed(Status::Internal(fmt::format(
              "SELECT by VIN {} returned {} documents, want 1", vin_, page->values.size())));
        }
        t1_ = Clock::now();
        Send(Step::kCommit, driver::CommitTransactionRequest(token_, txn_id_, digest_->digest()));
        return;
      }
      case Step::kCommit: {
        auto echoed = driver::ReadCommitTransactionResult(std::move(*body));
        if (!echoed.ok()) return Failed(echoed.status());
        if (*echoed != digest_->digest()) {
          return Failed(Status::Corruption("CommitDigest mismatch: sent " +
                                           HexEncode(digest_->digest()) + ", got " +
                                           HexEncode(*echoed)));
        }
        Committed();
        consecutive_errors_ = 0;
        Next();
        return;
      }
      case Step::kAbort:
        Next();
        return;
      case Step::kEndSession:
        token_.clear();
        step_ = Step::kIdle;
        return;
      case Step::kIdle:
        return;
    }
  }

  void Committed() {
    auto t2 = Clock::now();
    if (!read_) {
      std::lock_guard lock(shared_->vins_mu);
      shared_->vins.push_back(vin_);
    }
    // Count only transactions that both started and finished inside the measured phase.
    if (!shared_->Measured(phase_)) return;
    if (read_) {
      result_.AddRead(t0_, t2);
    } else {
      result_.AddWrite(t0_, t1_, t2);
    }
  }

  // As Client::Fail: counts a failed transaction (when measuring), aborts it when the session
  // lives on, starts a new session when it died, then goes on.
  void Failed(const Status& st) {
    Step failed_step = step_;
    step_ = Step::kIdle;
    if (mode_ == Mode::kStart) {
      start_error_ = st;
      return;
    }
    if (mode_ == Mode::kEnd) {
      token_.clear();
      return;
    }
    bool in_transaction = failed_step == Step::kExecute || failed_step == Step::kCommit;
    if (failed_step != Step::kStartSession && failed_step != Step::kAbort && phase_ == 2) {
      result_.AddFailure(st);
    }
    if (st.code() != StatusCode::kConflict) shared_->NoteError(st);
    if (++consecutive_errors_ == 1000) {
      shared_->NoteError(Status::Internal("client stopped after 1000 consecutive failures"));
      return;
    }
    if (fd_ < 0 || driver::IsSessionDead(st) || failed_step == Step::kStartSession) {
      token_.clear();  // a new connection or a dead session: start a new one
    } else if (in_transaction && st.code() != StatusCode::kConflict) {
      // A conflict closes the transaction on the server; any other failure leaves it open.
      Send(Step::kAbort, driver::AbortTransactionRequest(token_));
      return;
    }
    Next();
  }

  Shared* shared_;
  driver::ServiceClient* service_;
  const addrinfo* address_;
  std::mt19937_64 rng_;
  int fd_ = -1;
  Clock::time_point deadline_;  // for the response to the request in flight
  std::string wire_;            // the request being sent
  size_t sent_ = 0;             // bytes of wire_ sent
  std::string input_;           // received bytes the reader has not consumed
  std::unique_ptr<driver::HttpResponseReader> reader_;
  uint64_t connection_ = 0;
  Step step_ = Step::kIdle;
  Mode mode_ = Mode::kTransactions;
  Status start_error_ = Status::OK();
  int consecutive_errors_ = 0;
  std::string token_;
  // The transaction in progress.
  int phase_ = 0;
  bool read_ = false;
  std::string vin_;
  std::vector<Value> params_;
  std::string txn_id_;
  std::optional<driver::CommitDigestBuilder> digest_;
  Clock::time_point t0_, t1_;
  ClientResult result_;
};

// Runs `sessions` on the calling thread until every one is idle: Begin(mode) on each, then
// epoll over their sockets (level-triggered: one recv per readable socket per wake-up).
void RunEventLoop(std::span<EventSession* const> sessions, EventSession::Mode mode) {
  int ep = ::epoll_create1(EPOLL_CLOEXEC);
  struct Watch {
    uint64_t connection = 0;  // 0: not registered
    bool write = false;
  };
  std::vector<Watch> watches(sessions.size());
  // Registers session i's current socket for what it waits for; a closed descriptor has left
  // the epoll set by itself.
  auto watch = [&](size_t i) {
    EventSession* s = sessions[i];
    Watch& w = watches[i];
    bool live = s->fd() >= 0 && !s->idle();
    if (w.connection != 0 && (w.connection != s->connection() || !live)) {
      if (w.connection == s->connection()) ::epoll_ctl(ep, EPOLL_CTL_DEL, s->fd(), nullptr);
      w.connection = 0;
    }
    if (!live) return;
    epoll_event ev{};
    ev.events = EPOLLIN | (s->wants_write() ? EPOLLOUT : 0u);
    ev.data.u64 = i;
    if (w.connection == 0) {
      ::epoll_ctl(ep, EPOLL_CTL_ADD, s->fd(), &ev);
      w = {s->connection(), s->wants_write()};
    } else if (w.write != s->wants_write()) {
      ::epoll_ctl(ep, EPOLL_CTL_MOD, s->fd(), &ev);
      w.write = s->wants_write();
    }
  };
  for (size_t i = 0; i < sessions.size(); ++i) {
    sessions[i]->Begin(mode);
    watch(i);
  }
  epoll_event events[64];
  auto next_deadline_check = Clock::now();
  while (std::any_of(sessions.begin(), sessions.end(), [](auto* s) { return !s->idle(); })) {
    int n = ::epoll_wait(ep, events, 64, 100);
    for (int k = 0; k < n; ++k) {
      size_t i = events[k].data.u64;
      if (events[k].events & EPOLLOUT) sessions[i]->OnWritable();
      if (events[k].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) sessions[i]->OnReadable();
      watch(i);
    }
    if (auto now = Clock::now(); now >= next_deadline_check) {
      for (size_t i = 0; i < sessions.size(); ++i) {
        sessions[i]->CheckDeadline(now);
        watch(i);
      }
      next_deadline_check = now + std::chrono::milliseconds(100);
    }
  }
  ::close(ep);
}

// Runs `fn(client)` on one thread per client and joins them.
template <typename Fn>
void OnEveryClient(std::vector<std::unique_ptr<Client>>& clients, Fn fn) {
  std::vector<std::thread> threads;
  threads.reserve(clients.size());
  for (auto& c : clients) threads.emplace_back([&fn, cl = c.get()] { fn(*cl); });
  for (auto& t : threads) t.join();
}

// The clients of one load run. Run() runs transactions through the phases and returns when
// the stop phase is reached or the tickets are gone (when ticketed).
class Fleet {
 public:
  virtual ~Fleet() = default;
  // Connects and starts every session. Errors: the first failure.
  virtual Status Start() = 0;
  virtual void Run() = 0;
  virtual void End() = 0;
  virtual std::vector<ClientResult*> Results() = 0;
};

// One thread per session through the driver (TLS endpoints).
class ThreadFleet final : public Fleet {
 public:
  ThreadFleet(Shared* shared, std::mt19937_64& seeder) {
    for (int i = 0; i < shared->options->clients; ++i) {
      clients_.push_back(std::make_unique<Client>(shared, seeder()));
    }
  }
  Status Start() override {
    std::mutex mu;
    Status first = Status::OK();
    OnEveryClient(clients_, [&](Client& c) {
      Status st = c.Connect();
      std::lock_guard lock(mu);
      if (!st.ok() && first.ok()) first = st;
    });
    return first;
  }
  void Run() override {
    OnEveryClient(clients_, [](Client& c) { c.Run(); });
  }
  void End() override {
    OnEveryClient(clients_, [](Client& c) { c.End(); });
  }
  std::vector<ClientResult*> Results() override {
    std::vector<ClientResult*> out;
    for (auto& c : clients_) out.push_back(&c->result());
    return out;
  }

 private:
  std::vector<std::unique_ptr<Client>> clients_;
};

// Sessions spread over a few event-loop threads (plain HTTP endpoints), as pgbench -j spreads
// its connections over threads.
class EventFleet final : public Fleet {
 public:
  EventFleet(Shared* shared, std::mt19937_64& seeder) : shared_(shared), seeder_(seeder) {}
  ~EventFleet() override {
    if (addresses_ != nullptr) ::freeaddrinfo(addresses_);
  }

  Status Start() override {
    const LoadOptions& o = *shared_->options;
    FOLIO_ASSIGN_OR_RETURN(service_, driver::ServiceClient::Create(o.service));
    FOLIO_ASSIGN_OR_RETURN(driver::Endpoint endpoint, driver::ParseEndpoint(o.service.endpoint));
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    int rc = ::getaddrinfo(endpoint.host.c_str(), std::to_string(endpoint.port).c_str(), &hints,
                           &addresses_);
    if (rc != 0) {
      return Status::IOError("cannot resolve " + endpoint.host + ": " + ::gai_strerror(rc));
    }
    for (int i = 0; i < o.clients; ++i) {
      sessions_.push_back(
          std::make_unique<EventSession>(shared_, service_.get(), addresses_, seeder_()));
    }
    RunAll(EventSession::Mode::kStart);
    for (auto& s : sessions_) {
      if (!s->start_error().ok()) return s->start_error();
    }
    return Status::OK();
  }
  void Run() override { RunAll(EventSession::Mode::kTransactions); }
  void End() override { RunAll(EventSession::Mode::kEnd); }
  std::vector<ClientResult*> Results() override {
    std::vector<ClientResult*> out;
    for (auto& s : sessions_) out.push_back(&s->result());
    return out;
  }

 private:
  // Every session, on `threads` threads (0: one per 64 sessions), each with its own share.
  void RunAll(EventSession::Mode mode) {
    int wanted = shared_->options->threads > 0 ? shared_->options->threads
                                               : (shared_->options->clients + 63) / 64;
    size_t threads = std::clamp<size_t>(static_cast<size_t>(wanted), 1, sessions_.size());
    std::vector<std::vector<EventSession*>> shares(threads);
    for (size_t i = 0; i < sessions_.size(); ++i) shares[i % threads].push_back(sessions_[i].get());
    std::vector<std::thread> running;
    for (auto& share : shares) {
      running.emplace_back([&share, mode] { RunEventLoop(share, mode); });
    }
    for (auto& t : running) t.join();
  }

  Shared* shared_;
  std::mt19937_64& seeder_;
  std::shared_ptr<driver::ServiceClient> service_;
  addrinfo* addresses_ = nullptr;
  std::vector<std::unique_ptr<EventSession>> sessions_;
};

double Ms(int64_t us) { return static_cast<double>(us) / 1000.0; }

std::string LatencyLine(std::string_view name, const LatencySummary& s) {
  if (s.count == 0) return fmt::format("  {:<22} -\n", name);
  return fmt::format("  {:<22} p50 {:8.2f}  p90 {:8.2f}  p99 {:8.2f}  max {:8.2f}  mean {:8.2f}\n",
                     name, Ms(s.p50_us), Ms(s.p90_us), Ms(s.p99_us), Ms(s.max_us),
                     s.mean_us / 1000.0);
}

std::string LatencyJson(const LatencySummary& s) {
  return fmt::format(
      "{{\"count\":{},\"p50_ms\":{:.3f},\"p90_ms\":{:.3f},\"p99_ms\":{:.3f},\"max_ms\":{:.3f},"
      "\"mean_ms\":{:.3f}}}",
      s.count, Ms(s.p50_us), Ms(s.p90_us), Ms(s.p99_us), Ms(s.max_us), s.mean_us / 1000.0);
}

std::string JsonEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += fmt::format("\\u{:04x}", c);
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

LatencySummary Summarize(std::vector<int64_t>& samples) {
  LatencySummary s;
  s.count = static_cast<int64_t>(samples.size());
  if (samples.empty()) return s;
  std::sort(samples.begin(), samples.end());
  auto rank = [&](double p) {
    size_t i = static_cast<size_t>(std::ceil(p * static_cast<double>(samples.size())));
    return samples[std::clamp<size_t>(i, 1, samples.size()) - 1];
  };
  s.p50_us = rank(0.50);
  s.p90_us = rank(0.90);
  s.p99_us = rank(0.99);
  s.max_us = samples.back();
  double sum = 0;
  for (int64_t v : samples) sum += static_cast<double>(v);
  s.mean_us = sum / static_cast<double>(samples.size());
  return s;
}

Status PrepareSchema(const LoadOptions& options) {
  if (!IsIdentifier(options.table)) {
    return Status::InvalidArgument("table name must be an identifier, got '" + options.table + "'");
  }
  driver::DriverOptions o;
  o.service = options.service;
  o.ledger = options.ledger;
  o.max_sessions = 1;
  FOLIO_ASSIGN_OR_RETURN(auto drv, driver::Driver::Create(std::move(o)));
  bool have_table = false, have_index = false;
  FOLIO_TRY(drv->Execute([&](driver::Transaction& txn) -> Status {
    FOLIO_ASSIGN_OR_RETURN(
        auto rows, txn.Execute("SELECT * FROM information_schema.user_tables WHERE name = '" +
                               options.table + "' AND status = 'ACTIVE'"));
    have_table = !rows.values.empty();
    have_index = false;
    for (const Value& row : rows.values) {
      const Value* indexes =
          row.type() == ion::Type::kStruct && !row.is_null() ? row.Get("indexes") : nullptr;
      if (indexes == nullptr || indexes->is_null() || !indexes->is_sequence()) continue;
      for (const Value& index : indexes->elements()) {
        if (index.type() != ion::Type::kStruct || index.is_null()) continue;
        const Value* expr = index.Get("expr");
        if (expr != nullptr && !expr->is_null() && expr->is_text() && expr->text() == "[VIN]") {
          have_index = true;
        }
      }
    }
    return Status::OK();
  }));
  if (!have_table) {
    FOLIO_TRY(drv->Execute([&](driver::Transaction& txn) -> Status {
      return txn.Execute("CREATE TABLE " + options.table).status();
    }));
  }
  if (!have_index) {
    FOLIO_TRY(drv->Execute([&](driver::Transaction& txn) -> Status {
      return txn.Execute("CREATE INDEX ON " + options.table + " (VIN)").status();
    }));
  }
  drv->Close();
  return Status::OK();
}

Result<LoadReport> RunLoad(const LoadOptions& options) {
  if (options.clients < 1 || options.clients > 4096) {
    return Status::InvalidArgument("--clients must be between 1 and 4096");
  }
  if (options.threads < 0 || options.threads > 256) {
    return Status::InvalidArgument("--threads must be between 0 and 256");
  }
  if (options.read_ratio < 0 || options.read_ratio > 1) {
    return Status::InvalidArgument("--read-ratio must be between 0 and 1");
  }
  if (options.transactions < 0) return Status::InvalidArgument("--transactions must be >= 0");
  if (options.transactions == 0 && options.duration <= std::chrono::milliseconds(0)) {
    return Status::InvalidArgument("--duration must be positive");
  }
  if (!IsIdentifier(options.table)) {
    return Status::InvalidArgument("table name must be an identifier, got '" + options.table + "'");
  }
  uint64_t seed = options.seed != 0 ? options.seed : std::random_device{}();
  std::mt19937_64 seeder(seed);

  Shared shared;
  shared.options = &options;
  shared.run_id = fmt::format("VIN{:08X}-", static_cast<uint32_t>(seeder()));
  shared.insert_statement = "INSERT INTO " + options.table + " ?";
  shared.select_statement = "SELECT * FROM " + options.table + " WHERE VIN = ?";

  FOLIO_ASSIGN_OR_RETURN(driver::Endpoint endpoint,
                         driver::ParseEndpoint(options.service.endpoint));
  std::unique_ptr<Fleet> fleet;
  if (endpoint.tls) {
    fleet = std::make_unique<ThreadFleet>(&shared, seeder);
  } else {
    fleet = std::make_unique<EventFleet>(&shared, seeder);
  }
  shared.phase = 3;  // no transactions while the sessions start
  if (Status st = fleet->Start(); !st.ok()) {
    fleet->End();
    return st.WithContext("starting sessions");
  }

  // Preload: documents for the reads to find.
  if (options.read_ratio > 0 && options.preload > 0) {
    shared.ticket_limit = options.preload;
    shared.phase = 0;
    fleet->Run();
    if (shared.vins.empty()) {
      fleet->End();
      std::lock_guard lock(shared.errors_mu);
      return Status::Internal(
          "the preload inserted no documents" +
          (shared.first_errors.empty() ? std::string() : ": " + *shared.first_errors.begin()));
    }
  }

  LoadReport report;
  report.clients = options.clients;
  if (options.transactions > 0) {
    shared.tickets = 0;
    shared.ticket_limit = options.transactions;
    shared.phase = 2;
    auto start = Clock::now();
    fleet->Run();
    report.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    shared.phase = 3;
  } else {
    shared.ticket_limit = 0;
    shared.phase = options.warmup > std::chrono::milliseconds(0) ? 1 : 2;
    std::thread running([&] { fleet->Run(); });
    if (shared.phase.load() == 1) {
      std::this_thread::sleep_for(options.warmup);
      shared.phase = 2;
    }
    auto start = Clock::now();
    std::this_thread::sleep_for(options.duration);
    shared.phase = 3;
    report.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    running.join();
  }
  fleet->End();

  std::vector<int64_t> commit_us, write_us, read_us;
  for (ClientResult* r : fleet->Results()) {
    report.commits += r->commits;
    report.reads += r->reads;
    report.occ_conflicts += r->occ;
    report.errors += r->errors;
    report.digest_checked += r->digest_checked;
    write_us.insert(write_us.end(), r->write_us.begin(), r->write_us.end());
    read_us.insert(read_us.end(), r->read_us.begin(), r->read_us.end());
    report.commit_timeline.insert(report.commit_timeline.end(), r->commit_timeline.begin(),
                                  r->commit_timeline.end());
  }
  std::sort(report.commit_timeline.begin(), report.commit_timeline.end(),
            [](const auto& a, const auto& b) { return a.answered_us < b.answered_us; });
  for (const auto& c : report.commit_timeline) commit_us.push_back(c.latency_us);
  report.commit = Summarize(commit_us);
  report.write_txn = Summarize(write_us);
  report.read_txn = Summarize(read_us);
  report.first_errors.assign(shared.first_errors.begin(), shared.first_errors.end());
  return report;
}

Status WriteCommitLog(const std::string& path, const LoadReport& report) {
  std::string text;
  text.reserve(report.commit_timeline.size() * 20);
  for (const auto& c : report.commit_timeline) {
    fmt::format_to(std::back_inserter(text), "{} {}\n", c.answered_us, c.latency_us);
  }
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (f == nullptr) return Status::IOError("cannot create " + path + ": " + std::strerror(errno));
  const bool written = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  if (std::fclose(f) != 0 || !written) return Status::IOError("cannot write " + path);
  return Status::OK();
}

std::string FormatReport(const LoadReport& r) {
  double s = r.seconds > 0 ? r.seconds : 1;
  std::string out = fmt::format("clients={} measured={:.2f}s\n", r.clients, r.seconds);
  out += fmt::format("  commits {} ({:.1f}/s)  reads {} ({:.1f}/s)  occ_conflicts {}  errors {}\n",
                     r.commits, static_cast<double>(r.commits) / s, r.reads,
                     static_cast<double>(r.reads) / s, r.occ_conflicts, r.errors);
  out += "  latency (ms)\n";
  out += LatencyLine("commit command", r.commit);
  out += LatencyLine("write transaction", r.write_txn);
  out += LatencyLine("read transaction", r.read_txn);
  for (const std::string& e : r.first_errors) out += "  error: " + e + "\n";
  return out;
}

std::string FormatReportJson(const LoadReport& r) {
  double s = r.seconds > 0 ? r.seconds : 1;
  std::string errors;
  for (const std::string& e : r.first_errors) {
    if (!errors.empty()) errors += ",";
    errors += "\"" + JsonEscape(e) + "\"";
  }
  return fmt::format(
      "{{\"clients\":{},\"seconds\":{:.3f},\"commits\":{},\"commits_per_s\":{:.1f},\"reads\":{},"
      "\"reads_per_s\":{:.1f},\"occ_conflicts\":{},\"errors\":{},\"commit\":{},\"write_txn\":{},"
      "\"read_txn\":{},\"first_errors\":[{}]}}",
      r.clients, r.seconds, r.commits, static_cast<double>(r.commits) / s, r.reads,
      static_cast<double>(r.reads) / s, r.occ_conflicts, r.errors, LatencyJson(r.commit),
      LatencyJson(r.write_txn), LatencyJson(r.read_txn), errors);
}

}  // namespace folio::cli
