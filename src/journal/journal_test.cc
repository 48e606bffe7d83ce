#include "journal/journal.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>

#include "common/bytes.h"
#include "ion/ion.h"
#include "journal/block.h"
#include "journal/hash.h"
#include "journal/verify.h"
#include "kv/mem_store.h"
#include "kv/rocks_store.h"

namespace folio::journal {
namespace {

using ion::Value;

const std::string kStrand = "5PLf9SXwndd63lPaSIa0O6";
const std::string kPrefix = std::string("L\x01", 2);

ion::Timestamp Ms(int64_t ms) { return ion::Timestamp::FromEpochMillis(ms); }

Hash256 IonH(const Value& v) {
  auto h = ion::IonHashSha256(v);
  EXPECT_TRUE(h.ok()) << h.status().ToString();
  return h.ok() ? *h : Hash256{};
}

std::string Id22(const std::string& tag, uint64_t n) {
  std::string s = tag + std::to_string(n);
  s.resize(22, 'x');
  return s;
}

// A block for transaction number `n`: a few statements and revisions, every 5th with a
// deletion, every 7th with a system revision, every 11th with no revisions at all.
Block MakeBlock(uint64_t n) {
  BlockBuilder b(Id22("tx", n), Ms(1654713606000 + static_cast<int64_t>(n)));
  if (n % 11 == 3) {
    b.AddStatement("SELECT * FROM Cars", Ms(1654713606000), Sha256Digest("select"));
    return std::move(b).Take();
  }
  size_t s0 = b.AddStatement("INSERT INTO Cars ?", Ms(1654713606000), Sha256Digest("s0"));
  size_t s1 = b.AddStatement("UPDATE Cars SET n = ?", Ms(1654713606001), Sha256Digest("s1"));
  int revs = 1 + static_cast<int>(n % 4);
  for (int r = 0; r < revs; ++r) {
    std::string doc = Id22("doc" + std::to_string(r) + "_", n);
    b.AddDocumentStatement(doc, "Cars", Id22("table", 1), s0);
    b.AddDocumentStatement(doc, "Cars", Id22("table", 1), s1);
    RevisionMetadata md{doc, r, Ms(1654713606000 + static_cast<int64_t>(n)), Id22("tx", n)};
    if (n % 5 == 0 && r == 0) {
      b.AddRevision(Revision::User(md, std::nullopt));
    } else {
      b.AddRevision(Revision::User(
          md, Value::Struct({{"VIN", Value::String("1N4AL11D75C" + std::to_string(n))},
                             {"n", Value::Integer(ion::Int(static_cast<int64_t>(n * 10 + r)))},
                             {"tags", Value::List({Value::Sym("a"), Value::Float(1.5)})}})));
    }
  }
  if (n % 7 == 0) b.AddRevision(Revision::System(Sha256Digest("system" + std::to_string(n))));
  return std::move(b).Take();
}

// Appends `count` blocks in groups of `group` per batch; returns their hashes.
std::vector<Hash256> AppendBlocks(kv::Store& store, Journal& j, uint64_t count, int group = 1,
                                  bool sync = false) {
  std::vector<Hash256> hashes;
  JournalTip t = j.tip();
  kv::WriteBatch batch;
  for (uint64_t i = 0; i < count; ++i) {
    Block b = MakeBlock(t.size);
    auto next = j.Append(t, b, batch);
    EXPECT_TRUE(next.ok()) << next.status().ToString();
    if (!next.ok()) return hashes;
    t = *next;
    hashes.push_back(b.block_hash);
    if ((i + 1) % group == 0 || i + 1 == count) {
      EXPECT_TRUE(store.Write(batch, {.sync = sync}).ok());
      EXPECT_TRUE(j.Publish(t).ok());
      batch.Clear();
    }
  }
  return hashes;
}

std::unique_ptr<Journal> OpenJournal(kv::Store& store) {
  auto j = Journal::Open(store, kPrefix, kStrand);
  EXPECT_TRUE(j.ok()) << j.status().ToString();
  return j.ok() ? std::move(*j) : nullptr;
}

// ---- Block ----

TEST(BlockTest, HashRulesMatchQldb) {
  Block b = MakeBlock(10);  // n % 5 == 0: revision 0 is a deletion; n % 4 == 2: 3 revisions
  Hash256 prev = Sha256Digest("prev");
  ASSERT_TRUE(SealBlock(b, {kStrand, 10}, prev).ok());
  ASSERT_EQ(b.revisions.size(), 3u);
  const Revision& del = b.revisions[0];
  EXPECT_TRUE(del.is_deletion());
  EXPECT_EQ(del.hash, IonH(del.metadata.ToIon()));
  const Revision& live = b.revisions[1];
  EXPECT_EQ(live.hash, Dot(IonH(live.metadata.ToIon()), IonH(*live.data)));
  EXPECT_EQ(live.block_address, (BlockAddress{kStrand, 10}));
  std::vector<Hash256> rh = {b.revisions[0].hash, b.revisions[1].hash, b.revisions[2].hash};
  ASSERT_EQ(b.entries_hash_list.size(), 3u);
  EXPECT_EQ(b.entries_hash_list[0], IonH(b.transaction_info.ToIon()));
  EXPECT_EQ(b.entries_hash_list[1], Dot(Dot(rh[0], rh[1]), rh[2]));
  EXPECT_EQ(b.entries_hash_list[2],
            IonH(Value::Struct({{"blockAddress", b.address.ToIon()},
                                {"transactionId", Value::String(b.transaction_id)},
                                {"blockTimestamp", Value::Time(b.timestamp)}})));
  EXPECT_EQ(b.entries_hash,
            Dot(Dot(b.entries_hash_list[0], b.entries_hash_list[1]), b.entries_hash_list[2]));
  EXPECT_EQ(b.block_hash, Dot(b.entries_hash, prev));
  EXPECT_TRUE(VerifyBlockHashes(b).ok());

  Block first = MakeBlock(0);
  ASSERT_TRUE(SealBlock(first, {kStrand, 0}, std::nullopt).ok());
  EXPECT_EQ(first.block_hash, first.entries_hash);
  // Only block 0 may lack a previous hash.
  Block b2 = MakeBlock(2);
  EXPECT_EQ(SealBlock(b2, {kStrand, 2}, std::nullopt).code(), StatusCode::kInvalidArgument);
}

TEST(BlockTest, RedactionInfoIsHashedIntoEntries) {
  BlockBuilder builder(Id22("tx", 99), Ms(1654713606123));
  builder.AddStatement("EXEC REDACT_REVISION ?, ?, ?", Ms(1654713606100), Sha256Digest("r"));
  RedactionInfo info;
  info.revisions.push_back({{kStrand, 3}, Id22("table", 1), Id22("doc", 3), 2});
  builder.SetRedactionInfo(info);
  Block b = std::move(builder).Take();
  ASSERT_TRUE(SealBlock(b, {kStrand, 9}, Sha256Digest("p")).ok());
  ASSERT_EQ(b.entries_hash_list.size(), 3u);  // no revisions: [info, redaction, header]
  EXPECT_EQ(b.entries_hash_list[1], IonH(info.ToIon()));
  EXPECT_FALSE(b.RevisionsRootIndex().has_value());
  auto back = Block::FromIon(*ion::ReadOne(ion::WriteBinary(b.ToIon())));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ASSERT_TRUE(back->redaction_info.has_value());
  EXPECT_EQ(back->redaction_info->revisions[0].document_id, Id22("doc", 3));
  EXPECT_TRUE(VerifyBlockHashes(*back).ok());
  back->redaction_info->revisions[0].version = 1;
  Status s = VerifyBlockHashes(*back);
  EXPECT_NE(s.message().find("H(redactionInfo)"), std::string::npos) << s.message();
  Block t = b;
  t.transaction_id = Id22("ty", 99);
  s = VerifyBlockHashes(t);
  EXPECT_NE(s.message().find("transactionId"), std::string::npos) << s.message();
}

TEST(BlockTest, SealRejectsBadInput) {
  Block b = MakeBlock(1);
  b.timestamp = ion::Timestamp{};  // year precision
  EXPECT_EQ(SealBlock(b, {kStrand, 0}, std::nullopt).code(), StatusCode::kInvalidArgument);
  Block c = MakeBlock(1);
  EXPECT_EQ(SealBlock(c, {"short", 0}, std::nullopt).code(), StatusCode::kInvalidArgument);
  Block d = MakeBlock(1);
  d.transaction_id.clear();
  EXPECT_EQ(SealBlock(d, {kStrand, 0}, std::nullopt).code(), StatusCode::kInvalidArgument);
}

TEST(BlockTest, IonRoundTripAndShape) {
  for (uint64_t n : {0, 3, 5, 7, 14}) {
    Block b = MakeBlock(n);
    std::optional<Hash256> prev;
    if (n > 0) prev = Sha256Digest("p");
    ASSERT_TRUE(SealBlock(b, {kStrand, n}, prev).ok());
    Value v = b.ToIon();
    Bytes bin = ion::WriteBinary(v);
    auto back = ion::ReadOne(bin);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    auto parsed = Block::FromIon(*back);
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    EXPECT_EQ(parsed->ToIon(), v);
    EXPECT_TRUE(VerifyBlockHashes(*parsed).ok());
    // QLDB field names and types the verifiers read.
    ASSERT_NE(v.Get("blockHash"), nullptr);
    EXPECT_EQ(v.Get("blockHash")->type(), ion::Type::kBlob);
    EXPECT_EQ(v.Get("blockAddress")->Get("sequenceNo")->as_int().small(), static_cast<int64_t>(n));
    EXPECT_EQ(v.Get("previousBlockHash")->as_bytes().size(), n == 0 ? 0u : 32u);
    const auto& revs = v.Get("revisions")->elements();
    for (size_t i = 0; i < revs.size(); ++i) {
      EXPECT_EQ(revs[i].Get("hash")->type(), ion::Type::kBlob);
      EXPECT_EQ(revs[i].Get("metadata") == nullptr, b.revisions[i].is_system);
    }
  }
  // The documents map uses 0-based statement indexes.
  Block b = MakeBlock(1);
  Value docs = b.transaction_info.ToIon();
  EXPECT_EQ(docs.Get("documents")->fields()[0].value.Get("statements")->elements().size(), 2u);
}

// EncodeBlock writes single-document blocks straight from the block (no DOM) and copies data
// from the documents' own encodings; whatever path it takes, the bytes read back as ToIon.
TEST(BlockTest, EncodeBlockReadsBackAsToIon) {
  for (uint64_t n = 0; n < 24; ++n) {
    for (int encode : {0, 1, 2}) {  // none, the first document's data, every document's data
      Block b = MakeBlock(n);
      int with_data = 0;
      for (Revision& r : b.revisions) {
        if (r.is_system || !r.data) continue;
        if (encode == 2 || (encode == 1 && with_data == 0)) {
          r.encoded_data = std::make_shared<const ion::EncodedValue>(ion::EncodeForSplice(*r.data));
        }
        ++with_data;
      }
      if (n == 9) {
        RedactionInfo info;
        info.revisions.push_back({{kStrand, 2}, Id22("table", 1), Id22("doc", 2), 0});
        b.redaction_info = info;
      }
      ASSERT_TRUE(SealBlock(b, {kStrand, n}, n == 0 ? std::nullopt : std::optional(Sha256Digest("p"))).ok());
      auto back = ion::ReadOne(EncodeBlock(b));
      ASSERT_TRUE(back.ok()) << back.status().ToString();
      EXPECT_EQ(*back, b.ToIon()) << "block " << n << " encode " << encode;
    }
  }
}

TEST(BlockTest, FromIonRejectsMalformed) {
  Block b = MakeBlock(1);
  ASSERT_TRUE(SealBlock(b, {kStrand, 0}, std::nullopt).ok());
  Value v = b.ToIon();
  Value no_hash = v;
  no_hash.Remove("blockHash");
  EXPECT_EQ(Block::FromIon(no_hash).status().code(), StatusCode::kCorruption);
  Value short_hash = v;
  short_hash.Set("entriesHash", Value::Blob(Bytes(5, 1)));
  EXPECT_EQ(Block::FromIon(short_hash).status().code(), StatusCode::kCorruption);
  Value extra = v;
  extra.Set("surprise", Value::Integer(1));
  EXPECT_EQ(Block::FromIon(extra).status().code(), StatusCode::kCorruption);
  EXPECT_EQ(Block::FromIon(Value::Integer(3)).status().code(), StatusCode::kCorruption);
}

TEST(BlockTest, VerifyNamesTamperedField) {
  Block b = MakeBlock(2);
  ASSERT_TRUE(SealBlock(b, {kStrand, 2}, Sha256Digest("p")).ok());
  Block t1 = b;
  t1.revisions[1].data->Set("n", Value::Integer(999));
  Status s = VerifyBlockHashes(t1);
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_NE(s.message().find("revisions[1].hash"), std::string::npos) << s.message();
  Block t2 = b;
  t2.transaction_info.statements[0].statement = "DELETE FROM Cars";
  s = VerifyBlockHashes(t2);
  EXPECT_NE(s.message().find("H(transactionInfo)"), std::string::npos) << s.message();
  Block t3 = b;
  t3.previous_block_hash = Sha256Digest("other");
  s = VerifyBlockHashes(t3);
  EXPECT_NE(s.message().find("blockHash"), std::string::npos) << s.message();
}

TEST(BlockTest, BuilderDeduplicatesDocumentStatements) {
  BlockBuilder b(Id22("tx", 1), Ms(0));
  size_t s0 = b.AddStatement("a", Ms(0), Sha256Digest("a"));
  size_t s1 = b.AddStatement("b", Ms(0), Sha256Digest("b"));
  b.AddDocumentStatement("d1", "T", "tid", s0);
  b.AddDocumentStatement("d2", "T", "tid", s1);
  b.AddDocumentStatement("d1", "T", "tid", s1);
  b.AddDocumentStatement("d1", "T", "tid", s1);
  Block blk = std::move(b).Take();
  ASSERT_EQ(blk.transaction_info.documents.size(), 2u);
  EXPECT_EQ(blk.transaction_info.documents[0].statements, (std::vector<int64_t>{0, 1}));
  EXPECT_EQ(blk.transaction_info.documents[1].statements, (std::vector<int64_t>{1}));
}

// ---- Journal ----

TEST(JournalTest, ProofsForEveryLeafAndEveryTip) {
  kv::MemStore store;
  auto j = OpenJournal(store);
  ASSERT_NE(j, nullptr);
  auto hashes = AppendBlocks(store, *j, 33, /*group=*/3);
  ASSERT_EQ(hashes.size(), 33u);
  for (uint64_t tip = 0; tip < 33; ++tip) {
    auto digest = j->Digest(tip);
    ASSERT_TRUE(digest.ok()) << digest.status().ToString();
    std::span<const Hash256> prefix(hashes.data(), tip + 1);
    EXPECT_EQ(*digest, *MerkleRoot(prefix)) << "tip " << tip;
    for (uint64_t m = 0; m <= tip; ++m) {
      auto proof = j->BlockProof(m, tip);
      ASSERT_TRUE(proof.ok()) << proof.status().ToString();
      EXPECT_EQ(*proof, MerklePath(m, prefix)) << m << "/" << tip;
      EXPECT_EQ(FoldProof(hashes[m], *proof), *digest) << m << "/" << tip;
      auto block = j->GetBlock(m);
      ASSERT_TRUE(block.ok());
      for (size_t r = 0; r < block->revisions.size(); ++r) {
        auto rp = j->RevisionProof(*block, r, tip);
        ASSERT_TRUE(rp.ok()) << rp.status().ToString();
        EXPECT_EQ(FoldProof(block->revisions[r].hash, *rp), *digest);
      }
    }
  }
  EXPECT_EQ(j->BlockProof(5, 4).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(j->Digest(33).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(j->GetBlock(33).status().code(), StatusCode::kNotFound);
}

TEST(JournalTest, TenThousandBlocks) {
  auto start = std::chrono::steady_clock::now();
  kv::MemStore store;
  auto j = OpenJournal(store);
  ASSERT_NE(j, nullptr);
  constexpr uint64_t kN = 10000;
  auto hashes = AppendBlocks(store, *j, kN, /*group=*/8);
  ASSERT_EQ(hashes.size(), kN);
  const JournalTip tip = j->tip();
  ASSERT_EQ(tip.size, kN);
  Hash256 digest = *j->Digest(kN - 1);
  EXPECT_EQ(digest, *MerkleRoot(hashes));
  EXPECT_EQ(digest, *tip.Digest());

  for (uint64_t m = 0; m < kN; ++m) {
    auto proof = j->BlockProof(m, kN - 1);
    ASSERT_TRUE(proof.ok());
    ASSERT_LE(proof->size(), 14u);
    ASSERT_EQ(FoldProof(hashes[m], *proof), digest) << m;
  }
  for (uint64_t t : {uint64_t{0}, uint64_t{1}, uint64_t{1023}, uint64_t{4096}, uint64_t{6999},
                     uint64_t{8191}, kN - 2}) {
    std::span<const Hash256> prefix(hashes.data(), t + 1);
    Hash256 d = *j->Digest(t);
    ASSERT_EQ(d, *MerkleRoot(prefix)) << t;
    for (uint64_t m = 0; m <= t; m += (t / 200) + 1) {
      auto proof = j->BlockProof(m, t);
      ASSERT_TRUE(proof.ok());
      ASSERT_EQ(FoldProof(hashes[m], *proof), d) << m << "/" << t;
    }
  }

  // Flipped bits are detected: in the block hash, a revision hash, a proof element.
  for (uint64_t m : {uint64_t{0}, uint64_t{777}, uint64_t{5000}, kN - 1}) {
    auto proof = *j->BlockProof(m, kN - 1);
    Hash256 leaf = hashes[m];
    leaf[m % 32] ^= 0x10;
    EXPECT_NE(FoldProof(leaf, proof), digest);
    for (size_t e = 0; e < proof.size(); ++e) {
      auto bad = proof;
      bad[e][7] ^= 0x01;
      EXPECT_NE(FoldProof(hashes[m], bad), digest);
    }
    Block block = *j->GetBlock(m);
    if (block.revisions.empty()) continue;
    auto rp = *j->RevisionProof(block, 0, kN - 1);
    EXPECT_EQ(FoldProof(block.revisions[0].hash, rp), digest);
    Hash256 rev = block.revisions[0].hash;
    rev[31] ^= 0x80;
    EXPECT_NE(FoldProof(rev, rp), digest);
  }
  auto report = VerifyJournal(store, kPrefix);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->blocks, kN);
  EXPECT_EQ(*report->digest, digest);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(secs, 60.0);
}

TEST(JournalTest, GroupCommitAppendDoesNotPublishUntilAsked) {
  kv::MemStore store;
  auto j = OpenJournal(store);
  AppendBlocks(store, *j, 4);
  JournalTip base = j->tip();
  kv::WriteBatch batch;
  Block a = MakeBlock(4), b = MakeBlock(5);
  auto t1 = j->Append(base, a, batch);
  ASSERT_TRUE(t1.ok());
  auto t2 = j->Append(*t1, b, batch);
  ASSERT_TRUE(t2.ok());
  EXPECT_EQ(b.previous_block_hash, a.block_hash);
  EXPECT_EQ(j->tip().size, 4u);
  // A failed write: the journal stays at the old tip and can append again.
  store.SetFailWrites(true);
  EXPECT_FALSE(store.Write(batch).ok());
  store.SetFailWrites(false);
  EXPECT_EQ(j->tip().size, 4u);
  EXPECT_EQ(j->GetBlock(4).status().code(), StatusCode::kNotFound);
  ASSERT_TRUE(store.Write(batch).ok());
  ASSERT_TRUE(j->Publish(*t2).ok());
  EXPECT_EQ(j->tip().size, 6u);
  EXPECT_EQ(j->Publish(*t1).code(), StatusCode::kFailedPrecondition);
  EXPECT_TRUE(VerifyJournal(store, kPrefix).ok());
}

TEST(JournalTest, RestartRecoversTipOnRocksDb) {
  auto dir =
      std::filesystem::temp_directory_path() / ("folio_journal_test_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::vector<Hash256> hashes;
  Hash256 digest_before{};
  {
    auto store = kv::RocksStore::Open(dir.string());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    auto j = OpenJournal(**store);
    ASSERT_NE(j, nullptr);
    hashes = AppendBlocks(**store, *j, 77, 4);
    digest_before = *j->Digest(76);
  }
  {
    auto store = kv::RocksStore::Open(dir.string());
    ASSERT_TRUE(store.ok());
    auto j = OpenJournal(**store);
    ASSERT_NE(j, nullptr);
    JournalTip t = j->tip();
    EXPECT_EQ(t.size, 77u);
    EXPECT_EQ(*t.last_block_hash, hashes.back());
    EXPECT_EQ(*t.Digest(), digest_before);
    auto more = AppendBlocks(**store, *j, 30, 5);
    hashes.insert(hashes.end(), more.begin(), more.end());
    EXPECT_EQ(*j->Digest(106), *MerkleRoot(hashes));
    EXPECT_EQ(*j->Digest(76), digest_before);
    auto proof = j->BlockProof(40, 76);
    EXPECT_EQ(FoldProof(hashes[40], *proof), digest_before);
    // A different strand id for the same ledger is refused.
    auto other = Journal::Open(**store, kPrefix, "AAAAAAAAAAAAAAAAAAAAAA");
    EXPECT_EQ(other.status().code(), StatusCode::kFailedPrecondition);
    auto report = VerifyJournal(**store, kPrefix);
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    EXPECT_EQ(report->blocks, 107u);
  }
  std::filesystem::remove_all(dir);
}

TEST(JournalTest, CrashDropsUnsyncedBlocksConsistently) {
  kv::MemStore store;
  auto j = OpenJournal(store);
  AppendBlocks(store, *j, 10, 2, /*sync=*/true);
  Hash256 d = *j->Digest(9);
  AppendBlocks(store, *j, 5, 5, /*sync=*/false);
  EXPECT_EQ(j->tip().size, 15u);
  store.DropUnsyncedWrites();
  auto j2 = OpenJournal(store);
  ASSERT_NE(j2, nullptr);
  EXPECT_EQ(j2->tip().size, 10u);
  EXPECT_EQ(*j2->Digest(9), d);
  EXPECT_TRUE(VerifyJournal(store, kPrefix).ok());
}

TEST(JournalTest, OpenRejectsBadStrandAndDetectsMissingTipBlock) {
  kv::MemStore store;
  EXPECT_EQ(Journal::Open(store, kPrefix, "short").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Journal::Open(store, kPrefix, "5PLf9SXwndd63lPaSIa0O!").status().code(),
            StatusCode::kInvalidArgument);
  auto j = OpenJournal(store);
  AppendBlocks(store, *j, 3);
  kv::WriteBatch del;
  del.Delete(j->BlockKey(2));
  ASSERT_TRUE(store.Write(del).ok());
  EXPECT_EQ(Journal::Open(store, kPrefix, kStrand).status().code(), StatusCode::kCorruption);
}

TEST(JournalTest, RedactionKeepsHashesAndProofs) {
  kv::MemStore store;
  auto j = OpenJournal(store);
  AppendBlocks(store, *j, 12);
  Hash256 digest = *j->Digest(11);
  Block before = *j->GetBlock(2);  // 3 revisions, all with data
  ASSERT_TRUE(before.revisions[1].data.has_value());
  kv::WriteBatch batch;
  ASSERT_TRUE(j->StageRedaction(2, 1, batch).ok());
  ASSERT_TRUE(store.Write(batch).ok());
  Block after = *j->GetBlock(2);
  EXPECT_FALSE(after.revisions[1].data.has_value());
  ASSERT_TRUE(after.revisions[1].data_hash.has_value());
  EXPECT_EQ(*after.revisions[1].data_hash, IonH(*before.revisions[1].data));
  EXPECT_EQ(after.revisions[1].hash, before.revisions[1].hash);
  EXPECT_EQ(after.block_hash, before.block_hash);
  EXPECT_TRUE(VerifyBlockHashes(after).ok());
  auto rp = j->RevisionProof(after, 1, 11);
  EXPECT_EQ(FoldProof(after.revisions[1].hash, *rp), digest);
  auto ion_rev = after.revisions[1].ToIon();
  EXPECT_EQ(ion_rev.Get("data"), nullptr);
  EXPECT_NE(ion_rev.Get("dataHash"), nullptr);
  EXPECT_TRUE(VerifyJournal(store, kPrefix).ok());

  kv::WriteBatch again;
  EXPECT_EQ(j->StageRedaction(2, 1, again).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(j->StageRedaction(0, 0, again).code(), StatusCode::kInvalidArgument);  // deletion
  EXPECT_EQ(j->StageRedaction(2, 9, again).code(), StatusCode::kInvalidArgument);
}

// ---- Verify ----

class VerifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    j_ = OpenJournal(store_);
    hashes_ = AppendBlocks(store_, *j_, 20, 3);
  }
  void Overwrite(const std::string& key, const std::string& value) {
    kv::WriteBatch b;
    b.Put(key, value);
    ASSERT_TRUE(store_.Write(b).ok());
  }
  kv::MemStore store_;
  std::unique_ptr<Journal> j_;
  std::vector<Hash256> hashes_;
};

TEST_F(VerifyTest, CleanJournalPassesWithCallbacks) {
  uint64_t seen = 0, last_done = 0, last_total = 0;
  VerifyOptions o;
  o.on_block = [&](const Block& b) {
    EXPECT_EQ(b.address.sequence_no, seen);
    ++seen;
    return Status::OK();
  };
  o.on_progress = [&](uint64_t done, uint64_t total) {
    last_done = done;
    last_total = total;
  };
  auto r = VerifyJournal(store_, kPrefix, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(seen, 20u);
  EXPECT_EQ(last_done, 20u);
  EXPECT_EQ(last_total, 20u);
  EXPECT_EQ(*r->digest, *j_->Digest(19));
  EXPECT_EQ(r->strand_id, kStrand);
  EXPECT_GT(r->user_revisions, 0u);
  EXPECT_GT(r->system_revisions, 0u);
  // The callback's error stops the replay.
  o.on_block = [](const Block& b) {
    return b.address.sequence_no == 4 ? Status::Corruption("index differs") : Status::OK();
  };
  EXPECT_EQ(VerifyJournal(store_, kPrefix, o).status().message(), "index differs");
  // An empty journal verifies.
  kv::MemStore empty;
  auto e = VerifyJournal(empty, kPrefix);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->blocks, 0u);
}

TEST_F(VerifyTest, DetectsFlippedByteInEveryStoredBlock) {
  // Flip each byte position of block 6's binary in turn (sampled); every flip must be caught,
  // either as unreadable/malformed Ion or as a hash mismatch, always naming block 6.
  std::string key = j_->BlockKey(6);
  std::string original = *store_.Get(key);
  int caught = 0;
  for (size_t pos = 4; pos < original.size(); ++pos) {
    std::string bad = original;
    bad[pos] = static_cast<char>(bad[pos] ^ 0x01);
    Overwrite(key, bad);
    auto r = VerifyJournal(store_, kPrefix);
    ASSERT_FALSE(r.ok()) << "flip at " << pos << " not detected";
    EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
    EXPECT_NE(r.status().message().find("block 6"), std::string::npos) << r.status().message();
    ++caught;
  }
  EXPECT_GT(caught, 500);
  Overwrite(key, original);
  EXPECT_TRUE(VerifyJournal(store_, kPrefix).ok());
}

TEST_F(VerifyTest, ReportsTamperedDataPrecisely) {
  Block b = *j_->GetBlock(9);
  b.revisions[1].data->Set("n", Value::Integer(-1));
  Overwrite(j_->BlockKey(9), std::string(AsStringView(ion::WriteBinary(b.ToIon()))));
  auto r = VerifyJournal(store_, kPrefix);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("block 9: revisions[1].hash: expected "), std::string::npos)
      << r.status().message();
}

TEST_F(VerifyTest, DetectsBrokenChainNodesGapsAndTip) {
  // A block re-sealed onto a different previous hash: its own hashes verify, the chain doesn't.
  {
    Block b = *j_->GetBlock(5);
    ASSERT_TRUE(SealBlock(b, b.address, Sha256Digest("forged")).ok());
    std::string orig = *store_.Get(j_->BlockKey(5));
    Overwrite(j_->BlockKey(5), std::string(AsStringView(ion::WriteBinary(b.ToIon()))));
    auto r = VerifyJournal(store_, kPrefix);
    EXPECT_NE(r.status().message().find("block 5: previousBlockHash"), std::string::npos)
        << r.status().message();
    Overwrite(j_->BlockKey(5), orig);
  }
  {
    std::string key = j_->NodeKey(2, 1);
    std::string orig = *store_.Get(key);
    std::string bad = orig;
    bad[0] ^= 1;
    Overwrite(key, bad);
    auto r = VerifyJournal(store_, kPrefix);
    EXPECT_NE(r.status().message().find("Merkle node (2, 1)"), std::string::npos)
        << r.status().message();
    Overwrite(key, orig);
  }
  {
    Overwrite(j_->NodeKey(3, 7), std::string(32, 'x'));  // beyond the tree
    auto r = VerifyJournal(store_, kPrefix);
    EXPECT_NE(r.status().message().find("Merkle nodes stored"), std::string::npos)
        << r.status().message();
    kv::WriteBatch del;
    del.Delete(j_->NodeKey(3, 7));
    ASSERT_TRUE(store_.Write(del).ok());
  }
  {
    std::string orig = *store_.Get(j_->BlockKey(11));
    kv::WriteBatch del;
    del.Delete(j_->BlockKey(11));
    ASSERT_TRUE(store_.Write(del).ok());
    auto r = VerifyJournal(store_, kPrefix);
    EXPECT_NE(r.status().message().find("block 11: missing"), std::string::npos)
        << r.status().message();
    Overwrite(j_->BlockKey(11), orig);
  }
  {
    std::string orig = *store_.Get(j_->TipKey());
    JournalTip t = j_->tip();
    t.size = 19;
    Overwrite(j_->TipKey(), EncodeTipRecord(t, kStrand));
    auto r = VerifyJournal(store_, kPrefix);
    EXPECT_NE(r.status().message().find("tip record"), std::string::npos) << r.status().message();
    Overwrite(j_->TipKey(), orig);
  }
  EXPECT_TRUE(VerifyJournal(store_, kPrefix).ok());
}

}  // namespace
}  // namespace folio::journal
