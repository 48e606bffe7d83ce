#include "driver/verifier.h"

#include <gtest/gtest.h>

#include "driver/qldb_hash.h"
#include "ion/ion.h"

namespace folio::driver {
namespace {

using ion::Value;

Value Blob(const Hash256& h) { return Value::Blob(Bytes(h.begin(), h.end())); }

std::string ProofText(const std::vector<Hash256>& hashes) {
  Value::Elements e;
  for (const auto& h : hashes) e.push_back(Blob(h));
  return ion::WriteText(Value::List(std::move(e)));
}

Value Revision() {
  Value r = *ion::ReadOneText(
      "{blockAddress:{strandId:\"JdxjkR9bSYB5jMHWcI464T\",sequenceNo:3},"
      " data:{VIN:\"1N4AL11D75C109151\",Year:2011},"
      " metadata:{id:\"8F0TPCmdNQ6JTRpiLj2TmW\",version:0,txTime:2024-01-01T00:00:00.000Z,"
      "           txId:\"AZ8f3bV7C3fLBqS7Wf7XeR\"}}");
  r.Set("hash", Blob(*ComputeRevisionHash(r)));
  return r;
}

struct Fixture {
  Value revision = Revision();
  std::vector<Hash256> proof = {Sha256Digest(std::string_view("s1")),
                                Sha256Digest(std::string_view("s2")),
                                Sha256Digest(std::string_view("s3"))};
  Hash256 digest() const {
    Hash256 leaf = *ComputeRevisionHash(revision);
    return FoldProof(leaf, proof);
  }
};

TEST(Verifier, AcceptsAValidRevisionProof) {
  Fixture f;
  EXPECT_TRUE(VerifyRevision(ion::WriteText(f.revision), ProofText(f.proof), f.digest()).ok());
}

TEST(Verifier, RejectsTamperedProof) {
  Fixture f;
  Hash256 digest = f.digest();
  f.proof[1][7] ^= 0x01;
  Status st = VerifyRevision(ion::WriteText(f.revision), ProofText(f.proof), digest);
  EXPECT_EQ(st.code(), StatusCode::kCorruption) << st.ToString();
  f.proof[1][7] ^= 0x01;
  f.proof.pop_back();
  EXPECT_EQ(VerifyRevision(ion::WriteText(f.revision), ProofText(f.proof), digest).code(),
            StatusCode::kCorruption);
}

TEST(Verifier, RejectsTamperedDigest) {
  Fixture f;
  Hash256 digest = f.digest();
  digest[31] ^= 0x80;
  EXPECT_EQ(VerifyRevision(ion::WriteText(f.revision), ProofText(f.proof), digest).code(),
            StatusCode::kCorruption);
}

TEST(Verifier, RejectsTamperedLeafData) {
  Fixture f;
  Hash256 digest = f.digest();
  f.revision.Get("data")->Set("Year", Value::Integer(2012));
  Status st = VerifyRevision(ion::WriteText(f.revision), ProofText(f.proof), digest);
  EXPECT_EQ(st.code(), StatusCode::kCorruption);
  EXPECT_NE(st.message().find("does not match its metadata and data"), std::string::npos);
}

TEST(Verifier, RejectsTamperedLeafHash) {
  Fixture f;
  Hash256 digest = f.digest();
  Hash256 h = *ComputeRevisionHash(f.revision);
  h[0] ^= 1;
  f.revision.Set("hash", Blob(h));
  EXPECT_EQ(VerifyRevision(ion::WriteText(f.revision), ProofText(f.proof), digest).code(),
            StatusCode::kCorruption);
}

TEST(Verifier, RejectsNon32ByteBlobsAndBadShapes) {
  Fixture f;
  Hash256 digest = f.digest();
  std::string rev = ion::WriteText(f.revision);
  EXPECT_EQ(VerifyRevision(rev, "[{{AAAA}}]", digest).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(VerifyRevision(rev, "[{{}}]", digest).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(VerifyRevision(rev, "[\"abc\"]", digest).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(VerifyRevision(rev, "{a:1}", digest).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(VerifyRevision(rev, "[", digest).code(), StatusCode::kInvalidArgument);
  Value bad = f.revision;
  bad.Set("hash", Value::String("x"));
  EXPECT_EQ(VerifyRevision(ion::WriteText(bad), ProofText(f.proof), digest).code(),
            StatusCode::kInvalidArgument);
  bad.Set("hash", Value::Blob(Bytes(16, 1)));
  EXPECT_EQ(VerifyRevision(ion::WriteText(bad), ProofText(f.proof), digest).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(VerifyRevision("[1,2]", ProofText(f.proof), digest).code(),
            StatusCode::kInvalidArgument);
}

TEST(Verifier, DeletedAndRedactedRevisions) {
  Value r = Revision();
  Hash256 data_hash = *ion::IonHashSha256(*r.Get("data"));
  Hash256 full = *ComputeRevisionHash(r);
  r.Remove("data");
  r.Set("dataHash", Blob(data_hash));
  EXPECT_EQ(*ComputeRevisionHash(r), full);  // redaction keeps the hash
  r.Remove("dataHash");
  EXPECT_EQ(*ComputeRevisionHash(r), *ion::IonHashSha256(*r.Get("metadata")));
}

Value Block(const Hash256& previous) {
  Value rev = Revision();
  Value info = *ion::ReadOneText(
      "{statements:[{statement:\"INSERT INTO T ?\",startTime:2024-01-01T00:00:00.000Z}]}");
  Hash256 rev_hash = *ComputeRevisionHash(rev);
  Hash256 system_rev = Sha256Digest(std::string_view("system"));
  Hash256 revisions_root = Dot(rev_hash, system_rev);
  std::vector<Hash256> entries = {*ion::IonHashSha256(info), revisions_root,
                                  Sha256Digest(std::string_view("internal"))};
  Hash256 entries_hash = *MerkleRoot(entries);
  Value::Elements list;
  for (const auto& h : entries) list.push_back(Blob(h));
  return Value::Struct(
      {{"blockAddress", *ion::ReadOneText("{strandId:\"S\",sequenceNo:3}")},
       {"blockHash", Blob(Dot(entries_hash, previous))},
       {"entriesHash", Blob(entries_hash)},
       {"previousBlockHash", Blob(previous)},
       {"entriesHashList", Value::List(std::move(list))},
       {"transactionInfo", info},
       {"revisions", Value::List({rev, Value::Struct({{"hash", Blob(system_rev)}})})}});
}

TEST(Verifier, BlockProofs) {
  Hash256 previous = Sha256Digest(std::string_view("prev"));
  Value block = Block(previous);
  Hash256 block_hash = *ToHash256(block.Get("blockHash")->as_bytes());
  std::vector<Hash256> proof = {Sha256Digest(std::string_view("b4")),
                                Sha256Digest(std::string_view("b0-3"))};
  Hash256 digest = FoldProof(block_hash, proof);
  EXPECT_TRUE(VerifyBlock(ion::WriteText(block), ProofText(proof), digest).ok());

  Hash256 wrong = digest;
  wrong[3] ^= 4;
  EXPECT_EQ(VerifyBlock(ion::WriteText(block), ProofText(proof), wrong).code(),
            StatusCode::kCorruption);

  Value t = block;
  t.Get("transactionInfo")->Set("statements", Value::List());
  EXPECT_EQ(VerifyBlock(ion::WriteText(t), ProofText(proof), digest).code(),
            StatusCode::kCorruption);

  t = block;
  t.Get("revisions")->elements()[0].Get("data")->Set("Year", Value::Integer(1999));
  EXPECT_EQ(VerifyBlock(ion::WriteText(t), ProofText(proof), digest).code(),
            StatusCode::kCorruption);

  t = block;
  t.Set("previousBlockHash", Blob(Sha256Digest(std::string_view("other"))));
  EXPECT_EQ(VerifyBlock(ion::WriteText(t), ProofText(proof), digest).code(),
            StatusCode::kCorruption);

  t = block;
  t.Get("entriesHashList")->elements()[2] = Blob(Sha256Digest(std::string_view("x")));
  EXPECT_EQ(VerifyBlock(ion::WriteText(t), ProofText(proof), digest).code(),
            StatusCode::kCorruption);
}

}  // namespace
}  // namespace folio::driver
