#include "driver/qldb_hash.h"

#include <gtest/gtest.h>

#include "ion/ion.h"

namespace folio::driver {
namespace {

std::string Hex(const Hash256& h) { return HexEncode(h); }

TEST(QldbHash, DotRustDriverVector) {
  Hash256 a = Sha256Digest(std::string_view("1"));
  Hash256 b = Sha256Digest(std::string_view("2"));
  EXPECT_EQ(Hex(Dot(a, b)), "940ed9abddfb5ef28004408546bc5043cda391232b6afe07267f9f8ed2b500c9");
  EXPECT_EQ(Hex(Dot(b, a)), "940ed9abddfb5ef28004408546bc5043cda391232b6afe07267f9f8ed2b500c9");
}

TEST(QldbHash, CompareIsSignedFromTheLastByte) {
  Hash256 a{}, b{};
  a[31] = 0x80;  // -128: smaller than 0 when signed
  b[31] = 0x00;
  EXPECT_LT(CompareHashes(a, b), 0);
  a[31] = b[31] = 5;
  a[0] = 1;  // the first byte is least significant
  EXPECT_GT(CompareHashes(a, b), 0);
  EXPECT_EQ(CompareHashes(a, a), 0);
}

TEST(QldbHash, DotBytesEmptyRuleAndLengthCheck) {
  Hash256 a = Sha256Digest(std::string_view("1"));
  Bytes ab(a.begin(), a.end());
  EXPECT_EQ(*DotBytes(ab, {}), ab);
  EXPECT_EQ(*DotBytes({}, ab), ab);
  Bytes short_blob(31, 0);
  EXPECT_EQ(DotBytes(ab, short_blob).status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(ToHash256(Bytes(33, 0)).ok());
}

TEST(QldbHash, GoDriverCommitDigestVectors) {
  CommitDigestBuilder empty("12341");
  EXPECT_EQ(Hex(empty.digest()),
            "a77be7ffaaac238e491fefc7fc78afd9ebdcb8c855cb8ce697dd83ffa397aad2");
  CommitDigestBuilder one("12341");
  ASSERT_TRUE(one.AddStatement(
                     "SELECT name FROM information_schema.user_tables WHERE status = 'ACTIVE'", {})
                  .ok());
  EXPECT_EQ(Hex(one.digest()), "2eb051e5ec3c11bc51d8d90059e4e986fc5aa53f8f427fad830d869f0ec61349");
  EXPECT_EQ(Base64Encode(one.digest()), "LrBR5ew8EbxR2NkAWeTphvxapT+PQn+tgw2Gnw7GE0k=");
}

TEST(QldbHash, WorkedExampleWithParameters) {
  CommitDigestBuilder b("8A8yFbEVNTxFPXDdhYR9Ot");
  EXPECT_EQ(Hex(b.digest()), "eef55abbb809dd535fe2fb03897c1ef123adc730b15ff9df2afe5ecf073e5b99");
  EXPECT_EQ(Hex(HashString("INSERT INTO Person ?")),
            "03f1b5e56cb255ae3dc170054fdc5cc2815560eb75ad516550fc83a0852ae915");
  auto person =
      ion::ReadOneText("{FirstName:\"Raul\",LastName:\"Lewis\",DOB:1963-08-19T00:00:00.000Z}");
  ASSERT_TRUE(person.ok());
  EXPECT_EQ(Hex(*ion::IonHashSha256(*person)),
            "7e51804e69830e6b00d29c5f2a1e2ac5a67abcdf8e26bdf5a3c45a9debba01a0");
  ASSERT_TRUE(b.AddStatement("INSERT INTO Person ?", std::vector<ion::Value>{*person}).ok());
  EXPECT_EQ(Hex(b.digest()), "8b2068f2f19b6cef500f1b112c0a81b273720eb7162267bf626500448b811daf");
  ASSERT_TRUE(b.AddStatement("SELECT * FROM Person WHERE FirstName = ?",
                             std::vector<ion::Value>{ion::Value::String("Raul")})
                  .ok());
  EXPECT_EQ(Hex(b.digest()), "af48123fba0f5b0e007112cf34042a24da80dd5c225e48e8d18e46f9107fd059");
  EXPECT_EQ(Base64Encode(b.digest()), "r0gSP7oPWw4AcRLPNAQqJNqA3VwiXkjo0Y5G+RB/0Fk=");
}

TEST(QldbHash, DigestIsOrderSensitive) {
  CommitDigestBuilder x("8A8yFbEVNTxFPXDdhYR9Ot"), y("8A8yFbEVNTxFPXDdhYR9Ot");
  ASSERT_TRUE(x.AddStatement("A", {}).ok());
  ASSERT_TRUE(x.AddStatement("B", {}).ok());
  ASSERT_TRUE(y.AddStatement("B", {}).ok());
  ASSERT_TRUE(y.AddStatement("A", {}).ok());
  EXPECT_NE(x.digest(), y.digest());
}

TEST(QldbHash, RepeatedAndAlternatingStatementsHashLikeFreshOnes) {
  // AddStatement remembers the last statement's hash; every sequence must still match a digest
  // folded from HashString directly.
  const std::vector<std::string> statements = {"INSERT INTO Person ?",
                                               "INSERT INTO Person ?",
                                               "",
                                               "SELECT 1",
                                               "INSERT INTO Person ?",
                                               "",
                                               ""};
  CommitDigestBuilder b("8A8yFbEVNTxFPXDdhYR9Ot");
  Hash256 expected = HashString("8A8yFbEVNTxFPXDdhYR9Ot");
  for (const std::string& s : statements) {
    ASSERT_TRUE(b.AddStatement(s, {}).ok());
    expected = Dot(expected, HashString(s));
    EXPECT_EQ(b.digest(), expected) << s;
  }
  EXPECT_EQ(Hex(HashString("INSERT INTO Person ?")),
            "03f1b5e56cb255ae3dc170054fdc5cc2815560eb75ad516550fc83a0852ae915");
}

TEST(QldbHash, MerkleRootAndFold) {
  std::vector<Hash256> leaves;
  for (int i = 0; i < 5; ++i) leaves.push_back(Sha256Digest(std::to_string(i)));
  EXPECT_FALSE(MerkleRoot({}).has_value());
  EXPECT_EQ(*MerkleRoot(std::span(leaves.data(), 1)), leaves[0]);
  // Five leaves: ((0.1).(2.3)).4 with the odd node carried up.
  Hash256 expected = Dot(Dot(Dot(leaves[0], leaves[1]), Dot(leaves[2], leaves[3])), leaves[4]);
  EXPECT_EQ(*MerkleRoot(leaves), expected);
  // The audit path of leaf 2, deeper siblings first, folds to the root.
  std::vector<Hash256> path = {leaves[3], Dot(leaves[0], leaves[1]), leaves[4]};
  EXPECT_EQ(FoldProof(leaves[2], path), expected);
  path[1][0] ^= 1;
  EXPECT_NE(FoldProof(leaves[2], path), expected);
}

}  // namespace
}  // namespace folio::driver
