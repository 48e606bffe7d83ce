#include "kv/mem_store.h"

#include <algorithm>
#include <utility>

namespace folio::kv {

class MemStore::MemSnapshot final : public Snapshot {
 public:
  explicit MemSnapshot(uint64_t seq) : seq(seq) {}
  const uint64_t seq;
};

class MemStore::MemIterator final : public Iterator {
 public:
  explicit MemIterator(std::vector<std::pair<std::string, std::string>> rows)
      : rows_(std::move(rows)), pos_(rows_.size()) {}

  bool Valid() const override { return pos_ < rows_.size(); }
  void SeekToFirst() override { pos_ = 0; }
  void SeekToLast() override { pos_ = rows_.empty() ? 0 : rows_.size() - 1; }
  void Seek(std::string_view target) override {
    auto it = std::lower_bound(rows_.begin(), rows_.end(), target,
                               [](const auto& row, std::string_view t) { return row.first < t; });
    pos_ = static_cast<size_t>(it - rows_.begin());
  }
  void Next() override { ++pos_; }
  void Prev() override { pos_ = pos_ == 0 ? rows_.size() : pos_ - 1; }
  std::string_view key() const override { return rows_[pos_].first; }
  std::string_view value() const override { return rows_[pos_].second; }
  Status status() const override { return Status::OK(); }

 private:
  std::vector<std::pair<std::string, std::string>> rows_;
  size_t pos_;  // rows_.size() means not valid
};

MemStore::MemStore() = default;
MemStore::~MemStore() = default;

const std::optional<std::string>* MemStore::Visible(const std::vector<Version>& versions,
                                                    uint64_t seq) const {
  for (auto it = versions.rbegin(); it != versions.rend(); ++it) {
    if (it->seq <= seq) return &it->value;
  }
  return nullptr;
}

uint64_t MemStore::ReadSeq(const Snapshot* snapshot) const {
  if (snapshot == nullptr) return seq_;
  return static_cast<const MemSnapshot*>(snapshot)->seq;
}

Result<std::string> MemStore::Get(std::string_view key, const ReadOptions& options) {
  std::lock_guard lock(mu_);
  auto it = data_.find(std::string(key));
  if (it != data_.end()) {
    const auto* v = Visible(it->second, ReadSeq(options.snapshot));
    if (v != nullptr && v->has_value()) return **v;
  }
  return Status::NotFound("key not found");
}

std::vector<Result<std::string>> MemStore::MultiGet(std::span<const std::string> keys,
                                                    const ReadOptions& options) {
  std::lock_guard lock(mu_);
  uint64_t seq = ReadSeq(options.snapshot);
  std::vector<Result<std::string>> out;
  out.reserve(keys.size());
  for (const auto& key : keys) {
    auto it = data_.find(key);
    const std::optional<std::string>* v = it == data_.end() ? nullptr : Visible(it->second, seq);
    if (v != nullptr && v->has_value()) {
      out.emplace_back(**v);
    } else {
      out.emplace_back(Status::NotFound("key not found"));
    }
  }
  return out;
}

std::unique_ptr<Iterator> MemStore::NewIterator(const IteratorOptions& options) {
  std::lock_guard lock(mu_);
  uint64_t seq = ReadSeq(options.snapshot);
  std::vector<std::pair<std::string, std::string>> rows;
  for (auto it = data_.lower_bound(options.lower); it != data_.end(); ++it) {
    if (!options.upper.empty() && it->first >= options.upper) break;
    const auto* v = Visible(it->second, seq);
    if (v != nullptr && v->has_value()) rows.emplace_back(it->first, **v);
  }
  return std::make_unique<MemIterator>(std::move(rows));
}

std::unique_ptr<Snapshot> MemStore::NewSnapshot() {
  std::lock_guard lock(mu_);
  return std::make_unique<MemSnapshot>(seq_);
}

Status MemStore::Write(const WriteBatch& batch, const WriteOptions& options) {
  std::lock_guard lock(mu_);
  if (fail_writes_) return Status::IOError("MemStore: injected write failure");
  ++seq_;
  batch.ForEach([&](WriteBatch::OpKind kind, std::string_view key, std::string_view put_value) {
    auto& versions = data_[std::string(key)];
    std::optional<std::string> value;
    if (kind == WriteBatch::OpKind::kPut) value = std::string(put_value);
    if (!versions.empty() && versions.back().seq == seq_) {
      versions.back().value = std::move(value);
    } else {
      versions.push_back({seq_, std::move(value)});
    }
  });
  if (options.sync) synced_seq_ = seq_;
  return Status::OK();
}

void MemStore::DropUnsyncedWrites() {
  std::lock_guard lock(mu_);
  for (auto it = data_.begin(); it != data_.end();) {
    auto& versions = it->second;
    while (!versions.empty() && versions.back().seq > synced_seq_) versions.pop_back();
    it = versions.empty() ? data_.erase(it) : std::next(it);
  }
  seq_ = synced_seq_;
}

void MemStore::SetFailWrites(bool fail) {
  std::lock_guard lock(mu_);
  fail_writes_ = fail;
}

size_t MemStore::KeyCount() {
  std::lock_guard lock(mu_);
  size_t n = 0;
  for (const auto& [key, versions] : data_) {
    if (!versions.empty() && versions.back().value.has_value()) ++n;
  }
  return n;
}

}  // namespace folio::kv
