#include "storage/state.h"

#include "ion/ion.h"
#include "journal/block.h"

namespace folio::storage {

Result<std::optional<std::string>> ReadDataFormat(kv::Store& store) {
  Result<std::string> format = store.Get(keys::Meta("format"));
  if (format.ok()) return std::optional<std::string>(*std::move(format));
  if (format.status().code() == StatusCode::kNotFound) return std::optional<std::string>();
  return format.status();
}

Result<Revision> DecodeRevision(std::string_view bytes) {
  FOLIO_ASSIGN_OR_RETURN(ion::Value v, ion::ReadOne(AsSpan(bytes)));
  return Revision::FromIon(v);
}

std::string EncodeRevision(const Revision& r) {
  if (!r.data || (r.encoded_data && r.encoded_data->spliceable)) {
    // Written straight (no DOM), field for field as Revision::ToIon.
    ion::BinaryStreamWriter w(r.data ? r.encoded_data.get() : nullptr,
                              journal::kRevisionRecordSymbols);
    journal::WriteRevisionRecord(
        w, {r.strand_id, r.sequence_no, r.hash, r.data.has_value(), r.data_hash, r.document_id,
            static_cast<int64_t>(r.version), r.tx_time, r.tx_id});
    Result<Bytes> b = std::move(w).Finish();
    if (b.ok()) return std::string(AsStringView(*b));
  }
  Bytes b = ion::WriteBinary(r.ToIon());
  return std::string(AsStringView(b));
}

Status StateReader::ScanPrefix(
    const std::string& prefix,
    const std::function<Status(std::string_view, std::string_view)>& fn) const {
  auto it = store_->NewIterator(kv::PrefixRange(prefix, snapshot_));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    FOLIO_TRY(fn(it->key(), it->value()));
  }
  return it->status();
}

Result<std::vector<TableInfo>> StateReader::ListTables() const {
  std::vector<TableInfo> out;
  FOLIO_TRY(ScanPrefix(keys::TablePrefix(), [&](std::string_view, std::string_view v) -> Status {
    FOLIO_ASSIGN_OR_RETURN(ion::Value value, ion::ReadOne(AsSpan(v)));
    FOLIO_ASSIGN_OR_RETURN(TableInfo t, TableInfo::FromIon(value));
    out.push_back(std::move(t));
    return Status::OK();
  }));
  return out;
}

Result<std::optional<Revision>> StateReader::GetCurrent(std::string_view table_id,
                                                        std::string_view doc_id) const {
  Result<std::string> r = store_->Get(keys::Current(table_id, doc_id), {snapshot_});
  if (!r.ok()) {
    if (r.status().code() == StatusCode::kNotFound) return std::optional<Revision>();
    return r.status();
  }
  FOLIO_ASSIGN_OR_RETURN(Revision rev, DecodeRevision(*r));
  return std::optional<Revision>(std::move(rev));
}

Status StateReader::ScanCurrent(std::string_view table_id,
                                const std::function<Status(Revision&&)>& fn) const {
  return ScanPrefix(keys::CurrentPrefix(table_id), [&](std::string_view, std::string_view v) {
    Result<Revision> rev = DecodeRevision(v);
    if (!rev.ok()) return rev.status();
    return fn(std::move(rev).value());
  });
}

Status StateReader::ScanIndex(std::string_view table_id, std::string_view index_id,
                              const Hash256& key_hash,
                              const std::function<Status(std::string_view)>& fn) const {
  return ScanPrefix(keys::IndexPrefix(table_id, index_id, key_hash),
                    [&](std::string_view k, std::string_view) { return fn(keys::DocIdOfIndexKey(k)); });
}

Status StateReader::StageIndexRemoval(std::string_view table_id, std::string_view index_id,
                                      kv::WriteBatch& batch) const {
  return ScanPrefix(keys::IndexPrefix(table_id, index_id),
                    [&](std::string_view k, std::string_view) {
                      batch.Delete(k);
                      return Status::OK();
                    });
}

Status StateReader::ScanHistory(std::string_view table_id, std::optional<std::string_view> doc_id,
                                const std::function<Status(Revision&&)>& fn) const {
  // History entries hold the revisions that are no longer current; each document's current
  // revision (its newest) comes after them. Both ranges are in document-id order.
  std::string history_prefix =
      doc_id ? keys::HistoryPrefix(table_id, *doc_id) : keys::HistoryPrefix(table_id);
  std::string current_prefix =
      doc_id ? keys::Current(table_id, *doc_id) : keys::CurrentPrefix(table_id);
  auto history = store_->NewIterator(kv::PrefixRange(history_prefix, snapshot_));
  auto current = store_->NewIterator(kv::PrefixRange(current_prefix, snapshot_));
  history->SeekToFirst();
  current->SeekToFirst();
  while (history->Valid() || current->Valid()) {
    bool from_history =
        !current->Valid() ||
        (history->Valid() &&
         keys::DocIdOfHistoryKey(history->key()) <= keys::DocIdOfCurrentKey(current->key()));
    kv::Iterator& it = from_history ? *history : *current;
    Result<Revision> rev = DecodeRevision(it.value());
    if (!rev.ok()) return rev.status();
    FOLIO_TRY(fn(std::move(rev).value()));
    it.Next();
  }
  FOLIO_TRY(history->status());
  return current->status();
}

Result<std::optional<Revision>> StateReader::GetRevision(std::string_view table_id,
                                                         std::string_view doc_id,
                                                         uint64_t version) const {
  Result<std::string> r = store_->Get(keys::History(table_id, doc_id, version), {snapshot_});
  if (!r.ok()) {
    if (r.status().code() != StatusCode::kNotFound) return r.status();
    // Not superseded: the current revision, if it is that version.
    FOLIO_ASSIGN_OR_RETURN(std::optional<Revision> current, GetCurrent(table_id, doc_id));
    if (current && current->version == version) return current;
    return std::optional<Revision>();
  }
  FOLIO_ASSIGN_OR_RETURN(Revision rev, DecodeRevision(*r));
  return std::optional<Revision>(std::move(rev));
}

void PutTable(kv::WriteBatch& batch, const TableInfo& table) {
  Bytes b = ion::WriteBinary(table.ToIon());
  batch.Put(keys::Table(table.table_id), AsStringView(b));
}

namespace {
// The index key hash of `field` in `data`, or nullopt when the document has no such field.
Result<std::optional<Hash256>> FieldHash(const ion::Value& data, std::string_view field) {
  const ion::Value* v = data.Get(field);
  if (v == nullptr) return std::optional<Hash256>();
  FOLIO_ASSIGN_OR_RETURN(Hash256 h, IndexKeyHash(*v));
  return std::optional<Hash256>(h);
}
}  // namespace

Status PutIndexEntry(kv::WriteBatch& batch, const TableInfo& table, const IndexInfo& index,
                     const Revision& current) {
  if (!current.data) return Status::OK();
  FOLIO_ASSIGN_OR_RETURN(std::optional<Hash256> h, FieldHash(*current.data, index.field));
  if (h) batch.Put(keys::Index(table.table_id, index.index_id, *h, current.document_id), "");
  return Status::OK();
}

Status PutRevision(kv::WriteBatch& batch, const TableInfo& table, const Revision& rev,
                   const std::optional<Revision>& previous) {
  std::string encoded = EncodeRevision(rev);
  if (previous) {
    batch.Put(keys::History(table.table_id, previous->document_id, previous->version),
              EncodeRevision(*previous));
  }
  for (const IndexInfo& index : table.indexes) {
    if (previous && previous->data) {
      FOLIO_ASSIGN_OR_RETURN(std::optional<Hash256> h, FieldHash(*previous->data, index.field));
      if (h) batch.Delete(keys::Index(table.table_id, index.index_id, *h, rev.document_id));
    }
    FOLIO_TRY(PutIndexEntry(batch, table, index, rev));
  }
  if (rev.deleted()) {
    batch.Put(keys::History(table.table_id, rev.document_id, rev.version), encoded);
    batch.Delete(keys::Current(table.table_id, rev.document_id));
  } else {
    batch.Put(keys::Current(table.table_id, rev.document_id), encoded);
  }
  return Status::OK();
}

void PutHistoryOnly(kv::WriteBatch& batch, std::string_view table_id, const Revision& rev) {
  batch.Put(keys::History(table_id, rev.document_id, rev.version), EncodeRevision(rev));
}

}  // namespace folio::storage
