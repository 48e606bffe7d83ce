#include "ion/ion_hash.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "ion/binary_writer.h"
#include "ion/ion.h"
#include "ion/ion_hash_sha.h"

namespace folio::ion {
namespace {

std::string Hex(std::span<const uint8_t> b) { return HexEncode(b); }

// Identity hasher: Digest() returns what was fed; every call is logged.
struct Log {
  std::vector<std::string> events;
};
class IdentityHasher : public Hasher {
 public:
  explicit IdentityHasher(Log* log) : log_(log) {}
  void Update(std::span<const uint8_t> b) override {
    log_->events.push_back("u:" + Hex(b));
    buf_.insert(buf_.end(), b.begin(), b.end());
  }
  Bytes Digest() override {
    Bytes out = std::move(buf_);
    buf_.clear();
    log_->events.push_back("d:" + Hex(out));
    return out;
  }

 private:
  Log* log_;
  Bytes buf_;
};
class IdentityFactory : public HasherFactory {
 public:
  std::unique_ptr<Hasher> NewHasher() override { return std::make_unique<IdentityHasher>(&log); }
  Log log;
};

Timestamp Millis(int y, int mo, int d) {
  Timestamp t;
  t.precision = Timestamp::Precision::kFraction;
  t.year = y;
  t.month = static_cast<uint8_t>(mo);
  t.day = static_cast<uint8_t>(d);
  t.offset_minutes = 0;
  t.fraction = Decimal{Int(0), -3, false};
  return t;
}

std::string Sha(const Value& v) {
  auto h = IonHashSha256(v);
  EXPECT_TRUE(h.ok()) << h.status().ToString();
  return h.ok() ? Hex(*h) : "";
}

TEST(IonHash, KnownSha256Values) {
  // spec/wire-and-drivers.md 4.3 and 4.4.
  EXPECT_EQ(Sha(Value::String("12341")),
            "a77be7ffaaac238e491fefc7fc78afd9ebdcb8c855cb8ce697dd83ffa397aad2");
  EXPECT_EQ(Sha(Value::String("8A8yFbEVNTxFPXDdhYR9Ot")),
            "eef55abbb809dd535fe2fb03897c1ef123adc730b15ff9df2afe5ecf073e5b99");
  EXPECT_EQ(Sha(Value::String("INSERT INTO Person ?")),
            "03f1b5e56cb255ae3dc170054fdc5cc2815560eb75ad516550fc83a0852ae915");
  EXPECT_EQ(Sha(Value::String("Raul")),
            "4505bf8cc7f78e79b1e951c85ec8942292d6238aac3c6b81dcaf52d1975051bd");
  std::string five = Sha(Value::Integer(5));
  EXPECT_EQ(five.substr(0, 8), "055988fd");
  EXPECT_EQ(five.substr(60), "279c");
  Value person = Value::Struct({Field{"FirstName", Value::String("Raul")},
                                Field{"LastName", Value::String("Lewis")},
                                Field{"Age", Value::Integer(61)}});
  std::string p = Sha(person);
  EXPECT_EQ(p.substr(0, 8), "506b3202");
  EXPECT_EQ(p.substr(60), "6435");
  Value param = Value::Struct({Field{"FirstName", Value::String("Raul")},
                               Field{"LastName", Value::String("Lewis")},
                               Field{"DOB", Value::Time(Millis(1963, 8, 19))}});
  EXPECT_EQ(Sha(param), "7e51804e69830e6b00d29c5f2a1e2ac5a67abcdf8e26bdf5a3c45a9debba01a0");
  // Field order does not matter.
  Value reordered = Value::Struct({Field{"Age", Value::Integer(61)},
                                   Field{"LastName", Value::String("Lewis")},
                                   Field{"FirstName", Value::String("Raul")}});
  EXPECT_EQ(Sha(reordered), p);
}

TEST(IonHash, FastPathMatchesGenericSha256) {
  auto factory = NewSha256HasherFactory();
  Value nested = Value::Struct({
      Field{"a", Value::List({Value::Struct({Field{"b", Value::Integer(1)}}), Value::Float(NAN)})},
      Field{"c", Value::Struct({Field{"d", Value::Struct({Field{"e", Value::Null()}})}})
                     .Annotate({"ann"})},
      Field{"\x0b\x0c\x0e", Value::Blob(Bytes{0x0B, 0x0E, 0x0C})},
  });
  auto generic = IonHash(nested, *factory);
  ASSERT_TRUE(generic.ok());
  auto fast = IonHashSha256(nested);
  ASSERT_TRUE(fast.ok());
  EXPECT_EQ(Hex(*generic), Hex(*fast));
  // s(v) at the top level hashes to the same digest.
  auto s = IonHashSerializeSha256(nested);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(Hex(Sha256Digest(*s)), Hex(*fast));
}

// Structs whose fields serialize to every length around the SHA-256 block and padding
// boundaries (55, 56, 64, 119, 120, 128 bytes, ...), in varying counts and orders, so the
// two-lane digest scheduler pairs short fields with long ones and finishes odd ones alone.
TEST(IonHash, FastPathMatchesGenericAcrossLengths) {
  auto factory = NewSha256HasherFactory();
  uint64_t seed = 12345;
  auto next = [&] {
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    return seed >> 33;
  };
  for (int round = 0; round < 200; ++round) {
    Value::Fields fields;
    const size_t n = 1 + next() % 9;
    for (size_t i = 0; i < n; ++i) {
      std::string text(next() % 300, 'x');
      for (char& c : text) c = static_cast<char>(0x20 + next() % 90);
      Bytes blob(next() % 140);
      for (uint8_t& b : blob) b = static_cast<uint8_t>(next());  // includes bytes to escape
      Value v = next() % 3 == 0 ? Value::Blob(std::move(blob))
                : next() % 2 == 0 ? Value::String(std::move(text))
                                  : Value::Struct({Field{"in", Value::String(std::move(text))},
                                                   Field{"b", Value::Blob(std::move(blob))}});
      fields.push_back(Field{"f" + std::to_string(i), std::move(v)});
    }
    Value doc = Value::Struct(std::move(fields));
    auto generic = IonHash(doc, *factory);
    auto fast = IonHashSha256(doc);
    ASSERT_TRUE(generic.ok() && fast.ok());
    ASSERT_EQ(Hex(*generic), Hex(*fast)) << doc.ToString();
  }
}

// Runs `body` with the SHA-extension path and again with the portable (OpenSSL) path.
template <class F>
void ForBothShaPaths(F&& body) {
  for (bool ni : {true, false}) {
    SCOPED_TRACE(ni ? "sha-ni (if the CPU has it)" : "portable");
    hash_internal::SetSha256ShaNiEnabledForTesting(ni);
    body();
  }
  hash_internal::SetSha256ShaNiEnabledForTesting(true);
}

Bytes PseudoRandomBytes(size_t n, uint64_t seed) {
  Bytes b(n);
  for (uint8_t& x : b) {
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    x = static_cast<uint8_t>(seed >> 56);
  }
  return b;
}

// A message padded in place (kSha256PadRoom spare bytes), as the serializer does.
Bytes Padded(const Bytes& m) {
  Bytes buf(m.size() + hash_internal::kSha256PadRoom, 0xAA);
  std::copy(m.begin(), m.end(), buf.begin());
  uint8_t* end = hash_internal::WriteSha256Padding(buf.data() + m.size(), m.size());
  EXPECT_EQ(static_cast<size_t>(end - buf.data()), hash_internal::Sha256PaddedSize(m.size()));
  buf.resize(hash_internal::Sha256PaddedSize(m.size()));
  return buf;
}

// In-place padding and block digests against OpenSSL's EVP SHA-256 at every length through
// three blocks: the one/two block boundaries are 55/56 and 119/120 bytes.
TEST(IonHashSha, PaddedDigestMatchesOpenSsl) {
  EXPECT_EQ(hash_internal::Sha256PaddedSize(55), 64u);
  EXPECT_EQ(hash_internal::Sha256PaddedSize(56), 128u);
  EXPECT_EQ(hash_internal::Sha256PaddedSize(64), 128u);
  EXPECT_EQ(hash_internal::Sha256PaddedSize(119), 128u);
  EXPECT_EQ(hash_internal::Sha256PaddedSize(120), 192u);
  ForBothShaPaths([] {
    for (size_t len = 0; len <= 200; ++len) {
      const Bytes m = PseudoRandomBytes(len, len);
      const Bytes p = Padded(m);
      EXPECT_EQ(Hex(hash_internal::Sha256Padded(p.data(), p.size() / 64)), Hex(Sha256Digest(m)))
          << "length " << len;
    }
  });
}

// Several padded messages back to back (the two-lane scheduler pairs them in varying ways)
// give each message's own digest.
TEST(IonHashSha, ManyMessagesMatchOneByOne) {
  ForBothShaPaths([] {
    uint64_t seed = 7;
    for (int round = 0; round < 300; ++round) {
      seed = seed * 6364136223846793005ull + 1442695040888963407ull;
      const size_t count = 1 + (seed >> 40) % 9;
      Bytes all;
      std::vector<uint32_t> blocks;
      std::vector<Hash256> want;
      for (size_t i = 0; i < count; ++i) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        const size_t len = (seed >> 33) % (i % 3 == 0 ? 400 : 60);
        const Bytes m = PseudoRandomBytes(len, seed);
        const Bytes p = Padded(m);
        all.insert(all.end(), p.begin(), p.end());
        blocks.push_back(static_cast<uint32_t>(p.size() / 64));
        want.push_back(Sha256Digest(m));
      }
      std::vector<Hash256> got(count);
      hash_internal::Sha256PaddedMessages(all.data(), blocks.data(), count, got.data());
      for (size_t i = 0; i < count; ++i) ASSERT_EQ(Hex(got[i]), Hex(want[i])) << round << "/" << i;
    }
  });
}

// Digest order is unsigned bytewise, also when the first 8 bytes tie and for many digests
// (the insertion-sort and std::sort paths).
TEST(IonHashSha, SortDigestsIsBytewise) {
  for (bool with_ties : {false, true})
  for (size_t n : {0, 1, 2, 5, 12, 24, 25, 40}) {
    std::vector<Hash256> d(n);
    for (size_t i = 0; i < n; ++i) {
      const Bytes r = PseudoRandomBytes(32, 100 + i);
      std::copy(r.begin(), r.end(), d[i].begin());
      if (with_ties && i % 3 == 1) {
        std::copy(d[i - 1].begin(), d[i - 1].begin() + 8, d[i].begin());  // prefix tie
      }
      if (with_ties && i % 5 == 4) d[i] = d[i - 1];  // equal
      if (i % 7 == 6) d[i][0] = 0xFF;  // high bit: signed comparison would misorder
      if (i % 7 == 5) d[i][0] = 0x7F;
    }
    std::vector<Hash256> want = d;
    std::sort(want.begin(), want.end(), [](const Hash256& a, const Hash256& b) {
      return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end());
    });
    hash_internal::SortDigests(d.data(), n);
    for (size_t i = 0; i < n; ++i) EXPECT_EQ(Hex(d[i]), Hex(want[i])) << n << "/" << i << " " << with_ties;
  }
}

// Structs with enough fields to leave the inline digest buffer (more than 32) and the
// insertion sort (more than 24), nested, on both SHA paths, against the generic hasher.
TEST(IonHash, FastPathMatchesGenericForWideStructs) {
  auto factory = NewSha256HasherFactory();
  ForBothShaPaths([&] {
    for (size_t n : {0, 1, 2, 3, 24, 25, 32, 33, 70}) {
      Value::Fields fields;
      for (size_t i = 0; i < n; ++i) {
        Value v = i % 4 == 0 ? Value::Blob(PseudoRandomBytes(i * 3, i))
                  : i % 4 == 1 ? Value::Struct({Field{"x", Value::Integer(static_cast<int64_t>(i))},
                                                Field{"y", Value::String(std::string(i, 'y'))}})
                               : Value::String(std::string(i % 130, 'a'));
        fields.push_back(Field{"field" + std::to_string(i % 40), std::move(v)});
      }
      Value doc = Value::Struct({Field{"outer", Value::Struct(std::move(fields))},
                                 Field{"n", Value::Integer(static_cast<int64_t>(n))}});
      auto generic = IonHash(doc, *factory);
      auto fast = IonHashSha256(doc);
      auto direct = IonHashSha256Binary(WriteBinary(doc));
      ASSERT_TRUE(generic.ok() && fast.ok() && direct.ok());
      EXPECT_EQ(Hex(*generic), Hex(*fast)) << n;
      EXPECT_EQ(Hex(*generic), Hex(*direct)) << n;
    }
  });
}

TEST(IonHash, IdentityEventSequence) {
  IdentityFactory f;
  Value v = Value::Struct({Field{"c", Value::Integer(3)}, Field{"a", Value::Integer(1)}});
  auto d = IonHash(v, f);
  ASSERT_TRUE(d.ok());
  std::vector<std::string> want = {
      "u:0b", "u:d0",
      "u:0b", "u:70", "u:63", "u:0e", "u:0b", "u:20", "u:03", "u:0e", "d:0b70630e0b20030e",
      "u:0b", "u:70", "u:61", "u:0e", "u:0b", "u:20", "u:01", "u:0e", "d:0b70610e0b20010e",
      "u:0c0b70610c0e0c0b20010c0e", "u:0c0b70630c0e0c0b20030c0e",
      "u:0e",
      "d:0bd00c0b70610c0e0c0b20010c0e0c0b70630c0e0c0b20030c0e0e",
  };
  EXPECT_EQ(f.log.events, want);
}

TEST(IonHash, ScalarReprs) {
  auto ser = [](const Value& v) {
    auto s = IonHashSerializeSha256(v);
    EXPECT_TRUE(s.ok());
    return s.ok() ? Hex(*s) : "";
  };
  EXPECT_EQ(ser(Value::Sym(Symbol::Unknown())), "0b710e");
  EXPECT_EQ(ser(Value::Integer(0)), "0b200e");
  EXPECT_EQ(ser(Value::Integer(-1)), "0b30010e");
  EXPECT_EQ(ser(Value::Float(0.0)), "0b400e");
  EXPECT_EQ(ser(Value::Float(-0.0)), "0b4080000000000000000e");
  EXPECT_EQ(ser(Value::Float(std::nan("0x123"))), "0b407ff80000000000000e");
  EXPECT_EQ(ser(Value::Dec(Decimal{Int(0), 0, false})), "0b500e");
  EXPECT_EQ(ser(Value::Dec(Decimal{Int(0), 0, true})), "0b5080800e");
  EXPECT_EQ(ser(Value::Dec(Decimal{Int(10), -1, false})), "0b50c10a0e");
  EXPECT_EQ(ser(Value::Dec(Decimal{Int(100), -2, false})), "0b50c2640e");
  EXPECT_EQ(ser(Value::String("\x0b")), "0b800c0b0e");
  EXPECT_EQ(ser(Value::Null(Type::kList)), "0bbf0e");
  EXPECT_EQ(ser(Value::Null().Annotate({"hello"})), "0be00b7068656c6c6f0e0b0f0e0e");
}

TEST(IonHash, UnknownImportTextIsAnError) {
  EXPECT_FALSE(IonHashSha256(Value::Sym(Symbol::Unknown("shared", 3))).ok());
  EXPECT_FALSE(IonHashSha256(Value::Integer(1).Annotate({Symbol::Unknown("t", 1)})).ok());
  Value s = Value::Struct({Field{Symbol::Unknown("t", 1), Value::Integer(1)}});
  EXPECT_FALSE(IonHashSha256(s).ok());
  // The thread-local state is clean after an error.
  EXPECT_EQ(Sha(Value::String("12341")),
            "a77be7ffaaac238e491fefc7fc78afd9ebdcb8c855cb8ce697dd83ffa397aad2");
}

TEST(IonHash, BinaryAndDomAgree) {
  // The hash does not depend on the encoding: hash a value read back from binary.
  Value v = Value::Struct({Field{"x", Value::List({Value::Integer(1), Value::Sym("y")})}});
  auto r = ReadBinary(WriteBinary(v));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Sha(r->front()), Sha(v));
}

TEST(IonHash, BinaryPathMatchesDom) {
  std::vector<Value> values = {
      Value::Struct({
          Field{"i", Value::Integer(-5)},
          Field{"big", Value::Integer(Int::Parse("-123456789012345678901234567890").value())},
          Field{"f", Value::Float(NAN).Annotate({"a", Symbol::Unknown()})},
          Field{"f0", Value::Float(0.0)},
          Field{"d", Value::Dec(Decimal{Int(12345), -2, false})},
          Field{"nd", Value::Dec(Decimal{Int(0), 0, true})},
          Field{"t", Value::Time(Timestamp::FromEpochMillis(1654714006512))},
          Field{"s", Value::Sym("sym")},
          Field{"z", Value::Sym(Symbol::Unknown())},
          Field{"str", Value::String("escape \x0b\x0c\x0e me")},
          Field{"c", Value::Clob(Bytes{0x0B, 0x0C, 0x0E})},
          Field{"b", Value::Blob(Bytes{3})},
          Field{"l", Value::List({Value::Bool(true), Value::Null(Type::kInt).Annotate({"n"})})},
          Field{"x", Value::Sexp({Value::Sym("+"), Value::Struct()})},
          Field{"dup", Value::Integer(1)},
          Field{"dup", Value::Integer(1)},
          Field{"nested", Value::Struct({Field{"a", Value::List({Value::Struct(
                                                        {Field{"b", Value::Null()}})})}})},
      }),
      Value::Integer(7).Annotate({"only"}),
      Value::Null(Type::kStruct),
      Value::List(),
  };
  for (const Value& v : values) {
    Bytes bin = WriteBinary(v);
    auto dom = IonHashSha256(v);
    auto direct = IonHashSha256Binary(bin);
    ASSERT_TRUE(dom.ok() && direct.ok()) << v.ToString();
    EXPECT_EQ(Hex(*dom), Hex(*direct)) << v.ToString();
  }
}

TEST(IonHash, BinaryPathRejectsBadInput) {
  EXPECT_FALSE(IonHashSha256Binary(Bytes{}).ok());
  EXPECT_FALSE(IonHashSha256Binary(Bytes{0xE0, 0x01, 0x00, 0xEA}).ok());  // no value
  EXPECT_FALSE(IonHashSha256Binary(Bytes{0xE0, 0x01, 0x00, 0xEA, 0x20, 0x20}).ok());  // two
  EXPECT_FALSE(IonHashSha256Binary(Bytes{0xE0, 0x01, 0x00, 0xEA, 0xD3, 0x8A}).ok());  // truncated
  Bytes unknown = WriteBinary(Value::Sym(Symbol::Unknown("shared", 3)));
  EXPECT_FALSE(IonHashSha256Binary(unknown).ok());
  // A failed call leaves no state behind for the next one.
  Value v = Value::Struct({Field{"x", Value::Struct({Field{"y", Value::Integer(1)}})}});
  EXPECT_EQ(Hex(*IonHashSha256Binary(WriteBinary(v))), Hex(*IonHashSha256(v)));
}

}  // namespace
}  // namespace folio::ion
