#include "kv/rocks_store.h"

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/env.h>
#include <rocksdb/file_system.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/iterator.h>
#include <rocksdb/options.h>
#include <rocksdb/perf_level.h>
#include <rocksdb/rate_limiter.h>
#include <rocksdb/slice.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <utility>

#include "kv/zeroed_wal.h"

namespace folio::kv {
namespace {

// The single translation point from rocksdb::Status to folio::Status.
Status FromRocks(const rocksdb::Status& s, std::string_view what) {
  if (s.ok()) return Status::OK();
  std::string msg = std::string(what) + ": " + s.ToString();
  if (s.IsNotFound()) return Status::NotFound(std::move(msg));
  if (s.IsCorruption()) return Status::Corruption(std::move(msg));
  if (s.IsInvalidArgument()) {
    // RocksDB reports "does not exist (create_if_missing is false)" as InvalidArgument.
    return Status::NotFound(std::move(msg));
  }
  return Status::IOError(std::move(msg));
}

rocksdb::Slice ToSlice(std::string_view s) { return {s.data(), s.size()}; }

class RocksSnapshot final : public Snapshot {
 public:
  RocksSnapshot(rocksdb::DB* db, const rocksdb::Snapshot* snap) : db_(db), snap_(snap) {}
  ~RocksSnapshot() override { db_->ReleaseSnapshot(snap_); }
  const rocksdb::Snapshot* get() const { return snap_; }

 private:
  rocksdb::DB* db_;
  const rocksdb::Snapshot* snap_;
};

const rocksdb::Snapshot* Unwrap(const Snapshot* s) {
  return s == nullptr ? nullptr : static_cast<const RocksSnapshot*>(s)->get();
}

class RocksIterator final : public Iterator {
 public:
  RocksIterator(rocksdb::DB* db, const IteratorOptions& options)
      : lower_(options.lower), upper_(options.upper) {
    rocksdb::ReadOptions ro;
    ro.snapshot = Unwrap(options.snapshot);
    lower_slice_ = rocksdb::Slice(lower_);
    upper_slice_ = rocksdb::Slice(upper_);
    if (!lower_.empty()) ro.iterate_lower_bound = &lower_slice_;
    if (!upper_.empty()) ro.iterate_upper_bound = &upper_slice_;
    it_.reset(db->NewIterator(ro));
  }

  bool Valid() const override { return it_->Valid(); }
  void SeekToFirst() override { it_->SeekToFirst(); }
  void SeekToLast() override { it_->SeekToLast(); }
  void Seek(std::string_view target) override {
    if (!lower_.empty() && target < std::string_view(lower_)) {
      it_->SeekToFirst();
    } else {
      it_->Seek(ToSlice(target));
    }
  }
  void Next() override { it_->Next(); }
  void Prev() override { it_->Prev(); }
  std::string_view key() const override {
    auto k = it_->key();
    return {k.data(), k.size()};
  }
  std::string_view value() const override {
    auto v = it_->value();
    return {v.data(), v.size()};
  }
  Status status() const override { return FromRocks(it_->status(), "iterator"); }

 private:
  // The bounds must outlive it_ (RocksDB keeps pointers to them).
  std::string lower_, upper_;
  rocksdb::Slice lower_slice_, upper_slice_;
  std::unique_ptr<rocksdb::Iterator> it_;
};

}  // namespace

struct RocksStore::Impl {
  // Declared before `db`: the database closes before its file system goes.
  std::shared_ptr<ZeroedWalFileSystem> wal_fs;
  std::unique_ptr<rocksdb::Env> env;
  std::unique_ptr<rocksdb::DB> db;
};

RocksStore::RocksStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

RocksStore::~RocksStore() {
  if (impl_ && impl_->db) {
    impl_->db->Close().PermitUncheckedError();
    impl_->db.reset();
  }
}

namespace {

// One instance per key for the whole process, made by `make(key)` on first use and kept while
// any store holds it. Each call site (each `Make` type) has its own registry.
template <class T, class Key, class Make>
std::shared_ptr<T> SharedPerProcess(const Key& key, Make make) {
  static std::mutex mu;
  static std::map<Key, std::weak_ptr<T>> instances;
  std::lock_guard lock(mu);
  std::shared_ptr<T> instance = instances[key].lock();
  if (!instance) {
    instance = make(key);
    instances[key] = instance;
  }
  return instance;
}

// One block cache per requested size.
std::shared_ptr<rocksdb::Cache> SharedBlockCache(size_t bytes) {
  return SharedPerProcess<rocksdb::Cache>(bytes, [](size_t b) { return rocksdb::NewLRUCache(b); });
}

// One limiter per budget: the stores of a process share a disk.
std::shared_ptr<rocksdb::RateLimiter> SharedBackgroundWriteLimiter(uint64_t bytes_per_sec) {
  return SharedPerProcess<rocksdb::RateLimiter>(bytes_per_sec, [](uint64_t rate) {
    constexpr int64_t kRefillPeriodMicros = 1000;  // grants of 1 ms: small device bursts
    constexpr int32_t kFairness = 10;              // RocksDB's default low/high priority split
    return std::shared_ptr<rocksdb::RateLimiter>(
        rocksdb::NewGenericRateLimiter(static_cast<int64_t>(rate), kRefillPeriodMicros, kFairness,
                                       rocksdb::RateLimiter::Mode::kWritesOnly));
  });
}

// RocksDB counts into a thread-local PerfContext by default (PerfLevel::kEnableCount); every
// counter is a TLS lookup in the shared library. Nothing reads those counters, so each thread
// turns them off before its first call.
void DisablePerfCounters() {
  thread_local bool disabled = false;
  if (!disabled) {
    rocksdb::SetPerfLevel(rocksdb::PerfLevel::kDisable);
    disabled = true;
  }
}

}  // namespace

Result<std::unique_ptr<RocksStore>> RocksStore::Open(const std::string& path,
                                                     const RocksOptions& options) {
  auto impl = std::make_unique<Impl>();
  rocksdb::Options o;
  if (options.zeroed_wal) {
    ZeroedWalOptions wal;
    wal.spare_bytes = options.write_buffer_bytes + options.write_buffer_bytes / 8;
    wal.trigger_bytes = std::max<uint64_t>(wal.spare_bytes / 8, 64 << 10);
    impl->wal_fs = std::make_shared<ZeroedWalFileSystem>(rocksdb::FileSystem::Default(), path, wal);
    impl->env = rocksdb::NewCompositeEnv(impl->wal_fs);
    o.env = impl->env.get();
  }
  o.create_if_missing = options.create_if_missing;
  o.paranoid_checks = true;
  o.max_open_files = options.max_open_files;
  o.write_buffer_size = options.write_buffer_bytes;
  o.max_write_buffer_number = options.max_write_buffers;
  o.IncreaseParallelism(options.background_threads);
  // LZ4 on every level: point reads that miss the block cache decompress a block each, and
  // ZSTD (RocksDB 7.8 creates a decompression context per block) made them ~10x slower.
  o.compression = rocksdb::kLZ4Compression;
  o.bottommost_compression = rocksdb::kLZ4Compression;
  // One memtable insert hint per 3-byte key prefix: ascending runs (journal blocks, each
  // Merkle level 'jM'+level, new documents' keys under time-ordered ids) then continue from
  // the previous insert's position instead of a search from the top of the skip list.
  o.memtable_insert_with_hint_prefix_extractor.reset(rocksdb::NewFixedPrefixTransform(3));
  // Recover to the last consistent point of the WAL: a torn tail record from a crash is
  // dropped, any other damage is an error.
  o.wal_recovery_mode = rocksdb::WALRecoveryMode::kPointInTimeRecovery;

  if (options.background_write_bytes_per_sec > 0) {
    o.rate_limiter = SharedBackgroundWriteLimiter(options.background_write_bytes_per_sec);
  }
  o.bytes_per_sync = options.background_bytes_per_sync;

  rocksdb::BlockBasedTableOptions t;
  t.block_cache = SharedBlockCache(options.block_cache_bytes);
  t.cache_index_and_filter_blocks = true;
  t.pin_l0_filter_and_index_blocks_in_cache = true;
  t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(options.bloom_bits_per_key, false));
  t.format_version = 5;
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));

  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(o, path, &raw);
  FOLIO_TRY(FromRocks(s, "open " + path));
  impl->db.reset(raw);
  return std::unique_ptr<RocksStore>(new RocksStore(std::move(impl)));
}

Result<std::string> RocksStore::Get(std::string_view key, const ReadOptions& options) {
  DisablePerfCounters();
  rocksdb::ReadOptions ro;
  ro.snapshot = Unwrap(options.snapshot);
  std::string value;
  rocksdb::Status s = impl_->db->Get(ro, ToSlice(key), &value);
  if (s.IsNotFound()) return Status::NotFound("key not found");
  FOLIO_TRY(FromRocks(s, "get"));
  return value;
}

std::vector<Result<std::string>> RocksStore::MultiGet(std::span<const std::string> keys,
                                                      const ReadOptions& options) {
  DisablePerfCounters();
  rocksdb::ReadOptions ro;
  // Without a caller snapshot, pin one so that all keys are read at the same point.
  std::unique_ptr<Snapshot> own;
  if (options.snapshot == nullptr) own = NewSnapshot();
  ro.snapshot = Unwrap(options.snapshot != nullptr ? options.snapshot : own.get());
  std::vector<rocksdb::Slice> slices;
  slices.reserve(keys.size());
  for (const auto& k : keys) slices.emplace_back(k);
  std::vector<std::string> values;
  std::vector<rocksdb::Status> statuses = impl_->db->MultiGet(ro, slices, &values);
  std::vector<Result<std::string>> out;
  out.reserve(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    if (statuses[i].ok()) {
      out.emplace_back(std::move(values[i]));
    } else if (statuses[i].IsNotFound()) {
      out.emplace_back(Status::NotFound("key not found"));
    } else {
      out.emplace_back(FromRocks(statuses[i], "multiget"));
    }
  }
  return out;
}

std::unique_ptr<Iterator> RocksStore::NewIterator(const IteratorOptions& options) {
  DisablePerfCounters();
  return std::make_unique<RocksIterator>(impl_->db.get(), options);
}

std::unique_ptr<Snapshot> RocksStore::NewSnapshot() {
  return std::make_unique<RocksSnapshot>(impl_->db.get(), impl_->db->GetSnapshot());
}

Status RocksStore::Write(const WriteBatch& batch, const WriteOptions& options) {
  DisablePerfCounters();
  // kv::WriteBatch keeps RocksDB's own encoding (kv.h): one copy, no re-encoding.
  rocksdb::WriteBatch wb(batch.Data());
  rocksdb::WriteOptions wo;
  wo.sync = options.sync;
  wo.disableWAL = false;
  FOLIO_TRY(FromRocks(impl_->db->Write(wo, &wb), "write"));
  if (impl_->wal_fs && impl_->wal_fs->TakeLogSwitchRequest()) {
    // A busy database's first log is an ordinary file and a spare is ready: switch the
    // memtable (and with it the log, which takes the spare) now; the small memtable is flushed
    // in the background. Best effort: a failure only leaves the current log in use.
    rocksdb::FlushOptions fo;
    fo.wait = false;
    fo.allow_write_stall = true;
    impl_->db->Flush(fo).PermitUncheckedError();
  }
  return Status::OK();
}

Status RocksStore::Flush() {
  rocksdb::FlushOptions fo;
  fo.wait = true;
  return FromRocks(impl_->db->Flush(fo), "flush");
}

}  // namespace folio::kv
