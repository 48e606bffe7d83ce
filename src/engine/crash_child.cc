// folio_crash_child: the writer half of the engine crash test (crash_test.cc).
//
//   folio_crash_child <data_dir> <run_tag> <threads>
//
// Opens an Engine on <data_dir> with sync_commits=true, makes sure ledger "crash" with table
// Vehicle (index on VIN) exists, prints "READY", then runs <threads> writer threads that each
// commit single-insert transactions forever. After a commit is acknowledged (Commit returned OK)
// the thread prints "ACK <VIN>" where VIN = "<run_tag>-<thread>-<n>" is unique across runs.
// Every line goes to stdout with one write(2) of fewer than PIPE_BUF bytes, so lines from
// different threads never interleave and a line the parent read was written after its commit
// was acknowledged. Any failure other than an OCC conflict prints "ERR <status>" and exits 2.
// The process expects to be killed with SIGKILL; it also dies with its parent (PDEATHSIG).
#include <sys/prctl.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "engine/commit_digest.h"
#include "engine/engine.h"
#include "ion/value.h"

namespace folio::engine {
namespace {

void WriteLine(const std::string& line) {
  std::string out = line + "\n";
  size_t done = 0;
  while (done < out.size()) {
    ssize_t n = ::write(STDOUT_FILENO, out.data() + done, out.size() - done);
    if (n < 0) std::_Exit(3);  // parent gone
    done += static_cast<size_t>(n);
  }
}

[[noreturn]] void Fail(const std::string& what, const Status& s) {
  WriteLine("ERR " + what + ": " + s.ToString());
  std::_Exit(2);
}

// Runs `statement` in its own transaction. Returns the commit status (OCC conflicts included).
Status RunOne(Ledger& ledger, const std::string& statement, const std::vector<ion::Value>& params) {
  FOLIO_ASSIGN_OR_RETURN(std::unique_ptr<Transaction> txn, ledger.BeginTransaction());
  CommitDigest digest(txn->id());
  FOLIO_TRY(digest.AddStatement(statement, params));
  FOLIO_TRY(txn->Execute(statement, params).status());
  return txn->Commit(digest.value()).status();
}

ion::Value VehicleDocument(const std::string& vin) {
  ion::Value doc = ion::Value::Struct();
  doc.Set("VIN", ion::Value::String(vin));
  doc.Set("Type", ion::Value::String("Sedan"));
  doc.Set("Year", ion::Value::Integer(2011));
  doc.Set("Make", ion::Value::String("Audi"));
  doc.Set("Model", ion::Value::String("A5"));
  doc.Set("Color", ion::Value::String("Silver"));
  return doc;
}

int Main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: folio_crash_child <data_dir> <run_tag> <threads>\n");
    return 1;
  }
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  const std::string run_tag = argv[2];
  const int threads = std::atoi(argv[3]);
  if (threads <= 0) {
    std::fprintf(stderr, "threads must be positive\n");
    return 1;
  }

  EngineOptions options;
  options.data_dir = argv[1];
  options.sync_commits = true;
  // Small memtables: the logs switch every few hundred commits, so the kills also land on
  // logs written over zero-filled spares (kv/zeroed_wal.h).
  options.ledger_write_buffer_bytes = size_t{1} << 20;
  Result<std::unique_ptr<Engine>> engine = Engine::Open(options);
  if (!engine.ok()) Fail("open", engine.status());
  if (!(*engine)->DescribeLedger("crash").ok()) {
    CreateLedgerParams params;
    params.name = "crash";
    params.deletion_protection = false;
    Result<LedgerInfo> created = (*engine)->CreateLedger(params);
    if (!created.ok()) Fail("create ledger", created.status());
  }
  Result<std::shared_ptr<Ledger>> ledger = (*engine)->GetLedger("crash");
  if (!ledger.ok()) Fail("get ledger", ledger.status());
  // A kill may have landed between the two DDL transactions of an earlier run.
  for (const char* ddl : {"CREATE TABLE Vehicle", "CREATE INDEX ON Vehicle (VIN)"}) {
    Status s = RunOne(**ledger, ddl, {});
    if (!s.ok() && s.code() != StatusCode::kAlreadyExists) {
      Fail(ddl, s);
    }
  }
  WriteLine("READY");

  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      for (uint64_t n = 0;; ++n) {
        std::string vin = run_tag + "-" + std::to_string(t) + "-" + std::to_string(n);
        Status s = RunOne(**ledger, "INSERT INTO Vehicle ?", {VehicleDocument(vin)});
        if (s.ok()) {
          WriteLine("ACK " + vin);
        } else if (s.code() != StatusCode::kConflict) {
          Fail("insert " + vin, s);
        }
      }
    });
  }
  for (std::thread& w : workers) w.join();
  return 0;
}

}  // namespace
}  // namespace folio::engine

int main(int argc, char** argv) { return folio::engine::Main(argc, argv); }
