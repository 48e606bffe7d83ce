#include "server/session_manager.h"

#include <gtest/gtest.h>

#include <thread>

#include "server/fake_engine_test.h"

namespace folio::server {
namespace {

using testing::FakeDigest;
using testing::FakeEngine;
using namespace std::chrono_literals;

class SessionManagerTest : public ::testing::Test {
 protected:
  SessionManagerTest() {
    engine::CreateLedgerParams p;
    p.name = "l1";
    EXPECT_TRUE(engine_.CreateLedger(p).ok());
  }
  SessionManager Make(SessionOptions o = {}) {
    return SessionManager(&engine_, o, [this] { return now_; });
  }
  FakeEngine engine_;
  std::chrono::steady_clock::time_point now_ = std::chrono::steady_clock::time_point(1000h);
};

TEST_F(SessionManagerTest, TokensAreUnguessableAndInAlphabet) {
  std::string a = NewSessionToken(), b = NewSessionToken();
  EXPECT_EQ(a.size(), 44u);
  EXPECT_NE(a, b);
  for (char c : a) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' || c == '=');
  std::string id = NewBase62Id();
  EXPECT_EQ(id.size(), 22u);
  for (char c : id) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)));
}

TEST_F(SessionManagerTest, TransactionLifecycle) {
  auto sm = Make();
  auto unknown = sm.StartSession("nope");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), StatusCode::kNotFound);

  std::string tok = *sm.StartSession("l1");
  EXPECT_EQ(sm.active_sessions(), 1u);
  // Abort with nothing open succeeds.
  EXPECT_TRUE(sm.AbortTransaction(tok).ok());
  auto none = sm.ExecuteStatement(tok, std::string(22, 'a'), "ROWS 1", {});
  EXPECT_EQ(none.status().message(), "No open transaction");
  std::string txn = *sm.StartTransaction(tok);
  EXPECT_EQ(txn.size(), 22u);
  auto again = sm.StartTransaction(tok);
  EXPECT_EQ(again.status().message(), "Transaction already open");
  EXPECT_EQ(again.status().code(), StatusCode::kInvalidArgument);
  auto wrong = sm.ExecuteStatement(tok, std::string(22, 'a'), "ROWS 1", {});
  EXPECT_EQ(wrong.status().code(), StatusCode::kInvalidArgument);
  auto page = sm.ExecuteStatement(tok, txn, "ROWS 3", {});
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->values.size(), 3u);
  EXPECT_FALSE(page->next_page_token);
  EXPECT_EQ(page->read_ios, 3);
  // A failing statement leaves the transaction open.
  EXPECT_FALSE(sm.ExecuteStatement(tok, txn, "FAIL", {}).ok());
  auto bad_digest = sm.CommitTransaction(tok, txn, Sha256Digest("x"));
  EXPECT_EQ(bad_digest.status().message(), "Digests don't match");
  // The transaction is closed after any commit outcome.
  EXPECT_EQ(sm.CommitTransaction(tok, txn, FakeDigest(txn)).status().message(), "No open transaction");
  EXPECT_EQ(engine_.open_transactions.load(), 0);

  std::string txn2 = *sm.StartTransaction(tok);
  auto c = sm.CommitTransaction(tok, txn2, FakeDigest(txn2));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->commit_digest, FakeDigest(txn2));
  // A resent commit with the same digest answers the same success; another digest does not.
  auto resent = sm.CommitTransaction(tok, txn2, FakeDigest(txn2));
  ASSERT_TRUE(resent.ok());
  EXPECT_EQ(resent->commit_digest, FakeDigest(txn2));
  EXPECT_FALSE(sm.CommitTransaction(tok, txn2, Sha256Digest("y")).ok());

  EXPECT_TRUE(sm.EndSession(tok).ok());
  EXPECT_EQ(sm.StartTransaction(tok).status().message(), "No such session");
  EXPECT_EQ(sm.active_sessions(), 0u);
}

TEST_F(SessionManagerTest, OccConflictClosesTransactionAndSessionStaysUsable) {
  auto sm = Make();
  std::string tok = *sm.StartSession("l1");
  std::string txn = *sm.StartTransaction(tok);
  ASSERT_TRUE(sm.ExecuteStatement(tok, txn, "CONFLICT", {}).ok());
  auto c = sm.CommitTransaction(tok, txn, FakeDigest(txn));
  EXPECT_EQ(c.status().code(), StatusCode::kConflict);
  std::string txn2 = *sm.StartTransaction(tok);
  EXPECT_TRUE(sm.CommitTransaction(tok, txn2, FakeDigest(txn2)).ok());
}

TEST_F(SessionManagerTest, AsyncCommitAnswersResendsWhenItCompletes) {
  SessionManager m = Make();
  std::string token = *m.StartSession("l1");
  std::string txn = *m.StartTransaction(token);
  ASSERT_TRUE(m.ExecuteStatement(token, txn, "DEFER", {}).ok());
  testing::DeferredCommits().clear();

  struct Answer {
    bool called = false;
    Result<engine::CommitResult> result = Status::Internal("unset");
    bool kept_alive = false;
  };
  auto commit = [&](const Hash256& digest, Answer* a) {
    m.CommitTransactionAsync(token, txn, digest,
                             [a](Result<engine::CommitResult> r, std::shared_ptr<void> keep) {
                               a->called = true;
                               a->result = std::move(r);
                               a->kept_alive = keep != nullptr;
                             });
  };
  Answer first, resend, wrong;
  commit(FakeDigest(txn), &first);
  commit(FakeDigest(txn), &resend);                  // while in flight
  commit(Sha256Digest("something else"), &wrong);  // while in flight
  EXPECT_FALSE(first.called);
  EXPECT_FALSE(resend.called);
  EXPECT_FALSE(wrong.called);
  ASSERT_EQ(testing::DeferredCommits().size(), 1u);

  testing::DeferredCommits()[0]();
  testing::DeferredCommits().clear();
  ASSERT_TRUE(first.called);
  ASSERT_TRUE(first.result.ok()) << first.result.status().ToString();
  EXPECT_TRUE(first.kept_alive);  // the committed transaction travels with the answer
  ASSERT_TRUE(resend.called);
  ASSERT_TRUE(resend.result.ok());
  EXPECT_EQ(resend.result->commit_digest, first.result->commit_digest);
  ASSERT_TRUE(wrong.called);
  EXPECT_EQ(wrong.result.status().code(), StatusCode::kInvalidArgument);

  Answer later;  // a resend after completion is answered at once, idempotently
  commit(FakeDigest(txn), &later);
  ASSERT_TRUE(later.called);
  ASSERT_TRUE(later.result.ok());
  EXPECT_FALSE(later.kept_alive);
  EXPECT_TRUE(m.StartTransaction(token).ok());
}

TEST_F(SessionManagerTest, PendingCommitsPerLedgerAreCapped) {
  SessionOptions o;
  o.max_pending_commits_per_ledger = 1;
  SessionManager m = Make(o);
  std::string a = *m.StartSession("l1"), b = *m.StartSession("l1");
  std::string ta = *m.StartTransaction(a), tb = *m.StartTransaction(b);
  ASSERT_TRUE(m.ExecuteStatement(a, ta, "DEFER", {}).ok());
  testing::DeferredCommits().clear();
  bool a_done = false;
  m.CommitTransactionAsync(a, ta, FakeDigest(ta),
                           [&](Result<engine::CommitResult> r, std::shared_ptr<void>) {
                             a_done = r.ok();
                           });
  ASSERT_EQ(testing::DeferredCommits().size(), 1u);  // a's commit is pending
  Status refused;
  m.CommitTransactionAsync(b, tb, FakeDigest(tb),
                           [&](Result<engine::CommitResult> r, std::shared_ptr<void>) {
                             refused = r.status();
                           });
  EXPECT_EQ(refused.code(), StatusCode::kResourceExhausted) << refused.ToString();
  // The refused transaction stays open (the driver aborts and retries it).
  EXPECT_TRUE(m.ExecuteStatement(b, tb, "ROWS 1", {}).ok());
  testing::DeferredCommits()[0]();
  testing::DeferredCommits().clear();
  EXPECT_TRUE(a_done);
  auto retried = m.CommitTransaction(b, tb, FakeDigest(tb));
  EXPECT_TRUE(retried.ok()) << retried.status().ToString();
}

TEST_F(SessionManagerTest, Paging) {
  auto sm = Make();
  std::string tok = *sm.StartSession("l1");
  std::string txn = *sm.StartTransaction(tok);
  auto first = sm.ExecuteStatement(tok, txn, "ROWS 450", {});
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->values.size(), 200u);
  ASSERT_TRUE(first->next_page_token);
  EXPECT_GE(first->next_page_token->size(), 4u);
  auto second = sm.FetchPage(tok, txn, *first->next_page_token);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->values.size(), 200u);
  EXPECT_EQ(second->values[0], ion::Value::Integer(200));
  // A token is single-use.
  EXPECT_FALSE(sm.FetchPage(tok, txn, *first->next_page_token).ok());
  auto third = sm.FetchPage(tok, txn, *second->next_page_token);
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->values.size(), 50u);
  EXPECT_FALSE(third->next_page_token);

  // Page tokens die with their transaction.
  auto again = sm.ExecuteStatement(tok, txn, "ROWS 201", {});
  std::string token = *again->next_page_token;
  ASSERT_TRUE(sm.CommitTransaction(tok, txn, FakeDigest(txn)).ok());
  EXPECT_EQ(sm.FetchPage(tok, txn, token).status().message(), "No open transaction");
}

TEST_F(SessionManagerTest, TransactionExpiry) {
  auto sm = Make();
  std::string tok = *sm.StartSession("l1");
  std::string txn = *sm.StartTransaction(tok);
  now_ += 31s;
  auto r = sm.ExecuteStatement(tok, txn, "ROWS 1", {});
  EXPECT_EQ(r.status().code(), StatusCode::kExpired);
  EXPECT_EQ(r.status().message(), "Transaction " + txn + " has expired");
  EXPECT_EQ(sm.CommitTransaction(tok, txn, FakeDigest(txn)).status().message(),
            "Transaction " + txn + " has expired");
  EXPECT_EQ(engine_.open_transactions.load(), 0);
  // The driver aborts next; that succeeds and the session remains usable.
  EXPECT_TRUE(sm.AbortTransaction(tok).ok());
  std::string txn2 = *sm.StartTransaction(tok);
  EXPECT_TRUE(sm.CommitTransaction(tok, txn2, FakeDigest(txn2)).ok());

  // An expired open transaction does not block StartTransaction.
  std::string txn3 = *sm.StartTransaction(tok);
  now_ += 30s;
  EXPECT_TRUE(sm.StartTransaction(tok).ok());
}

TEST_F(SessionManagerTest, SessionLifetimeAndIdle) {
  SessionOptions o;
  o.idle_timeout = 60s;
  o.session_lifetime = 15min;
  auto sm = Make(o);
  std::string tok = *sm.StartSession("l1");
  now_ += 59s;
  EXPECT_TRUE(sm.AbortTransaction(tok).ok());
  now_ += 61s;
  auto idle = sm.StartTransaction(tok);
  EXPECT_EQ(idle.status().code(), StatusCode::kExpired);
  EXPECT_EQ(idle.status().message().rfind("Exceeded the session idle time limit: Session ", 0), 0u);
  EXPECT_EQ(sm.StartTransaction(tok).status().message(), "No such session");

  std::string tok2 = *sm.StartSession("l1");
  for (int i = 0; i < 15; ++i) {
    now_ += 59s;
    EXPECT_TRUE(sm.AbortTransaction(tok2).ok());
  }
  now_ += 20s;
  auto old = sm.StartTransaction(tok2);
  EXPECT_EQ(old.status().code(), StatusCode::kExpired);
  EXPECT_NE(old.status().message().find("has expired"), std::string::npos);
  EXPECT_EQ(old.status().message().rfind("Session ", 0), 0u);
}

TEST_F(SessionManagerTest, SweepDropsExpiredSessions) {
  SessionOptions o;
  o.idle_timeout = 60s;
  auto sm = Make(o);
  std::string a = *sm.StartSession("l1");
  std::string b = *sm.StartSession("l1");
  std::string txn = *sm.StartTransaction(b);
  now_ += 40s;
  EXPECT_EQ(sm.SweepExpired(), 0u);  // b's expired transaction is aborted, b is then idle-young
  EXPECT_EQ(engine_.open_transactions.load(), 0);
  now_ += 30s;
  EXPECT_EQ(sm.SweepExpired(), 2u);
  EXPECT_EQ(sm.active_sessions(), 0u);
}

TEST_F(SessionManagerTest, SessionCapPerLedger) {
  SessionOptions o;
  o.max_sessions_per_ledger = 2;
  o.max_total_sessions = 3;
  auto sm = Make(o);
  std::string a = *sm.StartSession("l1"), b = *sm.StartSession("l1"), c = *sm.StartSession("l1");
  EXPECT_TRUE(sm.StartTransaction(a).ok());
  EXPECT_TRUE(sm.StartTransaction(b).ok());
  auto r = sm.StartTransaction(c);
  EXPECT_EQ(r.status().code(), StatusCode::kLimitExceeded);
  EXPECT_EQ(sm.StartSession("l1").status().code(), StatusCode::kLimitExceeded);
  EXPECT_TRUE(sm.EndSession(a).ok());
  EXPECT_TRUE(sm.StartTransaction(c).ok());
}

TEST_F(SessionManagerTest, ConcurrentSessions) {
  auto sm = SessionManager(&engine_, {});
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        auto tok = sm.StartSession("l1");
        if (!tok.ok()) continue;
        auto txn = sm.StartTransaction(*tok);
        if (!txn.ok()) continue;
        if (!sm.ExecuteStatement(*tok, *txn, "ROWS 5", {}).ok()) continue;
        if (sm.CommitTransaction(*tok, *txn, FakeDigest(*txn)).ok() && sm.EndSession(*tok).ok()) ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 400);
  EXPECT_EQ(sm.active_sessions(), 0u);
}

}  // namespace
}  // namespace folio::server
