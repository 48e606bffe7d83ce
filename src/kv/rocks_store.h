// RocksStore: the RocksDB-backed kv::Store (the only RocksDB user in Folio).
//
// Tuned for a single-node ledger: WAL always on, every Write synced unless the caller asks
// otherwise, bloom filters on every table file, index and filter blocks charged to one bounded
// LRU block cache shared by every store of the process, so memory use stays bounded by roughly
// block_cache_bytes + stores * max_write_buffers * write_buffer_bytes. Thread-safe.
#pragma once

#include <memory>
#include <string>

#include "kv/kv.h"

namespace folio::kv {

struct RocksOptions {
  // Create the database if the directory holds none. Default: true.
  bool create_if_missing = true;
  // LRU block cache, including index and filter blocks, shared by all stores of the process
  // that ask for the same size (a ledger per store: many ledgers share one bound). Default:
  // 512 MiB, an upper bound filled only as data is read (PostgreSQL's baseline runs with 1 GiB
  // of shared buffers).
  size_t block_cache_bytes = size_t{512} << 20;
  // Memtable size before a flush. Default: 32 MiB.
  size_t write_buffer_bytes = size_t{32} << 20;
  // At most this many memtables (active + immutable). Default: 2.
  int max_write_buffers = 2;
  // Bloom filter bits per key. Default: 10 (about 1% false positives).
  int bloom_bits_per_key = 10;
  // Table files kept open; -1 is unlimited. Default: 1000.
  int max_open_files = 1000;
  // Background flush/compaction threads. Default: 2.
  int background_threads = 2;
  // Write-ahead logs go into zero-filled, synced spare files prepared ahead (kv/zeroed_wal.h),
  // so a synced commit flushes data without a filesystem journal commit. A busy database keeps
  // one spare of about write_buffer_bytes next to its logs. Default: true.
  bool zeroed_wal = true;
  // Flush and compaction writes of all stores of the process share one budget of this many
  // bytes per second, granted a millisecond's worth at a time, and their files are synced
  // every background_bytes_per_sync bytes as they are written. A commit's log sync then never
  // waits behind a whole table file in the device queue: on the development VM this halved the
  // commits slower than 9 ms and the worst commit (30-50 -> 15-23 ms) at equal throughput
  // (docs/perf/server.md, round 6). 0: no budget. Default: 256 MiB/s.
  uint64_t background_write_bytes_per_sec = uint64_t{256} << 20;
  // Default: 256 KiB (0: table files are synced once, when complete).
  uint64_t background_bytes_per_sync = uint64_t{256} << 10;
};

class RocksStore final : public Store {
 public:
  // Opens (or creates) the database in directory `path`.
  // Errors: kIOError (cannot open or lock, e.g. another process holds it), kCorruption,
  // kNotFound (no database and create_if_missing is false).
  static Result<std::unique_ptr<RocksStore>> Open(const std::string& path,
                                                  const RocksOptions& options = {});
  ~RocksStore() override;

  Result<std::string> Get(std::string_view key, const ReadOptions& options = {}) override;
  std::vector<Result<std::string>> MultiGet(std::span<const std::string> keys,
                                            const ReadOptions& options = {}) override;
  std::unique_ptr<Iterator> NewIterator(const IteratorOptions& options) override;
  std::unique_ptr<Snapshot> NewSnapshot() override;
  Status Write(const WriteBatch& batch, const WriteOptions& options = {}) override;

  // Flushes memtables to table files (tests, shutdown). Errors: kIOError.
  Status Flush();

 private:
  struct Impl;
  explicit RocksStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace folio::kv
