// kv: the narrow key-value interface every persistent byte of Folio goes through.
//
// A Store is an ordered map of byte-string keys to byte-string values with point reads,
// range iteration, consistent snapshots and atomic multi-key writes. This is everything the
// journal and storage need, and small enough that a replicated backend can implement it later
// (DESIGN.md decision 8). Only kv/rocks_store.cc includes RocksDB.
//
// Thread safety: a Store is safe for concurrent use (reads, snapshots and writes from any
// thread). Iterator and WriteBatch objects are single-threaded. A Snapshot or Iterator must not
// outlive the Store that made it.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace folio::kv {

// An ordered list of puts and deletes applied atomically by Store::Write (all or none, in order:
// a later operation on the same key wins).
//
// The operations live in one buffer in the LevelDB/RocksDB write-batch encoding (a 12-byte
// header: sequence number, fixed64 little-endian, left 0, and operation count, fixed32; then
// per operation a tag byte, 1 = put or 0 = delete, the varint32-prefixed key and, for a put,
// the varint32-prefixed value). So a put is one append, Append is one copy, and RocksStore
// gives the buffer to RocksDB as it is. Keys and values are limited to 4 GiB - 1 each.
class WriteBatch {
 public:
  enum class OpKind : uint8_t { kPut, kDelete };

  WriteBatch() : rep_(kHeaderSize, '\0') {}

  void Put(std::string_view key, std::string_view value);
  void Delete(std::string_view key);
  void Clear();
  // Appends every operation of `other` after this batch's own.
  void Append(const WriteBatch& other);
  // Calls fn(OpKind, std::string_view key, std::string_view value) for every operation, in
  // order (value empty for kDelete).
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    size_t pos = kHeaderSize;
    OpKind kind;
    std::string_view key, value;
    while (Next(pos, kind, key, value)) fn(kind, key, value);
  }

  size_t Count() const { return count_; }
  bool empty() const { return count_ == 0; }
  // Sum of key and value sizes.
  size_t ByteSize() const { return bytes_; }
  // The encoded batch, header included.
  const std::string& Data() const { return rep_; }

 private:
  static constexpr size_t kHeaderSize = 12;
  // Decodes the operation at `pos` and advances it; false at the end.
  bool Next(size_t& pos, OpKind& kind, std::string_view& key, std::string_view& value) const;
  void SetCount(size_t count);

  std::string rep_;
  size_t count_ = 0;
  size_t bytes_ = 0;
};

// A consistent read view: reads through it see exactly the writes that completed before it was
// taken. Releases itself when destroyed.
class Snapshot {
 public:
  virtual ~Snapshot() = default;

 protected:
  Snapshot() = default;
};

// A cursor over the keys of a range, in unsigned byte-wise order. After any positioning call,
// check Valid(); when it turns false check status() to tell the end of the range from an error.
class Iterator {
 public:
  virtual ~Iterator() = default;
  virtual bool Valid() const = 0;
  virtual void SeekToFirst() = 0;
  virtual void SeekToLast() = 0;
  // First key >= target (clamped to the range).
  virtual void Seek(std::string_view target) = 0;
  // Requires Valid().
  virtual void Next() = 0;
  virtual void Prev() = 0;
  // Valid until the next positioning call. Require Valid().
  virtual std::string_view key() const = 0;
  virtual std::string_view value() const = 0;
  // kIOError or kCorruption if iteration stopped on an error; OK otherwise.
  virtual Status status() const = 0;
};

struct ReadOptions {
  // Read at this snapshot; nullptr reads the latest committed state. Default: nullptr.
  const Snapshot* snapshot = nullptr;
};

struct IteratorOptions {
  // The key range [lower, upper). An empty `upper` means unbounded. Default: everything.
  std::string lower;
  std::string upper;
  const Snapshot* snapshot = nullptr;  // Default: latest.
};

struct WriteOptions {
  // Flush the write-ahead log to stable storage before Write returns. Default: true (a ledger
  // acknowledges only durable commits).
  bool sync = true;
};

// The smallest key greater than every key starting with `prefix` ("" if there is none, i.e. the
// prefix is empty or all 0xFF: unbounded).
std::string PrefixUpperBound(std::string_view prefix);
// IteratorOptions covering exactly the keys that start with `prefix`.
IteratorOptions PrefixRange(std::string_view prefix, const Snapshot* snapshot = nullptr);

class Store {
 public:
  virtual ~Store() = default;

  // The value of `key`. Errors: kNotFound if absent; kIOError, kCorruption.
  virtual Result<std::string> Get(std::string_view key, const ReadOptions& options = {}) = 0;
  // Get for several keys, in the same order; each entry is a value or kNotFound/kIOError/
  // kCorruption. All keys are read at one consistent point.
  virtual std::vector<Result<std::string>> MultiGet(std::span<const std::string> keys,
                                                    const ReadOptions& options = {}) = 0;
  virtual std::unique_ptr<Iterator> NewIterator(const IteratorOptions& options) = 0;
  virtual std::unique_ptr<Snapshot> NewSnapshot() = 0;
  // Applies the batch atomically. Errors: kIOError (nothing was applied, or on a sync failure
  // the outcome is unknown until restart), kCorruption.
  virtual Status Write(const WriteBatch& batch, const WriteOptions& options = {}) = 0;
};

}  // namespace folio::kv
