#include "journal/block.h"

#include <algorithm>
#include <utility>

#include "common/bytes.h"
#include "ion/ion.h"
#include "journal/hash.h"

namespace folio::journal {
namespace {

using ion::Value;

Value Str(std::string s) { return Value::String(std::move(s)); }
Value Int(int64_t i) { return Value::Integer(ion::Int(i)); }
Value Blob(const Hash256& h) { return Value::Blob(Bytes(h.begin(), h.end())); }

Status Bad(std::string_view what, std::string_view field, std::string_view why) {
  return Status::InvalidArgument(std::string(what) + "." + std::string(field) + ": " +
                                 std::string(why));
}

Result<const Value*> Field(const Value& s, std::string_view what, std::string_view name,
                           ion::Type type) {
  const Value* f = s.Get(name);
  if (f == nullptr) return Bad(what, name, "missing");
  if (f->type() != type || f->is_null()) {
    return Bad(what, name, "expected " + std::string(ion::TypeName(type)));
  }
  return f;
}

Status RequireStruct(const Value& v, std::string_view what) {
  if (v.type() != ion::Type::kStruct || v.is_null()) {
    return Status::InvalidArgument(std::string(what) + ": expected a struct");
  }
  return Status::OK();
}

// Every field of `v` must be one of `allowed` and appear once.
Status OnlyFields(const Value& v, std::string_view what,
                  std::initializer_list<std::string_view> allowed) {
  std::vector<std::string_view> seen;
  for (const auto& f : v.fields()) {
    if (!f.name.has_text) return Status::InvalidArgument(std::string(what) + ": unknown symbol");
    std::string_view n = f.name.text;
    if (std::find(allowed.begin(), allowed.end(), n) == allowed.end()) {
      return Bad(what, n, "unexpected field");
    }
    if (std::find(seen.begin(), seen.end(), n) != seen.end()) return Bad(what, n, "duplicate");
    seen.push_back(n);
  }
  return Status::OK();
}

Result<std::string> GetString(const Value& s, std::string_view what, std::string_view name) {
  FOLIO_ASSIGN_OR_RETURN(const Value* f, Field(s, what, name, ion::Type::kString));
  return f->as_string();
}

Result<int64_t> GetInt(const Value& s, std::string_view what, std::string_view name) {
  FOLIO_ASSIGN_OR_RETURN(const Value* f, Field(s, what, name, ion::Type::kInt));
  auto i = f->as_int().ToInt64();
  if (!i || *i < 0) return Bad(what, name, "expected a non-negative int64");
  return *i;
}

Result<ion::Timestamp> GetTime(const Value& s, std::string_view what, std::string_view name) {
  FOLIO_ASSIGN_OR_RETURN(const Value* f, Field(s, what, name, ion::Type::kTimestamp));
  return f->as_timestamp();
}

Result<Hash256> HashOf(const Value& v, std::string_view what) {
  if (v.type() != ion::Type::kBlob || v.is_null()) {
    return Status::InvalidArgument(std::string(what) + ": expected a blob");
  }
  auto h = ToHash256(v.as_bytes());
  if (!h.ok()) return h.status().WithContext(what);
  return *h;
}

Result<Hash256> GetHash(const Value& s, std::string_view what, std::string_view name) {
  FOLIO_ASSIGN_OR_RETURN(const Value* f, Field(s, what, name, ion::Type::kBlob));
  return HashOf(*f, std::string(what) + "." + std::string(name));
}

Result<Hash256> H(const Value& v, std::string_view what) {
  auto h = ion::IonHashSha256(v);
  if (!h.ok()) return h.status().WithContext(what);
  return *h;
}

std::string Hex(const Hash256& h) { return HexEncode(h); }

bool IsMillisUtc(const ion::Timestamp& t) {
  return t.precision == ion::Timestamp::Precision::kFraction && t.fraction.exponent == -3 &&
         t.offset_minutes.has_value() && *t.offset_minutes == 0;
}

}  // namespace

// ---- BlockAddress ----

Value BlockAddress::ToIon() const {
  return ion::MakeStruct(ion::Field{"strandId", Str(strand_id)},
                         ion::Field{"sequenceNo", Int(static_cast<int64_t>(sequence_no))});
}

Result<BlockAddress> BlockAddress::FromIon(const Value& v) {
  FOLIO_TRY(RequireStruct(v, "blockAddress"));
  BlockAddress a;
  FOLIO_ASSIGN_OR_RETURN(a.strand_id, GetString(v, "blockAddress", "strandId"));
  FOLIO_ASSIGN_OR_RETURN(int64_t seq, GetInt(v, "blockAddress", "sequenceNo"));
  a.sequence_no = static_cast<uint64_t>(seq);
  return a;
}

// ---- RevisionMetadata ----

Value RevisionMetadata::ToIon() const {
  return ion::MakeStruct(ion::Field{"id", Str(id)}, ion::Field{"version", Int(version)},
                         ion::Field{"txTime", Value::Time(tx_time)}, ion::Field{"txId", Str(tx_id)});
}

Result<RevisionMetadata> RevisionMetadata::FromIon(const Value& v) {
  FOLIO_TRY(RequireStruct(v, "metadata"));
  FOLIO_TRY(OnlyFields(v, "metadata", {"id", "version", "txTime", "txId"}));
  RevisionMetadata m;
  FOLIO_ASSIGN_OR_RETURN(m.id, GetString(v, "metadata", "id"));
  FOLIO_ASSIGN_OR_RETURN(m.version, GetInt(v, "metadata", "version"));
  FOLIO_ASSIGN_OR_RETURN(m.tx_time, GetTime(v, "metadata", "txTime"));
  FOLIO_ASSIGN_OR_RETURN(m.tx_id, GetString(v, "metadata", "txId"));
  return m;
}

// ---- Revision ----

Revision Revision::User(RevisionMetadata metadata, std::optional<Value> data) {
  Revision r;
  r.metadata = std::move(metadata);
  r.data = std::move(data);
  return r;
}

Revision Revision::System(const Hash256& hash) {
  Revision r;
  r.is_system = true;
  r.hash = hash;
  return r;
}

Value Revision::ToIon(bool data_placeholder) const {
  if (is_system) return ion::MakeStruct(ion::Field{"hash", Blob(hash)});
  Value::Fields f;
  f.push_back({"blockAddress", block_address.ToIon()});
  f.push_back({"hash", Blob(hash)});
  if (data) f.push_back({"data", data_placeholder ? Value::Null() : *data});
  if (data_hash) f.push_back({"dataHash", Blob(*data_hash)});
  f.push_back({"metadata", metadata.ToIon()});
  return Value::Struct(std::move(f));
}

Result<Revision> Revision::FromIon(const Value& v) {
  FOLIO_TRY(RequireStruct(v, "revision"));
  Revision r;
  FOLIO_ASSIGN_OR_RETURN(r.hash, GetHash(v, "revision", "hash"));
  if (v.Get("metadata") == nullptr) {
    FOLIO_TRY(OnlyFields(v, "revision", {"hash"}));
    r.is_system = true;
    return r;
  }
  FOLIO_TRY(OnlyFields(v, "revision", {"blockAddress", "hash", "data", "dataHash", "metadata"}));
  const Value* addr = v.Get("blockAddress");
  if (addr == nullptr) return Bad("revision", "blockAddress", "missing");
  FOLIO_ASSIGN_OR_RETURN(r.block_address, BlockAddress::FromIon(*addr));
  FOLIO_ASSIGN_OR_RETURN(r.metadata, RevisionMetadata::FromIon(*v.Get("metadata")));
  if (const Value* d = v.Get("data")) r.data = *d;
  if (v.Get("dataHash") != nullptr) {
    if (r.data) return Bad("revision", "dataHash", "present together with data");
    FOLIO_ASSIGN_OR_RETURN(r.data_hash, GetHash(v, "revision", "dataHash"));
  }
  return r;
}

// ---- TransactionInfo ----

Value TransactionInfo::ToIon() const {
  Value::Elements stmts;
  stmts.reserve(statements.size());
  for (const auto& s : statements) {
    stmts.push_back(ion::MakeStruct(ion::Field{"statement", Str(s.statement)},
                                    ion::Field{"startTime", Value::Time(s.start_time)},
                                    ion::Field{"statementDigest", Blob(s.statement_digest)}));
  }
  Value::Fields docs;
  docs.reserve(documents.size());
  for (const auto& d : documents) {
    Value::Elements idx;
    for (int64_t i : d.statements) idx.push_back(Int(i));
    docs.push_back(ion::Field{ion::Symbol(d.document_id),
                         ion::MakeStruct(ion::Field{"tableName", Str(d.table_name)},
                                         ion::Field{"tableId", Str(d.table_id)},
                                         ion::Field{"statements", Value::List(std::move(idx))})});
  }
  return ion::MakeStruct(ion::Field{"statements", Value::List(std::move(stmts))},
                         ion::Field{"documents", Value::Struct(std::move(docs))});
}

Result<TransactionInfo> TransactionInfo::FromIon(const Value& v) {
  FOLIO_TRY(RequireStruct(v, "transactionInfo"));
  FOLIO_TRY(OnlyFields(v, "transactionInfo", {"statements", "documents"}));
  TransactionInfo t;
  FOLIO_ASSIGN_OR_RETURN(const Value* stmts,
                         Field(v, "transactionInfo", "statements", ion::Type::kList));
  for (const auto& s : stmts->elements()) {
    FOLIO_TRY(RequireStruct(s, "transactionInfo.statements[]"));
    FOLIO_TRY(OnlyFields(s, "statement", {"statement", "startTime", "statementDigest"}));
    StatementInfo si;
    FOLIO_ASSIGN_OR_RETURN(si.statement, GetString(s, "statement", "statement"));
    FOLIO_ASSIGN_OR_RETURN(si.start_time, GetTime(s, "statement", "startTime"));
    FOLIO_ASSIGN_OR_RETURN(si.statement_digest, GetHash(s, "statement", "statementDigest"));
    t.statements.push_back(std::move(si));
  }
  FOLIO_ASSIGN_OR_RETURN(const Value* docs,
                         Field(v, "transactionInfo", "documents", ion::Type::kStruct));
  for (const auto& f : docs->fields()) {
    if (!f.name.has_text) return Status::InvalidArgument("documents: unknown symbol");
    FOLIO_TRY(RequireStruct(f.value, "documents." + f.name.text));
    FOLIO_TRY(OnlyFields(f.value, "document", {"tableName", "tableId", "statements"}));
    DocumentInfo d;
    d.document_id = f.name.text;
    FOLIO_ASSIGN_OR_RETURN(d.table_name, GetString(f.value, "document", "tableName"));
    FOLIO_ASSIGN_OR_RETURN(d.table_id, GetString(f.value, "document", "tableId"));
    FOLIO_ASSIGN_OR_RETURN(const Value* idx,
                           Field(f.value, "document", "statements", ion::Type::kList));
    for (const auto& i : idx->elements()) {
      std::optional<int64_t> n;
      if (i.type() == ion::Type::kInt && !i.is_null()) n = i.as_int().ToInt64();
      if (!n || *n < 0 || static_cast<uint64_t>(*n) >= t.statements.size()) {
        return Bad("document", "statements", "expected indexes into transactionInfo.statements");
      }
      d.statements.push_back(*n);
    }
    t.documents.push_back(std::move(d));
  }
  return t;
}

// ---- RedactionInfo ----

Value RedactionInfo::ToIon() const {
  Value::Elements revs;
  for (const auto& r : revisions) {
    revs.push_back(ion::MakeStruct(ion::Field{"blockAddress", r.block_address.ToIon()},
                                   ion::Field{"tableId", Str(r.table_id)},
                                   ion::Field{"documentId", Str(r.document_id)},
                                   ion::Field{"version", Int(r.version)}));
  }
  return ion::MakeStruct(ion::Field{"revisions", Value::List(std::move(revs))});
}

Result<RedactionInfo> RedactionInfo::FromIon(const Value& v) {
  FOLIO_TRY(RequireStruct(v, "redactionInfo"));
  FOLIO_TRY(OnlyFields(v, "redactionInfo", {"revisions"}));
  FOLIO_ASSIGN_OR_RETURN(const Value* revs,
                         Field(v, "redactionInfo", "revisions", ion::Type::kList));
  RedactionInfo info;
  for (const auto& r : revs->elements()) {
    FOLIO_TRY(RequireStruct(r, "redactionInfo.revisions[]"));
    FOLIO_TRY(
        OnlyFields(r, "redactedRevision", {"blockAddress", "tableId", "documentId", "version"}));
    RedactedRevisionRef ref;
    const Value* addr = r.Get("blockAddress");
    if (addr == nullptr) return Bad("redactedRevision", "blockAddress", "missing");
    FOLIO_ASSIGN_OR_RETURN(ref.block_address, BlockAddress::FromIon(*addr));
    FOLIO_ASSIGN_OR_RETURN(ref.table_id, GetString(r, "redactedRevision", "tableId"));
    FOLIO_ASSIGN_OR_RETURN(ref.document_id, GetString(r, "redactedRevision", "documentId"));
    FOLIO_ASSIGN_OR_RETURN(ref.version, GetInt(r, "redactedRevision", "version"));
    info.revisions.push_back(std::move(ref));
  }
  return info;
}

// ---- Block ----

Value Block::ToIon(std::optional<size_t> data_placeholder_revision) const {
  Value::Fields f;
  f.push_back({"blockAddress", address.ToIon()});
  f.push_back({"transactionId", Str(transaction_id)});
  f.push_back({"blockTimestamp", Value::Time(timestamp)});
  f.push_back({"blockHash", Blob(block_hash)});
  f.push_back({"entriesHash", Blob(entries_hash)});
  f.push_back({"previousBlockHash",
               previous_block_hash ? Blob(*previous_block_hash) : Value::Blob(Bytes())});
  Value::Elements list;
  for (const auto& h : entries_hash_list) list.push_back(Blob(h));
  f.push_back({"entriesHashList", Value::List(std::move(list))});
  f.push_back({"transactionInfo", transaction_info.ToIon()});
  if (redaction_info) f.push_back({"redactionInfo", redaction_info->ToIon()});
  Value::Elements revs;
  revs.reserve(revisions.size());
  for (size_t i = 0; i < revisions.size(); ++i) {
    revs.push_back(revisions[i].ToIon(data_placeholder_revision == i));
  }
  f.push_back({"revisions", Value::List(std::move(revs))});
  return Value::Struct(std::move(f));
}

namespace {

void WriteBlockAddress(ion::BinaryStreamWriter& w, std::string_view strand_id,
                       uint64_t sequence_no) {
  w.BeginStruct();
  w.StringField("strandId", strand_id);
  w.IntField("sequenceNo", static_cast<int64_t>(sequence_no));
  w.End();
}

// The block written straight to Ion binary (no DOM), with the one user revision's data copied
// from its encoding; nullopt when the block does not have that shape (redaction info, or data
// that is not one spliceable piece).
std::optional<Bytes> StreamBlock(const Block& block) {
  if (block.redaction_info) return std::nullopt;
  const ion::EncodedValue* piece = nullptr;
  for (const Revision& r : block.revisions) {
    if (r.is_system || !r.data) continue;
    if (piece != nullptr || !r.encoded_data || !r.encoded_data->spliceable) return std::nullopt;
    piece = r.encoded_data.get();
  }
  static constexpr std::string_view kNames[] = {
      "transactionId", "blockTimestamp", "blockHash", "entriesHash", "previousBlockHash",
      "entriesHashList", "transactionInfo", "statements", "statement", "startTime",
      "statementDigest", "documents", "tableName", "tableId", "revisions"};
  std::vector<std::string_view> symbols(std::begin(kRevisionRecordSymbols),
                                        std::end(kRevisionRecordSymbols));
  symbols.insert(symbols.end(), std::begin(kNames), std::end(kNames));
  for (const DocumentInfo& d : block.transaction_info.documents) symbols.push_back(d.document_id);
  ion::BinaryStreamWriter w(piece, symbols);
  // Field for field as Block::ToIon.
  w.BeginStruct();
  w.Field("blockAddress");
  WriteBlockAddress(w, block.address.strand_id, block.address.sequence_no);
  w.StringField("transactionId", block.transaction_id);
  w.TimeField("blockTimestamp", block.timestamp);
  w.BlobField("blockHash", block.block_hash);
  w.BlobField("entriesHash", block.entries_hash);
  w.BlobField("previousBlockHash", block.previous_block_hash
                                       ? std::span<const uint8_t>(*block.previous_block_hash)
                                       : std::span<const uint8_t>());
  w.Field("entriesHashList");
  w.BeginList();
  for (const Hash256& h : block.entries_hash_list) w.Blob(h);
  w.End();
  w.Field("transactionInfo");
  w.BeginStruct();
  w.Field("statements");
  w.BeginList();
  for (const StatementInfo& st : block.transaction_info.statements) {
    w.BeginStruct();
    w.StringField("statement", st.statement);
    w.TimeField("startTime", st.start_time);
    w.BlobField("statementDigest", st.statement_digest);
    w.End();
  }
  w.End();
  w.Field("documents");
  w.BeginStruct();
  for (const DocumentInfo& d : block.transaction_info.documents) {
    w.Field(d.document_id);
    w.BeginStruct();
    w.StringField("tableName", d.table_name);
    w.StringField("tableId", d.table_id);
    w.Field("statements");
    w.BeginList();
    for (int64_t i : d.statements) w.Int(i);
    w.End();
    w.End();
  }
  w.End();
  w.End();
  w.Field("revisions");
  w.BeginList();
  for (const Revision& r : block.revisions) {
    if (r.is_system) {
      w.BeginStruct();
      w.BlobField("hash", r.hash);
      w.End();
      continue;
    }
    WriteRevisionRecord(w, {r.block_address.strand_id, r.block_address.sequence_no, r.hash,
                            r.data.has_value(), r.data_hash, r.metadata.id, r.metadata.version,
                            r.metadata.tx_time, r.metadata.tx_id});
  }
  w.End();
  w.End();
  Result<Bytes> bytes = std::move(w).Finish();
  if (!bytes.ok()) return std::nullopt;
  return *std::move(bytes);
}

}  // namespace

void WriteRevisionRecord(ion::BinaryStreamWriter& w, const RevisionRecordView& r) {
  w.BeginStruct();
  w.Field("blockAddress");
  WriteBlockAddress(w, r.strand_id, r.sequence_no);
  w.BlobField("hash", r.hash);
  if (r.has_data) {
    w.Field("data");
    w.Spliced();
  }
  if (r.data_hash) w.BlobField("dataHash", *r.data_hash);
  w.Field("metadata");
  w.BeginStruct();
  w.StringField("id", r.id);
  w.IntField("version", r.version);
  w.TimeField("txTime", r.tx_time);
  w.StringField("txId", r.tx_id);
  w.End();
  w.End();
}

Bytes EncodeBlock(const Block& block) {
  if (std::optional<Bytes> streamed = StreamBlock(block)) return *std::move(streamed);
  // Several documents: the first one's data is copied, the rest go through the DOM.
  for (size_t i = 0; i < block.revisions.size(); ++i) {
    const Revision& r = block.revisions[i];
    if (r.is_system || !r.data || !r.encoded_data || !r.encoded_data->spliceable) continue;
    Value v = block.ToIon(i);
    Value* placeholder = v.Get("revisions")->elements()[i].Get("data");
    Result<Bytes> bytes = ion::WriteBinarySpliced(v, placeholder, *r.encoded_data);
    if (bytes.ok()) return *std::move(bytes);
    break;
  }
  return ion::WriteBinary(block.ToIon());
}

Result<Block> Block::FromIon(const Value& v) {
  auto parse = [&]() -> Result<Block> {
    FOLIO_TRY(RequireStruct(v, "block"));
    FOLIO_TRY(OnlyFields(
        v, "block",
        {"blockAddress", "transactionId", "blockTimestamp", "blockHash", "entriesHash",
         "previousBlockHash", "entriesHashList", "transactionInfo", "redactionInfo", "revisions"}));
    Block b;
    FOLIO_ASSIGN_OR_RETURN(const Value* addr,
                           Field(v, "block", "blockAddress", ion::Type::kStruct));
    FOLIO_ASSIGN_OR_RETURN(b.address, BlockAddress::FromIon(*addr));
    FOLIO_ASSIGN_OR_RETURN(b.transaction_id, GetString(v, "block", "transactionId"));
    FOLIO_ASSIGN_OR_RETURN(b.timestamp, GetTime(v, "block", "blockTimestamp"));
    FOLIO_ASSIGN_OR_RETURN(b.block_hash, GetHash(v, "block", "blockHash"));
    FOLIO_ASSIGN_OR_RETURN(b.entries_hash, GetHash(v, "block", "entriesHash"));
    FOLIO_ASSIGN_OR_RETURN(const Value* prev,
                           Field(v, "block", "previousBlockHash", ion::Type::kBlob));
    if (!prev->as_bytes().empty()) {
      FOLIO_ASSIGN_OR_RETURN(b.previous_block_hash, HashOf(*prev, "block.previousBlockHash"));
    }
    FOLIO_ASSIGN_OR_RETURN(const Value* list,
                           Field(v, "block", "entriesHashList", ion::Type::kList));
    for (const auto& h : list->elements()) {
      FOLIO_ASSIGN_OR_RETURN(Hash256 eh, HashOf(h, "block.entriesHashList[]"));
      b.entries_hash_list.push_back(eh);
    }
    FOLIO_ASSIGN_OR_RETURN(const Value* info,
                           Field(v, "block", "transactionInfo", ion::Type::kStruct));
    FOLIO_ASSIGN_OR_RETURN(b.transaction_info, TransactionInfo::FromIon(*info));
    if (const Value* red = v.Get("redactionInfo")) {
      FOLIO_ASSIGN_OR_RETURN(b.redaction_info, RedactionInfo::FromIon(*red));
    }
    FOLIO_ASSIGN_OR_RETURN(const Value* revs, Field(v, "block", "revisions", ion::Type::kList));
    for (const auto& r : revs->elements()) {
      FOLIO_ASSIGN_OR_RETURN(Revision rev, Revision::FromIon(r));
      b.revisions.push_back(std::move(rev));
    }
    return b;
  };
  auto r = parse();
  if (!r.ok()) return Status::Corruption("malformed block: " + r.status().message());
  return r;
}

std::vector<Hash256> Block::RevisionHashes() const {
  std::vector<Hash256> out;
  out.reserve(revisions.size());
  for (const auto& r : revisions) out.push_back(r.hash);
  return out;
}

std::optional<size_t> Block::FindRevision(std::string_view document_id) const {
  for (size_t i = 0; i < revisions.size(); ++i) {
    if (!revisions[i].is_system && revisions[i].metadata.id == document_id) return i;
  }
  return std::nullopt;
}

// ---- Hash rules ----

Result<Hash256> ComputeRevisionHash(const Revision& revision) {
  if (revision.is_system) {
    return Status::InvalidArgument("a system revision's hash cannot be recomputed");
  }
  FOLIO_ASSIGN_OR_RETURN(Hash256 meta, H(revision.metadata.ToIon(), "revision metadata"));
  std::optional<Hash256> data;
  if (revision.data && revision.known_data_hash) {
    data = revision.known_data_hash;
  } else if (revision.data) {
    FOLIO_ASSIGN_OR_RETURN(data, H(*revision.data, "revision data"));
  } else if (revision.data_hash) {
    data = revision.data_hash;
  }
  return *Dot(std::optional<Hash256>(meta), data);
}

namespace {

// The fields QLDB's hashes leave uncovered; hashed into an extra entriesHashList member so a
// changed transactionId, blockTimestamp or blockAddress breaks the block hash.
Value BlockHeaderIon(const Block& block) {
  return ion::MakeStruct(ion::Field{"blockAddress", block.address.ToIon()},
                         ion::Field{"transactionId", Str(block.transaction_id)},
                         ion::Field{"blockTimestamp", Value::Time(block.timestamp)});
}

struct Entries {
  std::vector<Hash256> list;
  Hash256 root{};
};

Result<Entries> ComputeEntries(const Block& block, std::span<const Hash256> revision_hashes) {
  Entries e;
  if (block.known_transaction_info_hash) {
    e.list.push_back(*block.known_transaction_info_hash);
  } else {
    FOLIO_ASSIGN_OR_RETURN(Hash256 info, H(block.transaction_info.ToIon(), "transactionInfo"));
    e.list.push_back(info);
  }
  if (!revision_hashes.empty()) e.list.push_back(*MerkleRoot(revision_hashes));
  if (block.redaction_info) {
    FOLIO_ASSIGN_OR_RETURN(Hash256 red, H(block.redaction_info->ToIon(), "redactionInfo"));
    e.list.push_back(red);
  }
  FOLIO_ASSIGN_OR_RETURN(Hash256 header, H(BlockHeaderIon(block), "block header"));
  e.list.push_back(header);
  e.root = *MerkleRoot(e.list);
  return e;
}

}  // namespace

Status SealBlock(Block& block, const BlockAddress& address,
                 const std::optional<Hash256>& previous_block_hash) {
  if (block.transaction_id.empty()) return Status::InvalidArgument("block: empty transactionId");
  if (address.strand_id.size() != 22) {
    return Status::InvalidArgument("block: strandId must have 22 characters");
  }
  if (!IsMillisUtc(block.timestamp)) {
    return Status::InvalidArgument("block: blockTimestamp must have millisecond precision in UTC");
  }
  if ((address.sequence_no == 0) != !previous_block_hash.has_value()) {
    return Status::InvalidArgument(
        "block: exactly the first block of a strand has no previousBlockHash");
  }
  block.address = address;
  block.previous_block_hash = previous_block_hash;
  for (auto& r : block.revisions) {
    if (r.is_system) continue;
    r.block_address = address;
    FOLIO_ASSIGN_OR_RETURN(r.hash, ComputeRevisionHash(r));
  }
  std::vector<Hash256> rh = block.RevisionHashes();
  FOLIO_ASSIGN_OR_RETURN(Entries e, ComputeEntries(block, rh));
  block.entries_hash_list = std::move(e.list);
  block.entries_hash = e.root;
  block.block_hash = *Dot(std::optional<Hash256>(e.root), previous_block_hash);
  return Status::OK();
}

Status VerifyBlockHashes(const Block& block) {
  const std::string where = "block " + std::to_string(block.address.sequence_no) + ": ";
  auto mismatch = [&](const std::string& field, const Hash256& expected, const Hash256& stored) {
    return Status::Corruption(where + field + ": expected " + Hex(expected) + ", stored " +
                              Hex(stored));
  };
  for (size_t i = 0; i < block.revisions.size(); ++i) {
    const Revision& r = block.revisions[i];
    if (r.is_system) continue;
    const std::string field = "revisions[" + std::to_string(i) + "]";
    if (!(r.block_address == block.address)) {
      return Status::Corruption(where + field + ".blockAddress differs from the block's address");
    }
    auto h = ComputeRevisionHash(r);
    if (!h.ok()) return Status::Corruption(where + field + ": " + h.status().message());
    if (*h != r.hash) return mismatch(field + ".hash", *h, r.hash);
  }
  std::vector<Hash256> rh = block.RevisionHashes();
  auto e = ComputeEntries(block, rh);
  if (!e.ok()) return Status::Corruption(where + e.status().message());
  if (e->list.size() != block.entries_hash_list.size()) {
    return Status::Corruption(where + "entriesHashList: expected " +
                              std::to_string(e->list.size()) + " entries, stored " +
                              std::to_string(block.entries_hash_list.size()));
  }
  for (size_t i = 0; i < e->list.size(); ++i) {
    if (e->list[i] != block.entries_hash_list[i]) {
      std::string name = i == 0 ? "H(transactionInfo)"
                         : i + 1 == e->list.size()
                             ? "H(blockAddress, transactionId, blockTimestamp)"
                         : i == 1 && !rh.empty() ? "revisionsRoot"
                                                 : "H(redactionInfo)";
      return mismatch("entriesHashList[" + std::to_string(i) + "] (" + name + ")", e->list[i],
                      block.entries_hash_list[i]);
    }
  }
  if (e->root != block.entries_hash) return mismatch("entriesHash", e->root, block.entries_hash);
  Hash256 bh = *Dot(std::optional<Hash256>(e->root), block.previous_block_hash);
  if (bh != block.block_hash) return mismatch("blockHash", bh, block.block_hash);
  return Status::OK();
}

// ---- BlockBuilder ----

BlockBuilder::BlockBuilder(std::string transaction_id, ion::Timestamp block_timestamp) {
  block_.transaction_id = std::move(transaction_id);
  block_.timestamp = block_timestamp;
}

size_t BlockBuilder::AddStatement(std::string statement, ion::Timestamp start_time,
                                  const Hash256& statement_digest) {
  block_.transaction_info.statements.push_back(
      {std::move(statement), start_time, statement_digest});
  return block_.transaction_info.statements.size() - 1;
}

void BlockBuilder::AddDocumentStatement(std::string_view document_id, std::string_view table_name,
                                        std::string_view table_id, size_t statement_index) {
  auto& docs = block_.transaction_info.documents;
  auto it = std::find_if(docs.begin(), docs.end(),
                         [&](const DocumentInfo& d) { return d.document_id == document_id; });
  if (it == docs.end()) {
    docs.push_back({std::string(document_id), std::string(table_name), std::string(table_id), {}});
    it = docs.end() - 1;
  }
  auto idx = static_cast<int64_t>(statement_index);
  if (std::find(it->statements.begin(), it->statements.end(), idx) == it->statements.end()) {
    it->statements.push_back(idx);
  }
}

void BlockBuilder::AddRevision(Revision revision) {
  block_.revisions.push_back(std::move(revision));
}

void BlockBuilder::SetRedactionInfo(RedactionInfo info) { block_.redaction_info = std::move(info); }

void BlockBuilder::SetTransactionInfo(TransactionInfo info, const Hash256& info_hash) {
  block_.transaction_info = std::move(info);
  block_.known_transaction_info_hash = info_hash;
}

}  // namespace folio::journal
