// `folio verify <data-dir>` on a data directory written by a real `folio serve`, and on copies
// with one byte flipped in a journal block, a history revision and an index entry: the
// original verifies (exit 0), every corrupted copy exits 1 naming the inconsistency.
#include <gtest/gtest.h>

#include <filesystem>

#include "driver/driver.h"
#include "ion/ion.h"
#include "kv/rocks_store.h"
#include "tests/shell/server_process.h"

namespace folio {
namespace {

namespace fs = std::filesystem;
using ion::Value;

class VerifyE2E : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(testing::MakeTempDir("verify-e2e"));
    testing::ServerProcess server(*dir_ + "/data", {"--no-auth"});
    ASSERT_TRUE(server.ok());
    driver::DriverOptions o;
    o.service.endpoint = server.endpoint();
    auto d = *driver::Driver::Create(o);
    Status st = d->Execute([](driver::Transaction& t) -> Status {
      FOLIO_TRY(t.Execute("CREATE TABLE Cars").status());
      return t.Execute("CREATE INDEX ON Cars (VIN)").status();
    });
    ASSERT_TRUE(st.ok()) << st.ToString();
    for (int i = 0; i < 3; ++i) {
      st = d->Execute([&](driver::Transaction& t) -> Status {
        return t
            .Execute("INSERT INTO Cars ?",
                     {Value::Struct({{"VIN", Value::String("VIN-MARKER-" + std::to_string(i))},
                                     {"Owner", Value::String("Alice")}})})
            .status();
      });
      ASSERT_TRUE(st.ok()) << st.ToString();
    }
    st = d->Execute([](driver::Transaction& t) {
      return t.Execute("UPDATE Cars SET Owner = 'Bob' WHERE VIN = 'VIN-MARKER-1'").status();
    });
    ASSERT_TRUE(st.ok()) << st.ToString();
    d->Close();
    server.Stop();
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete dir_;
  }

  // A copy of the data dir with `corrupt` applied to the one ledger store holding table Cars.
  static std::string CorruptCopy(const std::string& name,
                                 const std::function<void(kv::Store&)>& corrupt) {
    std::string copy = *dir_ + "/" + name;
    fs::copy(*dir_ + "/data", copy, fs::copy_options::recursive);
    for (const auto& entry : fs::directory_iterator(copy + "/ledgers/ledgers")) {
      auto store = kv::RocksStore::Open(entry.path().string());
      EXPECT_TRUE(store.ok()) << store.status().ToString();
      if (!store.ok()) continue;
      // The "default" ledger is the only one; it holds the table.
      corrupt(**store);
    }
    return copy;
  }

  // Flips a byte of the first value under `prefix` holding `needle` in a copy of the data
  // dir, and expects `folio verify` to fail on the copy.
  static void ExpectFlippedValueReported(const std::string& name, const std::string& prefix,
                                         const std::string& needle);
  static std::pair<int, std::string> Verify(const std::string& dir) {
    return testing::RunCommand(std::string(FOLIO_BINARY) + " verify --quiet " + dir + " 2>&1");
  }

  static std::string* dir_;
};
std::string* VerifyE2E::dir_ = nullptr;

// Flips one byte of the value of the first key under `prefix` that contains `needle` (or of the
// first key at all when `needle` is empty). Returns false when nothing matched.
bool FlipValueByte(kv::Store& store, const std::string& prefix, const std::string& needle) {
  auto it = store.NewIterator(kv::PrefixRange(prefix));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    std::string value(it->value());
    size_t pos = needle.empty() ? value.size() / 2 : value.find(needle);
    if (pos == std::string::npos || value.empty()) continue;
    value[pos + (needle.empty() ? 0 : needle.size() - 1)] ^= 0x01;  // '0'->'1' keeps it text
    kv::WriteBatch b;
    b.Put(std::string(it->key()), value);
    return store.Write(b).ok();
  }
  return false;
}

TEST_F(VerifyE2E, IntactDataDirVerifies) {
  auto [code, out] = Verify(*dir_ + "/data");
  EXPECT_EQ(code, 0) << out;
  EXPECT_NE(out.find("ledger default: OK"), std::string::npos) << out;
  EXPECT_NE(out.find("all consistent"), std::string::npos) << out;
}

void VerifyE2E::ExpectFlippedValueReported(const std::string& name, const std::string& prefix,
                                           const std::string& needle) {
  bool flipped = false;
  std::string copy =
      CorruptCopy(name, [&](kv::Store& s) { flipped |= FlipValueByte(s, prefix, needle); });
  ASSERT_TRUE(flipped);
  auto [code, out] = Verify(copy);
  EXPECT_EQ(code, 1) << out;
  EXPECT_NE(out.find("FAILED"), std::string::npos) << out;
}

TEST_F(VerifyE2E, FlippedJournalBlockByteIsReported) {
  ExpectFlippedValueReported("block", "jB", "VIN-MARKER-2");
}

TEST_F(VerifyE2E, FlippedHistoryRevisionByteIsReported) {
  // VIN-MARKER-1 was updated: its first revision is a history entry.
  ExpectFlippedValueReported("history", "h", "VIN-MARKER-1");
}

TEST_F(VerifyE2E, FlippedCurrentRevisionByteIsReported) {
  // VIN-MARKER-0 was only inserted: its one revision is the current entry.
  ExpectFlippedValueReported("current", "d", "VIN-MARKER-0");
}

TEST_F(VerifyE2E, FlippedIndexEntryIsReported) {
  bool flipped = false;
  std::string copy = CorruptCopy("index", [&](kv::Store& s) {
    // Index entries are keys with empty values: move the first one to a key with one byte of
    // its key hash flipped.
    auto it = s.NewIterator(kv::PrefixRange("x"));
    it->SeekToFirst();
    if (!it->Valid()) return;
    std::string key(it->key());
    std::string bad = key;
    bad[1 + 22 + 22 + 5] ^= 0x01;  // 'x' tableId indexId keyHash[5]
    kv::WriteBatch b;
    b.Delete(key);
    b.Put(bad, std::string(it->value()));
    flipped = s.Write(b).ok();
  });
  ASSERT_TRUE(flipped);
  auto [code, out] = Verify(copy);
  EXPECT_EQ(code, 1) << out;
  EXPECT_NE(out.find("FAILED"), std::string::npos) << out;
  EXPECT_NE(out.find("index"), std::string::npos) << out;
}

TEST_F(VerifyE2E, NotADataDir) {
  auto [code, out] = Verify(*dir_ + "/nonexistent");
  EXPECT_EQ(code, 2) << out;
}

}  // namespace
}  // namespace folio
