#include "storage/schema.h"

#include <cmath>
#include <cstdlib>
#include <limits>

#include "ion/ion.h"

namespace folio::storage {

using ion::Value;

const IndexInfo* TableInfo::FindIndexOnField(std::string_view field) const {
  for (const IndexInfo& i : indexes) {
    if (i.field == field) return &i;
  }
  return nullptr;
}

const IndexInfo* TableInfo::FindIndexById(std::string_view index_id) const {
  for (const IndexInfo& i : indexes) {
    if (i.index_id == index_id) return &i;
  }
  return nullptr;
}

Value TableInfo::ToIon() const {
  Value v = Value::Struct();
  v.Set("tableId", Value::String(table_id));
  v.Set("name", Value::String(name));
  v.Set("status", Value::String(active() ? "ACTIVE" : "INACTIVE"));
  Value idx = Value::List();
  for (const IndexInfo& i : indexes) {
    Value e = Value::Struct();
    e.Set("indexId", Value::String(i.index_id));
    e.Set("field", Value::String(i.field));
    e.Set("status", Value::String(i.status));
    idx.elements().push_back(std::move(e));
  }
  v.Set("indexes", std::move(idx));
  if (tags) v.Set("tags", *tags);
  return v;
}

namespace {
Result<std::string> GetString(const Value& s, std::string_view field) {
  const Value* f = s.Get(field);
  if (f == nullptr || f->is_null() || !f->is_text()) {
    return Status::Corruption("record field '" + std::string(field) + "' missing or not text");
  }
  return std::string(f->text());
}
}  // namespace

Result<TableInfo> TableInfo::FromIon(const Value& v) {
  if (v.type() != ion::Type::kStruct || v.is_null()) return Status::Corruption("table record is not a struct");
  TableInfo t;
  FOLIO_ASSIGN_OR_RETURN(t.table_id, GetString(v, "tableId"));
  FOLIO_ASSIGN_OR_RETURN(t.name, GetString(v, "name"));
  FOLIO_ASSIGN_OR_RETURN(std::string status, GetString(v, "status"));
  t.status = status == "ACTIVE" ? TableStatus::kActive : TableStatus::kInactive;
  const Value* idx = v.Get("indexes");
  if (idx && idx->type() == ion::Type::kList && !idx->is_null()) {
    for (const Value& e : idx->elements()) {
      IndexInfo i;
      FOLIO_ASSIGN_OR_RETURN(i.index_id, GetString(e, "indexId"));
      FOLIO_ASSIGN_OR_RETURN(i.field, GetString(e, "field"));
      FOLIO_ASSIGN_OR_RETURN(i.status, GetString(e, "status"));
      t.indexes.push_back(std::move(i));
    }
  }
  if (const Value* tags = v.Get("tags")) t.tags = *tags;
  return t;
}

Value TableInfo::ToUserTablesRow() const {
  Value v = Value::Struct();
  v.Set("name", Value::String(name));
  v.Set("tableId", Value::String(table_id));
  v.Set("status", Value::String(active() ? "ACTIVE" : "INACTIVE"));
  Value idx = Value::List();
  for (const IndexInfo& i : indexes) {
    Value e = Value::Struct();
    e.Set("indexId", Value::String(i.index_id));
    e.Set("expr", Value::String("[" + i.field + "]"));
    e.Set("status", Value::String(i.status));
    idx.elements().push_back(std::move(e));
  }
  v.Set("indexes", std::move(idx));
  return v;
}

namespace keys {
namespace {
std::string Cat(std::initializer_list<std::string_view> parts) {
  size_t n = 0;
  for (auto p : parts) n += p.size();
  std::string out;
  out.reserve(n);
  for (auto p : parts) out.append(p);
  return out;
}
std::string_view HashView(const Hash256& h) {
  return {reinterpret_cast<const char*>(h.data()), h.size()};
}
std::string BigEndian(uint64_t v) {
  std::string s(8, '\0');
  for (int i = 7; i >= 0; --i) {
    s[i] = static_cast<char>(v & 0xFF);
    v >>= 8;
  }
  return s;
}
}  // namespace

std::string Table(std::string_view table_id) { return Cat({"t", table_id}); }
std::string TablePrefix() { return "t"; }
std::string Current(std::string_view t, std::string_view d) { return Cat({"d", t, d}); }
std::string CurrentPrefix(std::string_view t) { return Cat({"d", t}); }
std::string History(std::string_view t, std::string_view d, uint64_t version) {
  return Cat({"h", t, d, BigEndian(version)});
}
std::string HistoryPrefix(std::string_view t) { return Cat({"h", t}); }
std::string HistoryPrefix(std::string_view t, std::string_view d) { return Cat({"h", t, d}); }
std::string Index(std::string_view t, std::string_view i, const Hash256& h, std::string_view d) {
  return Cat({"x", t, i, HashView(h), d});
}
std::string IndexPrefix(std::string_view t, std::string_view i, const Hash256& h) {
  return Cat({"x", t, i, HashView(h)});
}
std::string IndexPrefix(std::string_view t, std::string_view i) { return Cat({"x", t, i}); }
std::string JournalPrefix() { return "j"; }
std::string Meta(std::string_view name) { return Cat({"m", name}); }
std::string_view DocIdOfIndexKey(std::string_view key) { return key.substr(key.size() - 22); }
std::string_view DocIdOfCurrentKey(std::string_view key) { return key.substr(key.size() - 22); }
std::string_view DocIdOfHistoryKey(std::string_view key) { return key.substr(key.size() - 30, 22); }
}  // namespace keys

namespace {

// The double nearest the exact decimal value coefficient * 10^exponent (strtod rounds
// correctly), so equal numbers of any type agree; +0 for every zero.
double NearestDouble(const ion::Int& coefficient, int32_t exponent) {
  std::string text = coefficient.ToString() + "e" + std::to_string(exponent);
  double d = std::strtod(text.c_str(), nullptr);
  return d == 0 ? 0.0 : d;
}

}  // namespace

Value IndexKeyValue(const Value& v) {
  if (v.is_null()) return Value::Null();
  switch (v.type()) {
    case ion::Type::kInt: return Value::Float(NearestDouble(v.as_int(), 0));
    case ion::Type::kDecimal: {
      const ion::Decimal& d = v.as_decimal();
      return Value::Float(NearestDouble(d.coefficient, d.exponent));
    }
    case ion::Type::kFloat: {
      double d = v.as_float();
      if (std::isnan(d)) return Value::Float(std::numeric_limits<double>::quiet_NaN());
      return Value::Float(d == 0 ? 0.0 : d);
    }
    case ion::Type::kString:
      if (v.annotations().empty()) return v;
      return Value::String(v.as_string());
    case ion::Type::kSymbol:
      if (!v.as_symbol().has_text) return Value::Sym(v.as_symbol());
      return Value::String(std::string(v.text()));
    case ion::Type::kClob:
    case ion::Type::kBlob: return Value::Blob(v.as_bytes());
    case ion::Type::kTimestamp:
      return Value::Time(ion::Timestamp::FromEpochMillis(v.as_timestamp().ToEpochMillis()));
    case ion::Type::kList:
    case ion::Type::kSexp: {
      Value::Elements elements;
      elements.reserve(v.elements().size());
      for (const Value& e : v.elements()) elements.push_back(IndexKeyValue(e));
      return v.type() == ion::Type::kList ? Value::List(std::move(elements))
                                          : Value::Sexp(std::move(elements));
    }
    case ion::Type::kStruct: {
      Value::Fields fields;
      fields.reserve(v.fields().size());
      for (const ion::Field& f : v.fields()) fields.push_back({f.name, IndexKeyValue(f.value)});
      return Value::Struct(std::move(fields));
    }
    default: {
      Value copy = v;
      copy.annotations().clear();
      return copy;
    }
  }
}

Result<Hash256> IndexKeyHash(const Value& v) {
  // Strings, the usual key, are their own key value.
  if (v.type() == ion::Type::kString && !v.is_null() && v.annotations().empty()) {
    return ion::IonHashSha256(v);
  }
  return ion::IonHashSha256(IndexKeyValue(v));
}

Value Revision::Metadata() const {
  Value m = Value::Struct();
  m.Set("id", Value::String(document_id));
  m.Set("version", Value::Integer(ion::Int(static_cast<int64_t>(version))));
  m.Set("txTime", Value::Time(tx_time));
  m.Set("txId", Value::String(tx_id));
  return m;
}

Value Revision::ToIon() const {
  Value v = Value::Struct();
  Value addr = Value::Struct();
  addr.Set("strandId", Value::String(strand_id));
  addr.Set("sequenceNo", Value::Integer(ion::Int(static_cast<int64_t>(sequence_no))));
  v.Set("blockAddress", std::move(addr));
  v.Set("hash", Value::Blob(Bytes(hash.begin(), hash.end())));
  if (data) v.Set("data", *data);
  if (data_hash) v.Set("dataHash", Value::Blob(Bytes(data_hash->begin(), data_hash->end())));
  v.Set("metadata", Metadata());
  return v;
}

namespace {
Result<Hash256> GetHash(const Value& s, std::string_view field) {
  const Value* f = s.Get(field);
  if (f == nullptr || f->type() != ion::Type::kBlob || f->is_null() || f->as_bytes().size() != 32) {
    return Status::Corruption("record field '" + std::string(field) + "' is not a 32-byte blob");
  }
  Hash256 h;
  std::copy(f->as_bytes().begin(), f->as_bytes().end(), h.begin());
  return h;
}
Result<uint64_t> GetUint(const Value& s, std::string_view field) {
  const Value* f = s.Get(field);
  if (f == nullptr || f->type() != ion::Type::kInt || f->is_null() || !f->as_int().ToInt64() ||
      *f->as_int().ToInt64() < 0) {
    return Status::Corruption("record field '" + std::string(field) + "' is not a small int");
  }
  return static_cast<uint64_t>(*f->as_int().ToInt64());
}
}  // namespace

Result<Revision> Revision::FromIon(const Value& v) {
  if (v.type() != ion::Type::kStruct || v.is_null()) return Status::Corruption("revision is not a struct");
  Revision r;
  const Value* addr = v.Get("blockAddress");
  if (addr == nullptr || addr->type() != ion::Type::kStruct || addr->is_null()) {
    return Status::Corruption("revision has no blockAddress");
  }
  FOLIO_ASSIGN_OR_RETURN(r.strand_id, GetString(*addr, "strandId"));
  FOLIO_ASSIGN_OR_RETURN(r.sequence_no, GetUint(*addr, "sequenceNo"));
  FOLIO_ASSIGN_OR_RETURN(r.hash, GetHash(v, "hash"));
  if (const Value* d = v.Get("data")) r.data = *d;
  if (v.Get("dataHash")) {
    FOLIO_ASSIGN_OR_RETURN(Hash256 dh, GetHash(v, "dataHash"));
    r.data_hash = dh;
  }
  const Value* m = v.Get("metadata");
  if (m == nullptr || m->type() != ion::Type::kStruct || m->is_null()) {
    return Status::Corruption("revision has no metadata");
  }
  FOLIO_ASSIGN_OR_RETURN(r.document_id, GetString(*m, "id"));
  FOLIO_ASSIGN_OR_RETURN(r.version, GetUint(*m, "version"));
  FOLIO_ASSIGN_OR_RETURN(r.tx_id, GetString(*m, "txId"));
  const Value* t = m->Get("txTime");
  if (t == nullptr || t->type() != ion::Type::kTimestamp || t->is_null()) {
    return Status::Corruption("revision metadata has no txTime");
  }
  r.tx_time = t->as_timestamp();
  return r;
}

}  // namespace folio::storage
