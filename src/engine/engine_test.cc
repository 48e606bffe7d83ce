#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <thread>
#include <vector>

#include "common/bytes.h"
#include "engine/commit_digest.h"
#include "engine/engine.h"
#include "engine/ids.h"
#include "engine/verify.h"
#include "ion/ion.h"
#include "journal/hash.h"
#include "kv/rocks_store.h"
#include "storage/schema.h"
#include "storage/state.h"

namespace folio::engine {
namespace {

using ion::Value;

std::string TempDir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() /
             ("folio_engine_test_" + name + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  return dir.string();
}

Value Ion(std::string_view text) {
  auto v = ion::ReadOneText(text);
  EXPECT_TRUE(v.ok()) << v.status().ToString() << " in " << text;
  return v.ok() ? *v : Value();
}

// Mirrors what a driver does: keep the digest alongside the transaction.
class Txn {
 public:
  explicit Txn(std::unique_ptr<Transaction> t) : t_(std::move(t)), digest_(t_->id()) {}
  Result<std::vector<Value>> Run(std::string_view s, std::vector<Value> params = {}) {
    EXPECT_TRUE(digest_.AddStatement(s, params).ok());
    FOLIO_ASSIGN_OR_RETURN(StatementResult r, t_->Execute(s, params));
    return r.values;
  }
  std::vector<Value> Must(std::string_view s, std::vector<Value> params = {}) {
    auto r = Run(s, std::move(params));
    EXPECT_TRUE(r.ok()) << s << ": " << r.status().ToString();
    return r.ok() ? *r : std::vector<Value>{};
  }
  Status Commit() {
    Result<CommitResult> r = t_->Commit(digest_.value());
    if (!r.ok()) return r.status();
    EXPECT_EQ(r->commit_digest, digest_.value());
    return Status::OK();
  }
  Transaction& raw() { return *t_; }

 private:
  std::unique_ptr<Transaction> t_;
  CommitDigest digest_;
};

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }
  void TearDown() override {
    ledger_.reset();
    engine_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Open() {
    ledger_.reset();
    engine_.reset();
    EngineOptions o;
    o.data_dir = dir_;
    o.sync_commits = false;
    auto e = Engine::Open(o);
    ASSERT_TRUE(e.ok()) << e.status().ToString();
    engine_ = std::move(*e);
    if (!engine_->DescribeLedger("test").ok()) {
      CreateLedgerParams p;
      p.name = "test";
      p.deletion_protection = false;
      ASSERT_TRUE(engine_->CreateLedger(p).ok());
    }
    auto l = engine_->GetLedger("test");
    ASSERT_TRUE(l.ok());
    ledger_ = *l;
  }
  Txn Begin() {
    auto t = ledger_->BeginTransaction();
    EXPECT_TRUE(t.ok());
    return Txn(std::move(*t));
  }
  // Runs statements in one committed transaction; returns the last statement's rows.
  std::vector<Value> Auto(std::string_view s, std::vector<Value> params = {}) {
    Txn t = Begin();
    std::vector<Value> rows = t.Must(s, std::move(params));
    Status c = t.Commit();
    EXPECT_TRUE(c.ok()) << c.ToString();
    return rows;
  }
  // Closes the engine and opens the (only) ledger's store directly, to change it underneath.
  Result<std::unique_ptr<kv::RocksStore>> CloseAndOpenLedgerStore() {
    ledger_.reset();
    engine_.reset();
    std::string ledger_dir;
    for (auto& e : std::filesystem::directory_iterator(std::filesystem::path(dir_) / "ledgers")) {
      ledger_dir = e.path().string();
    }
    return kv::RocksStore::Open(ledger_dir);
  }
  void VerifyAll() {
    ledger_.reset();
    engine_.reset();
    auto r = VerifyDataDir(dir_);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    Open();
  }

  std::string dir_ = TempDir(::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::unique_ptr<Engine> engine_;
  std::shared_ptr<Ledger> ledger_;
};

TEST(CommitDigestTest, DriverVectors) {
  // spec/wire-and-drivers.md section 4.3 (Go driver test vectors).
  CommitDigest empty("12341");
  EXPECT_EQ(HexEncode(empty.value()), "a77be7ffaaac238e491fefc7fc78afd9ebdcb8c855cb8ce697dd83ffa397aad2");
  CommitDigest one("12341");
  ASSERT_TRUE(one.AddStatement("SELECT name FROM information_schema.user_tables WHERE status = 'ACTIVE'", {}).ok());
  EXPECT_EQ(HexEncode(one.value()), "2eb051e5ec3c11bc51d8d90059e4e986fc5aa53f8f427fad830d869f0ec61349");
}

TEST(CommitDigestTest, WorkedExampleWithParameters) {
  // spec/wire-and-drivers.md section 4.4.
  CommitDigest d("8A8yFbEVNTxFPXDdhYR9Ot");
  EXPECT_EQ(HexEncode(d.value()), "eef55abbb809dd535fe2fb03897c1ef123adc730b15ff9df2afe5ecf073e5b99");
  std::vector<Value> p1 = {Ion("{FirstName:\"Raul\",LastName:\"Lewis\",DOB:1963-08-19T00:00:00.000Z}")};
  ASSERT_TRUE(d.AddStatement("INSERT INTO Person ?", p1).ok());
  EXPECT_EQ(HexEncode(d.value()), "8b2068f2f19b6cef500f1b112c0a81b273720eb7162267bf626500448b811daf");
  std::vector<Value> p2 = {Value::String("Raul")};
  ASSERT_TRUE(d.AddStatement("SELECT * FROM Person WHERE FirstName = ?", p2).ok());
  EXPECT_EQ(HexEncode(d.value()), "af48123fba0f5b0e007112cf34042a24da80dd5c225e48e8d18e46f9107fd059");
}

TEST(IdsTest, Base62Of22) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string id = NewId();
    EXPECT_TRUE(IsValidId(id)) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
  EXPECT_FALSE(IsValidId("short"));
  EXPECT_FALSE(IsValidId("3Qv67yjXEwB9SjmvkuG6C!"));
}

TEST(IdsTest, CharactersUniformAndThreadsIndependent) {
  // 2,000 ids = 44,000 characters: each of the 62 expected ~710 times.
  std::map<char, int> counts;
  std::set<std::string> main_ids;
  for (int i = 0; i < 2000; ++i) {
    std::string id = NewId();
    main_ids.insert(id);
    for (char c : id) ++counts[c];
  }
  EXPECT_EQ(counts.size(), 62u);
  for (const auto& [c, n] : counts) {
    EXPECT_GT(n, 550) << c;
    EXPECT_LT(n, 880) << c;
  }
  std::vector<std::string> other;
  std::thread t([&] {
    for (int i = 0; i < 2000; ++i) other.push_back(NewId());
  });
  t.join();
  for (const std::string& id : other) EXPECT_EQ(main_ids.count(id), 0u) << id;
}

TEST(IdsTest, DocumentIdsSortInIssueOrderAcrossThreads) {
  // Each thread's ids strictly increase; all threads' ids are distinct and valid.
  constexpr int kThreads = 4, kPerThread = 5000;
  std::vector<std::vector<std::string>> ids(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&ids, t] {
      for (int i = 0; i < kPerThread; ++i) ids[t].push_back(NewDocumentId());
    });
  }
  for (auto& t : threads) t.join();
  std::set<std::string> all;
  for (const auto& list : ids) {
    for (size_t i = 0; i < list.size(); ++i) {
      EXPECT_TRUE(IsValidId(list[i])) << list[i];
      if (i > 0) EXPECT_LT(list[i - 1], list[i]);
      all.insert(list[i]);
    }
  }
  EXPECT_EQ(all.size(), size_t{kThreads * kPerThread});
  // An id issued after another (happens-after) sorts after it.
  std::string before = NewDocumentId();
  std::string after;
  std::thread([&after] { after = NewDocumentId(); }).join();
  EXPECT_LT(before, after);
}

TEST_F(EngineTest, CrudHistoryAndCommittedView) {
  auto created = Auto("CREATE TABLE Vehicle");
  ASSERT_EQ(created.size(), 1u);
  ASSERT_NE(created[0].Get("tableId"), nullptr);
  Auto("CREATE INDEX ON Vehicle (VIN)");
  auto ins = Auto("INSERT INTO Vehicle ?", {Ion("[{VIN:\"1N4AL\",\"Year\":2011},{VIN:\"KM8SR\",\"Year\":2015}]")});
  ASSERT_EQ(ins.size(), 2u);
  std::string id = std::string(ins[0].Get("documentId")->text());

  auto rows = Auto("SELECT \"Year\" FROM Vehicle WHERE VIN = ?", {Value::String("1N4AL")});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0], Ion("{'Year':2011}"));

  auto upd = Auto("UPDATE Vehicle AS v SET v.\"Year\" = 2012 WHERE v.VIN = '1N4AL'");
  ASSERT_EQ(upd.size(), 1u);
  EXPECT_EQ(upd[0], Ion("{documentId:\"" + id + "\"}"));

  auto committed = Auto("SELECT metadata.version AS v, data.\"Year\" AS y FROM _ql_committed_Vehicle WHERE metadata.id = ?",
                        {Value::String(id)});
  ASSERT_EQ(committed.size(), 1u);
  EXPECT_EQ(committed[0], Ion("{v:1,y:2012}"));

  Auto("DELETE FROM Vehicle WHERE VIN = '1N4AL'");
  auto history = Auto("SELECT h.metadata.version AS v, h.data.\"Year\" AS y FROM history(Vehicle) AS h WHERE h.metadata.id = ?",
                      {Value::String(id)});
  ASSERT_EQ(history.size(), 3u);
  auto count = Auto("SELECT COUNT(*) FROM Vehicle");
  ASSERT_EQ(count.size(), 1u);
  EXPECT_EQ(count[0], Ion("{_1:1}"));

  auto tables = Auto("SELECT VALUE name FROM information_schema.user_tables WHERE status = 'ACTIVE'");
  ASSERT_EQ(tables.size(), 1u);
  EXPECT_EQ(tables[0], Value::String("Vehicle"));
  VerifyAll();
  // Data survives a restart.
  auto after = Auto("SELECT VALUE VIN FROM Vehicle");
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0], Value::String("KM8SR"));
}

// A document inserted or updated from a parameter reuses the parameter's Ion hash (computed for
// the statement digest) as its data hash. Verification recomputes every data hash from the
// stored data, so a reused hash that differed would fail it; the values are the ones where
// Ion equality is subtle (negative zero, NaN, decimal exponents, timestamp offsets and
// precision, nested annotations, field order).
TEST_F(EngineTest, DocumentsHashedAsParametersVerify) {
  Auto("CREATE TABLE T");
  const std::vector<std::string> docs = {
      "{a:-0e0, b:nan, c:1.0, d:1.00, e:-0d0}",
      "{t1:2020-01-01T00:00:00.000+01:00, t2:2020-01-01T, t3:2020-01-01T12:30Z}",
      "{n:{y:[1, two::2, (3 '4')], x:\"s\"}, 'z':sym, blob:{{aGVsbG8=}}, c:{{\"clob\"}}}",
      "{big:123456789012345678901234567890, neg:-1, f:1.5e300, ts:2021-06-30T23:59:59.123456-07:00}",
  };
  for (const std::string& d : docs) Auto("INSERT INTO T ?", {Ion(d)});
  // Two parameters, one document equal to the second; then the same document changed by a
  // later statement of the same transaction (its reused hash must be dropped).
  {
    Txn t = Begin();
    t.Must("INSERT INTO T << ?, ? >>", {Ion("{p:1}"), Ion("{p:2.50}")});
    auto ins = t.Must("INSERT INTO T ?", {Ion("{q:1}")});
    ASSERT_EQ(ins.size(), 1u);
    std::string id = std::string(ins[0].Get("documentId")->text());
    t.Must("UPDATE T AS x BY pid SET x.q = 2 WHERE pid = ?", {Value::String(id)});
    ASSERT_TRUE(t.Commit().ok());
  }
  auto rows = Auto("SELECT VALUE q FROM T WHERE q IS NOT MISSING");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0], Ion("2"));
  VerifyAll();
}

TEST_F(EngineTest, StatementErrorsLeaveTransactionUsable) {
  Auto("CREATE TABLE T");
  Txn t = Begin();
  t.Must("INSERT INTO T VALUE {'a': 1}");
  auto bad = t.Run("SELECT * FROM Nope");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("No such variable named 'Nope'"), std::string::npos);
  auto bad2 = t.Run("INSERT INTO T VALUE 5");
  ASSERT_FALSE(bad2.ok());
  t.Must("INSERT INTO T VALUE {'a': 2}");
  ASSERT_TRUE(t.Commit().ok());
  EXPECT_EQ(Auto("SELECT COUNT(*) FROM T")[0], Ion("{_1:2}"));
}

TEST_F(EngineTest, DigestMismatchIsRejected) {
  Auto("CREATE TABLE T");
  auto t = ledger_->BeginTransaction();
  ASSERT_TRUE(t.ok());
  ASSERT_TRUE((*t)->Execute("INSERT INTO T VALUE {'a': 1}", {}).ok());
  Hash256 wrong{};
  auto r = (*t)->Commit(wrong);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "Digests don't match");
  EXPECT_EQ(Auto("SELECT COUNT(*) FROM T")[0], Ion("{_1:0}"));
}

TEST_F(EngineTest, OccScanConflictsWithInsert) {
  Auto("CREATE TABLE Person");
  Txn a = Begin();
  Txn b = Begin();
  a.Must("SELECT * FROM Person WHERE email = 'x@example.com'");  // no index: a scan
  a.Must("INSERT INTO Person VALUE {'email': 'x@example.com'}");
  b.Must("INSERT INTO Person VALUE {'email': 'other@example.com'}");
  ASSERT_TRUE(b.Commit().ok());
  Status s = a.Commit();
  EXPECT_EQ(s.code(), StatusCode::kConflict) << s.ToString();
}

TEST_F(EngineTest, OccIndexedLookupsConflictOnlyOnSameKey) {
  Auto("CREATE TABLE Person");
  Auto("CREATE INDEX ON Person (email)");
  {
    Txn a = Begin();
    Txn b = Begin();
    a.Must("SELECT * FROM Person WHERE email = 'x@example.com'");
    a.Must("INSERT INTO Person VALUE {'email': 'x@example.com'}");
    b.Must("SELECT * FROM Person WHERE email = 'y@example.com'");
    b.Must("INSERT INTO Person VALUE {'email': 'y@example.com'}");
    ASSERT_TRUE(b.Commit().ok());
    EXPECT_TRUE(a.Commit().ok()) << "disjoint keys must not conflict";
  }
  {
    Txn a = Begin();
    Txn b = Begin();
    a.Must("SELECT * FROM Person WHERE email = 'z@example.com'");
    a.Must("INSERT INTO Person VALUE {'email': 'z@example.com'}");
    b.Must("SELECT * FROM Person WHERE email = 'z@example.com'");
    b.Must("INSERT INTO Person VALUE {'email': 'z@example.com'}");
    ASSERT_TRUE(b.Commit().ok());
    EXPECT_EQ(a.Commit().code(), StatusCode::kConflict) << "a phantom on the same key must conflict";
  }
  EXPECT_EQ(Auto("SELECT COUNT(*) FROM Person")[0], Ion("{_1:3}"));
}

TEST_F(EngineTest, DocumentLimitPerTransaction) {
  Auto("CREATE TABLE T");
  Txn t = Begin();
  for (int i = 0; i < 40; ++i) t.Must("INSERT INTO T VALUE {'i': ?}", {Value::Integer(i)});
  auto over = t.Run("INSERT INTO T VALUE {'i': 40}");
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.status().code(), StatusCode::kLimitExceeded);
}

TEST_F(EngineTest, ProofsFoldToDigestsAtEveryTip) {
  Auto("CREATE TABLE T");
  std::vector<std::string> ids;
  for (int i = 0; i < 20; ++i) {
    auto r = Auto("INSERT INTO T VALUE {'i': ?}", {Value::Integer(i)});
    ids.emplace_back(r[0].Get("documentId")->text());
  }
  auto digest = engine_->GetDigest("test");
  ASSERT_TRUE(digest.ok()) << digest.status().ToString();
  // Every revision, against the current tip and an earlier one.
  auto rows = Auto("SELECT blockAddress, metadata.id FROM _ql_committed_T");
  ASSERT_EQ(rows.size(), 20u);
  for (const Value& row : rows) {
    auto address = BlockAddress::FromIon(*row.Get("blockAddress"));
    ASSERT_TRUE(address.ok());
    std::string doc(row.Get("id")->text());
    auto rev = engine_->GetRevision("test", *address, doc, digest->tip);
    ASSERT_TRUE(rev.ok()) << rev.status().ToString();
    auto hash = journal::ToHash256(rev->value.Get("hash")->as_bytes());
    ASSERT_TRUE(hash.ok());
    EXPECT_EQ(journal::FoldProof(*hash, *rev->proof), digest->digest);
    auto block = engine_->GetBlock("test", *address, digest->tip);
    ASSERT_TRUE(block.ok());
    auto block_hash = journal::ToHash256(block->value.Get("blockHash")->as_bytes());
    ASSERT_TRUE(block_hash.ok());
    EXPECT_EQ(journal::FoldProof(*block_hash, *block->proof), digest->digest);
    // A flipped bit in the leaf does not fold.
    Hash256 flipped = *hash;
    flipped[3] ^= 1;
    EXPECT_NE(journal::FoldProof(flipped, *rev->proof), digest->digest);
  }
  // A proof against an earlier tip: the tip of the first insert.
  BlockAddress early = digest->tip;
  early.sequence_no = 3;
  auto first = engine_->GetBlock("test", BlockAddress{digest->tip.strand_id, 1}, early);
  ASSERT_TRUE(first.ok());
  auto bh = journal::ToHash256(first->value.Get("blockHash")->as_bytes());
  ASSERT_TRUE(bh.ok());
  Hash256 folded = journal::FoldProof(*bh, *first->proof);
  // Digest at tip 3 computed through a second GetBlock proof of block 3 itself.
  auto tip_block = engine_->GetBlock("test", early, early);
  ASSERT_TRUE(tip_block.ok());
  auto th = journal::ToHash256(tip_block->value.Get("blockHash")->as_bytes());
  EXPECT_EQ(journal::FoldProof(*th, *tip_block->proof), folded);
}

TEST_F(EngineTest, RedactionKeepsHashesVerifying) {
  Auto("CREATE TABLE T");
  auto ins = Auto("INSERT INTO T VALUE {'secret': 'pii', 'k': 1}");
  std::string id(ins[0].Get("documentId")->text());
  Auto("UPDATE T SET secret = 'gone' WHERE k = 1");
  auto rev0 = Auto("SELECT blockAddress FROM history(T) AS h WHERE h.metadata.id = ? AND h.metadata.version = 0",
                   {Value::String(id)});
  ASSERT_EQ(rev0.size(), 1u);
  auto table_id = Auto("SELECT VALUE tableId FROM information_schema.user_tables WHERE name = 'T'");
  ASSERT_EQ(table_id.size(), 1u);
  auto redact = Auto("EXEC redact_revision ?, '" + std::string(table_id[0].text()) + "', '" + id + "'",
                     {*rev0[0].Get("blockAddress")});
  ASSERT_EQ(redact.size(), 1u);
  auto after = Auto("SELECT h.dataHash, h.data FROM history(T) AS h WHERE h.metadata.id = ? AND h.metadata.version = 0",
                    {Value::String(id)});
  ASSERT_EQ(after.size(), 1u);
  EXPECT_NE(after[0].Get("dataHash"), nullptr);
  EXPECT_EQ(after[0].Get("data"), nullptr);
  VerifyAll();
}

TEST_F(EngineTest, DdlRulesAndLimits) {
  Auto("CREATE TABLE A");
  {
    Txn t = Begin();
    auto dup = t.Run("CREATE TABLE A");
    ASSERT_FALSE(dup.ok());
    EXPECT_EQ(dup.status().code(), StatusCode::kAlreadyExists);
    EXPECT_EQ(dup.status().message(), "Table with name: USER.A already exists");
  }
  auto drop = Auto("DROP TABLE A");
  std::string id(drop[0].Get("tableId")->text());
  auto status = Auto("SELECT VALUE status FROM information_schema.user_tables WHERE name = 'A'");
  ASSERT_EQ(status.size(), 1u);
  EXPECT_EQ(status[0], Value::String("INACTIVE"));
  Auto("UNDROP TABLE \"" + id + "\"");
  status = Auto("SELECT VALUE status FROM information_schema.user_tables WHERE name = 'A'");
  EXPECT_EQ(status[0], Value::String("ACTIVE"));
  for (int i = 0; i < 5; ++i) Auto("CREATE INDEX ON A (f" + std::to_string(i) + ")");
  {
    Txn u = Begin();
    auto sixth = u.Run("CREATE INDEX ON A (f5)");
    ASSERT_FALSE(sixth.ok());
    EXPECT_EQ(sixth.status().code(), StatusCode::kLimitExceeded);
  }
  VerifyAll();
}

TEST_F(EngineTest, ControlPlane) {
  CreateLedgerParams p;
  p.name = "protected";
  ASSERT_TRUE(engine_->CreateLedger(p).ok());
  EXPECT_EQ(engine_->CreateLedger(p).status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(engine_->DeleteLedger("protected").code(), StatusCode::kFailedPrecondition);
  ASSERT_TRUE(engine_->UpdateLedger("protected", false).ok());
  ASSERT_TRUE(engine_->DeleteLedger("protected").ok());
  EXPECT_EQ(engine_->DescribeLedger("protected").status().code(), StatusCode::kNotFound);
  CreateLedgerParams bad;
  bad.name = "bad--name";
  EXPECT_EQ(engine_->CreateLedger(bad).status().code(), StatusCode::kInvalidArgument);
  auto info = engine_->DescribeLedger("test");
  ASSERT_TRUE(info.ok());
  ASSERT_TRUE(engine_->TagResource(info->arn, {{"team", "ledger"}}).ok());
  auto tags = engine_->ListTags(info->arn);
  ASSERT_TRUE(tags.ok());
  EXPECT_EQ(tags->at("team"), "ledger");
}

TEST_F(EngineTest, LedgerWithoutFormatMarkerIsUpgradedOnOpen) {
  Auto("CREATE TABLE T");
  Auto("CREATE INDEX ON T (k)");
  std::string a = Auto("INSERT INTO T VALUE {'k': 1}")[0].Get("documentId")->as_string();
  Auto("INSERT INTO T VALUE {'k': 2}");
  Auto("INSERT INTO T VALUE {'k': 3}");
  Auto("UPDATE T SET k = 10 WHERE k = 1");
  Auto("DELETE FROM T WHERE k = 3");
  {
    // The layout before the marker: history also holds every current revision, and index
    // entries sit under other keys.
    auto store = CloseAndOpenLedgerStore();
    ASSERT_TRUE(store.ok());
    kv::WriteBatch b;
    b.Delete(storage::keys::Meta("format"));
    storage::StateReader reader(store->get(), nullptr);
    auto tables = reader.ListTables();
    ASSERT_TRUE(tables.ok());
    ASSERT_EQ(tables->size(), 1u);
    const storage::TableInfo& t = (*tables)[0];
    auto x = (*store)->NewIterator(kv::PrefixRange("x"));
    for (x->SeekToFirst(); x->Valid(); x->Next()) b.Delete(x->key());
    Hash256 stale{};
    stale[0] = 0x5A;
    ASSERT_TRUE(reader
                    .ScanCurrent(t.table_id,
                                 [&](storage::Revision&& r) {
                                   storage::PutHistoryOnly(b, t.table_id, r);
                                   b.Put(storage::keys::Index(t.table_id, t.indexes[0].index_id,
                                                              stale, r.document_id),
                                         "");
                                   return Status::OK();
                                 })
                    .ok());
    ASSERT_TRUE((*store)->Write(b).ok());
  }
  auto before = VerifyDataDir(dir_);
  ASSERT_FALSE(before.ok());
  EXPECT_EQ(before.status().code(), StatusCode::kFailedPrecondition) << before.status().ToString();
  Open();  // upgrades
  EXPECT_EQ(Auto("SELECT VALUE COUNT(*) FROM history(T)")[0], Value::Integer(5));
  EXPECT_EQ(Auto("SELECT VALUE h.metadata.version FROM history(T) AS h WHERE h.metadata.id = ?",
                 {Value::String(a)}).size(), 2u);
  auto found = Auto("SELECT VALUE r.metadata.id FROM _ql_committed_T AS r WHERE r.data.k = 10");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0], Value::String(a));
  EXPECT_EQ(Auto("SELECT VALUE k FROM T WHERE k = 2e0").size(), 1u);
  VerifyAll();
  Open();  // already current: opens unchanged
  EXPECT_EQ(Auto("SELECT VALUE COUNT(*) FROM history(T)")[0], Value::Integer(5));
}

TEST_F(EngineTest, VerifyDetectsTamperedRevision) {
  Auto("CREATE TABLE T");
  Auto("CREATE INDEX ON T (k)");
  for (int i = 0; i < 5; ++i) Auto("INSERT INTO T VALUE {'k': ?}", {Value::Integer(i)});
  {
    // Flip one byte of one current-document record in a ledger store.
    auto store = CloseAndOpenLedgerStore();
    ASSERT_TRUE(store.ok());
    auto it = (*store)->NewIterator(kv::PrefixRange("d"));
    it->SeekToFirst();
    ASSERT_TRUE(it->Valid());
    std::string key(it->key()), value(it->value());
    value[value.size() - 2] ^= 0x01;
    kv::WriteBatch b;
    b.Put(key, value);
    ASSERT_TRUE((*store)->Write(b).ok());
  }
  auto r = VerifyDataDir(dir_);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().code() == StatusCode::kCorruption) << r.status().ToString();
}

}  // namespace
}  // namespace folio::engine
