// MemStore: an in-memory kv::Store for tests, with crash simulation.
//
// Every write gets a sequence number; a key keeps all its versions so snapshots read the
// state as of their sequence. Writes with sync=false are "unsynced" until a later synced write;
// DropUnsyncedWrites() discards them, modelling a crash that loses the OS page cache.
// Iterators copy the visible part of their range when created (MemStore is a test double, not
// a production backend). Thread-safe.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "kv/kv.h"

namespace folio::kv {

class MemStore final : public Store {
 public:
  MemStore();
  ~MemStore() override;

  Result<std::string> Get(std::string_view key, const ReadOptions& options = {}) override;
  std::vector<Result<std::string>> MultiGet(std::span<const std::string> keys,
                                            const ReadOptions& options = {}) override;
  std::unique_ptr<Iterator> NewIterator(const IteratorOptions& options) override;
  std::unique_ptr<Snapshot> NewSnapshot() override;
  Status Write(const WriteBatch& batch, const WriteOptions& options = {}) override;

  // Forgets every write made with sync=false after the last synced write.
  void DropUnsyncedWrites();
  // While set, every Write fails with kIOError and applies nothing. Default: false.
  void SetFailWrites(bool fail);
  // Number of live keys at the latest state.
  size_t KeyCount();

 private:
  struct Version {
    uint64_t seq;
    std::optional<std::string> value;  // nullopt: deleted
  };
  class MemSnapshot;
  class MemIterator;

  const std::optional<std::string>* Visible(const std::vector<Version>& versions,
                                            uint64_t seq) const;
  uint64_t ReadSeq(const Snapshot* snapshot) const;

  std::mutex mu_;
  std::map<std::string, std::vector<Version>> data_;  // versions in increasing seq
  uint64_t seq_ = 0;                                  // last applied write
  uint64_t synced_seq_ = 0;                           // last write known durable
  bool fail_writes_ = false;
};

}  // namespace folio::kv
