// The whole-server load generator behind `folio bench`: N concurrent QLDB sessions, each on its
// own keep-alive connection, spread over a few event-loop threads (plain HTTP) or one thread
// each through the driver (TLS), running single-document write transactions
//   StartTransaction; INSERT INTO Vehicle ?; CommitTransaction (with the CommitDigest)
// and indexed read transactions
//   StartTransaction; SELECT * FROM Vehicle WHERE VIN = ?; CommitTransaction
// on a VIN inserted earlier in the same run, and reporting throughput and latency percentiles.
//
// Failed transactions are not retried: an OCC conflict or an error is counted and the client
// moves on to its next transaction (a dead session is replaced by a new one).
//
// Thread safety: RunLoad is self-contained; the other functions are pure.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "driver/service_client.h"
#include "ion/value.h"

namespace folio::cli {

struct LoadOptions {
  driver::ServiceConfig service;
  std::string ledger = "default";  // Default: the ledger `folio serve` creates
  std::string table = "Vehicle";   // Default: Vehicle, indexed on VIN
  int clients = 8;                 // Default: 8 concurrent sessions/connections
  // Event-loop threads the sessions are spread over (plain HTTP; a TLS endpoint gets one
  // thread per session through the driver). Default: 0, one per 64 sessions: one thread keeps
  // 32 sessions busy with half a core, and on the 2-core reference machine a second one only
  // added scheduling delay (commit p99 8.3-9.4 ms with 2 threads, 7.0-7.7 ms with 1).
  int threads = 0;
  // The measured phase ends after `duration`, or after `transactions` finished transactions in
  // total (committed, conflicted or failed) when `transactions` > 0.
  std::chrono::milliseconds duration{10'000};  // Default: 10 s
  int64_t transactions = 0;                    // Default: 0 (use duration)
  std::chrono::milliseconds warmup{0};         // Default: none; unmeasured load before the run
  double read_ratio = 0.0;  // Default: 0 (writes only); probability a transaction is a read
  // Documents inserted (unmeasured) before the run when read_ratio > 0, so reads have targets.
  int64_t preload = 200;  // Default: 200
  uint64_t seed = 0;      // Default: 0 = random
};

// Latency percentiles in microseconds over `count` samples (all zero when count == 0).
struct LatencySummary {
  int64_t count = 0;
  double mean_us = 0;
  int64_t p50_us = 0, p90_us = 0, p99_us = 0, max_us = 0;
};

// Summarises `samples_us` (sorted in place).
LatencySummary Summarize(std::vector<int64_t>& samples_us);

struct LoadReport {
  int clients = 0;
  double seconds = 0;                     // length of the measured phase
  int64_t commits = 0;                    // committed write transactions
  int64_t reads = 0;                      // committed read transactions
  int64_t occ_conflicts = 0;              // OccConflictException on any command
  int64_t errors = 0;                     // any other failed transaction
  int64_t digest_checked = 0;             // commits whose echoed CommitDigest matched (all of them)
  LatencySummary commit;                  // CommitTransaction round trip of write transactions
  LatencySummary write_txn;               // StartTransaction .. CommitTransaction of writes
  LatencySummary read_txn;                // StartTransaction .. CommitTransaction of reads
  std::vector<std::string> first_errors;  // up to 5 distinct error messages
  // Every measured commit: when its CommitTransaction answer arrived (CLOCK_MONOTONIC, in µs:
  // the clock of `perf trace` and `perf sched`, so stalls can be matched with what the server
  // did) and its round trip in µs; ordered by arrival.
  struct CommitSample {
    int64_t answered_us = 0;
    int64_t latency_us = 0;
  };
  std::vector<CommitSample> commit_timeline;
};

// Creates `table` and an index on VIN when they are missing (checked through
// information_schema.user_tables). Errors: service and transport errors.
Status PrepareSchema(const LoadOptions& options);

// Runs the load. Errors: kInvalidArgument for bad options, the first error when no session can
// be started, or when the preload cannot insert anything.
Result<LoadReport> RunLoad(const LoadOptions& options);

// Writes report.commit_timeline to `path`, one "answered_us latency_us" line per commit.
// Errors: kIOError when the file cannot be written.
Status WriteCommitLog(const std::string& path, const LoadReport& report);

// Human-readable report (several lines) and one-line JSON.
std::string FormatReport(const LoadReport& report);
std::string FormatReportJson(const LoadReport& report);

}  // namespace folio::cli
