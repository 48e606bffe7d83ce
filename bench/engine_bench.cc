// folio_engine_bench: in-process engine throughput and memory (docs/perf/engine.md).
//
//   folio_engine_bench throughput [--writers 1,8,32] [--seconds 10] [--dir D] [--nosync] [--no-reads]
//     Durable single-document insert transactions per second with W concurrent writers (each
//     transaction: BeginTransaction, INSERT INTO Vehicle ? with one ~300-byte document shaped
//     like /work/shared/bench/pg_baseline.sh's, Commit with the driver's commit digest), then
//     indexed point reads per second (one transaction per SELECT * FROM Vehicle WHERE VIN = ?,
//     on VINs that exist) with the same thread counts.
//   folio_engine_bench mixed [--writers 8] [--readers 8] [--seconds 10] [--dir D] [--nosync]
//     Readers alone, then readers while writers insert: point-read latency percentiles show
//     how much a concurrent commit (its fsync) delays BeginTransaction and reads.
//   folio_engine_bench memory [--docs 1000000] [--per-txn 40] [--loaders 8] [--dir D] [--nosync]
//     Loads the documents and reports VmRSS/VmHWM from /proc/self/status along the way.
//
// Output lines are "key=value" records, one per measurement, for scripts/bench_engine.sh.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "bench/vehicle_document.h"
#include "engine/commit_digest.h"
#include "engine/engine.h"
#include "ion/value.h"

namespace folio::engine {
namespace {

using Clock = std::chrono::steady_clock;
using ion::Value;

struct Args {
  std::string mode;
  std::vector<int> writers = {1, 8, 32};
  double seconds = 10;
  std::string dir;
  bool sync = true;
  bool reads = true;
  uint64_t docs = 1000000;
  int per_txn = 40;
  int loaders = 8;
  int readers = 8;
};

[[noreturn]] void Usage(const char* why) {
  std::fprintf(stderr,
               "%s\nusage: folio_engine_bench throughput [--writers 1,8,32] [--seconds 10] [--dir D] [--nosync] [--no-reads]\n"
               "       folio_engine_bench mixed [--writers 8] [--readers 8] [--seconds 10] [--dir D] [--nosync]\n"
               "       folio_engine_bench memory [--docs N] [--per-txn 40] [--loaders 8] [--dir D] [--nosync]\n",
               why);
  std::exit(2);
}

Args ParseArgs(int argc, char** argv) {
  Args a;
  if (argc < 2) Usage("missing mode");
  a.mode = argv[1];
  if (a.mode != "throughput" && a.mode != "memory" && a.mode != "mixed") Usage("unknown mode");
  for (int i = 2; i < argc; ++i) {
    std::string flag = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) Usage(("missing value for " + flag).c_str());
      return argv[++i];
    };
    if (flag == "--writers") {
      a.writers.clear();
      std::string list = value();
      for (size_t pos = 0; pos <= list.size();) {
        size_t comma = list.find(',', pos);
        if (comma == std::string::npos) comma = list.size();
        int w = std::atoi(list.substr(pos, comma - pos).c_str());
        if (w <= 0) Usage("--writers takes positive counts");
        a.writers.push_back(w);
        pos = comma + 1;
      }
    } else if (flag == "--seconds") {
      a.seconds = std::atof(value().c_str());
    } else if (flag == "--dir") {
      a.dir = value();
    } else if (flag == "--no-reads") {
      a.reads = false;
    } else if (flag == "--nosync") {
      a.sync = false;
    } else if (flag == "--docs") {
      a.docs = std::strtoull(value().c_str(), nullptr, 10);
    } else if (flag == "--per-txn") {
      a.per_txn = std::atoi(value().c_str());
    } else if (flag == "--readers") {
      a.readers = std::atoi(value().c_str());
    } else if (flag == "--loaders") {
      a.loaders = std::atoi(value().c_str());
    } else {
      Usage(("unknown flag " + flag).c_str());
    }
  }
  if (a.seconds <= 0 || a.per_txn <= 0 || a.per_txn > 40 || a.loaders <= 0) Usage("bad numbers");
  if (a.dir.empty()) a.dir = (std::filesystem::temp_directory_path() / "folio_engine_bench").string();
  return a;
}

[[noreturn]] void Die(const std::string& what, const Status& s) {
  std::fprintf(stderr, "%s: %s\n", what.c_str(), s.ToString().c_str());
  std::exit(1);
}

// One transaction of statements, committed with the digest a driver computes.
Status RunTxn(Ledger& ledger, std::string_view statement, const std::vector<Value>& params,
              size_t* rows = nullptr) {
  FOLIO_ASSIGN_OR_RETURN(std::unique_ptr<Transaction> txn, ledger.BeginTransaction());
  CommitDigest digest(txn->id());
  FOLIO_TRY(digest.AddStatement(statement, params));
  FOLIO_ASSIGN_OR_RETURN(StatementResult r, txn->Execute(statement, params));
  if (rows != nullptr) *rows = r.values.size();
  return txn->Commit(digest.value()).status();
}

std::shared_ptr<Ledger> OpenFresh(const Args& args, std::unique_ptr<Engine>& engine) {
  std::filesystem::remove_all(args.dir);
  EngineOptions o;
  o.data_dir = args.dir;
  o.sync_commits = args.sync;
  auto e = Engine::Open(o);
  if (!e.ok()) Die("open", e.status());
  engine = std::move(*e);
  CreateLedgerParams p;
  p.name = "bench";
  p.deletion_protection = false;
  if (auto c = engine->CreateLedger(p); !c.ok()) Die("create ledger", c.status());
  auto l = engine->GetLedger("bench");
  if (!l.ok()) Die("get ledger", l.status());
  for (const char* ddl : {"CREATE TABLE Vehicle", "CREATE INDEX ON Vehicle (VIN)"}) {
    if (Status s = RunTxn(**l, ddl, {}); !s.ok()) Die(ddl, s);
  }
  return *l;
}

// Runs `op(thread, n)` on `threads` threads for `seconds`; returns completed operations.
template <typename Op>
uint64_t RunFor(int threads, double seconds, Op op) {
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> total{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      uint64_t n = 0;
      while (!stop.load(std::memory_order_relaxed)) op(t, n++);
      total.fetch_add(n);
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop.store(true);
  for (std::thread& th : pool) th.join();
  return total.load();
}

std::string ProcStatus(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field, 0) == 0) {
      size_t start = line.find_first_not_of(" \t", std::string(field).size() + 1);
      return start == std::string::npos ? "" : line.substr(start);
    }
  }
  return "?";
}

int Throughput(const Args& args) {
  std::unique_ptr<Engine> engine;
  std::shared_ptr<Ledger> ledger = OpenFresh(args, engine);
  std::vector<std::vector<std::string>> vins(256);  // per thread slot, for the read phase
  std::atomic<uint64_t> errors{0};
  int round = 0;
  for (int writers : args.writers) {
    ++round;
    auto start = Clock::now();
    uint64_t done = RunFor(writers, args.seconds, [&](int t, uint64_t n) {
      std::string vin = "VIN" + std::to_string(round) + "-" + std::to_string(t) + "-" + std::to_string(n);
      Status s = RunTxn(*ledger, "INSERT INTO Vehicle ?", {bench::VehicleDocument(vin, n)});
      if (!s.ok()) {
        if (errors.fetch_add(1) == 0) std::fprintf(stderr, "insert: %s\n", s.ToString().c_str());
        return;
      }
      if (vins[t % vins.size()].size() < 20000) vins[t % vins.size()].push_back(vin);
    });
    double secs = std::chrono::duration<double>(Clock::now() - start).count();
    std::printf("bench=insert-1-doc writers=%d txns=%llu seconds=%.2f tps=%.1f sync=%d\n", writers,
                static_cast<unsigned long long>(done), secs, done / secs, args.sync ? 1 : 0);
    std::fflush(stdout);
  }
  std::vector<std::string> all;
  for (auto& v : vins) all.insert(all.end(), v.begin(), v.end());
  if (all.empty()) {
    std::fprintf(stderr, "no document was inserted\n");
    return 1;
  }
  for (int readers : args.reads ? args.writers : std::vector<int>{}) {
    std::atomic<uint64_t> misses{0};
    auto start = Clock::now();
    uint64_t done = RunFor(readers, args.seconds, [&](int t, uint64_t n) {
      thread_local std::mt19937_64 rng(std::random_device{}());
      const std::string& vin = all[rng() % all.size()];
      size_t rows = 0;
      Status s = RunTxn(*ledger, "SELECT * FROM Vehicle WHERE VIN = ?", {Value::String(vin)}, &rows);
      if (!s.ok()) {
        if (errors.fetch_add(1) == 0) std::fprintf(stderr, "read: %s\n", s.ToString().c_str());
      } else if (rows != 1) {
        misses.fetch_add(1);
      }
    });
    double secs = std::chrono::duration<double>(Clock::now() - start).count();
    std::printf("bench=indexed-read readers=%d reads=%llu seconds=%.2f tps=%.1f misses=%llu\n", readers,
                static_cast<unsigned long long>(done), secs, done / secs,
                static_cast<unsigned long long>(misses.load()));
    std::fflush(stdout);
    if (misses.load() != 0) return 1;
  }
  std::printf("bench=summary errors=%llu VmHWM=\"%s\"\n", static_cast<unsigned long long>(errors.load()),
              ProcStatus("VmHWM").c_str());
  ledger.reset();
  engine.reset();
  std::filesystem::remove_all(args.dir);
  return errors.load() == 0 ? 0 : 1;
}

// Point reads of existing VINs by `readers` threads for `seconds`, optionally while `writers`
// threads insert. Prints throughput and read latency percentiles.
void MixedPhase(Ledger& ledger, const std::vector<std::string>& vins, int readers, int writers,
                double seconds, const char* label) {
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> writes{0}, errors{0};
  std::vector<std::vector<double>> latencies(readers);
  std::vector<std::thread> pool;
  for (int r = 0; r < readers; ++r) {
    pool.emplace_back([&, r] {
      std::mt19937_64 rng(r + 1);
      while (!stop.load(std::memory_order_relaxed)) {
        auto t0 = Clock::now();
        size_t rows = 0;
        Status s = RunTxn(ledger, "SELECT * FROM Vehicle WHERE VIN = ?",
                          {Value::String(vins[rng() % vins.size()])}, &rows);
        if (!s.ok() || rows != 1) errors.fetch_add(1);
        latencies[r].push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
      }
    });
  }
  for (int w = 0; w < writers; ++w) {
    pool.emplace_back([&, w] {
      for (uint64_t n = 0; !stop.load(std::memory_order_relaxed); ++n) {
        std::string vin = std::string("M") + label + "-" + std::to_string(w) + "-" + std::to_string(n);
        if (RunTxn(ledger, "INSERT INTO Vehicle ?", {bench::VehicleDocument(vin, n)}).ok()) {
          writes.fetch_add(1);
        } else {
          errors.fetch_add(1);
        }
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop.store(true);
  for (std::thread& t : pool) t.join();
  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  auto pct = [&](double p) { return all.empty() ? 0.0 : all[std::min(all.size() - 1, static_cast<size_t>(p * all.size()))]; };
  std::printf("bench=mixed phase=%s readers=%d writers=%d read_tps=%.1f write_tps=%.1f read_p50_us=%.0f read_p99_us=%.0f read_max_us=%.0f errors=%llu\n",
              label, readers, writers, all.size() / seconds, writes.load() / seconds, pct(0.5), pct(0.99),
              all.empty() ? 0.0 : all.back(), static_cast<unsigned long long>(errors.load()));
  std::fflush(stdout);
}

int Mixed(const Args& args) {
  std::unique_ptr<Engine> engine;
  std::shared_ptr<Ledger> ledger = OpenFresh(args, engine);
  std::vector<std::string> vins;
  for (int batch = 0; batch < 50; ++batch) {
    std::vector<Value> docs;
    for (int i = 0; i < 40; ++i) {
      vins.push_back("VIN" + std::to_string(batch * 40 + i));
      docs.push_back(bench::VehicleDocument(vins.back(), batch * 40 + i));
    }
    if (Status s = RunTxn(*ledger, "INSERT INTO Vehicle ?", {Value::List(std::move(docs))}); !s.ok()) Die("preload", s);
  }
  int writers = args.writers.empty() ? 8 : args.writers.front();
  MixedPhase(*ledger, vins, args.readers, 0, args.seconds, "reads-only");
  MixedPhase(*ledger, vins, args.readers, writers, args.seconds, "reads+writes");
  ledger.reset();
  engine.reset();
  std::filesystem::remove_all(args.dir);
  return 0;
}

int Memory(const Args& args) {
  std::unique_ptr<Engine> engine;
  std::shared_ptr<Ledger> ledger = OpenFresh(args, engine);
  const uint64_t txns = (args.docs + args.per_txn - 1) / args.per_txn;
  std::atomic<uint64_t> next_txn{0}, loaded{0};
  std::atomic<bool> failed{false};
  auto start = Clock::now();
  std::vector<std::thread> loaders;
  for (int l = 0; l < args.loaders; ++l) {
    loaders.emplace_back([&] {
      for (uint64_t t; !failed.load() && (t = next_txn.fetch_add(1)) < txns;) {
        uint64_t first = t * args.per_txn;
        uint64_t count = std::min<uint64_t>(args.per_txn, args.docs - first);
        // One list parameter holds the transaction's documents: INSERT INTO Vehicle ? inserts each.
        std::vector<Value> docs;
        for (uint64_t i = 0; i < count; ++i) docs.push_back(bench::VehicleDocument("VIN" + std::to_string(first + i), first + i));
        std::vector<Value> params = {Value::List(std::move(docs))};
        Status s = RunTxn(*ledger, "INSERT INTO Vehicle ?", params);
        if (!s.ok()) {
          std::fprintf(stderr, "load: %s\n", s.ToString().c_str());
          failed.store(true);
          return;
        }
        uint64_t now = loaded.fetch_add(count) + count;
        if (now / 100000 != (now - count) / 100000) {
          double secs = std::chrono::duration<double>(Clock::now() - start).count();
          std::printf("bench=memory-progress docs=%llu seconds=%.1f VmRSS=\"%s\" VmHWM=\"%s\"\n",
                      static_cast<unsigned long long>(now), secs, ProcStatus("VmRSS").c_str(),
                      ProcStatus("VmHWM").c_str());
          std::fflush(stdout);
        }
      }
    });
  }
  for (std::thread& t : loaders) t.join();
  if (failed.load()) return 1;
  double secs = std::chrono::duration<double>(Clock::now() - start).count();
  size_t rows = 0;
  // One indexed read at the end: the load is queryable.
  if (Status s = RunTxn(*ledger, "SELECT * FROM Vehicle WHERE VIN = ?", {Value::String("VIN" + std::to_string(args.docs / 2))}, &rows);
      !s.ok() || rows != 1) {
    std::fprintf(stderr, "final read failed\n");
    return 1;
  }
  std::printf("bench=memory docs=%llu per_txn=%d loaders=%d seconds=%.1f docs_per_sec=%.0f VmRSS=\"%s\" VmHWM=\"%s\" sync=%d\n",
              static_cast<unsigned long long>(loaded.load()), args.per_txn, args.loaders, secs,
              loaded.load() / secs, ProcStatus("VmRSS").c_str(), ProcStatus("VmHWM").c_str(), args.sync ? 1 : 0);
  uint64_t disk = 0;
  for (auto& e : std::filesystem::recursive_directory_iterator(args.dir)) {
    if (e.is_regular_file()) disk += e.file_size();
  }
  std::printf("bench=memory-disk bytes=%llu\n", static_cast<unsigned long long>(disk));
  ledger.reset();
  engine.reset();
  std::filesystem::remove_all(args.dir);
  return 0;
}

}  // namespace
}  // namespace folio::engine

int main(int argc, char** argv) {
  folio::engine::Args args = folio::engine::ParseArgs(argc, argv);
  if (args.mode == "throughput") return folio::engine::Throughput(args);
  if (args.mode == "mixed") return folio::engine::Mixed(args);
  return folio::engine::Memory(args);
}
