// Serializability under contention, observed through invariants:
//   - Transfers: writer threads move random amounts between 10 accounts (indexed on id) with
//     retries on kConflict, while checker threads read every balance in one transaction (by
//     scan and by index lookups) and require the constant total. At the end each balance must
//     equal its initial value plus the committed transfers' deltas (no lost or phantom update),
//     and VerifyDataDir must pass.
//   - Insert-if-absent: threads race to insert the same keys after an indexed read that found
//     nothing; OCC must let exactly one insert per key commit.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <iostream>
#include <map>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "engine/commit_digest.h"
#include "engine/engine.h"
#include "engine/verify.h"
#include "ion/value.h"

namespace folio::engine {
namespace {

using ion::Value;

constexpr int kAccounts = 10;
constexpr int64_t kInitialBalance = 1000;

// A transaction plus the digest a driver would keep for it.
class Txn {
 public:
  static Result<Txn> Begin(Ledger& ledger) {
    FOLIO_ASSIGN_OR_RETURN(std::unique_ptr<Transaction> t, ledger.BeginTransaction());
    return Txn(std::move(t));
  }
  Result<std::vector<Value>> Run(std::string_view statement, std::vector<Value> params = {}) {
    FOLIO_TRY(digest_.AddStatement(statement, params));
    FOLIO_ASSIGN_OR_RETURN(StatementResult r, txn_->Execute(statement, params));
    return std::move(r.values);
  }
  Status Commit() { return txn_->Commit(digest_.value()).status(); }
  void Abort() { txn_->Abort(); }

 private:
  explicit Txn(std::unique_ptr<Transaction> t) : txn_(std::move(t)), digest_(txn_->id()) {}
  std::unique_ptr<Transaction> txn_;
  CommitDigest digest_;
};

Result<int64_t> AsInt(const Value& v) {
  if (v.type() != ion::Type::kInt || v.is_null()) return Status::Internal("not an int");
  std::optional<int64_t> i = v.as_int().ToInt64();
  if (!i) return Status::Internal("int out of range");
  return *i;
}

// Runs `body` in fresh transactions until one commits; kConflict (from a statement or the
// commit) retries, anything else is returned. `conflicts` counts the retries.
template <typename Body>
Status WithRetries(Ledger& ledger, std::atomic<uint64_t>& conflicts, Body body) {
  for (int attempt = 0; attempt < 10000; ++attempt) {
    FOLIO_ASSIGN_OR_RETURN(Txn txn, Txn::Begin(ledger));
    Status s = body(txn);
    if (s.ok()) s = txn.Commit();
    if (s.ok()) return s;
    if (s.code() != StatusCode::kConflict) return s;
    conflicts.fetch_add(1, std::memory_order_relaxed);
  }
  return Status::Internal("no commit after 10000 OCC retries (livelock)");
}

class ConcurrencyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (std::filesystem::temp_directory_path() /
            ("folio_concurrency_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) +
             "_" + std::to_string(::getpid())))
               .string();
    std::filesystem::remove_all(dir_);
    EngineOptions o;
    o.data_dir = dir_;
    o.sync_commits = false;  // durability is the crash test's subject; this one is about OCC
    auto e = Engine::Open(o);
    ASSERT_TRUE(e.ok()) << e.status().ToString();
    engine_ = std::move(*e);
    CreateLedgerParams p;
    p.name = "occ";
    p.deletion_protection = false;
    ASSERT_TRUE(engine_->CreateLedger(p).ok());
    auto l = engine_->GetLedger("occ");
    ASSERT_TRUE(l.ok());
    ledger_ = *l;
  }
  void TearDown() override {
    ledger_.reset();
    engine_.reset();
    std::filesystem::remove_all(dir_);
  }
  Status Exec(std::string_view statement, std::vector<Value> params = {}) {
    std::atomic<uint64_t> ignored{0};
    return WithRetries(*ledger_, ignored, [&](Txn& t) { return t.Run(statement, params).status(); });
  }
  void CloseAndVerify() {
    ledger_.reset();
    engine_.reset();
    auto r = VerifyDataDir(dir_);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_EQ(r->ledgers.size(), 1u);
    std::cout << "verified: " << r->ledgers[0].second.journal.blocks << " blocks, "
              << r->ledgers[0].second.revisions << " revisions, " << r->ledgers[0].second.index_entries
              << " index entries\n";
  }

  std::string dir_;
  std::unique_ptr<Engine> engine_;
  std::shared_ptr<Ledger> ledger_;
};

struct Transfer {
  int from, to;
  int64_t amount;
};

TEST_F(ConcurrencyTest, TransfersKeepTotalConstant) {
  ASSERT_TRUE(Exec("CREATE TABLE Account").ok());
  ASSERT_TRUE(Exec("CREATE INDEX ON Account (id)").ok());
  for (int i = 0; i < kAccounts; ++i) {
    Value doc = Value::Struct();
    doc.Set("id", Value::Integer(i));
    doc.Set("balance", Value::Integer(kInitialBalance));
    ASSERT_TRUE(Exec("INSERT INTO Account ?", {doc}).ok());
  }

  constexpr int kWriters = 8;
  constexpr int kTransfersPerWriter = 120;
  std::atomic<uint64_t> conflicts{0}, checks{0}, checker_conflicts{0};
  std::atomic<bool> writers_done{false};
  std::atomic<int> failures{0};
  std::vector<std::vector<Transfer>> committed(kWriters);
  std::mutex error_mu;
  std::string first_error;
  auto fail = [&](const std::string& what) {
    failures.fetch_add(1);
    std::lock_guard lock(error_mu);
    if (first_error.empty()) first_error = what;
  };

  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      std::mt19937 rng(1234 + w);
      for (int n = 0; n < kTransfersPerWriter && failures.load() == 0; ++n) {
        int from = static_cast<int>(rng() % kAccounts);
        int to = static_cast<int>((from + 1 + rng() % (kAccounts - 1)) % kAccounts);
        uint32_t draw = rng();
        Transfer done{from, to, 0};
        Status s = WithRetries(*ledger_, conflicts, [&](Txn& t) -> Status {
          int64_t balances[2];
          int ids[2] = {from, to};
          for (int k = 0; k < 2; ++k) {
            FOLIO_ASSIGN_OR_RETURN(auto rows, t.Run("SELECT VALUE balance FROM Account WHERE id = ?",
                                                    {Value::Integer(ids[k])}));
            if (rows.size() != 1) return Status::Internal("account lookup returned " + std::to_string(rows.size()));
            FOLIO_ASSIGN_OR_RETURN(balances[k], AsInt(rows[0]));
          }
          // Never overdraw: the amount depends on what was read, so a stale read is visible.
          int64_t amount = balances[0] == 0 ? 0 : static_cast<int64_t>(draw % (balances[0] + 1));
          FOLIO_TRY(t.Run("UPDATE Account SET balance = ? WHERE id = ?",
                          {Value::Integer(balances[0] - amount), Value::Integer(from)})
                        .status());
          FOLIO_TRY(t.Run("UPDATE Account SET balance = ? WHERE id = ?",
                          {Value::Integer(balances[1] + amount), Value::Integer(to)})
                        .status());
          done.amount = amount;
          return Status::OK();
        });
        if (!s.ok()) {
          fail("transfer: " + s.ToString());
          return;
        }
        committed[w].push_back(done);
      }
    });
  }
  // Two checkers: one scans, one reads each account through the index.
  for (int c = 0; c < 2; ++c) {
    threads.emplace_back([&, c] {
      while (!writers_done.load() && failures.load() == 0) {
        auto txn = Txn::Begin(*ledger_);
        if (!txn.ok()) return fail("checker begin: " + txn.status().ToString());
        int64_t total = 0;
        int seen = 0;
        for (int i = 0; i < (c == 0 ? 1 : kAccounts); ++i) {
          auto rows = c == 0 ? txn->Run("SELECT id, balance FROM Account")
                             : txn->Run("SELECT id, balance FROM Account WHERE id = ?", {Value::Integer(i)});
          if (!rows.ok()) return fail("checker read: " + rows.status().ToString());
          for (const Value& row : *rows) {
            const Value* b = row.Get("balance");
            auto balance = b ? AsInt(*b) : Result<int64_t>(Status::Internal("no balance"));
            if (!balance.ok()) return fail("checker row: " + balance.status().ToString());
            if (*balance < 0) return fail("negative balance " + std::to_string(*balance));
            total += *balance;
            ++seen;
          }
        }
        if (seen != kAccounts || total != kAccounts * kInitialBalance) {
          return fail("snapshot saw " + std::to_string(seen) + " accounts totalling " + std::to_string(total));
        }
        checks.fetch_add(1);
        // Read-only commits are validated too; a conflict is allowed, a lie is not.
        Status s = txn->Commit();
        if (!s.ok() && s.code() != StatusCode::kConflict) return fail("checker commit: " + s.ToString());
        if (!s.ok()) checker_conflicts.fetch_add(1);
      }
    });
  }
  for (int w = 0; w < kWriters; ++w) threads[w].join();
  writers_done.store(true);
  for (size_t i = kWriters; i < threads.size(); ++i) threads[i].join();
  ASSERT_EQ(failures.load(), 0) << first_error;

  // Every account ends at initial + committed deltas: no update was lost or applied twice.
  std::map<int64_t, int64_t> expected;
  for (int i = 0; i < kAccounts; ++i) expected[i] = kInitialBalance;
  size_t transfers = 0;
  for (const auto& log : committed) {
    for (const Transfer& t : log) {
      expected[t.from] -= t.amount;
      expected[t.to] += t.amount;
      ++transfers;
    }
  }
  EXPECT_EQ(transfers, static_cast<size_t>(kWriters * kTransfersPerWriter));
  std::map<int64_t, int64_t> actual;
  std::atomic<uint64_t> ignored{0};
  ASSERT_TRUE(WithRetries(*ledger_, ignored, [&](Txn& t) -> Status {
                FOLIO_ASSIGN_OR_RETURN(auto rows, t.Run("SELECT id, balance FROM Account"));
                actual.clear();
                for (const Value& row : rows) {
                  FOLIO_ASSIGN_OR_RETURN(int64_t id, AsInt(*row.Get("id")));
                  FOLIO_ASSIGN_OR_RETURN(actual[id], AsInt(*row.Get("balance")));
                }
                return Status::OK();
              }).ok());
  EXPECT_EQ(actual, expected);
  std::cout << "transfers: " << transfers << " committed, " << conflicts.load() << " OCC retries, "
            << checks.load() << " consistent snapshots checked (" << checker_conflicts.load()
            << " read-only commits conflicted)\n";
  EXPECT_GT(checks.load(), 0u);
  CloseAndVerify();
}

TEST_F(ConcurrencyTest, InsertIfAbsentCommitsOncePerKey) {
  ASSERT_TRUE(Exec("CREATE TABLE Person").ok());
  ASSERT_TRUE(Exec("CREATE INDEX ON Person (email)").ok());
  constexpr int kThreads = 8;
  constexpr int kKeys = 40;
  std::atomic<uint64_t> conflicts{0}, inserted{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int k = 0; k < kKeys; ++k) {
        Value email = Value::String("user" + std::to_string(k) + "@example.com");
        bool did_insert = false;
        Status s = WithRetries(*ledger_, conflicts, [&](Txn& txn) -> Status {
          did_insert = false;
          FOLIO_ASSIGN_OR_RETURN(auto rows, txn.Run("SELECT * FROM Person WHERE email = ?", {email}));
          if (!rows.empty()) return Status::OK();
          Value doc = Value::Struct();
          doc.Set("email", email);
          doc.Set("writer", Value::Integer(t));
          FOLIO_TRY(txn.Run("INSERT INTO Person ?", {doc}).status());
          did_insert = true;
          return Status::OK();
        });
        if (!s.ok()) {
          failures.fetch_add(1);
          ADD_FAILURE() << s.ToString();
          return;
        }
        if (did_insert) inserted.fetch_add(1);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  ASSERT_EQ(failures.load(), 0);
  EXPECT_EQ(inserted.load(), static_cast<uint64_t>(kKeys));
  std::atomic<uint64_t> ignored{0};
  std::map<std::string, int> per_key;
  ASSERT_TRUE(WithRetries(*ledger_, ignored, [&](Txn& t) -> Status {
                FOLIO_ASSIGN_OR_RETURN(auto rows, t.Run("SELECT VALUE email FROM Person"));
                per_key.clear();
                for (const Value& v : rows) ++per_key[std::string(v.text())];
                return Status::OK();
              }).ok());
  EXPECT_EQ(per_key.size(), static_cast<size_t>(kKeys));
  for (const auto& [key, n] : per_key) EXPECT_EQ(n, 1) << key;
  std::cout << "insert-if-absent: " << inserted.load() << " inserts, " << conflicts.load() << " OCC retries\n";
  CloseAndVerify();
}

}  // namespace
}  // namespace folio::engine
