#include <gtest/gtest.h>

#include <set>
#include <thread>
#include <vector>

#include "common/await.h"
#include "common/bytes.h"
#include "common/random.h"
#include "common/sha256.h"
#include "common/status.h"

namespace folio {
namespace {

Result<int> Half(int x) {
  if (x % 2) return Status::InvalidArgument("odd");
  return x / 2;
}

Result<int> Quarter(int x) {
  FOLIO_ASSIGN_OR_RETURN(int h, Half(x));
  return Half(h);
}

TEST(Await, ValueDeliveredInlineOrFromAnotherThread) {
  EXPECT_EQ(AwaitCallback<int>([](auto deliver) { deliver(7); }), 7);
  std::thread worker;
  std::string got = AwaitCallback<std::string>([&](auto deliver) {
    worker = std::thread([deliver]() mutable { deliver("from worker"); });
  });
  worker.join();
  EXPECT_EQ(got, "from worker");
}

TEST(Status, ResultPropagates) {
  EXPECT_EQ(*Quarter(8), 2);
  Result<int> r = Quarter(6);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().ToString(), "InvalidArgument: odd");
}

TEST(Random, UniqueRandom64DiffersAcrossCallsAndThreads) {
  std::set<uint64_t> seen;
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(seen.insert(UniqueRandom64()).second);
  std::vector<uint64_t> other;
  std::thread t([&] {
    for (int i = 0; i < 1000; ++i) other.push_back(UniqueRandom64());
  });
  t.join();
  for (uint64_t v : other) EXPECT_EQ(seen.count(v), 0u);  // per-thread seeds differ
  int ones = 0;
  for (uint64_t v : seen) ones += __builtin_popcountll(v);
  EXPECT_GT(ones, 1000 * 32 - 1000);  // about half the bits set
  EXPECT_LT(ones, 1000 * 32 + 1000);
}

TEST(Bytes, AsciiCaseFolding) {
  EXPECT_EQ(AsciiLower("X-Amz-Date Z@[`{"), "x-amz-date z@[`{");
  EXPECT_EQ(AsciiLower("\xc3\x89t\xc3\xa9"), "\xc3\x89t\xc3\xa9");  // non-ASCII bytes kept
  EXPECT_TRUE(EqualsIgnoreAsciiCase("Content-Length", "content-LENGTH"));
  EXPECT_FALSE(EqualsIgnoreAsciiCase("host", "hosts"));
  EXPECT_FALSE(EqualsIgnoreAsciiCase("@", "`"));  // 0x40 and 0x60 differ only in the case bit
  EXPECT_TRUE(EqualsIgnoreAsciiCase("", ""));
}

TEST(Bytes, HexRoundTrip) {
  Bytes b = {0x00, 0xab, 0xff};
  EXPECT_EQ(HexEncode(b), "00abff");
  EXPECT_EQ(*HexDecode("00ABff"), b);
  EXPECT_FALSE(HexDecode("0").ok());
  EXPECT_FALSE(HexDecode("zz").ok());
}

TEST(Bytes, Base64Rfc4648Vectors) {
  const char* plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
  const char* enc[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
  for (int i = 0; i < 7; ++i) {
    auto p = AsSpan(plain[i]);
    EXPECT_EQ(Base64Encode(p), enc[i]);
    auto d = Base64Decode(enc[i]);
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(*d, Bytes(p.begin(), p.end()));
  }
  EXPECT_FALSE(Base64Decode("Zg=").ok());
  EXPECT_FALSE(Base64Decode("Z===").ok());
  EXPECT_FALSE(Base64Decode("Zh==").ok());  // non-canonical bits
  EXPECT_FALSE(Base64Decode("Zm9v!").ok());
}

TEST(Sha256, KnownVectors) {
  EXPECT_EQ(HexEncode(Sha256Digest("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  Sha256 h;
  h.Update("a");
  h.Update("bc");
  EXPECT_EQ(h.Finish(), Sha256Digest("abc"));
  // RFC 4231 test case 2.
  EXPECT_EQ(HexEncode(HmacSha256(AsSpan("Jefe"), "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // RFC 4231 test case 6: a key longer than the block is hashed first.
  EXPECT_EQ(HexEncode(HmacSha256(std::string(131, '\xaa'),
                                 "Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  // RFC 4231 test case 1: a 20-byte key.
  EXPECT_EQ(HexEncode(HmacSha256(std::string(20, '\x0b'), "Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(Sha256Concat({"a", "", "bc"}), Sha256Digest("abc"));
  EXPECT_EQ(Sha256Concat({}), Sha256Digest(""));
}

}  // namespace
}  // namespace folio
