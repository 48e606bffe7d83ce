#include "main/loadgen.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "bench/vehicle_document.h"
#include "driver/driver.h"
#include "driver/errors.h"
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
  bool TakeTicket() {
    if (ticket_limit <= 0) return true;
    return tickets.fetch_add(1) < ticket_limit;
  }
};

struct ClientResult {
  int64_t commits = 0, reads = 0, occ = 0, errors = 0, digest_checked = 0;
  std::vector<int64_t> commit_us, write_us, read_us;
};

class Client {
 public:
  Client(Shared* shared, uint64_t seed) : shared_(shared), rng_(seed) {}

  Status Connect() {
    FOLIO_ASSIGN_OR_RETURN(auto service, driver::ServiceClient::Create(shared_->options->service));
    client_ = std::make_shared<driver::SessionClient>(std::move(service));
    return NewSession();
  }

  // Runs transactions while the phase is `phase` (and tickets last, when ticketed).
  void Loop(int phase) {
    std::bernoulli_distribution is_read(shared_->options->read_ratio);
    int consecutive_errors = 0;
    while (shared_->phase.load(std::memory_order_relaxed) == phase) {
      if (!shared_->TakeTicket()) return;
      bool read = phase != 0 && is_read(rng_) && HaveVins();
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

  bool HaveVins() {
    std::lock_guard lock(shared_->vins_mu);
    return !shared_->vins.empty();
  }

  std::string PickVin() {
    std::lock_guard lock(shared_->vins_mu);
    std::uniform_int_distribution<size_t> pick(0, shared_->vins.size() - 1);
    return shared_->vins[pick(rng_)];
  }

  // Counts a failed transaction (when measuring), aborts it if still open, and replaces a dead
  // session. Returns false.
  bool Fail(const Status& st, driver::Transaction* txn, bool measured) {
    if (measured) {
      if (st.code() == StatusCode::kConflict) {
        ++result_.occ;
      } else {
        ++result_.errors;
      }
    }
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
    uint64_t n = shared_->next_doc.fetch_add(1);
    std::string vin = fmt::format("{}{:08}", shared_->run_id, n);
    std::vector<Value> params;
    params.push_back(bench::VehicleDocument(vin, n));

    auto t0 = Clock::now();
    auto txn = session_->StartTransaction();
    if (!txn.ok()) return Fail(txn.status(), nullptr, phase == 2);
    auto inserted = (*txn)->Execute(insert_, std::move(params));
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
    if (phase == 2 && shared_->phase.load(std::memory_order_relaxed) == 2) {
      ++result_.commits;
      ++result_.digest_checked;
      result_.commit_us.push_back(MicrosBetween(t1, t2));
      result_.write_us.push_back(MicrosBetween(t0, t2));
    }
    return true;
  }

  bool ReadOnce(int phase) {
    if (!session_ || session_->dead()) {
      if (Status s = NewSession(); !s.ok()) return Fail(s, nullptr, phase == 2);
    }
    std::string vin = PickVin();
    std::vector<Value> params;
    params.push_back(Value::String(vin));

    auto t0 = Clock::now();
    auto txn = session_->StartTransaction();
    if (!txn.ok()) return Fail(txn.status(), nullptr, phase == 2);
    auto rows = (*txn)->Execute(select_, std::move(params));
    if (!rows.ok()) return Fail(rows.status(), txn->get(), phase == 2);
    if (rows->values.size() != 1) {
      return Fail(Status::Internal(fmt::format("SELECT by VIN {} returned {} documents, want 1",
                                               vin, rows->values.size())),
                  txn->get(), phase == 2);
    }
    Status committed = (*txn)->Commit();
    auto t1 = Clock::now();
    if (!committed.ok()) return Fail(committed, txn->get(), phase == 2);
    if (phase == 2 && shared_->phase.load(std::memory_order_relaxed) == 2) {
      ++result_.reads;
      result_.read_us.push_back(MicrosBetween(t0, t1));
    }
    return true;
  }

  Shared* shared_;
  std::mt19937_64 rng_;
  std::shared_ptr<driver::SessionClient> client_;
  std::unique_ptr<driver::Session> session_;
  std::string insert_ = "INSERT INTO " + shared_->options->table + " ?";
  std::string select_ = "SELECT * FROM " + shared_->options->table + " WHERE VIN = ?";
  ClientResult result_;
};

// Runs `fn(client)` on one thread per client and joins them.
template <typename Fn>
void OnEveryClient(std::vector<std::unique_ptr<Client>>& clients, Fn fn) {
  std::vector<std::thread> threads;
  threads.reserve(clients.size());
  for (auto& c : clients) threads.emplace_back([&fn, cl = c.get()] { fn(*cl); });
  for (auto& t : threads) t.join();
}

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
    FOLIO_ASSIGN_OR_RETURN(auto rows,
                           txn.Execute("SELECT * FROM information_schema.user_tables WHERE name = '" +
                                       options.table + "' AND status = 'ACTIVE'"));
    have_table = !rows.values.empty();
    have_index = false;
    for (const Value& row : rows.values) {
      const Value* indexes = row.type() == ion::Type::kStruct && !row.is_null()
                                 ? row.Get("indexes")
                                 : nullptr;
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

  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < options.clients; ++i) {
    clients.push_back(std::make_unique<Client>(&shared, seeder()));
  }
  std::mutex connect_mu;
  Status connect_status = Status::OK();
  OnEveryClient(clients, [&](Client& c) {
    Status st = c.Connect();
    std::lock_guard lock(connect_mu);
    if (!st.ok() && connect_status.ok()) connect_status = st;
  });
  auto end_all = [&] { OnEveryClient(clients, [](Client& c) { c.End(); }); };
  if (!connect_status.ok()) {
    end_all();
    return connect_status.WithContext("starting sessions");
  }

  // Preload: documents for the reads to find.
  if (options.read_ratio > 0 && options.preload > 0) {
    shared.ticket_limit = options.preload;
    shared.phase = 0;
    OnEveryClient(clients, [](Client& c) { c.Loop(0); });
    if (shared.vins.empty()) {
      end_all();
      std::lock_guard lock(shared.errors_mu);
      return Status::Internal("the preload inserted no documents" +
                              (shared.first_errors.empty() ? std::string()
                                                           : ": " + *shared.first_errors.begin()));
    }
  }

  LoadReport report;
  report.clients = options.clients;
  if (options.transactions > 0) {
    shared.tickets = 0;
    shared.ticket_limit = options.transactions;
    shared.phase = 2;
    auto start = Clock::now();
    OnEveryClient(clients, [](Client& c) { c.Loop(2); });
    report.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    shared.phase = 3;
  } else {
    shared.ticket_limit = 0;
    shared.phase = options.warmup > std::chrono::milliseconds(0) ? 1 : 2;
    std::vector<std::thread> threads;
    for (auto& c : clients) {
      threads.emplace_back([cl = c.get(), &shared] {
        if (shared.phase.load() == 1) cl->Loop(1);
        cl->Loop(2);
      });
    }
    if (shared.phase.load() == 1) {
      std::this_thread::sleep_for(options.warmup);
      shared.phase = 2;
    }
    auto start = Clock::now();
    std::this_thread::sleep_for(options.duration);
    shared.phase = 3;
    report.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    for (auto& t : threads) t.join();
  }
  end_all();

  std::vector<int64_t> commit_us, write_us, read_us;
  for (auto& c : clients) {
    ClientResult& r = c->result();
    report.commits += r.commits;
    report.reads += r.reads;
    report.occ_conflicts += r.occ;
    report.errors += r.errors;
    report.digest_checked += r.digest_checked;
    commit_us.insert(commit_us.end(), r.commit_us.begin(), r.commit_us.end());
    write_us.insert(write_us.end(), r.write_us.begin(), r.write_us.end());
    read_us.insert(read_us.end(), r.read_us.begin(), r.read_us.end());
  }
  report.commit = Summarize(commit_us);
  report.write_txn = Summarize(write_us);
  report.read_txn = Summarize(read_us);
  report.first_errors.assign(shared.first_errors.begin(), shared.first_errors.end());
  return report;
}

std::string FormatReport(const LoadReport& r) {
  double s = r.seconds > 0 ? r.seconds : 1;
  std::string out = fmt::format("clients={} measured={:.2f}s\n", r.clients, r.seconds);
  out += fmt::format(
      "  commits {} ({:.1f}/s)  reads {} ({:.1f}/s)  occ_conflicts {}  errors {}\n", r.commits,
      static_cast<double>(r.commits) / s, r.reads, static_cast<double>(r.reads) / s,
      r.occ_conflicts, r.errors);
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
