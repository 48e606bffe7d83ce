#include "journal/hash.h"

#include <gtest/gtest.h>

#include <string>

namespace folio::journal {
namespace {

Hash256 H(const std::string& s) { return Sha256Digest(s); }

// RFC 6962 MTH with Dot as the node function, written independently of MerkleRoot.
Hash256 Rfc6962Root(std::span<const Hash256> d) {
  if (d.size() == 1) return d[0];
  size_t k = 1;
  while (k * 2 < d.size()) k *= 2;
  return Dot(Rfc6962Root(d.subspan(0, k)), Rfc6962Root(d.subspan(k)));
}

TEST(DotTest, DriverVectorInEitherOrder) {
  const std::string want = "940ed9abddfb5ef28004408546bc5043cda391232b6afe07267f9f8ed2b500c9";
  EXPECT_EQ(HexEncode(Dot(H("1"), H("2"))), want);
  EXPECT_EQ(HexEncode(Dot(H("2"), H("1"))), want);
  auto b = DotBytes(ToBytes(H("1")), ToBytes(H("2")));
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(HexEncode(*b), want);
}

TEST(DotTest, ComparatorIsSignedFromLastByte) {
  Hash256 a{}, b{};
  a[31] = 0x80;  // -128 signed: smaller than 0x01 although larger unsigned
  b[31] = 0x01;
  EXPECT_LT(CompareHashes(a, b), 0);
  EXPECT_GT(CompareHashes(b, a), 0);
  // Byte 31 dominates byte 0.
  Hash256 c{}, d{};
  c[0] = 0x7f;
  d[31] = 0x01;
  EXPECT_LT(CompareHashes(c, d), 0);
  EXPECT_EQ(CompareHashes(c, c), 0);
  // dot concatenates smaller || larger.
  Sha256 sha;
  sha.Update(a);
  sha.Update(b);
  EXPECT_EQ(Dot(b, a), sha.Finish());
}

TEST(DotTest, EmptySides) {
  std::optional<Hash256> none;
  EXPECT_EQ(Dot(none, std::optional<Hash256>(H("x"))), H("x"));
  EXPECT_EQ(Dot(std::optional<Hash256>(H("x")), none), H("x"));
  EXPECT_FALSE(Dot(none, none).has_value());
  auto r = DotBytes({}, ToBytes(H("y")));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, ToBytes(H("y")));
  Bytes shorty(31, 0);
  EXPECT_EQ(DotBytes(shorty, ToBytes(H("y"))).status().code(), StatusCode::kInvalidArgument);
}

TEST(MerkleTest, EmptyAndSingle) {
  EXPECT_FALSE(MerkleRoot({}).has_value());
  Hash256 a = H("a");
  EXPECT_EQ(*MerkleRoot(std::span<const Hash256>(&a, 1)), a);
}

TEST(MerkleTest, PairAndPromoteEqualsRfc6962ForOneToHundred) {
  std::vector<Hash256> leaves;
  for (int n = 1; n <= 100; ++n) {
    leaves.push_back(H(std::to_string(n)));
    EXPECT_EQ(*MerkleRoot(leaves), Rfc6962Root(leaves)) << "n=" << n;
  }
}

TEST(MerkleTest, SmallShapes) {
  Hash256 a = H("a"), b = H("b"), c = H("c");
  std::vector<Hash256> three = {a, b, c};
  EXPECT_EQ(*MerkleRoot(three), Dot(Dot(a, b), c));
}

TEST(MerkleTest, EveryPathFoldsToRoot) {
  std::vector<Hash256> leaves;
  for (int n = 1; n <= 40; ++n) {
    leaves.push_back(H("leaf" + std::to_string(n)));
    Hash256 root = *MerkleRoot(leaves);
    for (size_t m = 0; m < leaves.size(); ++m) {
      auto path = MerklePath(m, leaves);
      EXPECT_EQ(FoldProof(leaves[m], path), root) << "n=" << n << " m=" << m;
      EXPECT_LE(path.size(), 6u);
      Hash256 wrong = leaves[m];
      wrong[5] ^= 1;
      EXPECT_NE(FoldProof(wrong, path), root);
    }
  }
}

TEST(HashTest, ToHash256RejectsWrongLength) {
  EXPECT_FALSE(ToHash256(Bytes(33, 1)).ok());
  auto h = ToHash256(ToBytes(H("q")));
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(*h, H("q"));
  EXPECT_EQ(LargestPowerOfTwoBelow(2), 1u);
  EXPECT_EQ(LargestPowerOfTwoBelow(8), 4u);
  EXPECT_EQ(LargestPowerOfTwoBelow(9), 8u);
}

}  // namespace
}  // namespace folio::journal
