#include "kv/kv.h"

#include <gtest/gtest.h>

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <thread>

#include "kv/mem_store.h"
#include "kv/rocks_store.h"

namespace folio::kv {
namespace {

std::string TempDir(const std::string& tag) {
  static std::atomic<int> counter{0};
  auto dir =
      std::filesystem::temp_directory_path() /
      ("folio_kv_test_" + tag + "_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
  std::filesystem::remove_all(dir);
  return dir.string();
}

struct Backend {
  std::string name;
  std::function<std::unique_ptr<Store>(const std::string& dir)> open;
};

class StoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    dir_ = TempDir(GetParam().name);
    store_ = GetParam().open(dir_);
    ASSERT_NE(store_, nullptr);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Put(const std::string& k, const std::string& v) {
    WriteBatch b;
    b.Put(k, v);
    ASSERT_TRUE(store_->Write(b).ok());
  }
  std::vector<std::string> Keys(const IteratorOptions& o) {
    std::vector<std::string> out;
    auto it = store_->NewIterator(o);
    for (it->SeekToFirst(); it->Valid(); it->Next()) out.emplace_back(it->key());
    EXPECT_TRUE(it->status().ok());
    return out;
  }
  std::string dir_;
  std::unique_ptr<Store> store_;
};

TEST_P(StoreTest, BatchOfAppendedBatchesWithLongKeysAndValues) {
  // Lengths around the varint32 byte boundaries (127/128, 16383/16384) and a 1 MiB value.
  WriteBatch first, second;
  first.Put(std::string(127, 'a'), std::string(128, 'x'));
  first.Put("b", std::string(16384, 'y'));
  first.Put("gone", "soon");
  second.Delete("gone");
  second.Put(std::string(16383, 'c'), std::string(size_t{1} << 20, 'z'));
  second.Put("empty", "");
  first.Append(second);
  EXPECT_EQ(first.Count(), 6u);
  EXPECT_EQ(first.ByteSize(), 127u + 128 + 1 + 16384 + 4 + 4 + 4 + 16383 + (size_t{1} << 20) + 5);
  std::vector<std::pair<WriteBatch::OpKind, size_t>> seen;
  first.ForEach([&](WriteBatch::OpKind kind, std::string_view key, std::string_view value) {
    seen.emplace_back(kind, key.size() + value.size());
  });
  ASSERT_EQ(seen.size(), 6u);
  EXPECT_EQ(seen[3].first, WriteBatch::OpKind::kDelete);
  EXPECT_EQ(seen[4].second, 16383u + (size_t{1} << 20));

  ASSERT_TRUE(store_->Write(first).ok());
  EXPECT_EQ(*store_->Get(std::string(127, 'a')), std::string(128, 'x'));
  EXPECT_EQ(store_->Get("b")->size(), 16384u);
  EXPECT_EQ(store_->Get("gone").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(*store_->Get(std::string(16383, 'c')), std::string(size_t{1} << 20, 'z'));
  EXPECT_EQ(*store_->Get("empty"), "");

  first.Clear();
  EXPECT_TRUE(first.empty());
  EXPECT_EQ(first.ByteSize(), 0u);
  first.Put("after-clear", "1");
  ASSERT_TRUE(store_->Write(first).ok());
  EXPECT_EQ(*store_->Get("after-clear"), "1");
}

TEST_P(StoreTest, GetMissingIsNotFound) {
  auto r = store_->Get("nope");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
}

TEST_P(StoreTest, PutGetDeleteAndBinaryKeys) {
  std::string k("a\0b", 3), v("\xff\x00\x01", 3);
  Put(k, v);
  auto r = store_->Get(k);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, v);
  EXPECT_EQ(store_->Get(std::string("a")).status().code(), StatusCode::kNotFound);
  WriteBatch b;
  b.Delete(k);
  ASSERT_TRUE(store_->Write(b).ok());
  EXPECT_EQ(store_->Get(k).status().code(), StatusCode::kNotFound);
}

TEST_P(StoreTest, BatchIsAtomicAndOrdered) {
  WriteBatch b;
  b.Put("k1", "a");
  b.Put("k2", "b");
  b.Put("k1", "c");  // later op wins
  b.Delete("k2");
  b.Put("k3", "d");
  EXPECT_EQ(b.Count(), 5u);
  ASSERT_TRUE(store_->Write(b, {.sync = false}).ok());
  EXPECT_EQ(*store_->Get("k1"), "c");
  EXPECT_EQ(store_->Get("k2").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(*store_->Get("k3"), "d");
}

TEST_P(StoreTest, MultiGet) {
  Put("x", "1");
  Put("z", "3");
  std::vector<std::string> keys = {"x", "y", "z"};
  auto rs = store_->MultiGet(keys);
  ASSERT_EQ(rs.size(), 3u);
  EXPECT_EQ(*rs[0], "1");
  EXPECT_EQ(rs[1].status().code(), StatusCode::kNotFound);
  EXPECT_EQ(*rs[2], "3");
}

TEST_P(StoreTest, IteratorRangeAndPrefix) {
  for (const char* k : {"a", "b/1", "b/2", "b/3", "b0", "c"}) Put(k, std::string("v") + k);
  EXPECT_EQ(Keys(PrefixRange("b/")), (std::vector<std::string>{"b/1", "b/2", "b/3"}));
  IteratorOptions all;
  EXPECT_EQ(Keys(all).size(), 6u);
  IteratorOptions r;
  r.lower = "b/2";
  r.upper = "c";
  EXPECT_EQ(Keys(r), (std::vector<std::string>{"b/2", "b/3", "b0"}));

  auto it = store_->NewIterator(PrefixRange("b/"));
  it->Seek("b/2");
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "b/2");
  EXPECT_EQ(it->value(), "vb/2");
  it->Seek("a");  // below the range: clamps to its first key
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "b/1");
  it->SeekToLast();
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "b/3");
  it->Prev();
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "b/2");
  it->Seek("b/4");
  EXPECT_FALSE(it->Valid());
  EXPECT_TRUE(it->status().ok());
}

TEST_P(StoreTest, SnapshotIsolation) {
  Put("k", "old");
  Put("gone", "here");
  auto snap = store_->NewSnapshot();
  Put("k", "new");
  Put("added", "x");
  WriteBatch del;
  del.Delete("gone");
  ASSERT_TRUE(store_->Write(del).ok());

  EXPECT_EQ(*store_->Get("k", {.snapshot = snap.get()}), "old");
  EXPECT_EQ(*store_->Get("k"), "new");
  EXPECT_EQ(*store_->Get("gone", {.snapshot = snap.get()}), "here");
  EXPECT_EQ(store_->Get("added", {.snapshot = snap.get()}).status().code(), StatusCode::kNotFound);
  std::vector<std::string> keys = {"k", "added"};
  auto rs = store_->MultiGet(keys, {.snapshot = snap.get()});
  EXPECT_EQ(*rs[0], "old");
  EXPECT_FALSE(rs[1].ok());
  IteratorOptions o;
  o.snapshot = snap.get();
  EXPECT_EQ(Keys(o), (std::vector<std::string>{"gone", "k"}));
  EXPECT_EQ(Keys({}), (std::vector<std::string>{"added", "k"}));
}

TEST(PrefixUpperBoundTest, Cases) {
  EXPECT_EQ(PrefixUpperBound("ab"), "ac");
  EXPECT_EQ(PrefixUpperBound(std::string("a\xff", 2)), "b");
  EXPECT_EQ(PrefixUpperBound(std::string("\xff\xff", 2)), "");
  EXPECT_EQ(PrefixUpperBound(""), "");
}

INSTANTIATE_TEST_SUITE_P(
    Backends, StoreTest,
    ::testing::Values(Backend{"mem",
                              [](const std::string&) -> std::unique_ptr<Store> {
                                return std::make_unique<MemStore>();
                              }},
                      Backend{"rocks",
                              [](const std::string& dir) -> std::unique_ptr<Store> {
                                auto r = RocksStore::Open(dir);
                                EXPECT_TRUE(r.ok()) << r.status().ToString();
                                return r.ok() ? std::unique_ptr<Store>(std::move(*r)) : nullptr;
                              }}),
    [](const auto& info) { return info.param.name; });

TEST(MemStoreTest, DropUnsyncedWrites) {
  MemStore s;
  WriteBatch b1;
  b1.Put("a", "1");
  ASSERT_TRUE(s.Write(b1, {.sync = true}).ok());
  WriteBatch b2;
  b2.Put("a", "2");
  b2.Put("b", "2");
  ASSERT_TRUE(s.Write(b2, {.sync = false}).ok());
  EXPECT_EQ(*s.Get("a"), "2");
  s.DropUnsyncedWrites();
  EXPECT_EQ(*s.Get("a"), "1");
  EXPECT_EQ(s.Get("b").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(s.KeyCount(), 1u);
  // A synced write makes earlier unsynced ones durable too.
  ASSERT_TRUE(s.Write(b2, {.sync = false}).ok());
  WriteBatch b3;
  b3.Put("c", "3");
  ASSERT_TRUE(s.Write(b3, {.sync = true}).ok());
  s.DropUnsyncedWrites();
  EXPECT_EQ(*s.Get("b"), "2");
  EXPECT_EQ(s.KeyCount(), 3u);
}

TEST(MemStoreTest, InjectedFailureAppliesNothing) {
  MemStore s;
  s.SetFailWrites(true);
  WriteBatch b;
  b.Put("a", "1");
  EXPECT_EQ(s.Write(b).code(), StatusCode::kIOError);
  s.SetFailWrites(false);
  EXPECT_EQ(s.Get("a").status().code(), StatusCode::kNotFound);
}

TEST(RocksStoreTest, ReopenKeepsDataAndMissingDbIsNotFound) {
  std::string dir = TempDir("reopen");
  {
    auto s = RocksStore::Open(dir);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    WriteBatch b;
    b.Put("k", "v");
    ASSERT_TRUE((*s)->Write(b).ok());
    ASSERT_TRUE((*s)->Flush().ok());
  }
  {
    auto s = RocksStore::Open(dir);
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(*(*s)->Get("k"), "v");
    // A second open of the same directory fails on the lock.
    auto again = RocksStore::Open(dir);
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.status().code(), StatusCode::kIOError);
  }
  std::filesystem::remove_all(dir);
  auto missing = RocksStore::Open(dir, {.create_if_missing = false});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
}

// Write-ahead logs on zero-filled spares (kv/zeroed_wal.h): a process that dies without
// closing its database leaves its newest log at the spare's full length with a zero tail;
// reopening must recover every acknowledged write and keep working.
constexpr char kWalChildDirEnv[] = "FOLIO_ZEROED_WAL_CHILD_DIR";
constexpr size_t kWalTestBufferBytes = size_t{1} << 20;
constexpr uint64_t kWalTestSpareBytes = kWalTestBufferBytes + kWalTestBufferBytes / 8;

std::string WalTestKey(int i) { return "key" + std::to_string(1000000 + i); }
std::string WalTestValue(int i) { return std::string(1000, static_cast<char>('a' + i % 26)); }

// Writes test key `i` in its own synced batch.
void PutSynced(Store& store, int i) {
  WriteBatch b;
  b.Put(WalTestKey(i), WalTestValue(i));
  ASSERT_TRUE(store.Write(b, {.sync = true}).ok());
}

// The newest write-ahead log's size (0 when there is none).
uint64_t NewestLogSize(const std::string& dir) {
  std::filesystem::path newest;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() == ".log" && e.path().filename() > newest.filename()) {
      newest = e.path();
    }
  }
  return newest.empty() ? 0 : std::filesystem::file_size(newest);
}

// Waits until the spare is ready or a log already took it.
void WaitForSpareOrSwitch(const std::string& dir) {
  for (int waited_ms = 0; !std::filesystem::exists(dir + "/FOLIO-WAL-SPARE") &&
                          NewestLogSize(dir) != kWalTestSpareBytes;
       waited_ms += 10) {
    ASSERT_LT(waited_ms, 60000) << "no spare log was prepared";
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

// Runs only as the child of ZeroedWalTest (the variable names its directory): writes synced
// single-key batches until the store has moved to a spare-backed log, writes 300 more, records
// how many writes were acknowledged and exits without closing.
TEST(ZeroedWalChild, WriteThenDie) {
  const char* dir = std::getenv(kWalChildDirEnv);
  if (dir == nullptr) GTEST_SKIP() << "runs as ZeroedWalTest's child process";
  auto store = RocksStore::Open(dir, {.write_buffer_bytes = kWalTestBufferBytes});
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  int acked = 0;
  auto put = [&] { PutSynced(**store, acked++); };
  // 200 KB passes the spare's trigger (1/8 of the spare) and stays below a memtable switch;
  // the first write after the spare is ready moves the store to it.
  for (int i = 0; i < 200; ++i) put();
  WaitForSpareOrSwitch(dir);
  put();
  ASSERT_EQ(NewestLogSize(dir), kWalTestSpareBytes) << "the store did not move to the spare";
  for (int i = 0; i < 300; ++i) put();
  std::ofstream(std::string(dir) + ".acked") << acked;
  std::fflush(nullptr);
  ::_exit(0);  // no close: the newest log keeps its zero tail
}

// A new database's first log is an ordinary file; once it is busy and a spare is ready, the
// store moves to the spare without waiting for the memtable to fill.
TEST(ZeroedWalTest, FirstBusyLogMovesToASpare) {
  std::string dir = TempDir("zeroed_wal_first");
  {
    auto store = RocksStore::Open(dir, {.write_buffer_bytes = kWalTestBufferBytes});
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    int written = 0;
    auto put = [&] { PutSynced(**store, written++); };
    put();
    EXPECT_LT(NewestLogSize(dir), kWalTestSpareBytes) << "the first log is an ordinary file";
    for (int i = 0; i < 200; ++i) put();  // past the trigger, below a memtable switch
    WaitForSpareOrSwitch(dir);
    put();  // the first write after the spare is ready switches logs (if none did already)
    EXPECT_EQ(NewestLogSize(dir), kWalTestSpareBytes) << "the store did not move to the spare";
    for (int i = 0; i < 50; ++i) put();
    for (int i = 0; i < written; ++i) ASSERT_EQ(*(*store)->Get(WalTestKey(i)), WalTestValue(i));
  }
  std::filesystem::remove_all(dir);
}

TEST(ZeroedWalTest, RecoversEveryAcknowledgedWriteFromLogsWithAZeroTail) {
  std::string dir = TempDir("zeroed_wal");
  ASSERT_EQ(::setenv(kWalChildDirEnv, dir.c_str(), 1), 0);
  std::string filter = "--gtest_filter=ZeroedWalChild.WriteThenDie";
  std::string exe = std::filesystem::read_symlink("/proc/self/exe").string();
  char* argv[] = {exe.data(), filter.data(), nullptr};
  // The child exits without joining the spare's filler thread on purpose (it simulates a
  // crash); under ThreadSanitizer that must not count as a leak.
  const char* tsan = std::getenv("TSAN_OPTIONS");
  std::string parent_tsan = tsan == nullptr ? "" : tsan;
  ASSERT_EQ(::setenv("TSAN_OPTIONS", (parent_tsan + " report_thread_leaks=0").c_str(), 1), 0);
  pid_t pid = 0;
  int spawned = posix_spawn(&pid, exe.c_str(), nullptr, nullptr, argv, environ);
  ::unsetenv(kWalChildDirEnv);
  if (tsan == nullptr) {
    ::unsetenv("TSAN_OPTIONS");
  } else {
    ::setenv("TSAN_OPTIONS", parent_tsan.c_str(), 1);
  }
  ASSERT_EQ(spawned, 0);
  int wstatus = 0;
  ASSERT_EQ(::waitpid(pid, &wstatus, 0), pid);
  ASSERT_TRUE(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0) << "child failed: " << wstatus;
  int acked = 0;
  std::ifstream(dir + ".acked") >> acked;
  ASSERT_GT(acked, 300);

  // The newest log is the spare, written over at its start and zero after that.
  std::filesystem::path newest;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() == ".log" && e.path().filename() > newest.filename()) {
      newest = e.path();
    }
  }
  ASSERT_FALSE(newest.empty());
  ASSERT_EQ(std::filesystem::file_size(newest), kWalTestSpareBytes);
  {
    std::ifstream log(newest, std::ios::binary);
    log.seekg(static_cast<std::streamoff>(kWalTestSpareBytes - 4096));
    std::string tail(4096, 'x');
    log.read(tail.data(), 4096);
    EXPECT_EQ(tail, std::string(4096, '\0'));
  }

  for (int round = 0; round < 2; ++round) {
    auto store = RocksStore::Open(dir, {.write_buffer_bytes = kWalTestBufferBytes});
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    for (int i = 0; i < acked; ++i) {
      auto v = (*store)->Get(WalTestKey(i));
      ASSERT_TRUE(v.ok()) << "write " << i << " of " << acked << ": " << v.status().ToString();
      ASSERT_EQ(*v, WalTestValue(i));
    }
    EXPECT_EQ((*store)->Get(WalTestKey(acked)).status().code(), StatusCode::kNotFound);
    if (round == 0) {
      // The recovered database keeps accepting writes; the second round reads them back
      // after a clean close.
      for (int i = 0; i < 50; ++i) PutSynced(**store, acked++);
    }
  }
  std::filesystem::remove_all(dir);
  std::filesystem::remove(dir + ".acked");
}

}  // namespace
}  // namespace folio::kv
