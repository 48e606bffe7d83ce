#include "partiql/testing/memory_catalog.h"

#include <algorithm>

#include "fmt/format.h"
#include "ion/ion.h"
#include "partiql/compare.h"

namespace folio::partiql::testing {
namespace {

constexpr int kMaxActiveTables = 20;
constexpr int kMaxTotalTables = 40;
constexpr size_t kMaxIndexes = 5;

uint64_t SplitMix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

const ion::Value* AtPath(const ion::Value& v, std::span<const std::string> path) {
  const ion::Value* cur = &v;
  for (const auto& p : path) {
    if (cur->is_null() || cur->type() != ion::Type::kStruct) return nullptr;
    cur = cur->Get(p);
    if (cur == nullptr) return nullptr;
  }
  return cur;
}

class MemSource : public TableSource {
 public:
  MemSource(SourceKind kind, const MemTable* table, HistoryRange range, std::string strand,
            MemStats* stats)
      : kind_(kind), table_(table), range_(std::move(range)), strand_(std::move(strand)),
        stats_(stats) {}
  MemSource(std::vector<ion::Value> rows, MemStats* stats)
      : kind_(SourceKind::kInformationSchema), table_(nullptr), rows_(std::move(rows)),
        stats_(stats) {}

  SourceKind kind() const override { return kind_; }

  Status Scan(const RowCallback& fn) override {
    ++stats_->scans;
    return Each([&](const ion::Value& v, std::string_view id) { return fn(Row{v, id}); });
  }

  bool CanLookup(std::span<const std::string> path) const override {
    if (kind_ == SourceKind::kInformationSchema) return false;
    if (kind_ != SourceKind::kUserView) {
      if (path.size() == 2 && path[0] == "metadata" && path[1] == "id") return true;
      if (kind_ == SourceKind::kHistory || path.size() != 2 || path[0] != "data") return false;
      path = path.subspan(1);
    }
    if (path.size() != 1) return false;
    return std::any_of(table_->indexes.begin(), table_->indexes.end(),
                       [&](const MemIndex& i) { return i.field == path[0]; });
  }

  Status LookupEqual(std::span<const std::string> path, std::span<const ion::Value> keys,
                     const RowCallback& fn) override {
    if (!CanLookup(path)) return Status::InvalidArgument("LookupEqual without an index");
    ++stats_->index_lookups;
    return Each([&](const ion::Value& v, std::string_view id) -> Status {
      const ion::Value* at = AtPath(v, path);
      if (at == nullptr) return Status::OK();
      // As a real index: finds what PartiQL's `=` finds (1 = 1.0, 'a' = `a`, instants).
      for (const auto& k : keys) {
        if (PartiqlEquals(*at, k)) return fn(Row{v, id});
      }
      return Status::OK();
    });
  }

  Status LookupById(std::span<const std::string> ids, const RowCallback& fn) override {
    ++stats_->id_lookups;
    return Each([&](const ion::Value& v, std::string_view id) -> Status {
      if (std::find(ids.begin(), ids.end(), id) == ids.end()) return Status::OK();
      return fn(Row{v, id});
    });
  }

 private:
  ion::Value CommittedRow(const std::string& id, const MemRevision& r) const {
    ion::Value::Fields f;
    f.push_back({"blockAddress",
                 ion::Value::Struct({{"strandId", ion::Value::String(strand_)},
                                     {"sequenceNo", ion::Value::Integer(r.sequence_no)}})});
    Hash256 h = Sha256Digest(fmt::format("{}/{}/{}", table_->id, id, r.version));
    f.push_back({"hash", ion::Value::Blob(Bytes(h.begin(), h.end()))});
    if (r.data) f.push_back({"data", *r.data});
    if (r.data_hash) f.push_back({"dataHash", *r.data_hash});
    f.push_back({"metadata",
                 ion::Value::Struct({{"id", ion::Value::String(id)},
                                     {"version", ion::Value::Integer(r.version)},
                                     {"txTime", ion::Value::Time(r.tx_time)},
                                     {"txId", ion::Value::String(r.tx_id)}})});
    return ion::Value::Struct(std::move(f));
  }

  template <typename Fn>
  Status Each(Fn&& fn) {
    if (kind_ == SourceKind::kInformationSchema) {
      for (const auto& r : rows_) FOLIO_TRY(fn(r, std::string_view()));
      return Status::OK();
    }
    for (const auto& [id, doc] : table_->docs) {
      if (doc.revisions.empty()) continue;
      if (kind_ == SourceKind::kHistory) {
        for (size_t i = 0; i < doc.revisions.size(); ++i) {
          const MemRevision& r = doc.revisions[i];
          // Active from its txTime until the next revision's txTime.
          if (range_.end && r.tx_time.CompareInstant(*range_.end) > 0) continue;
          if (range_.start && i + 1 < doc.revisions.size() &&
              doc.revisions[i + 1].tx_time.CompareInstant(*range_.start) < 0) {
            continue;
          }
          ion::Value row = CommittedRow(id, r);
          FOLIO_TRY(fn(row, id));
        }
        continue;
      }
      const MemRevision& last = doc.revisions.back();
      if (last.deleted || !last.data) continue;
      if (kind_ == SourceKind::kUserView) {
        FOLIO_TRY(fn(*last.data, id));
      } else {
        ion::Value row = CommittedRow(id, last);
        FOLIO_TRY(fn(row, id));
      }
    }
    return Status::OK();
  }

  SourceKind kind_;
  const MemTable* table_;
  HistoryRange range_;
  std::string strand_;
  std::vector<ion::Value> rows_;
  MemStats* stats_;
};

}  // namespace

std::string MakeId(uint64_t counter, uint64_t salt) {
  static constexpr char kAlphabet[] =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  uint64_t hi = SplitMix(counter ^ (salt << 32)), lo = SplitMix(hi ^ counter);
  std::string out(22, '0');
  for (int i = 21; i >= 0; --i) {
    // 128-bit value divided by 62, digit by digit.
    unsigned __int128 v = (static_cast<unsigned __int128>(hi) << 64) | lo;
    out[i] = kAlphabet[static_cast<int>(v % 62)];
    v /= 62;
    hi = static_cast<uint64_t>(v >> 64);
    lo = static_cast<uint64_t>(v);
  }
  return out;
}

std::unique_ptr<MemoryCatalog> MemoryDatabase::Begin() {
  std::lock_guard<std::mutex> lock(mu_);
  ++txn_counter_;
  ++state_.clock_seconds;
  ion::Timestamp base;
  base.precision = ion::Timestamp::Precision::kFraction;
  ion::Timestamp now = ion::Timestamp::FromEpochMillis(1704067200000LL +
                                                       state_.clock_seconds * 1000);
  return std::make_unique<MemoryCatalog>(state_, MakeId(txn_counter_, 7), now, strand_id_);
}

void MemoryDatabase::Commit(MemoryCatalog& txn) {
  std::lock_guard<std::mutex> lock(mu_);
  int64_t clock = state_.clock_seconds;
  state_ = txn.state_;
  state_.clock_seconds = std::max(clock, state_.clock_seconds);
  state_.next_sequence_no = std::max(state_.next_sequence_no, txn.sequence_no_ + 1);
}

MemState MemoryDatabase::Snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  return state_;
}

MemoryCatalog::MemoryCatalog(MemState state, std::string tx_id, ion::Timestamp now,
                             std::string strand_id)
    : state_(std::move(state)), tx_id_(std::move(tx_id)), now_(now),
      strand_id_(std::move(strand_id)) {
  sequence_no_ = state_.next_sequence_no;
}

std::string MemoryCatalog::NewId() { return MakeId(state_.next_id++, 1); }

MemTable* MemoryCatalog::ActiveTable(std::string_view name) {
  for (auto& [id, t] : state_.tables) {
    if (t.active && t.name == name) return &t;
  }
  return nullptr;
}

MemRevision MemoryCatalog::NewRevision(int64_t version) const {
  MemRevision r;
  r.version = version;
  r.sequence_no = sequence_no_;
  r.tx_time = now_;
  r.tx_id = tx_id_;
  return r;
}

Result<std::unique_ptr<TableSource>> MemoryCatalog::Resolve(SourceKind kind,
                                                            std::string_view name,
                                                            const HistoryRange& range) {
  if (kind == SourceKind::kInformationSchema) {
    if (name != "user_tables") {
      return Status::NotFound(fmt::format("No such variable named 'information_schema.{}'",
                                          name));
    }
    std::vector<ion::Value> rows;
    for (const auto& [id, t] : state_.tables) {
      ion::Value::Elements idx;
      for (const auto& i : t.indexes) {
        idx.push_back(ion::Value::Struct({{"indexId", ion::Value::String(i.id)},
                                          {"expr", ion::Value::String("[" + i.field + "]")},
                                          {"status", ion::Value::String("ONLINE")}}));
      }
      rows.push_back(ion::Value::Struct(
          {{"name", ion::Value::String(t.name)},
           {"tableId", ion::Value::String(t.id)},
           {"status", ion::Value::String(t.active ? "ACTIVE" : "INACTIVE")},
           {"indexes", ion::Value::List(std::move(idx))}}));
    }
    return std::unique_ptr<TableSource>(std::make_unique<MemSource>(std::move(rows), &stats_));
  }
  const MemTable* table = ActiveTable(name);
  if (table == nullptr && kind == SourceKind::kHistory) {
    auto it = state_.tables.find(std::string(name));
    if (it != state_.tables.end()) table = &it->second;
  }
  if (table == nullptr) {
    return Status::NotFound(fmt::format("No such variable named '{}'", name));
  }
  if (kind == SourceKind::kHistory && range.end &&
      range.end->CompareInstant(now_) > 0) {
    return Status::InvalidArgument("history(): the end time must not be in the future");
  }
  return std::unique_ptr<TableSource>(
      std::make_unique<MemSource>(kind, table, range, strand_id_, &stats_));
}

Result<std::string> MemoryCatalog::Insert(std::string_view table, ion::Value document) {
  MemTable* t = ActiveTable(table);
  if (t == nullptr) return Status::NotFound(fmt::format("No such variable named '{}'", table));
  if (document.is_null() || document.type() != ion::Type::kStruct) {
    return Status::InvalidArgument("a document must be a struct");
  }
  std::string id = NewId();
  MemRevision r = NewRevision(0);
  r.data = std::move(document);
  t->docs[id].revisions.push_back(std::move(r));
  return id;
}

Status MemoryCatalog::Update(std::string_view table, std::string_view document_id,
                             ion::Value document) {
  MemTable* t = ActiveTable(table);
  if (t == nullptr) return Status::NotFound(fmt::format("No such variable named '{}'", table));
  auto it = t->docs.find(std::string(document_id));
  if (it == t->docs.end() || it->second.revisions.back().deleted) {
    return Status::NotFound(fmt::format("document {} not found", document_id));
  }
  if (document.is_null() || document.type() != ion::Type::kStruct) {
    return Status::InvalidArgument("a document must be a struct");
  }
  MemRevision r = NewRevision(it->second.revisions.back().version + 1);
  r.data = std::move(document);
  it->second.revisions.push_back(std::move(r));
  return Status::OK();
}

Status MemoryCatalog::Delete(std::string_view table, std::string_view document_id) {
  MemTable* t = ActiveTable(table);
  if (t == nullptr) return Status::NotFound(fmt::format("No such variable named '{}'", table));
  auto it = t->docs.find(std::string(document_id));
  if (it == t->docs.end() || it->second.revisions.back().deleted) {
    return Status::NotFound(fmt::format("document {} not found", document_id));
  }
  MemRevision r = NewRevision(it->second.revisions.back().version + 1);
  r.deleted = true;
  it->second.revisions.push_back(std::move(r));
  return Status::OK();
}

Result<std::string> MemoryCatalog::CreateTable(std::string_view table,
                                               const std::optional<ion::Value>& tags) {
  if (ActiveTable(table) != nullptr) {
    return Status::AlreadyExists(fmt::format("Table with name: USER.{} already exists", table));
  }
  int active = 0;
  for (const auto& [id, t] : state_.tables) active += t.active ? 1 : 0;
  if (active >= kMaxActiveTables) {
    return Status::LimitExceeded(fmt::format("Ledger has {} active tables", active));
  }
  if (static_cast<int>(state_.tables.size()) >= kMaxTotalTables) {
    return Status::LimitExceeded(
        fmt::format("Ledger has {} total tables", state_.tables.size()));
  }
  MemTable t;
  t.id = NewId();
  t.name = std::string(table);
  t.tags = tags;
  std::string id = t.id;
  state_.tables.emplace(id, std::move(t));
  return id;
}

Result<std::string> MemoryCatalog::DropTable(std::string_view table) {
  MemTable* t = ActiveTable(table);
  if (t == nullptr) return Status::NotFound(fmt::format("No such variable named '{}'", table));
  t->active = false;
  return t->id;
}

Result<std::string> MemoryCatalog::UndropTable(std::string_view table_id) {
  auto it = state_.tables.find(std::string(table_id));
  if (it == state_.tables.end()) {
    return Status::NotFound(fmt::format("No table with id {}", table_id));
  }
  if (it->second.active) {
    return Status::InvalidArgument(fmt::format("Table {} is already active", table_id));
  }
  if (ActiveTable(it->second.name) != nullptr) {
    return Status::AlreadyExists(
        fmt::format("Table with name: USER.{} already exists", it->second.name));
  }
  it->second.active = true;
  return it->second.id;
}

Result<std::string> MemoryCatalog::CreateIndex(std::string_view table, std::string_view field) {
  MemTable* t = ActiveTable(table);
  if (t == nullptr) return Status::NotFound(fmt::format("No such variable named '{}'", table));
  for (const auto& i : t->indexes) {
    if (i.field == field) {
      return Status::AlreadyExists(
          fmt::format("An index on field {} already exists on table {}", field, table));
    }
  }
  if (t->indexes.size() >= kMaxIndexes) {
    return Status::LimitExceeded(fmt::format("Table {} already has {} indexes", table,
                                             kMaxIndexes));
  }
  t->indexes.push_back(MemIndex{NewId(), std::string(field)});
  return t->id;
}

Result<std::string> MemoryCatalog::DropIndex(std::string_view table, std::string_view index_id) {
  MemTable* t = ActiveTable(table);
  if (t == nullptr) return Status::NotFound(fmt::format("No such variable named '{}'", table));
  auto it = std::find_if(t->indexes.begin(), t->indexes.end(),
                         [&](const MemIndex& i) { return i.id == index_id; });
  if (it == t->indexes.end()) {
    return Status::NotFound(fmt::format("No index with id {} on table {}", index_id, table));
  }
  t->indexes.erase(it);
  return t->id;
}

Result<ion::Value> MemoryCatalog::RedactRevision(const ion::Value& block_address,
                                                 std::string_view table_id,
                                                 std::string_view document_id) {
  if (redactions_ >= 1) {
    return Status::LimitExceeded("Only one revision can be redacted per transaction");
  }
  const ion::Value* seq = block_address.Get("sequenceNo");
  const ion::Value* strand = block_address.Get("strandId");
  if (seq == nullptr || seq->is_null() || seq->type() != ion::Type::kInt || strand == nullptr ||
      strand->is_null() || !strand->is_text()) {
    return Status::InvalidArgument("block address must be {strandId: string, sequenceNo: int}");
  }
  auto t = state_.tables.find(std::string(table_id));
  if (t == state_.tables.end()) {
    return Status::NotFound(fmt::format("No table with id {}", table_id));
  }
  auto d = t->second.docs.find(std::string(document_id));
  if (d == t->second.docs.end()) {
    return Status::NotFound(fmt::format("No document with id {}", document_id));
  }
  auto& revs = d->second.revisions;
  for (size_t i = 0; i < revs.size(); ++i) {
    if (!(ion::Value::Integer(revs[i].sequence_no) == *seq)) continue;
    if (i + 1 == revs.size()) {
      return Status::InvalidArgument("The latest revision of a document cannot be redacted");
    }
    if (!revs[i].data) return Status::InvalidArgument("The revision has no data to redact");
    FOLIO_ASSIGN_OR_RETURN(Hash256 h, ion::IonHashSha256(*revs[i].data));
    revs[i].data_hash = ion::Value::Blob(Bytes(h.begin(), h.end()));
    revs[i].data.reset();
    ++redactions_;
    return ion::Value::Struct(
        {{"blockAddress", ion::Value::Struct({{"strandId", *strand}, {"sequenceNo", *seq}})},
         {"tableId", ion::Value::String(std::string(table_id))},
         {"documentId", ion::Value::String(std::string(document_id))},
         {"version", ion::Value::Integer(revs[i].version)}});
  }
  return Status::NotFound("No revision at that block address");
}

}  // namespace folio::partiql::testing
