// Crash durability: folio_crash_child commits single-insert transactions with sync_commits=true
// from several threads and reports each acknowledged commit on a pipe; this test SIGKILLs it at
// random points, then reopens the data directory and requires that
//   - every acknowledged VIN is present exactly once (scan) and found through the VIN index,
//   - no VIN is present twice (a commit is applied at most once),
//   - VerifyDataDir passes (journal, Merkle nodes, documents, history and indexes agree),
//   - history is never rewritten: the tip block seen after the previous kill keeps its hash and
//     its proof folds to the new digest,
// and restarts the child on the same directory. The seed is printed; FOLIO_CRASH_SEED replays a
// run and FOLIO_CRASH_ROUNDS changes the number of kills.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "engine/commit_digest.h"
#include "engine/engine.h"
#include "engine/verify.h"
#include "ion/value.h"
#include "journal/hash.h"

extern char** environ;

namespace folio::engine {
namespace {

using Clock = std::chrono::steady_clock;

struct ChildRun {
  std::vector<std::string> acked;  // VINs in the order their ACK lines arrived
  bool ready = false;
  std::string error;               // an ERR line or a harness failure
  double ms_after_ready = 0;       // how long the child wrote before it was killed
};

// Spawns the child, lets it run `kill_after` after READY (or after the spawn when
// `from_spawn`, which lets the kill land inside Engine::Open recovery or ledger setup), then
// SIGKILLs it and collects everything it printed.
ChildRun RunChildUntilKilled(const std::string& data_dir, const std::string& tag, int threads,
                             std::chrono::milliseconds kill_after, bool from_spawn) {
  ChildRun run;
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    run.error = "pipe failed";
    return run;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  std::string threads_arg = std::to_string(threads);
  std::vector<char*> argv = {const_cast<char*>(FOLIO_CRASH_CHILD), const_cast<char*>(data_dir.c_str()),
                             const_cast<char*>(tag.c_str()), threads_arg.data(), nullptr};
  pid_t pid = -1;
  int rc = posix_spawn(&pid, FOLIO_CRASH_CHILD, &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  if (rc != 0) {
    ::close(fds[0]);
    run.error = "posix_spawn failed: " + std::to_string(rc);
    return run;
  }

  const Clock::time_point spawned = Clock::now();
  Clock::time_point ready_at{};
  Clock::time_point deadline = from_spawn ? spawned + kill_after : spawned + std::chrono::seconds(30);
  std::string buffer;
  bool killed = false, eof = false;
  auto consume_lines = [&] {
    size_t pos;
    while ((pos = buffer.find('\n')) != std::string::npos) {
      std::string line = buffer.substr(0, pos);
      buffer.erase(0, pos + 1);
      if (line.rfind("ACK ", 0) == 0) {
        run.acked.push_back(line.substr(4));
      } else if (line == "READY") {
        run.ready = true;
        ready_at = Clock::now();
        if (!from_spawn) deadline = ready_at + kill_after;
      } else if (run.error.empty()) {
        run.error = line;
      }
    }
  };
  while (!eof) {
    int timeout_ms = -1;
    if (!killed) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (left <= 0) {
        ::kill(pid, SIGKILL);
        killed = true;
        if (run.ready) {
          run.ms_after_ready = std::chrono::duration<double, std::milli>(Clock::now() - ready_at).count();
        }
        if (!from_spawn && !run.ready && run.error.empty()) run.error = "child never became READY";
        continue;  // drain what it wrote before dying
      }
      timeout_ms = static_cast<int>(left);
    }
    pollfd p{fds[0], POLLIN, 0};
    int n = ::poll(&p, 1, timeout_ms);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) continue;
    char chunk[4096];
    ssize_t got = ::read(fds[0], chunk, sizeof(chunk));
    if (got <= 0) {
      eof = true;
    } else {
      buffer.append(chunk, static_cast<size_t>(got));
      consume_lines();
    }
  }
  ::close(fds[0]);
  int wstatus = 0;
  ::waitpid(pid, &wstatus, 0);
  if (!killed && run.error.empty()) run.error = "child exited before it was killed";
  if (!(WIFSIGNALED(wstatus) && WTERMSIG(wstatus) == SIGKILL) && run.error.empty()) {
    run.error = "child ended with wait status " + std::to_string(wstatus);
  }
  // A partial last line was being written when the kill landed: not acknowledged.
  return run;
}

// The hash of block `seq` and its proof to the current digest tip.
struct ProvenBlock {
  Hash256 hash;
  Hash256 folded;  // FoldProof(hash, proof)
};
Result<ProvenBlock> ProveBlock(Engine& engine, const DigestInfo& digest, uint64_t seq) {
  BlockAddress address{digest.tip.strand_id, seq};
  FOLIO_ASSIGN_OR_RETURN(ProvenValue block, engine.GetBlock("crash", address, digest.tip));
  const ion::Value* h = block.value.Get("blockHash");
  if (h == nullptr || !block.proof) return Status::Internal("block without hash or proof");
  FOLIO_ASSIGN_OR_RETURN(Hash256 hash, journal::ToHash256(h->as_bytes()));
  return ProvenBlock{hash, journal::FoldProof(hash, *block.proof)};
}

// Runs `statement` in a read-only transaction and returns its rows.
Result<std::vector<ion::Value>> Query(Ledger& ledger, std::string_view statement,
                                      std::vector<ion::Value> params = {}) {
  FOLIO_ASSIGN_OR_RETURN(std::unique_ptr<Transaction> txn, ledger.BeginTransaction());
  CommitDigest digest(txn->id());
  FOLIO_TRY(digest.AddStatement(statement, params));
  FOLIO_ASSIGN_OR_RETURN(StatementResult r, txn->Execute(statement, params));
  FOLIO_TRY(txn->Commit(digest.value()).status());
  return std::move(r.values);
}

uint64_t Seed() {
  if (const char* s = std::getenv("FOLIO_CRASH_SEED")) return std::strtoull(s, nullptr, 10);
  return std::random_device{}();
}

int Rounds() {
  if (const char* s = std::getenv("FOLIO_CRASH_ROUNDS")) return std::max(1, std::atoi(s));
  return 24;
}

TEST(EngineCrashTest, EveryAcknowledgedCommitSurvivesSigkill) {
  const uint64_t seed = Seed();
  const int rounds = Rounds();
  constexpr int kThreads = 4;
  std::cout << "crash test seed=" << seed << " rounds=" << rounds << " (FOLIO_CRASH_SEED to replay)\n";
  std::mt19937_64 rng(seed);
  const std::string dir =
      (std::filesystem::temp_directory_path() / ("folio_crash_test_" + std::to_string(::getpid()))).string();
  std::filesystem::remove_all(dir);

  std::set<std::string> acked;  // every VIN acknowledged by any run
  uint64_t durable_unacked = 0, early_kills = 0, max_docs = 0;
  std::optional<std::pair<uint64_t, Hash256>> previous_tip;  // (sequenceNo, blockHash)
  const Clock::time_point start = Clock::now();
  for (int round = 0; round < rounds; ++round) {
    SCOPED_TRACE("round " + std::to_string(round) + " seed " + std::to_string(seed));
    // One kill in four is timed from the spawn, so it can land in recovery or setup.
    bool from_spawn = round > 0 && rng() % 4 == 0;
    auto kill_after = std::chrono::milliseconds(from_spawn ? 5 + rng() % 150 : 10 + rng() % 300);
    ChildRun run = RunChildUntilKilled(dir, "r" + std::to_string(round), kThreads, kill_after, from_spawn);
    ASSERT_TRUE(run.error.empty()) << run.error;
    if (!run.ready) ++early_kills;
    for (const std::string& vin : run.acked) {
      ASSERT_TRUE(acked.insert(vin).second) << "VIN acknowledged twice: " << vin;
    }

    {
      EngineOptions options;
      options.data_dir = dir;
      auto engine = Engine::Open(options);
      ASSERT_TRUE(engine.ok()) << engine.status().ToString();
      auto ledger = (*engine)->GetLedger("crash");
      if (!ledger.ok()) {
        // Killed before the ledger was registered: nothing can have been acknowledged.
        ASSERT_EQ(ledger.status().code(), StatusCode::kNotFound) << ledger.status().ToString();
        ASSERT_TRUE(acked.empty());
        continue;
      }
      auto rows = Query(**ledger, "SELECT VALUE VIN FROM Vehicle");
      if (!rows.ok() && acked.empty()) continue;  // killed between ledger and table creation
      ASSERT_TRUE(rows.ok()) << rows.status().ToString();
      std::map<std::string, int> present;
      for (const ion::Value& v : *rows) {
        ASSERT_TRUE(v.is_text()) << "VIN is not text";
        ++present[std::string(v.text())];
      }
      for (const auto& [vin, count] : present) ASSERT_EQ(count, 1) << "VIN stored twice: " << vin;
      for (const std::string& vin : acked) {
        ASSERT_EQ(present.count(vin), 1u) << "acknowledged commit lost: " << vin;
      }
      durable_unacked = present.size() - acked.size();
      max_docs = present.size();
      // The index path agrees with the scan for this run's acknowledgements.
      std::vector<std::string> sample(run.acked.begin(), run.acked.end());
      std::shuffle(sample.begin(), sample.end(), rng);
      if (sample.size() > 16) sample.resize(16);
      for (const std::string& vin : sample) {
        auto hit = Query(**ledger, "SELECT VALUE VIN FROM Vehicle WHERE VIN = ?", {ion::Value::String(vin)});
        ASSERT_TRUE(hit.ok()) << hit.status().ToString();
        ASSERT_EQ(hit->size(), 1u) << "index lookup of acknowledged " << vin;
      }
      // The journal only grows: the previous tip block is unchanged and proven by the new digest.
      auto digest = (*engine)->GetDigest("crash");
      ASSERT_TRUE(digest.ok()) << digest.status().ToString();
      if (previous_tip) {
        ASSERT_GE(digest->tip.sequence_no, previous_tip->first);
        auto old = ProveBlock(**engine, *digest, previous_tip->first);
        ASSERT_TRUE(old.ok()) << old.status().ToString();
        ASSERT_EQ(old->hash, previous_tip->second) << "block " << previous_tip->first << " was rewritten";
        ASSERT_EQ(old->folded, digest->digest) << "old tip does not fold to the new digest";
      }
      auto tip = ProveBlock(**engine, *digest, digest->tip.sequence_no);
      ASSERT_TRUE(tip.ok()) << tip.status().ToString();
      ASSERT_EQ(tip->folded, digest->digest);
      previous_tip.emplace(digest->tip.sequence_no, tip->hash);
    }
    auto verified = VerifyDataDir(dir);
    ASSERT_TRUE(verified.ok()) << verified.status().ToString();
    ASSERT_EQ(verified->ledgers.size(), 1u);
    EXPECT_EQ(verified->ledgers[0].second.documents, max_docs);
    std::cout << "round " << round << ": kill " << (from_spawn ? "from spawn" : "after READY") << " +"
              << kill_after.count() << "ms, acked " << run.acked.size() << ", total acked " << acked.size()
              << ", stored " << max_docs << ", blocks " << verified->ledgers[0].second.journal.blocks << "\n";
  }
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::cout << "crash test: " << rounds << " SIGKILLs (" << early_kills << " before READY), "
            << acked.size() << " acknowledged commits all present, " << max_docs << " documents stored ("
            << durable_unacked << " durable but unacknowledged), " << seconds << " s\n";
  RecordProperty("kills", rounds);
  RecordProperty("acknowledged", static_cast<int>(acked.size()));
  EXPECT_GT(acked.size(), 0u) << "the child never got a commit acknowledged";
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace folio::engine
