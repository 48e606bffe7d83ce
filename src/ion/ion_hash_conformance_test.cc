// Ion Hash conformance: testdata/ion-hash-test/ion_hash_tests.ion (identity and MD5 event
// expectations, including '10n' binary inputs) and testdata/derived/ion-hash-test-sha256.ion
// (SHA-256 of every input, keyed by 1-based position). Each (test, hasher) pair is one check.
//
// Comparison rules, from the file's header comment: update::/digest:: events are compared as
// the full call sequence; an expectation made only of digest:: events is compared with the
// digest() calls alone; final_digest:: is compared with the last digest() result.
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "ion/ion.h"
#include "ion/ion_hash.h"

namespace folio::ion {
namespace {

namespace fs = std::filesystem;

const fs::path kData = fs::path(FOLIO_TESTDATA_DIR);

// Checks skipped on purpose: test name -> reason. Empty: every vector is run.
const std::map<std::string, std::string> kSkips = {};

struct Event {
  std::string kind;  // "update", "digest" or "final_digest"
  Bytes bytes;
  bool operator==(const Event& o) const { return kind == o.kind && bytes == o.bytes; }
};

std::string Describe(const std::vector<Event>& events) {
  std::string s;
  for (const Event& e : events) s += e.kind + "::" + HexEncode(e.bytes) + " ";
  return s;
}

// A hasher that logs every call into a log shared by all hashers of its factory.
class RecordingHasher : public Hasher {
 public:
  RecordingHasher(std::vector<Event>* log, const EVP_MD* md) : log_(log), md_(md) {}
  void Update(std::span<const uint8_t> b) override {
    log_->push_back(Event{"update", Bytes(b.begin(), b.end())});
    buf_.insert(buf_.end(), b.begin(), b.end());
  }
  Bytes Digest() override {
    Bytes out;
    if (md_ == nullptr) {
      out = std::move(buf_);
    } else {
      out.resize(EVP_MAX_MD_SIZE);
      unsigned int n = 0;
      EVP_Digest(buf_.data(), buf_.size(), out.data(), &n, md_, nullptr);
      out.resize(n);
    }
    buf_.clear();
    log_->push_back(Event{"digest", out});
    return out;
  }

 private:
  std::vector<Event>* log_;
  const EVP_MD* md_;
  Bytes buf_;
};

class RecordingFactory : public HasherFactory {
 public:
  explicit RecordingFactory(const EVP_MD* md) : md_(md) {}
  std::unique_ptr<Hasher> NewHasher() override {
    return std::make_unique<RecordingHasher>(&log, md_);
  }
  std::vector<Event> log;

 private:
  const EVP_MD* md_;
};

Result<Bytes> IntsToBytes(const Value& seq) {
  Bytes out;
  if (!seq.is_sequence() || seq.is_null()) return Status::InvalidArgument("expected a sexp of ints");
  for (const Value& e : seq.elements()) {
    if (e.type() != Type::kInt || e.is_null() || !e.as_int().ToInt64() || *e.as_int().ToInt64() < 0 ||
        *e.as_int().ToInt64() > 255) {
      return Status::InvalidArgument("expected byte values");
    }
    out.push_back(static_cast<uint8_t>(*e.as_int().ToInt64()));
  }
  return out;
}

Result<std::vector<Event>> ParseEvents(const Value& list) {
  std::vector<Event> out;
  if (!list.is_sequence() || list.is_null()) return Status::InvalidArgument("expected events");
  for (const Value& e : list.elements()) {
    if (e.annotations().size() != 1 || !e.annotations()[0].has_text) {
      return Status::InvalidArgument("event without a kind annotation");
    }
    FOLIO_ASSIGN_OR_RETURN(Bytes b, IntsToBytes(e));
    out.push_back(Event{e.annotations()[0].text, std::move(b)});
  }
  return out;
}

bool Matches(const std::vector<Event>& want, const std::vector<Event>& got, std::string* why) {
  bool has_update = false, only_final = !want.empty();
  for (const Event& e : want) {
    has_update |= e.kind == "update";
    only_final &= e.kind == "final_digest";
  }
  std::vector<Event> digests;
  for (const Event& e : got) {
    if (e.kind == "digest") digests.push_back(e);
  }
  if (only_final) {
    if (!digests.empty() && digests.back().bytes == want.back().bytes) return true;
    *why = "final digest " + (digests.empty() ? "<none>" : HexEncode(digests.back().bytes)) +
           " != " + HexEncode(want.back().bytes);
    return false;
  }
  const std::vector<Event>& actual = has_update ? got : digests;
  if (actual == want) return true;
  *why = "want " + Describe(want) + "\n got " + Describe(actual);
  return false;
}

std::string ReadFileText(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Counts {
  int passed = 0, failed = 0, skipped = 0;
};

TEST(IonHashConformance, Vectors) {
  auto tests = ReadText(ReadFileText(kData / "ion-hash-test" / "ion_hash_tests.ion"));
  ASSERT_TRUE(tests.ok()) << tests.status().ToString();
  auto derived = ReadText(ReadFileText(kData / "derived" / "ion-hash-test-sha256.ion"));
  ASSERT_TRUE(derived.ok()) << derived.status().ToString();
  std::map<int64_t, std::string> sha_by_test;
  for (const Value& d : *derived) {
    const Value* n = d.Get("test");
    const Value* h = d.Get("sha256_hex");
    ASSERT_TRUE(n && h && n->type() == Type::kInt && h->type() == Type::kString);
    sha_by_test[*n->as_int().ToInt64()] = h->as_string();
  }
  EXPECT_EQ(sha_by_test.size(), tests->size());

  std::map<std::string, Counts> by_hasher;
  Counts total;
  auto record = [&](const std::string& hasher, bool ok) {
    (ok ? by_hasher[hasher].passed : by_hasher[hasher].failed)++;
    (ok ? total.passed : total.failed)++;
  };
  int64_t position = 0;
  for (const Value& t : *tests) {
    ++position;
    ASSERT_EQ(t.type(), Type::kStruct);
    const Value* ion = t.Get("ion");
    const Value* bin = t.Get("10n");
    std::string name = !t.annotations().empty() && t.annotations()[0].has_text
                           ? t.annotations()[0].text
                           : (ion != nullptr ? WriteText(*ion) : "?");
    name = "#" + std::to_string(position) + " " + name;
    const Value* expect = t.Get("expect");
    ASSERT_NE(expect, nullptr) << name;
    if (auto it = kSkips.find(name); it != kSkips.end()) {
      std::cout << "skip " << name << ": " << it->second << "\n";
      total.skipped++;
      continue;
    }
    // The input value.
    Value input;
    if (ion != nullptr) {
      input = *ion;
    } else {
      ASSERT_NE(bin, nullptr) << name;
      auto bytes = IntsToBytes(*bin);
      ASSERT_TRUE(bytes.ok()) << name;
      Bytes stream = {0xE0, 0x01, 0x00, 0xEA};
      stream.insert(stream.end(), bytes->begin(), bytes->end());
      auto v = ReadBinary(stream);
      ASSERT_TRUE(v.ok()) << name << ": " << v.status().ToString();
      ASSERT_EQ(v->size(), 1u) << name;
      input = v->front();
    }
    for (const Field& f : expect->fields()) {
      const EVP_MD* md = nullptr;
      if (f.name.text == "md5") {
        md = EVP_md5();
      } else if (f.name.text != "identity") {
        ADD_FAILURE() << name << ": unknown hasher " << f.name.text;
        continue;
      }
      auto want = ParseEvents(f.value);
      ASSERT_TRUE(want.ok()) << name << ": " << want.status().ToString();
      RecordingFactory factory(md);
      auto digest = IonHash(input, factory);
      std::string why;
      bool ok = digest.ok() && Matches(*want, factory.log, &why);
      if (!digest.ok()) why = digest.status().ToString();
      if (!ok) ADD_FAILURE() << name << " [" << f.name.text << "]: " << why;
      record(f.name.text, ok);
    }
    auto it = sha_by_test.find(position);
    if (it == sha_by_test.end()) {
      ADD_FAILURE() << name << ": no SHA-256 expectation";
      record("sha256", false);
      continue;
    }
    auto sha = IonHashSha256(input);
    bool ok = sha.ok() && HexEncode(*sha) == it->second;
    if (!ok) {
      ADD_FAILURE() << name << " [sha256]: "
                    << (sha.ok() ? HexEncode(*sha) + " != " + it->second : sha.status().ToString());
    }
    record("sha256", ok);
  }
  for (const auto& [hasher, c] : by_hasher) {
    std::cout << "ion-hash [" << hasher << "]: " << c.passed << " passed, " << c.failed
              << " failed\n";
  }
  std::cout << "ion-hash: " << total.passed << " passed, " << total.failed << " failed, "
            << total.skipped << " skipped\n";
  EXPECT_EQ(total.failed, 0);
  EXPECT_GT(total.passed, 300);
}

}  // namespace
}  // namespace folio::ion
