#include "engine/transaction.h"

#include <algorithm>
#include <optional>

#include "common/await.h"
#include "engine/ids.h"
#include "engine/ledger_impl.h"
#include "engine/limits.h"
#include "ion/ion.h"
#include "partiql/partiql.h"
#include "storage/state.h"

namespace folio::engine {

using ion::Value;
using partiql::Row;
using partiql::RowCallback;
using partiql::SourceKind;
using storage::Revision;
using storage::TableInfo;

std::string OccTableKey(std::string_view table_id) { return "t" + std::string(table_id); }
std::string OccDocKey(std::string_view doc_id) { return "d" + std::string(doc_id); }
std::string OccIndexKey(std::string_view table_id, std::string_view field, const Hash256& hash) {
  std::string k = "i" + std::string(table_id);
  k += field;
  k.push_back('\0');
  k.append(reinterpret_cast<const char*>(hash.data()), hash.size());
  return k;
}
std::string OccNameKey(std::string_view name) { return "n" + std::string(name); }

namespace {

bool IsValidTableName(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameLength) return false;
  if (!(std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_')) return false;
  for (char c : name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  }
  return name.substr(0, 4) != "_ql_";
}

// A row of the committed view for a document changed by the running transaction: it has no
// block address or hash until it commits.
Value UncommittedRow(const PendingDocument& p, std::string_view txid) {
  Value v = Value::Struct();
  if (p.data) v.Set("data", *p.data);
  Value m = Value::Struct();
  m.Set("id", Value::String(p.document_id));
  m.Set("version", Value::Integer(ion::Int(static_cast<int64_t>(p.base ? p.base->version + 1 : 0))));
  m.Set("txId", Value::String(std::string(txid)));
  v.Set("metadata", std::move(m));
  return v;
}

bool ActiveIn(const Revision& r, const Revision* next, const partiql::HistoryRange& range) {
  if (range.end && r.tx_time.CompareInstant(*range.end) > 0) return false;
  if (range.start && next != nullptr && next->tx_time.CompareInstant(*range.start) <= 0) {
    return false;
  }
  return true;
}

class SourceImpl final : public partiql::TableSource {
 public:
  SourceImpl(TransactionImpl* txn, SourceKind kind, const TableInfo* table,
             partiql::HistoryRange range)
      : txn_(txn), kind_(kind), table_(table), range_(std::move(range)) {}

  SourceKind kind() const override { return kind_; }

  Status Scan(const RowCallback& fn) override {
    switch (kind_) {
      case SourceKind::kInformationSchema: return ScanUserTables(fn);
      case SourceKind::kHistory:
        txn_->RecordRead(OccTableKey(table_->table_id));
        return ScanHistory(std::nullopt, fn);
      case SourceKind::kUserView:
      case SourceKind::kCommittedView: break;
    }
    txn_->RecordRead(OccTableKey(table_->table_id));
    storage::StateReader reader(txn_->store(), txn_->snapshot());
    FOLIO_TRY(reader.ScanCurrent(table_->table_id, [&](Revision&& r) -> Status {
      if (txn_->PendingFor(r.document_id) != nullptr) return Status::OK();
      txn_->CountRead();
      return EmitCommitted(r, fn);
    }));
    for (const std::string& id : txn_->document_order()) {
      const PendingDocument* p = txn_->PendingFor(id);
      if (p->table_id != table_->table_id || !p->data) continue;
      txn_->CountRead();
      FOLIO_TRY(EmitPending(*p, fn));
    }
    return Status::OK();
  }

  bool CanLookup(std::span<const std::string> path) const override {
    switch (kind_) {
      case SourceKind::kUserView:
        return path.size() == 1 && table_->FindIndexOnField(path[0]) != nullptr;
      case SourceKind::kCommittedView:
        if (path.size() == 2 && path[0] == "metadata" && path[1] == "id") return true;
        return path.size() == 2 && path[0] == "data" && table_->FindIndexOnField(path[1]) != nullptr;
      case SourceKind::kHistory:
        return path.size() == 2 && path[0] == "metadata" && path[1] == "id";
      case SourceKind::kInformationSchema: return false;
    }
    return false;
  }

  Status LookupEqual(std::span<const std::string> path, std::span<const Value> keys,
                     const RowCallback& fn) override {
    if (!CanLookup(path)) return Status::Internal("lookup on a path without an index");
    if (path.size() == 2 && path[0] == "metadata") {
      std::vector<std::string> ids;
      for (const Value& k : keys) {
        if (!k.is_null() && k.type() == ion::Type::kString) ids.emplace_back(k.as_string());
      }
      if (kind_ == SourceKind::kHistory) {
        for (const std::string& id : ids) {
          txn_->RecordRead(OccDocKey(id));
          FOLIO_TRY(ScanHistory(id, fn));
        }
        return Status::OK();
      }
      return LookupById(ids, fn);
    }
    const std::string& field = path.back();
    const storage::IndexInfo* index = table_->FindIndexOnField(field);
    storage::StateReader reader(txn_->store(), txn_->snapshot());
    std::set<std::string> emitted;
    for (const Value& key : keys) {
      FOLIO_ASSIGN_OR_RETURN(Hash256 h, storage::IndexKeyHash(key));
      txn_->RecordRead(OccIndexKey(table_->table_id, field, h));
      std::vector<std::string> ids;
      FOLIO_TRY(reader.ScanIndex(table_->table_id, index->index_id, h, [&](std::string_view id) {
        ids.emplace_back(id);
        return Status::OK();
      }));
      for (const std::string& id : ids) {
        if (txn_->PendingFor(id) != nullptr || !emitted.insert(id).second) continue;
        FOLIO_ASSIGN_OR_RETURN(std::optional<Revision> r, reader.GetCurrent(table_->table_id, id));
        if (!r) continue;
        txn_->CountRead();
        FOLIO_TRY(EmitCommitted(*r, fn));
      }
      for (const std::string& id : txn_->document_order()) {
        const PendingDocument* p = txn_->PendingFor(id);
        if (p->table_id != table_->table_id || !p->data || emitted.count(id)) continue;
        const Value* f = p->data->Get(field);
        if (f == nullptr) continue;
        Result<Hash256> fh = storage::IndexKeyHash(*f);
        if (!fh.ok() || *fh != h) continue;
        emitted.insert(id);
        txn_->CountRead();
        FOLIO_TRY(EmitPending(*p, fn));
      }
    }
    return Status::OK();
  }

  Status LookupById(std::span<const std::string> ids, const RowCallback& fn) override {
    if (kind_ == SourceKind::kInformationSchema) return Status::Internal("no ids in information_schema");
    storage::StateReader reader(txn_->store(), txn_->snapshot());
    std::set<std::string_view> seen;
    for (const std::string& id : ids) {
      if (!seen.insert(id).second) continue;
      txn_->RecordRead(OccDocKey(id));
      if (kind_ == SourceKind::kHistory) {
        FOLIO_TRY(ScanHistory(id, fn));
        continue;
      }
      if (const PendingDocument* p = txn_->PendingFor(id)) {
        if (p->table_id == table_->table_id && p->data) {
          txn_->CountRead();
          FOLIO_TRY(EmitPending(*p, fn));
        }
        continue;
      }
      FOLIO_ASSIGN_OR_RETURN(std::optional<Revision> r, reader.GetCurrent(table_->table_id, id));
      if (!r) continue;
      txn_->CountRead();
      FOLIO_TRY(EmitCommitted(*r, fn));
    }
    return Status::OK();
  }

 private:
  Status EmitCommitted(const Revision& r, const RowCallback& fn) {
    if (kind_ == SourceKind::kUserView) {
      if (!r.data) return Status::OK();
      return fn(Row{*r.data, r.document_id});
    }
    Value row = r.ToIon();
    return fn(Row{row, r.document_id});
  }

  Status EmitPending(const PendingDocument& p, const RowCallback& fn) {
    if (kind_ == SourceKind::kUserView) return fn(Row{*p.data, p.document_id});
    Value row = UncommittedRow(p, txn_->id());
    return fn(Row{row, p.document_id});
  }

  // Committed revisions in range, grouped per document so "active in [start, end]" can look at
  // the next revision.
  Status ScanHistory(std::optional<std::string_view> doc_id, const RowCallback& fn) {
    storage::StateReader reader(txn_->store(), txn_->snapshot());
    std::optional<Revision> prev;
    auto flush = [&](const Revision* next) -> Status {
      if (!prev) return Status::OK();
      txn_->CountRead();
      if (!ActiveIn(*prev, next, range_)) return Status::OK();
      Value row = prev->ToIon();
      return fn(Row{row, prev->document_id});
    };
    FOLIO_TRY(reader.ScanHistory(table_->table_id, doc_id, [&](Revision&& r) -> Status {
      const Revision* next = (prev && prev->document_id == r.document_id) ? &r : nullptr;
      FOLIO_TRY(flush(next));
      prev = std::move(r);
      return Status::OK();
    }));
    return flush(nullptr);
  }

  Status ScanUserTables(const RowCallback& fn) {
    txn_->RecordRead(OccCatalogKey());
    std::vector<const TableInfo*> tables = txn_->AllTables();
    for (const TableInfo* t : tables) {
      Value row = t->ToUserTablesRow();
      FOLIO_TRY(fn(Row{row, t->table_id}));
    }
    return Status::OK();
  }

  TransactionImpl* txn_;
  SourceKind kind_;
  const TableInfo* table_;
  partiql::HistoryRange range_;
};

}  // namespace

TransactionImpl::TransactionImpl(std::shared_ptr<LedgerImpl> ledger, std::string id,
                                 std::shared_ptr<const kv::Snapshot> snapshot, uint64_t snapshot_seq,
                                 std::shared_ptr<const CatalogState> catalog)
    : ledger_(std::move(ledger)),
      id_(std::move(id)),
      started_(std::chrono::steady_clock::now()),
      snapshot_(std::move(snapshot)),
      snapshot_seq_(snapshot_seq),
      catalog_(std::move(catalog)),
      digest_(id_) {}

TransactionImpl::~TransactionImpl() { Close(); }

void TransactionImpl::Close() {
  if (!open_) return;
  open_ = false;
  ledger_->EndTransaction(snapshot_seq_);
}

kv::Store* TransactionImpl::store() const { return ledger_->store(); }

ion::Timestamp TransactionImpl::Now() const { return ledger_->Now(); }

Status TransactionImpl::CheckOpen() const {
  if (!open_) return Status::FailedPrecondition("No open transaction");
  return Status::OK();
}

const TableInfo* TransactionImpl::TableById(std::string_view table_id) const {
  auto changed = changed_tables_.find(std::string(table_id));
  if (changed != changed_tables_.end()) return &changed->second;
  auto it = catalog_->tables.find(std::string(table_id));
  return it == catalog_->tables.end() ? nullptr : &it->second;
}

std::vector<const TableInfo*> TransactionImpl::AllTables() const {
  std::vector<const TableInfo*> out;
  for (const auto& [id, t] : catalog_->tables) out.push_back(TableById(id));
  for (const auto& [id, t] : changed_tables_) {
    if (!catalog_->tables.count(id)) out.push_back(&t);
  }
  return out;
}

const TableInfo* TransactionImpl::ActiveTableByName(std::string_view name) const {
  for (const TableInfo* t : AllTables()) {
    if (t->active() && t->name == name) return t;
  }
  return nullptr;
}

const PendingDocument* TransactionImpl::PendingFor(std::string_view doc_id) const {
  auto it = documents_.find(std::string(doc_id));
  return it == documents_.end() ? nullptr : &it->second;
}

Result<std::unique_ptr<partiql::TableSource>> TransactionImpl::Resolve(
    SourceKind kind, std::string_view name, const partiql::HistoryRange& range) {
  FOLIO_TRY(CheckOpen());
  const TableInfo* table = nullptr;
  switch (kind) {
    case SourceKind::kInformationSchema:
      if (name != "user_tables") {
        return Status::NotFound("No such variable named 'information_schema." + std::string(name) + "'");
      }
      break;
    case SourceKind::kUserView:
    case SourceKind::kCommittedView:
      RecordRead(OccNameKey(name));
      table = ActiveTableByName(name);
      if (table == nullptr) {
        std::string shown = kind == SourceKind::kCommittedView ? "_ql_committed_" + std::string(name)
                                                                : std::string(name);
        return Status::NotFound("No such variable named '" + shown + "'");
      }
      break;
    case SourceKind::kHistory:
      RecordRead(OccNameKey(name));
      table = ActiveTableByName(name);
      if (table == nullptr) table = TableById(name);
      if (table == nullptr) return Status::NotFound("No such table: '" + std::string(name) + "'");
      if (range.start && range.end && range.start->CompareInstant(*range.end) > 0) {
        return Status::InvalidArgument("history: start time must not be after end time");
      }
      if (range.end && range.end->CompareInstant(Now()) > 0) {
        return Status::InvalidArgument("history: end time must not be in the future");
      }
      break;
  }
  return std::unique_ptr<partiql::TableSource>(
      std::make_unique<SourceImpl>(this, kind, table, range));
}

Result<const TableInfo*> TransactionImpl::WritableTable(std::string_view name) {
  RecordRead(OccNameKey(name));
  const TableInfo* t = ActiveTableByName(name);
  if (t == nullptr) return Status::NotFound("No such variable named '" + std::string(name) + "'");
  return t;
}

Result<std::shared_ptr<const ion::EncodedValue>> TransactionImpl::CheckDocument(
    const Value& document) const {
  if (document.type() != ion::Type::kStruct || document.is_null()) {
    return Status::InvalidArgument("a document must be a struct, got " +
                                   std::string(ion::TypeName(document.type())));
  }
  if (!document.annotations().empty()) {
    return Status::InvalidArgument("a document must not be annotated");
  }
  auto encoded = std::make_shared<const ion::EncodedValue>(ion::EncodeForSplice(document));
  const size_t size = encoded->bytes.size();
  if (size > kMaxDocumentBytes) {
    return Status::LimitExceeded("Document size " + std::to_string(size) +
                                 " bytes exceeds the limit of 131072 bytes");
  }
  return encoded;
}

Status TransactionImpl::CheckChangedDocumentLimit() const {
  if (documents_.size() > kMaxDocumentsPerTransaction) {
    return Status::LimitExceeded("Transaction exceeds the limit of 40 changed documents");
  }
  size_t bytes = 0;
  for (const auto& [id, p] : documents_) {
    if (p.data) bytes += p.encoded->bytes.size();
  }
  if (bytes > kMaxTransactionBytes) {
    return Status::LimitExceeded("Transaction exceeds the 4 MB size limit");
  }
  return Status::OK();
}

PendingDocument& TransactionImpl::Touch(const TableInfo& table, std::string_view doc_id,
                                        std::optional<Revision> base) {
  auto [it, inserted] = documents_.try_emplace(std::string(doc_id));
  PendingDocument& p = it->second;
  if (inserted) {
    p.table_id = table.table_id;
    p.document_id = std::string(doc_id);
    p.base = std::move(base);
    document_order_.emplace_back(doc_id);
  }
  if (p.statements.empty() || p.statements.back() != current_statement_) {
    p.statements.push_back(current_statement_);
  }
  ++write_ios_;
  return p;
}

Result<std::string> TransactionImpl::Insert(std::string_view table, Value document) {
  FOLIO_TRY(CheckOpen());
  FOLIO_ASSIGN_OR_RETURN(const TableInfo* t, WritableTable(table));
  FOLIO_ASSIGN_OR_RETURN(std::shared_ptr<const ion::EncodedValue> encoded, CheckDocument(document));
  std::string id = NewDocumentId();
  PendingDocument& p = Touch(*t, id, std::nullopt);
  std::optional<Hash256> hash = ParameterHashOf(document);
  p.SetData(std::move(document), std::move(encoded), hash);
  FOLIO_TRY(CheckChangedDocumentLimit());
  return id;
}

Status TransactionImpl::Update(std::string_view table, std::string_view document_id, Value document) {
  FOLIO_TRY(CheckOpen());
  FOLIO_ASSIGN_OR_RETURN(const TableInfo* t, WritableTable(table));
  FOLIO_ASSIGN_OR_RETURN(std::shared_ptr<const ion::EncodedValue> encoded, CheckDocument(document));
  RecordRead(OccDocKey(document_id));
  std::optional<Revision> base;
  if (PendingFor(document_id) == nullptr) {
    storage::StateReader reader(store(), snapshot());
    FOLIO_ASSIGN_OR_RETURN(base, reader.GetCurrent(t->table_id, document_id));
    if (!base) return Status::NotFound("No document with id " + std::string(document_id));
  } else if (!PendingFor(document_id)->data) {
    return Status::NotFound("Document " + std::string(document_id) + " was deleted");
  }
  PendingDocument& p = Touch(*t, document_id, std::move(base));
  std::optional<Hash256> hash = ParameterHashOf(document);
  p.SetData(std::move(document), std::move(encoded), hash);
  return CheckChangedDocumentLimit();
}

Status TransactionImpl::Delete(std::string_view table, std::string_view document_id) {
  FOLIO_TRY(CheckOpen());
  FOLIO_ASSIGN_OR_RETURN(const TableInfo* t, WritableTable(table));
  RecordRead(OccDocKey(document_id));
  if (const PendingDocument* existing = PendingFor(document_id)) {
    if (!existing->data) return Status::NotFound("Document " + std::string(document_id) + " was deleted");
    if (!existing->base) {
      // Inserted and deleted by this transaction: it never existed for anyone else.
      documents_.erase(std::string(document_id));
      std::erase(document_order_, std::string(document_id));
      ++write_ios_;
      return Status::OK();
    }
    PendingDocument& p = Touch(*t, document_id, std::nullopt);
    p.ClearData();
    return Status::OK();
  }
  storage::StateReader reader(store(), snapshot());
  FOLIO_ASSIGN_OR_RETURN(std::optional<Revision> base, reader.GetCurrent(t->table_id, document_id));
  if (!base) return Status::NotFound("No document with id " + std::string(document_id));
  PendingDocument& p = Touch(*t, document_id, std::move(base));
  p.ClearData();
  return CheckChangedDocumentLimit();
}

Result<std::string> TransactionImpl::CreateTable(std::string_view table,
                                                 const std::optional<Value>& tags) {
  FOLIO_TRY(CheckOpen());
  if (!IsValidTableName(table)) {
    return Status::InvalidArgument("Invalid table name '" + std::string(table) +
                                   "': 1-128 letters, digits or '_', starting with a letter or "
                                   "'_', not starting with '_ql_'");
  }
  RecordRead(OccNameKey(table));
  RecordRead(OccCatalogKey());
  if (ActiveTableByName(table) != nullptr) {
    return Status::AlreadyExists("Table with name: USER." + std::string(table) + " already exists");
  }
  std::vector<const TableInfo*> all = AllTables();
  size_t active = std::count_if(all.begin(), all.end(), [](const TableInfo* t) { return t->active(); });
  if (active >= kMaxActiveTables) {
    return Status::LimitExceeded("Ledger has " + std::to_string(active) + " active tables; the limit is 20");
  }
  if (all.size() >= kMaxTotalTables) {
    return Status::LimitExceeded("Ledger has " + std::to_string(all.size()) +
                                 " total tables; the limit is 40 (dropped tables count)");
  }
  if (tags && (tags->type() != ion::Type::kStruct || tags->is_null())) {
    return Status::InvalidArgument("aws_tags must be a struct of strings");
  }
  TableInfo t;
  t.table_id = NewId();
  t.name = std::string(table);
  t.tags = tags;
  changed_tables_[t.table_id] = t;
  return t.table_id;
}

Result<std::string> TransactionImpl::DropTable(std::string_view table) {
  FOLIO_TRY(CheckOpen());
  RecordRead(OccNameKey(table));
  RecordRead(OccCatalogKey());
  const TableInfo* t = ActiveTableByName(table);
  if (t == nullptr) return Status::NotFound("No such variable named '" + std::string(table) + "'");
  TableInfo dropped = *t;
  dropped.status = storage::TableStatus::kInactive;
  RecordRead(OccTableKey(dropped.table_id));
  std::string id = dropped.table_id;
  changed_tables_[id] = std::move(dropped);
  return id;
}

Result<std::string> TransactionImpl::UndropTable(std::string_view table_id) {
  FOLIO_TRY(CheckOpen());
  RecordRead(OccCatalogKey());
  const TableInfo* t = TableById(table_id);
  if (t == nullptr) return Status::NotFound("No table with id '" + std::string(table_id) + "'");
  if (t->active()) return Status::InvalidArgument("Table '" + t->name + "' is already active");
  RecordRead(OccNameKey(t->name));
  if (ActiveTableByName(t->name) != nullptr) {
    return Status::AlreadyExists("Table with name: USER." + t->name + " already exists");
  }
  std::vector<const TableInfo*> all = AllTables();
  size_t active = std::count_if(all.begin(), all.end(), [](const TableInfo* x) { return x->active(); });
  if (active >= kMaxActiveTables) {
    return Status::LimitExceeded("Ledger has " + std::to_string(active) + " active tables; the limit is 20");
  }
  TableInfo undropped = *t;
  undropped.status = storage::TableStatus::kActive;
  changed_tables_[undropped.table_id] = undropped;
  return undropped.table_id;
}

Result<std::string> TransactionImpl::CreateIndex(std::string_view table, std::string_view field) {
  FOLIO_TRY(CheckOpen());
  RecordRead(OccCatalogKey());
  FOLIO_ASSIGN_OR_RETURN(const TableInfo* t, WritableTable(table));
  if (field.empty() || field.size() > kMaxNameLength) {
    return Status::InvalidArgument("Index field name must be 1-128 characters");
  }
  if (t->FindIndexOnField(field) != nullptr) {
    return Status::AlreadyExists("An index on field '" + std::string(field) + "' already exists on table " + t->name);
  }
  if (t->indexes.size() >= kMaxIndexesPerTable) {
    return Status::LimitExceeded("Table " + t->name + " already has 5 indexes, the limit");
  }
  // Every document of the table is read to build the index.
  RecordRead(OccTableKey(t->table_id));
  TableInfo changed = *t;
  storage::IndexInfo index{NewId(), std::string(field), "ONLINE"};
  changed.indexes.push_back(index);
  created_indexes_.emplace_back(changed.table_id, index.index_id);
  std::string id = changed.table_id;
  changed_tables_[id] = std::move(changed);
  return id;
}

Result<std::string> TransactionImpl::DropIndex(std::string_view table, std::string_view index_id) {
  FOLIO_TRY(CheckOpen());
  RecordRead(OccCatalogKey());
  FOLIO_ASSIGN_OR_RETURN(const TableInfo* t, WritableTable(table));
  const storage::IndexInfo* index = t->FindIndexById(index_id);
  if (index == nullptr) {
    return Status::NotFound("No index with id '" + std::string(index_id) + "' on table " + t->name);
  }
  TableInfo changed = *t;
  dropped_indexes_.emplace_back(changed.table_id, *index);
  std::erase_if(created_indexes_, [&](const auto& p) { return p.second == index_id; });
  std::erase_if(changed.indexes, [&](const storage::IndexInfo& i) { return i.index_id == index_id; });
  std::string id = changed.table_id;
  changed_tables_[id] = std::move(changed);
  return id;
}

Result<Value> TransactionImpl::RedactRevision(const Value& block_address, std::string_view table_id,
                                              std::string_view document_id) {
  FOLIO_TRY(CheckOpen());
  if (redaction_) return Status::LimitExceeded("Only one revision can be redacted per transaction");
  FOLIO_ASSIGN_OR_RETURN(BlockAddress address, BlockAddress::FromIon(block_address));
  if (address.strand_id != ledger_->strand_id()) {
    return Status::InvalidArgument("Block address strandId does not belong to this ledger");
  }
  const TableInfo* t = TableById(table_id);
  if (t == nullptr) return Status::NotFound("No table with id '" + std::string(table_id) + "'");
  RecordRead(OccDocKey(document_id));
  storage::StateReader reader(store(), snapshot());
  std::optional<Revision> target;
  std::optional<Revision> latest;
  FOLIO_TRY(reader.ScanHistory(table_id, document_id, [&](Revision&& r) -> Status {
    if (r.sequence_no == address.sequence_no) target = r;
    latest = std::move(r);
    return Status::OK();
  }));
  if (!target) {
    return Status::NotFound("No revision of document " + std::string(document_id) +
                            " at block " + address.ToIonText());
  }
  if (latest->version == target->version && !latest->deleted()) {
    return Status::InvalidArgument("The latest revision of a document cannot be redacted; only inactive revisions can be");
  }
  if (target->deleted()) return Status::InvalidArgument("A deletion revision has no data to redact");
  if (target->data_hash) return Status::InvalidArgument("That revision is already redacted");
  redaction_ = RedactionRequest{std::string(table_id), std::string(document_id), target->version,
                                target->sequence_no};
  ++write_ios_;
  Value out = Value::Struct();
  out.Set("blockAddress", address.ToIon());
  out.Set("tableId", Value::String(std::string(table_id)));
  out.Set("documentId", Value::String(std::string(document_id)));
  out.Set("version", Value::Integer(ion::Int(static_cast<int64_t>(target->version))));
  return out;
}

Result<std::vector<Value>> TransactionImpl::RunStatement(std::string_view statement,
                                                         std::span<const Value> parameters) {
  FOLIO_ASSIGN_OR_RETURN(partiql::QueryResult result,
                         partiql::ExecuteText(statement, *this, parameters));
  last_plan_ = result.Explain();
  last_plan_summary_ = std::string(result.PlanSummary());
  return std::move(result.values);
}

TransactionImpl::Overlay TransactionImpl::SaveOverlay() const {
  return Overlay{documents_, document_order_, changed_tables_, created_indexes_, dropped_indexes_,
                 redaction_, write_ios_};
}

std::optional<Hash256> TransactionImpl::ParameterHashOf(const Value& document) const {
  for (size_t i = 0; i < statement_parameters_.size(); ++i) {
    if (statement_parameters_[i] == document) return statement_parameter_hashes_[i];
  }
  return std::nullopt;
}

void TransactionImpl::RestoreOverlay(Overlay o) {
  documents_ = std::move(o.documents);
  document_order_ = std::move(o.document_order);
  changed_tables_ = std::move(o.changed_tables);
  created_indexes_ = std::move(o.created_indexes);
  dropped_indexes_ = std::move(o.dropped_indexes);
  redaction_ = std::move(o.redaction);
  write_ios_ = o.write_ios;
}

Result<StatementResult> TransactionImpl::Execute(std::string_view statement,
                                                 std::span<const Value> parameters) {
  FOLIO_TRY(CheckOpen());
  // Folded in before execution, as the drivers fold it before sending.
  FOLIO_ASSIGN_OR_RETURN(
      Hash256 statement_digest,
      CommitDigest::StatementHash(statement, parameters, &statement_parameter_hashes_));
  digest_.AddStatementHash(statement_digest);
  statements_.push_back(StatementRecord{std::string(statement), Now(), statement_digest});
  current_statement_ = static_cast<int64_t>(statements_.size()) - 1;

  int64_t reads_before = read_ios_, writes_before = write_ios_;
  Overlay saved = SaveOverlay();
  statement_parameters_ = parameters;
  Result<std::vector<Value>> rows = RunStatement(statement, parameters);
  statement_parameters_ = {};
  if (!rows.ok()) {
    RestoreOverlay(std::move(saved));
    return rows.status();
  }
  StatementResult result;
  result.values = std::move(rows).value();
  result.read_ios = read_ios_ - reads_before;
  result.write_ios = write_ios_ - writes_before;
  return result;
}

Result<CommitResult> TransactionImpl::Commit(const Hash256& client_digest) {
  return AwaitCallback<Result<CommitResult>>(
      [&](auto deliver) { CommitAsync(client_digest, std::move(deliver)); });
}

void TransactionImpl::CommitAsync(const Hash256& client_digest, CommitCallback done) {
  if (Status s = PrepareCommit(client_digest); !s.ok()) {
    done(s);
    return;
  }
  ledger_->CommitTransactionAsync(*this, [this, done = std::move(done)](Status s) mutable {
    Close();
    if (!s.ok()) {
      done(s);
    } else {
      done(CommitResult{digest_.value(), read_ios_, write_ios_});
    }
  });
}

Status TransactionImpl::PrepareCommit(const Hash256& client_digest) {
  FOLIO_TRY(CheckOpen());
  if (client_digest != digest_.value()) {
    Close();
    return Status::InvalidArgument("Digests don't match");
  }
  for (auto& [id, doc] : documents_) {
    if (!doc.data || doc.data_hash) continue;  // deleted, or hashed as a parameter
    Result<Hash256> h = ion::IonHashSha256(*doc.data);
    if (!h.ok()) {
      Close();
      return h.status();
    }
    doc.data_hash = *h;
  }
  // The same statements and documents BuildGroup would record; it checks the table names
  // against the group's catalog.
  journal::BlockBuilder builder(id_, ion::Timestamp());
  for (const StatementRecord& s : statements_) builder.AddStatement(s.text, s.start_time, s.digest);
  for (const std::string& doc_id : document_order_) {
    const PendingDocument& p = documents_.at(doc_id);
    const TableInfo* table = TableById(p.table_id);
    if (table == nullptr) {
      Close();
      return Status::Internal("pending document of unknown table " + p.table_id);
    }
    for (int64_t s : p.statements) {
      builder.AddDocumentStatement(doc_id, table->name, table->table_id, static_cast<size_t>(s));
    }
  }
  journal_info_ = std::move(builder).Take().transaction_info;
  Result<Hash256> info_hash = ion::IonHashSha256(journal_info_.ToIon());
  if (!info_hash.ok()) {
    Close();
    return info_hash.status();
  }
  journal_info_hash_ = *info_hash;
  return Status::OK();
}

void TransactionImpl::Abort() { Close(); }

}  // namespace folio::engine
