#include "ion/binary_writer.h"

#include <cstring>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "ion/ion.h"
#include "ion/symbol_table.h"

namespace folio::ion {

size_t VarUIntSize(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

void AppendVarUInt(uint64_t v, Bytes* out) {
  uint8_t buf[10];
  int n = 0;
  buf[9 - n++] = static_cast<uint8_t>(0x80 | (v & 0x7F));
  v >>= 7;
  while (v) {
    buf[9 - n++] = static_cast<uint8_t>(v & 0x7F);
    v >>= 7;
  }
  out->insert(out->end(), buf + 10 - n, buf + 10);
}

void AppendVarInt(uint64_t magnitude, bool negative, Bytes* out) {
  // The first byte carries the sign and 6 magnitude bits; later bytes 7 bits each.
  uint8_t buf[11];
  int n = 0;
  uint64_t v = magnitude;
  uint8_t last_flag = 0x80;
  // Emit 7-bit groups from the least significant end until what remains fits in 6 bits.
  while (v >= 0x40) {
    buf[10 - n++] = static_cast<uint8_t>((v & 0x7F) | last_flag);
    last_flag = 0;
    v >>= 7;
  }
  buf[10 - n++] = static_cast<uint8_t>(v | (negative ? 0x40 : 0) | last_flag);
  out->insert(out->end(), buf + 11 - n, buf + 11);
}

void AppendMagnitude(const Int& i, Bytes* out) {
  if (i.is_small()) {
    int64_t s = i.small();
    uint64_t m = s < 0 ? uint64_t{0} - static_cast<uint64_t>(s) : static_cast<uint64_t>(s);
    int n = 0;
    for (uint64_t t = m; t; t >>= 8) ++n;
    for (int k = n - 1; k >= 0; --k) out->push_back(static_cast<uint8_t>(m >> (8 * k)));
    return;
  }
  Bytes m = i.MagnitudeBytes();
  out->insert(out->end(), m.begin(), m.end());
}

void AppendFloatRepr(double d, Bytes* out) {
  uint64_t bits;
  std::memcpy(&bits, &d, 8);
  if (bits == 0) return;  // +0e0
  for (int k = 7; k >= 0; --k) out->push_back(static_cast<uint8_t>(bits >> (8 * k)));
}

namespace {

// Sign-magnitude Int field: nothing for +0, 0x80 for -0.
void AppendSignedInt(const Int& c, bool negative_zero, Bytes* out) {
  if (c.is_zero()) {
    if (negative_zero) out->push_back(0x80);
    return;
  }
  const size_t at = out->size();
  AppendMagnitude(c, out);
  if ((*out)[at] & 0x80) out->insert(out->begin() + static_cast<ptrdiff_t>(at), uint8_t{0});
  if (c.sign() < 0) (*out)[at] |= 0x80;
}

void AppendExponent(int32_t e, Bytes* out) {
  int64_t x = e;
  AppendVarInt(static_cast<uint64_t>(x < 0 ? -x : x), x < 0, out);
}

}  // namespace

void AppendDecimalRepr(const Decimal& d, Bytes* out) {
  if (d.coefficient.is_zero() && !d.negative_zero && d.exponent == 0) return;
  AppendExponent(d.exponent, out);
  AppendSignedInt(d.coefficient, d.negative_zero, out);
}

void AppendTimestampRepr(const Timestamp& t, Bytes* out) {
  using P = Timestamp::Precision;
  const Timestamp u = t.ToUtcComponents();
  if (t.precision >= P::kMinute && t.offset_minutes) {
    int64_t off = *t.offset_minutes;
    AppendVarInt(static_cast<uint64_t>(off < 0 ? -off : off), off < 0, out);
  } else {
    out->push_back(0xC0);  // unknown offset
  }
  AppendVarUInt(static_cast<uint64_t>(u.year), out);
  if (t.precision >= P::kMonth) AppendVarUInt(u.month, out);
  if (t.precision >= P::kDay) AppendVarUInt(u.day, out);
  if (t.precision >= P::kMinute) {
    AppendVarUInt(u.hour, out);
    AppendVarUInt(u.minute, out);
  }
  if (t.precision >= P::kSecond) AppendVarUInt(u.second, out);
  if (t.precision == P::kFraction) {
    const Decimal& f = t.fraction;
    if (f.coefficient.is_zero()) {
      if (f.exponent < 0) AppendExponent(f.exponent, out);
    } else {
      AppendExponent(f.exponent, out);
      AppendSignedInt(f.coefficient, false, out);
    }
  }
}

namespace {

constexpr uint64_t kFirstLocalSid = kSystemMaxId + 1;

// Text -> SID map for symbol collection: open addressing with linear probing over a
// power-of-two table kept at most half full. Keys are views into the values being written.
class SidMap {
 public:
  SidMap() : slots_(64) {}

  // The SID stored for text, or 0 when text is absent.
  uint64_t Find(std::string_view text) const {
    const uint64_t h = Hash(text);
    const size_t mask = slots_.size() - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
      const Slot& s = slots_[i];
      if (!s.used) return 0;
      if (s.hash == h && s.text == text) return s.sid;
    }
  }

  // Inserts (text, sid) unless text is present; returns the SID stored for text.
  uint64_t FindOrInsert(std::string_view text, uint64_t sid) {
    const uint64_t h = Hash(text);
    size_t mask = slots_.size() - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
      Slot& s = slots_[i];
      if (!s.used) {
        s = Slot{text, sid, h, true};
        if (++size_ * 2 > slots_.size()) Grow();
        return sid;
      }
      if (s.hash == h && s.text == text) return s.sid;
    }
  }

 private:
  struct Slot {
    std::string_view text;
    uint64_t sid = 0;
    uint64_t hash = 0;
    bool used = false;
  };
  static uint64_t Hash(std::string_view t) {
    constexpr uint64_t kMul = 0x9E3779B97F4A7C15ull;
    uint64_t h = t.size() * kMul;
    const char* p = t.data();
    size_t n = t.size();
    while (n >= 8) {
      uint64_t w;
      std::memcpy(&w, p, 8);
      h = (h ^ w) * kMul;
      h ^= h >> 29;
      p += 8;
      n -= 8;
    }
    uint64_t w = 0;
    for (size_t i = 0; i < n; ++i) w |= uint64_t{static_cast<uint8_t>(p[i])} << (8 * i);
    h = (h ^ w) * kMul;
    return h ^ (h >> 32);
  }
  void Grow() {
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    const size_t mask = slots_.size() - 1;
    for (const Slot& s : old) {
      if (!s.used) continue;
      size_t i = s.hash & mask;
      while (slots_[i].used) i = (i + 1) & mask;
      slots_[i] = s;
    }
  }
  std::vector<Slot> slots_;
  size_t size_ = 0;
};

// A shared symbol table a stream imports.
struct Import {
  std::string_view name;
  int64_t max_id;
  uint64_t first_sid;
};

// Ion binary output: container descriptors patched once their length is known, scalars, and
// the local symbol table.
class BinaryOut {
 protected:
  // Containers and wrappers: reserve one descriptor byte, write the body, then patch the
  // descriptor, inserting a VarUInt length when the body is 14 bytes or longer.
  size_t Begin() {
    out_.push_back(0);
    return out_.size() - 1;
  }
  void End(size_t mark, uint8_t tid) {
    const size_t len = out_.size() - mark - 1;
    if (len < 14) {
      out_[mark] = static_cast<uint8_t>(tid << 4 | len);
      return;
    }
    out_[mark] = static_cast<uint8_t>(tid << 4 | 14);
    Bytes v;
    AppendVarUInt(len, &v);
    out_.insert(out_.begin() + static_cast<ptrdiff_t>(mark + 1), v.begin(), v.end());
  }
  void Header(uint8_t tid, size_t len) {
    if (len < 14) {
      out_.push_back(static_cast<uint8_t>(tid << 4 | len));
    } else {
      out_.push_back(static_cast<uint8_t>(tid << 4 | 14));
      AppendVarUInt(len, &out_);
    }
  }
  void WriteBytes(uint8_t tid, const void* p, size_t n) {
    Header(tid, n);
    const auto* b = static_cast<const uint8_t*>(p);
    out_.insert(out_.end(), b, b + n);
  }
  void WriteUIntValue(uint8_t tid, uint64_t v) {
    int n = 0;
    for (uint64_t t = v; t; t >>= 8) ++n;
    out_.push_back(static_cast<uint8_t>(tid << 4 | n));
    for (int k = n - 1; k >= 0; --k) out_.push_back(static_cast<uint8_t>(v >> (8 * k)));
  }
  void WriteString(std::string_view s) { WriteBytes(0x8, s.data(), s.size()); }

  // The local symbol table declaring `imports` (shared tables, in order) and `locals`.
  void WriteLocalSymbolTable(std::span<const Import> imports,
                             std::span<const std::string_view> locals) {
    const size_t wrapper = Begin();
    out_.push_back(0x81);                          // annot_length 1
    out_.push_back(0x80 | kSidIonSymbolTable);     // $ion_symbol_table
    const size_t st = Begin();
    if (!imports.empty()) {
      out_.push_back(0x80 | kSidImports);
      const size_t list = Begin();
      for (const Import& imp : imports) {
        const size_t s = Begin();
        out_.push_back(0x80 | kSidName);
        WriteString(imp.name);
        out_.push_back(0x80 | kSidVersion);
        WriteUIntValue(0x2, 1);
        out_.push_back(0x80 | kSidMaxId);
        WriteUIntValue(0x2, static_cast<uint64_t>(imp.max_id));
        End(s, 0xD);
      }
      End(list, 0xB);
    }
    if (!locals.empty()) {
      out_.push_back(0x80 | kSidSymbols);
      const size_t list = Begin();
      for (std::string_view s : locals) WriteString(s);
      End(list, 0xB);
    }
    End(st, 0xD);
    End(wrapper, 0xE);
  }

  Bytes out_;
};

class Encoder : public BinaryOut {
 public:
  Encoder() = default;
  // Encodes with the value at address `splice_at` written as `piece` (see WriteBinarySpliced).
  Encoder(const Value* splice_at, const EncodedValue* piece) : splice_at_(splice_at), piece_(piece) {}

  // False when a spliced encoding was impossible (see WriteBinarySpliced); Encode's result is
  // then meaningless.
  bool splice_ok() const { return splice_ok_; }
  // After Encode: the offset of the first value and the local symbols, in SID order.
  size_t body_offset() const { return body_offset_; }
  const std::vector<std::string_view>& locals() const { return locals_; }
  bool has_imports() const { return !imports_.empty(); }

  Bytes Encode(std::span<const Value> values) {
    for (uint64_t sid = 1; sid <= kSystemMaxId; ++sid) sids_.FindOrInsert(kSystemSymbols[sid], sid);
    if (piece_ != nullptr) {
      // The piece's symbols first, so they keep the SIDs its bytes use.
      for (const std::string& s : piece_->local_symbols) {
        const uint64_t fresh = kFirstLocalSid + locals_.size();
        if (sids_.FindOrInsert(s, fresh) != fresh) splice_ok_ = false;  // duplicate or system
        locals_.push_back(s);
        size_estimate_ += s.size() + 3;
      }
    }
    for (const Value& v : values) Collect(v, 0);
    if (piece_ != nullptr && !imports_.empty()) splice_ok_ = false;
    out_.reserve(size_estimate_ + 64);
    uint64_t base = kFirstLocalSid;
    for (Import& imp : imports_) {
      imp.first_sid = base;
      base += static_cast<uint64_t>(imp.max_id);
    }
    import_total_ = base - kFirstLocalSid;
    out_ = {0xE0, 0x01, 0x00, 0xEA};
    if (!locals_.empty() || !imports_.empty()) WriteSymbolTable();
    body_offset_ = out_.size();
    for (const Value& v : values) WriteValue(v);
    return std::move(out_);
  }

 private:

  // Records the symbol's provisional SID in sid_seq_, in the order WriteValue asks for them.
  void CollectSymbol(const Symbol& s) {
    if (s.has_text) {
      const uint64_t fresh = kFirstLocalSid + locals_.size();
      const uint64_t sid = sids_.FindOrInsert(s.text, fresh);
      if (sid == fresh) {
        locals_.push_back(s.text);
        size_estimate_ += s.text.size() + 3;
      }
      sid_seq_.push_back(sid);
      return;
    }
    sid_seq_.push_back(kResolveLater);
    if (s.import_name.empty() || s.import_offset <= 0) return;
    for (Import& imp : imports_) {
      if (imp.name == s.import_name) {
        imp.max_id = std::max(imp.max_id, s.import_offset);
        return;
      }
    }
    imports_.push_back(Import{s.import_name, s.import_offset, 0});
  }

  void Collect(const Value& v, int depth) {
    if (&v == splice_at_) {
      size_estimate_ += piece_->bytes.size() - piece_->body_offset;
      return;
    }
    size_estimate_ += 4;
    for (const Symbol& a : v.annotations()) CollectSymbol(a);
    if (v.is_null()) return;
    switch (v.type()) {
      case Type::kString:
        size_estimate_ += v.as_string().size();
        break;
      case Type::kClob:
      case Type::kBlob:
        size_estimate_ += v.as_bytes().size();
        break;
      case Type::kInt:
      case Type::kFloat:
      case Type::kDecimal:
      case Type::kTimestamp:
        size_estimate_ += 8;
        break;
      case Type::kSymbol:
        CollectSymbol(v.as_symbol());
        break;
      case Type::kList:
      case Type::kSexp:
        for (const Value& e : v.elements()) Collect(e, depth + 1);
        break;
      case Type::kStruct:
        for (const Field& f : v.fields()) {
          CollectSymbol(f.name);
          Collect(f.value, depth + 1);
        }
        break;
      default:
        break;
    }
  }

  // The final SID of `s`, which must be the next symbol in collection order.
  uint64_t Sid(const Symbol& s) {
    const uint64_t sid = sid_seq_[sid_pos_++];
    if (sid != kResolveLater) return sid >= kFirstLocalSid ? sid + import_total_ : sid;
    if (s.import_name.empty() || s.import_offset <= 0) return 0;
    for (const Import& imp : imports_) {
      if (imp.name == s.import_name) return imp.first_sid + static_cast<uint64_t>(s.import_offset) - 1;
    }
    return 0;  // unreachable: every import name was collected
  }

  void WriteSymbolTable() { WriteLocalSymbolTable(imports_, locals_); }

  void WriteValue(const Value& v) {
    if (&v == splice_at_) {
      out_.insert(out_.end(), piece_->bytes.begin() + static_cast<ptrdiff_t>(piece_->body_offset),
                  piece_->bytes.end());
      return;
    }
    if (v.annotations().empty()) {
      WriteBare(v);
      return;
    }
    const size_t wrapper = Begin();
    Bytes sids;
    for (const Symbol& a : v.annotations()) AppendVarUInt(Sid(a), &sids);
    AppendVarUInt(sids.size(), &out_);
    out_.insert(out_.end(), sids.begin(), sids.end());
    WriteBare(v);
    End(wrapper, 0xE);
  }

  static uint8_t Tid(Type t) {
    switch (t) {
      case Type::kNull: return 0x0;
      case Type::kBool: return 0x1;
      case Type::kInt: return 0x2;
      case Type::kFloat: return 0x4;
      case Type::kDecimal: return 0x5;
      case Type::kTimestamp: return 0x6;
      case Type::kSymbol: return 0x7;
      case Type::kString: return 0x8;
      case Type::kClob: return 0x9;
      case Type::kBlob: return 0xA;
      case Type::kList: return 0xB;
      case Type::kSexp: return 0xC;
      case Type::kStruct: return 0xD;
    }
    return 0;
  }

  void WriteBare(const Value& v) {
    if (v.is_null()) {
      out_.push_back(static_cast<uint8_t>(Tid(v.type()) << 4 | 0x0F));
      return;
    }
    switch (v.type()) {
      case Type::kNull:
        out_.push_back(0x0F);
        break;
      case Type::kBool:
        out_.push_back(v.as_bool() ? 0x11 : 0x10);
        break;
      case Type::kInt: {
        const Int& i = v.as_int();
        const uint8_t tid = i.sign() < 0 ? 0x3 : 0x2;
        if (i.is_small()) {
          int64_t s = i.small();
          WriteUIntValue(tid, s < 0 ? uint64_t{0} - static_cast<uint64_t>(s) : static_cast<uint64_t>(s));
        } else {
          Bytes m = i.MagnitudeBytes();
          WriteBytes(tid, m.data(), m.size());
        }
        break;
      }
      case Type::kFloat: {
        const size_t mark = Begin();
        AppendFloatRepr(v.as_float(), &out_);
        End(mark, 0x4);
        break;
      }
      case Type::kDecimal: {
        const size_t mark = Begin();
        AppendDecimalRepr(v.as_decimal(), &out_);
        End(mark, 0x5);
        break;
      }
      case Type::kTimestamp: {
        const size_t mark = Begin();
        AppendTimestampRepr(v.as_timestamp(), &out_);
        End(mark, 0x6);
        break;
      }
      case Type::kSymbol:
        WriteUIntValue(0x7, Sid(v.as_symbol()));
        break;
      case Type::kString:
        WriteString(v.as_string());
        break;
      case Type::kClob:
      case Type::kBlob:
        WriteBytes(Tid(v.type()), v.as_bytes().data(), v.as_bytes().size());
        break;
      case Type::kList:
      case Type::kSexp: {
        const size_t mark = Begin();
        for (const Value& e : v.elements()) WriteValue(e);
        End(mark, Tid(v.type()));
        break;
      }
      case Type::kStruct: {
        const size_t mark = Begin();
        for (const Field& f : v.fields()) {
          AppendVarUInt(Sid(f.name), &out_);
          WriteValue(f.value);
        }
        End(mark, 0xD);
        break;
      }
    }
  }

  // Marks a symbol with unknown text in sid_seq_ (resolved through imports_ when written).
  static constexpr uint64_t kResolveLater = ~uint64_t{0};

  SidMap sids_;  // text -> system SID or provisional local SID
  std::vector<uint64_t> sid_seq_;  // provisional SID of every symbol, in collection order
  size_t sid_pos_ = 0;
  size_t size_estimate_ = 0;
  std::vector<std::string_view> locals_;
  std::vector<Import> imports_;
  uint64_t import_total_ = 0;
  const Value* splice_at_ = nullptr;
  const EncodedValue* piece_ = nullptr;
  bool splice_ok_ = true;
  size_t body_offset_ = 0;
};

}  // namespace

class BinaryStreamWriter::Impl : public BinaryOut {
 public:
  Impl(const EncodedValue* piece, std::span<const std::string_view> symbols) : piece_(piece) {
    for (uint64_t sid = 1; sid <= kSystemMaxId; ++sid) sids_.FindOrInsert(kSystemSymbols[sid], sid);
    auto declare = [&](std::string_view text) {
      const uint64_t fresh = kFirstLocalSid + locals_.size();
      if (sids_.FindOrInsert(text, fresh) == fresh) locals_.push_back(text);
    };
    if (piece_ != nullptr) {
      for (const std::string& s : piece_->local_symbols) declare(s);
      // Repeated or system texts would move the piece's SIDs: its bytes could not be copied.
      if (locals_.size() != piece_->local_symbols.size() || !piece_->spliceable) piece_ = nullptr;
    }
    for (std::string_view s : symbols) declare(s);
    out_ = {0xE0, 0x01, 0x00, 0xEA};
    if (!locals_.empty()) WriteLocalSymbolTable({}, locals_);
  }

  void Begin(uint8_t tid) {
    FieldPrefix();
    open_.push_back({BinaryOut::Begin(), tid});
  }
  void End() {
    if (open_.empty()) {
      ok_ = false;
      return;
    }
    BinaryOut::End(open_.back().mark, open_.back().tid);
    open_.pop_back();
  }
  void Field(std::string_view name) {
    const uint64_t sid = sids_.Find(name);
    if (sid == 0) ok_ = false;  // not declared
    field_sid_ = sid;
    has_field_ = true;
  }
  void String(std::string_view s) {
    FieldPrefix();
    WriteString(s);
  }
  void Blob(std::span<const uint8_t> b) {
    FieldPrefix();
    WriteBytes(0xA, b.data(), b.size());
  }
  void Int(int64_t i) {
    FieldPrefix();
    WriteUIntValue(i < 0 ? 0x3 : 0x2,
                   i < 0 ? uint64_t{0} - static_cast<uint64_t>(i) : static_cast<uint64_t>(i));
  }
  void Time(const Timestamp& t) {
    FieldPrefix();
    const size_t mark = BinaryOut::Begin();
    AppendTimestampRepr(t, &out_);
    BinaryOut::End(mark, 0x6);
  }
  void Spliced() {
    FieldPrefix();
    if (piece_ == nullptr) {
      ok_ = false;
      return;
    }
    out_.insert(out_.end(), piece_->bytes.begin() + static_cast<ptrdiff_t>(piece_->body_offset),
                piece_->bytes.end());
  }
  Result<Bytes> Finish() {
    if (!ok_ || !open_.empty() || has_field_) {
      return Status::InvalidArgument("malformed stream write (undeclared field name, unbalanced "
                                     "containers or a splice without a piece)");
    }
    return std::move(out_);
  }

 private:
  struct Open {
    size_t mark;
    uint8_t tid;
  };
  // Inside a struct, the field name written before the value.
  void FieldPrefix() {
    const bool in_struct = !open_.empty() && open_.back().tid == 0xD;
    if (in_struct != has_field_) ok_ = false;
    if (has_field_) AppendVarUInt(field_sid_, &out_);
    has_field_ = false;
  }

  const EncodedValue* piece_;
  SidMap sids_;
  std::vector<std::string_view> locals_;
  std::vector<Open> open_;
  uint64_t field_sid_ = 0;
  bool has_field_ = false;
  bool ok_ = true;
};

BinaryStreamWriter::BinaryStreamWriter(const EncodedValue* piece,
                                       std::span<const std::string_view> symbols)
    : impl_(std::make_unique<Impl>(piece, symbols)) {}
BinaryStreamWriter::~BinaryStreamWriter() = default;
void BinaryStreamWriter::BeginStruct() { impl_->Begin(0xD); }
void BinaryStreamWriter::BeginList() { impl_->Begin(0xB); }
void BinaryStreamWriter::End() { impl_->End(); }
void BinaryStreamWriter::Field(std::string_view name) { impl_->Field(name); }
void BinaryStreamWriter::String(std::string_view s) { impl_->String(s); }
void BinaryStreamWriter::Blob(std::span<const uint8_t> b) { impl_->Blob(b); }
void BinaryStreamWriter::Int(int64_t i) { impl_->Int(i); }
void BinaryStreamWriter::Time(const Timestamp& t) { impl_->Time(t); }
void BinaryStreamWriter::Spliced() { impl_->Spliced(); }
void BinaryStreamWriter::StringField(std::string_view name, std::string_view s) {
  impl_->Field(name);
  impl_->String(s);
}
void BinaryStreamWriter::BlobField(std::string_view name, std::span<const uint8_t> b) {
  impl_->Field(name);
  impl_->Blob(b);
}
void BinaryStreamWriter::IntField(std::string_view name, int64_t i) {
  impl_->Field(name);
  impl_->Int(i);
}
void BinaryStreamWriter::TimeField(std::string_view name, const Timestamp& t) {
  impl_->Field(name);
  impl_->Time(t);
}
Result<Bytes> BinaryStreamWriter::Finish() && { return impl_->Finish(); }

Bytes WriteBinary(std::span<const Value> values) { return Encoder().Encode(values); }

Bytes WriteBinary(const Value& value) { return Encoder().Encode({&value, 1}); }

EncodedValue EncodeForSplice(const Value& value) {
  Encoder encoder;
  EncodedValue e;
  e.bytes = encoder.Encode({&value, 1});
  e.body_offset = encoder.body_offset();
  e.spliceable = !encoder.has_imports();
  e.local_symbols.reserve(encoder.locals().size());
  for (std::string_view s : encoder.locals()) e.local_symbols.emplace_back(s);
  return e;
}

Result<Bytes> WriteBinarySpliced(const Value& outer, const Value* placeholder,
                                 const EncodedValue& piece) {
  if (!piece.spliceable) {
    return Status::InvalidArgument("a value holding shared-import symbols cannot be spliced");
  }
  Encoder encoder(placeholder, &piece);
  Bytes out = encoder.Encode({&outer, 1});
  if (!encoder.splice_ok()) {
    return Status::InvalidArgument("cannot splice an encoded value into one with shared-import symbols");
  }
  return out;
}

}  // namespace folio::ion
