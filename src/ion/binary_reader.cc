#include "ion/binary_reader.h"

#include <cstring>
#include <string>

namespace folio::ion {

namespace {

constexpr uint8_t kIvm[4] = {0xE0, 0x01, 0x00, 0xEA};

constexpr Type kTypeOfTid[14] = {
    Type::kNull,      Type::kBool,   Type::kInt,    Type::kInt,   Type::kFloat,
    Type::kDecimal,   Type::kTimestamp, Type::kSymbol, Type::kString, Type::kClob,
    Type::kBlob,      Type::kList,   Type::kSexp,   Type::kStruct,
};

// Decodes an Ion `Int` field (sign-magnitude, big-endian) of n >= 1 bytes.
void DecodeSignedInt(const uint8_t* b, size_t n, Bytes* scratch, Int* out, bool* negative_zero) {
  bool negative = (b[0] & 0x80) != 0;
  if (n <= 8) {
    uint64_t v = b[0] & 0x7F;
    for (size_t i = 1; i < n; ++i) v = v << 8 | b[i];
    // v < 2^63 because the sign bit was masked.
    int64_t s = static_cast<int64_t>(v);
    *out = Int(negative ? -s : s);
    *negative_zero = negative && v == 0;
    return;
  }
  scratch->assign(b, b + n);
  (*scratch)[0] &= 0x7F;
  *out = Int::FromMagnitude(*scratch, negative);
  *negative_zero = negative && out->is_zero();
}

}  // namespace

bool IsValidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const uint8_t* end = p + s.size();
  while (p < end) {
    // ASCII fast path, 8 bytes at a time.
    while (end - p >= 8) {
      uint64_t w;
      std::memcpy(&w, p, 8);
      if (w & 0x8080808080808080ull) break;
      p += 8;
    }
    if (p >= end) break;
    uint8_t c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    size_t n;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
      n = 2;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 3;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (static_cast<size_t>(end - p) < n) return false;
    for (size_t i = 1; i < n; ++i) {
      if ((p[i] & 0xC0) != 0x80) return false;
      cp = cp << 6 | (p[i] & 0x3F);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF))) return false;
    if (cp >= 0xD800 && cp <= 0xDFFF) return false;
    p += n;
  }
  return true;
}

BinaryCursor::BinaryCursor(std::span<const uint8_t> data)
    : data_(data.data()), size_(data.size()), next_(0) {
  frames_.reserve(8);
}

bool BinaryCursor::Fail(size_t at, std::string_view reason) {
  if (status_.ok()) {
    std::string m = "ion binary: offset ";
    m += std::to_string(at);
    m += ": ";
    m += reason;
    status_ = Status::InvalidArgument(std::move(m));
  }
  has_value_ = false;
  return false;
}

Status BinaryCursor::Error(size_t at, std::string_view reason) {
  Fail(at, reason);
  return status_;
}

inline bool BinaryCursor::ReadVarUInt(size_t* p, size_t end, uint64_t* out) {
  size_t q = *p;
  if (q < end && (data_[q] & 0x80)) {  // one-byte fast path
    *out = data_[q] & 0x7F;
    *p = q + 1;
    return true;
  }
  uint64_t v = 0;
  for (;;) {
    if (q >= end) return Fail(*p, "truncated VarUInt");
    uint8_t b = data_[q++];
    if (v >> 57) return Fail(*p, "VarUInt overflows 64 bits");
    v = v << 7 | (b & 0x7F);
    if (b & 0x80) break;
  }
  *p = q;
  *out = v;
  return true;
}

bool BinaryCursor::ReadVarInt(size_t* p, size_t end, int64_t* magnitude, bool* negative) {
  size_t q = *p;
  if (q >= end) return Fail(*p, "truncated VarInt");
  uint8_t b = data_[q++];
  *negative = (b & 0x40) != 0;
  uint64_t v = b & 0x3F;
  while (!(b & 0x80)) {
    if (q >= end) return Fail(*p, "truncated VarInt");
    b = data_[q++];
    if (v >> 56) return Fail(*p, "VarInt overflows 64 bits");
    v = v << 7 | (b & 0x7F);
  }
  *p = q;
  *magnitude = static_cast<int64_t>(v);
  return true;
}

bool BinaryCursor::ParseHeader(size_t* p, size_t end) {
  const size_t start = *p;
  size_t q = start + 1;
  const uint8_t d = data_[start];
  tid_ = d >> 4;
  low_ = d & 0x0F;
  is_null_ = false;
  uint64_t len = low_;
  switch (tid_) {
    case 0x0:  // only L=15 (null) reaches here; other L are NOP pads
      type_ = Type::kNull;
      is_null_ = true;
      len = 0;
      break;
    case 0x1:
      type_ = Type::kBool;
      if (low_ == 15) {
        is_null_ = true;
      } else if (low_ > 1) {
        return Fail(start, "illegal bool type descriptor");
      }
      len = 0;
      break;
    case 0x4:
      type_ = Type::kFloat;
      if (low_ == 15) {
        is_null_ = true;
        len = 0;
      } else if (low_ != 0 && low_ != 4 && low_ != 8) {
        return Fail(start, "illegal float length (must be 0, 4 or 8)");
      }
      break;
    case 0xE:
      return Fail(start, "unexpected annotation wrapper or version marker");
    case 0xF:
      return Fail(start, "reserved type code 0xF");
    default:
      type_ = kTypeOfTid[tid_];
      if (low_ == 15) {
        is_null_ = true;
        len = 0;
        break;
      }
      if (tid_ == 0x3 && low_ == 0) return Fail(start, "negative int with no magnitude");
      if (tid_ == 0x6 && low_ < 2) return Fail(start, "timestamp too short");
      if (low_ == 14 || (tid_ == 0xD && low_ == 1)) {
        if (!ReadVarUInt(&q, end, &len)) return false;
        if (tid_ == 0xD && low_ == 1 && len == 0) return Fail(start, "empty sorted struct");
      }
      break;
  }
  if (len > end - q) return Fail(start, "value length runs past the end of its container");
  body_ = q;
  body_len_ = len;
  *p = q + len;
  return true;
}

bool BinaryCursor::ParseAnnotations(size_t* p, size_t end) {
  const size_t start = *p;
  const uint8_t l = data_[start] & 0x0F;
  size_t q = start + 1;
  if (l < 3 || l == 15) return Fail(start, "illegal annotation wrapper length");
  uint64_t len = l;
  if (l == 14 && !ReadVarUInt(&q, end, &len)) return false;
  if (len > end - q) return Fail(start, "annotation wrapper runs past the end of its container");
  const size_t wend = q + len;
  uint64_t alen = 0;
  if (!ReadVarUInt(&q, wend, &alen)) return false;
  if (alen == 0) return Fail(start, "annotation wrapper with no annotations");
  if (alen > wend - q) return Fail(start, "annotation list runs past the annotation wrapper");
  const size_t aend = q + alen;
  while (q < aend) {
    uint64_t sid = 0;
    if (!ReadVarUInt(&q, aend, &sid)) return false;
    annotations_.push_back(sid);
  }
  if (q >= wend) return Fail(start, "annotation wrapper with no value");
  const uint8_t d = data_[q];
  if ((d >> 4) == 0xE) return Fail(q, "annotation wrapper inside an annotation wrapper");
  if ((d >> 4) == 0 && (d & 0x0F) != 15) return Fail(q, "NOP pad inside an annotation wrapper");
  if (!ParseHeader(&q, wend)) return false;
  if (q != wend) return Fail(start, "annotation wrapper length does not match its value");
  *p = q;
  return true;
}

bool BinaryCursor::Next() {
  if (!status_.ok()) return false;
  if (!started_) {
    started_ = true;
    if (size_ < 4 || std::memcmp(data_, kIvm, 4) != 0) {
      return Fail(0, "missing binary version marker E0 01 00 EA");
    }
    next_ = 4;
  }
  has_value_ = false;
  size_t p = next_;
  const size_t end = container_end();
  const bool top = frames_.empty();
  const bool in_struct = !top && frames_.back().type == Type::kStruct;
  for (;;) {
    if (p >= end) {
      next_ = p;
      return false;
    }
    if (top && data_[p] == 0xE0) {
      if (end - p < 4 || data_[p + 1] != 0x01 || data_[p + 2] != 0x00 || data_[p + 3] != 0xEA) {
        return Fail(p, "unsupported or malformed binary version marker");
      }
      symtab_.Reset();
      p += 4;
      continue;
    }
    const size_t field_start = p;
    if (in_struct) {
      if (!ReadVarUInt(&p, end, &field_sid_)) return false;
      if (p >= end) return Fail(field_start, "struct field name without a value");
    }
    value_start_ = p;
    const uint8_t d = data_[p];
    if ((d >> 4) == 0 && (d & 0x0F) != 15) {  // NOP pad; its field name (if any) is ignored
      size_t q = p + 1;
      uint64_t len = d & 0x0F;
      if (len == 14 && !ReadVarUInt(&q, end, &len)) return false;
      if (len > end - q) return Fail(p, "NOP pad runs past the end of its container");
      p = q + len;
      continue;
    }
    annotations_.clear();
    if ((d >> 4) == 0xE) {
      if (!ParseAnnotations(&p, end)) return false;
    } else {
      if (!ParseHeader(&p, end)) return false;
    }
    next_ = p;
    SymbolRef ref;
    for (uint64_t sid : annotations_) {
      if (!symtab_.Lookup(sid, &ref)) {
        return Fail(value_start_, "annotation symbol ID " + std::to_string(sid) +
                                      " is not in the symbol table");
      }
    }
    if (top) {
      if (tid_ == 0xD && !annotations_.empty() && symtab_.Lookup(annotations_[0], &ref) &&
          ref.has_text && ref.text == "$ion_symbol_table") {
        has_value_ = true;
        if (!ProcessSymbolTable()) return false;
        has_value_ = false;
        continue;
      }
      if (tid_ == 0x7 && annotations_.empty() && !is_null_) {
        has_value_ = true;
        uint64_t sid;
        if (!ReadSymbol(&ref, &sid).ok()) return false;
        has_value_ = false;
        if (ref.has_text && ref.text == "$ion_1_0") continue;  // a no-op system value
      }
    }
    if (in_struct && !symtab_.Lookup(field_sid_, &field_name_)) {
      return Fail(field_start, "field name symbol ID " + std::to_string(field_sid_) +
                                   " is not in the symbol table");
    }
    has_value_ = true;
    return true;
  }
}

SymbolRef BinaryCursor::annotation(size_t i) const {
  SymbolRef r;
  symtab_.Lookup(annotations_[i], &r);  // validated by Next()
  return r;
}

Status BinaryCursor::CheckType(Type t) const {
  if (!has_value_) return Status::InvalidArgument("ion binary: no current value");
  if (type_ != t || is_null_) {
    return Status::InvalidArgument("ion binary: offset " + std::to_string(value_start_) +
                                   ": expected a non-null " + std::string(TypeName(t)));
  }
  return Status::OK();
}

Status BinaryCursor::ReadBool(bool* out) {
  FOLIO_TRY(CheckType(Type::kBool));
  *out = low_ == 1;
  return Status::OK();
}

Status BinaryCursor::ReadInt64(int64_t* out) {
  FOLIO_TRY(CheckType(Type::kInt));
  const uint8_t* b = data_ + body_;
  size_t n = body_len_;
  while (n > 0 && *b == 0) {
    ++b;
    --n;
  }
  const bool negative = tid_ == 0x3;
  if (n == 0) {
    if (negative) return Error(value_start_, "negative int with zero magnitude");
    *out = 0;
    return Status::OK();
  }
  if (n > 8) return Error(value_start_, "int does not fit in 64 bits");
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v = v << 8 | b[i];
  if (negative) {
    if (v > uint64_t{1} << 63) return Error(value_start_, "int does not fit in 64 bits");
    *out = static_cast<int64_t>(uint64_t{0} - v);
  } else {
    if (v > uint64_t(INT64_MAX)) return Error(value_start_, "int does not fit in 64 bits");
    *out = static_cast<int64_t>(v);
  }
  return Status::OK();
}

Status BinaryCursor::ReadInt(Int* out) {
  FOLIO_TRY(CheckType(Type::kInt));
  const uint8_t* b = data_ + body_;
  size_t n = body_len_;
  while (n > 0 && *b == 0) {
    ++b;
    --n;
  }
  const bool negative = tid_ == 0x3;
  if (n == 0 && negative) return Error(value_start_, "negative int with zero magnitude");
  *out = Int::FromMagnitude({b, n}, negative);
  return Status::OK();
}

Status BinaryCursor::ReadFloat(double* out) {
  FOLIO_TRY(CheckType(Type::kFloat));
  const uint8_t* b = data_ + body_;
  if (body_len_ == 0) {
    *out = 0.0;
  } else if (body_len_ == 4) {
    uint32_t bits = uint32_t{b[0]} << 24 | uint32_t{b[1]} << 16 | uint32_t{b[2]} << 8 | b[3];
    float f;
    std::memcpy(&f, &bits, 4);
    *out = static_cast<double>(f);
  } else {
    uint64_t bits = 0;
    for (int i = 0; i < 8; ++i) bits = bits << 8 | b[i];
    std::memcpy(out, &bits, 8);
  }
  return Status::OK();
}

Status BinaryCursor::ReadDecimal(Decimal* out) {
  FOLIO_TRY(CheckType(Type::kDecimal));
  *out = Decimal{};
  if (body_len_ == 0) return Status::OK();
  size_t p = body_;
  const size_t e = body_ + body_len_;
  int64_t mag;
  bool neg;
  if (!ReadVarInt(&p, e, &mag, &neg)) return status_;
  if (mag > INT32_MAX) return Error(value_start_, "decimal exponent out of range");
  out->exponent = static_cast<int32_t>(neg ? -mag : mag);
  if (p < e) {
    DecodeSignedInt(data_ + p, e - p, &scratch_, &out->coefficient, &out->negative_zero);
  }
  return Status::OK();
}

Status BinaryCursor::ReadTimestamp(Timestamp* out) {
  FOLIO_TRY(CheckType(Type::kTimestamp));
  size_t p = body_;
  const size_t e = body_ + body_len_;
  int64_t off_mag;
  bool off_neg;
  if (!ReadVarInt(&p, e, &off_mag, &off_neg)) return status_;
  Timestamp t;
  uint64_t year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0;
  if (!ReadVarUInt(&p, e, &year)) return status_;
  t.precision = Timestamp::Precision::kYear;
  if (p < e) {
    if (!ReadVarUInt(&p, e, &month)) return status_;
    t.precision = Timestamp::Precision::kMonth;
  }
  if (p < e) {
    if (!ReadVarUInt(&p, e, &day)) return status_;
    t.precision = Timestamp::Precision::kDay;
  }
  if (p < e) {
    if (!ReadVarUInt(&p, e, &hour)) return status_;
    if (p >= e) return Error(value_start_, "timestamp hour without minute");
    if (!ReadVarUInt(&p, e, &minute)) return status_;
    t.precision = Timestamp::Precision::kMinute;
  }
  if (p < e) {
    if (!ReadVarUInt(&p, e, &second)) return status_;
    t.precision = Timestamp::Precision::kSecond;
  }
  if (p < e) {
    int64_t exp_mag;
    bool exp_neg;
    if (!ReadVarInt(&p, e, &exp_mag, &exp_neg)) return status_;
    if (exp_mag > INT32_MAX) return Error(value_start_, "timestamp fraction exponent out of range");
    if (exp_neg && exp_mag > kMaxTimestampFractionDigits) {
      return Error(value_start_, "timestamp fraction has more than " +
                                     std::to_string(kMaxTimestampFractionDigits) + " digits");
    }
    Decimal f;
    f.exponent = static_cast<int32_t>(exp_neg ? -exp_mag : exp_mag);
    bool negative_zero = false;
    if (p < e) DecodeSignedInt(data_ + p, e - p, &scratch_, &f.coefficient, &negative_zero);
    if (f.coefficient.sign() < 0) return Error(value_start_, "negative timestamp fraction");
    if (!f.coefficient.is_zero()) {
      if (f.exponent >= 0) return Error(value_start_, "timestamp fraction is not below 1");
      t.precision = Timestamp::Precision::kFraction;
      t.fraction = std::move(f);
    } else if (f.exponent < 0) {
      t.precision = Timestamp::Precision::kFraction;
      t.fraction = Decimal{Int(0), f.exponent, false};
    }  // else: a zero fraction with exponent >= 0 means no fraction.
  }
  // Binary components are UTC: with an offset, a local 0001-01-01T00:00+00:04 is UTC year 0 and
  // a local 9999-12-31T23:59-00:01 is UTC year 10000. Those years are allowed here; the local
  // timestamp is validated below.
  const bool has_offset = t.precision >= Timestamp::Precision::kMinute && !(off_neg && off_mag == 0);
  const uint64_t min_year = has_offset ? 0 : 1, max_year = has_offset ? 10000 : 9999;
  if (year < min_year || year > max_year || month < 1 || month > 12 || day < 1 || day > 31 ||
      hour > 23 || minute > 59 || second > 59) {
    return Error(value_start_, "timestamp field out of range");
  }
  t.year = static_cast<int32_t>(year);
  t.month = static_cast<uint8_t>(month);
  t.day = static_cast<uint8_t>(day);
  t.hour = static_cast<uint8_t>(hour);
  t.minute = static_cast<uint8_t>(minute);
  t.second = static_cast<uint8_t>(second);
  if (t.precision >= Timestamp::Precision::kMinute && !(off_neg && off_mag == 0)) {
    if (off_mag >= 24 * 60) return Error(value_start_, "timestamp offset out of range");
    t.offset_minutes = static_cast<int16_t>(off_neg ? -off_mag : off_mag);
  }
  // Calendar check of the UTC components; years 0 and 10000 share their leap-year rule with
  // 400 and 2000.
  Timestamp utc_check = t;
  if (utc_check.year == 0) utc_check.year = 400;
  if (utc_check.year == 10000) utc_check.year = 2000;
  Status s = utc_check.Validate();
  if (!s.ok()) return Error(value_start_, s.message());
  Timestamp local = Timestamp::FromUtcComponents(t);
  s = local.Validate();
  if (!s.ok()) return Error(value_start_, s.message());
  *out = std::move(local);
  return Status::OK();
}

Status BinaryCursor::ReadString(std::string_view* out) {
  FOLIO_TRY(CheckType(Type::kString));
  std::string_view s(reinterpret_cast<const char*>(data_ + body_), body_len_);
  if (!IsValidUtf8(s)) return Error(value_start_, "invalid UTF-8 in string");
  *out = s;
  return Status::OK();
}

Status BinaryCursor::ReadSymbol(SymbolRef* out, uint64_t* sid_out) {
  FOLIO_TRY(CheckType(Type::kSymbol));
  const uint8_t* b = data_ + body_;
  size_t n = body_len_;
  while (n > 0 && *b == 0) {
    ++b;
    --n;
  }
  if (n > 8) return Error(value_start_, "symbol ID too large");
  uint64_t sid = 0;
  for (size_t i = 0; i < n; ++i) sid = sid << 8 | b[i];
  if (!symtab_.Lookup(sid, out)) {
    return Error(value_start_, "symbol ID " + std::to_string(sid) + " is not in the symbol table");
  }
  if (sid_out != nullptr) *sid_out = sid;
  return Status::OK();
}

Status BinaryCursor::ReadLob(std::span<const uint8_t>* out) {
  if (type_ == Type::kClob) {
    FOLIO_TRY(CheckType(Type::kClob));
  } else {
    FOLIO_TRY(CheckType(Type::kBlob));
  }
  *out = {data_ + body_, body_len_};
  return Status::OK();
}

size_t BinaryCursor::CountChildrenHint() const {
  if (!has_value_ || is_null_) return 0;
  const bool is_struct = type_ == Type::kStruct;
  size_t p = body_;
  const size_t end = body_ + body_len_;
  size_t n = 0;
  // VarUInt without error reporting; false when truncated or too long.
  auto var_uint = [&](uint64_t* v) {
    *v = 0;
    for (int i = 0; i < 10 && p < end; ++i) {
      uint8_t b = data_[p++];
      *v = *v << 7 | (b & 0x7F);
      if (b & 0x80) return true;
    }
    return false;
  };
  while (p < end) {
    uint64_t v;
    if (is_struct && !var_uint(&v)) break;
    if (p >= end) break;
    const uint8_t d = data_[p++];
    uint64_t len = d & 0x0F;
    const uint8_t t = d >> 4;
    if (len == 15 || t == 0x1) {
      len = 0;
    } else if (len == 14 || (t == 0xD && len == 1)) {
      if (!var_uint(&len)) break;
    }
    if (len > end - p) break;
    p += len;
    ++n;
  }
  return n;
}

Status BinaryCursor::StepIn() {
  if (!has_value_ || is_null_ ||
      (type_ != Type::kList && type_ != Type::kSexp && type_ != Type::kStruct)) {
    return Status::InvalidArgument("ion binary: StepIn requires a non-null container");
  }
  if (frames_.size() >= static_cast<size_t>(kMaxDepth)) {
    return Error(value_start_, "containers nested deeper than " + std::to_string(kMaxDepth));
  }
  frames_.push_back(Frame{body_ + body_len_, type_});
  next_ = body_;
  has_value_ = false;
  return Status::OK();
}

Status BinaryCursor::StepOut() {
  if (frames_.empty()) return Status::InvalidArgument("ion binary: StepOut at top level");
  next_ = frames_.back().end;
  frames_.pop_back();
  has_value_ = false;
  return Status::OK();
}

bool BinaryCursor::ProcessImports(SymbolTable* table) {
  if (!StepIn().ok()) return false;
  while (Next()) {
    if (type_ != Type::kStruct || is_null_) continue;
    const size_t import_at = value_start_;
    if (!StepIn().ok()) return false;
    std::string_view name;
    bool has_max = false;
    uint64_t max_id = 0;
    while (Next()) {
      if (!field_name_.has_text || is_null_) continue;
      if (field_name_.text == "name" && type_ == Type::kString) {
        if (!ReadString(&name).ok()) return false;
      } else if (field_name_.text == "max_id" && type_ == Type::kInt) {
        Int v;
        if (!ReadInt(&v).ok()) return false;
        if (v.sign() >= 0) {
          std::optional<int64_t> m = v.ToInt64();
          if (!m || static_cast<uint64_t>(*m) > kMaxSid) {
            return Fail(value_start_, "symbol table import max_id too large");
          }
          has_max = true;
          max_id = static_cast<uint64_t>(*m);
        }
      }
      // `version` only selects a table from a catalog; with no catalog it changes nothing.
    }
    if (!status_.ok() || !StepOut().ok()) return false;
    if (name.empty() || name == "$ion") continue;
    if (!has_max) {
      return Fail(import_at, "import of shared symbol table '" + std::string(name) +
                                 "' has no max_id and no catalog holds it");
    }
    Status s = table->AddImport(std::string(name), max_id);
    if (!s.ok()) return Fail(import_at, s.message());
  }
  return status_.ok() && StepOut().ok();
}

bool BinaryCursor::ProcessSymbolTable() {
  const size_t lst_at = value_start_;
  if (is_null_) {  // $ion_symbol_table::null.struct: an empty local symbol table
    symtab_.Reset();
    return true;
  }
  SymbolTable table;
  bool append = false, saw_imports = false, saw_symbols = false;
  struct Pending {
    std::string_view text;
    bool known;
  };
  std::vector<Pending> symbols;
  if (!StepIn().ok()) return false;
  while (Next()) {
    if (!field_name_.has_text) continue;
    if (field_name_.text == "imports") {
      if (saw_imports) return Fail(value_start_, "symbol table has more than one imports field");
      saw_imports = true;
      if (is_null_) continue;
      if (type_ == Type::kSymbol) {
        SymbolRef s;
        if (!ReadSymbol(&s).ok()) return false;
        append = s.has_text && s.text == "$ion_symbol_table";
      } else if (type_ == Type::kList) {
        if (!ProcessImports(&table)) return false;
      }
    } else if (field_name_.text == "symbols") {
      if (saw_symbols) return Fail(value_start_, "symbol table has more than one symbols field");
      saw_symbols = true;
      if (is_null_ || type_ != Type::kList) continue;
      if (!StepIn().ok()) return false;
      while (Next()) {
        if (type_ == Type::kString && !is_null_) {
          std::string_view text;
          if (!ReadString(&text).ok()) return false;
          symbols.push_back(Pending{text, true});
        } else {
          symbols.push_back(Pending{{}, false});
        }
      }
      if (!status_.ok() || !StepOut().ok()) return false;
    }
  }
  if (!status_.ok() || !StepOut().ok()) return false;
  if (!append) symtab_ = std::move(table);
  for (const Pending& s : symbols) {
    if (symtab_.max_id() >= kMaxSid) return Fail(lst_at, "symbol table too large");
    if (s.known) {
      symtab_.AddSymbol(s.text);
    } else {
      symtab_.AddGap();
    }
  }
  return true;
}

namespace {

// Copies a resolved symbol into `out` (reusing its storage).
void AssignSymbol(const SymbolRef& ref, Symbol* out) {
  if (ref.has_text) {
    out->text.assign(ref.text);
    return;
  }
  out->has_text = false;
  if (!ref.import_name.empty()) out->import_name = ImportName(ref.import_name);
  out->import_offset = ref.import_offset;
}

Status ReadInto(BinaryCursor& c, Value* out);

// Reads the current value's payload (not its annotations) into `out`, which must be a default
// (untyped null, unannotated) Value; payloads are built in place.
Status ReadPayload(BinaryCursor& c, Value* out) {
  const Type t = c.type();
  if (c.is_null()) {
    if (t != Type::kNull) {
      *out = Value::Null(t);
    }
    return Status::OK();
  }
  switch (t) {
    case Type::kNull:
      break;
    case Type::kBool: {
      bool b;
      FOLIO_TRY(c.ReadBool(&b));
      *out = Value::Bool(b);
      break;
    }
    case Type::kInt:
      FOLIO_TRY(c.ReadInt(&out->EmplaceInt()));
      break;
    case Type::kFloat: {
      double d;
      FOLIO_TRY(c.ReadFloat(&d));
      *out = Value::Float(d);
      break;
    }
    case Type::kDecimal:
      FOLIO_TRY(c.ReadDecimal(&out->EmplaceDecimal()));
      break;
    case Type::kTimestamp:
      FOLIO_TRY(c.ReadTimestamp(&out->EmplaceTimestamp()));
      break;
    case Type::kSymbol: {
      SymbolRef s;
      FOLIO_TRY(c.ReadSymbol(&s));
      AssignSymbol(s, &out->EmplaceSymbol());
      break;
    }
    case Type::kString: {
      std::string_view s;
      FOLIO_TRY(c.ReadString(&s));
      out->EmplaceString().assign(s);
      break;
    }
    case Type::kClob:
    case Type::kBlob: {
      std::span<const uint8_t> b;
      FOLIO_TRY(c.ReadLob(&b));
      out->EmplaceLob(t).assign(b.begin(), b.end());
      break;
    }
    case Type::kList:
    case Type::kSexp: {
      Value::Elements& elements = out->EmplaceSequence(t);
      elements.reserve(c.CountChildrenHint());
      FOLIO_TRY(c.StepIn());
      while (c.Next()) FOLIO_TRY(ReadInto(c, &elements.emplace_back()));
      FOLIO_TRY(c.status());
      FOLIO_TRY(c.StepOut());
      break;
    }
    case Type::kStruct: {
      Value::Fields& fields = out->EmplaceStruct();
      fields.reserve(c.CountChildrenHint());
      FOLIO_TRY(c.StepIn());
      while (c.Next()) {
        Field& f = fields.emplace_back();
        AssignSymbol(c.field_name(), &f.name);
        FOLIO_TRY(ReadInto(c, &f.value));
      }
      FOLIO_TRY(c.status());
      FOLIO_TRY(c.StepOut());
      break;
    }
  }
  return Status::OK();
}

// Reads the current value, annotations included, into a default Value `out`. Annotations are
// read first (stepping into a container moves the cursor) and attached last, so that scalar
// payloads can be assigned whole.
Status ReadInto(BinaryCursor& c, Value* out) {
  std::vector<Symbol> annotations(c.annotation_count());
  for (size_t i = 0; i < annotations.size(); ++i) AssignSymbol(c.annotation(i), &annotations[i]);
  FOLIO_TRY(ReadPayload(c, out));
  if (!annotations.empty()) out->annotations() = std::move(annotations);
  return Status::OK();
}

}  // namespace

Status ReadCurrentValue(BinaryCursor& c, Value* out) {
  *out = Value();
  return ReadInto(c, out);
}

namespace {

// An upper bound on the number of top-level values (system values included, NOP pads not),
// from a header-only scan, for reserving; stops early at a malformed header. Every counted
// value has at least one byte, so the reservation is proportional to the output size.
size_t CountTopLevelHint(std::span<const uint8_t> data) {
  const uint8_t* b = data.data();
  const size_t end = data.size();
  size_t p = 4, n = 0;
  while (p < end) {
    const uint8_t d = b[p];
    if (d == 0xE0) {  // a version marker
      p += 4;
      continue;
    }
    ++p;
    uint64_t len = d & 0x0F;
    const uint8_t t = d >> 4;
    if (len == 15 || t == 0x1) {
      len = 0;
    } else if (len == 14 || (t == 0xD && len == 1)) {
      len = 0;
      int i = 0;
      for (; i < 10 && p < end; ++i) {
        const uint8_t x = b[p++];
        len = len << 7 | (x & 0x7F);
        if (x & 0x80) break;
      }
      if (i == 10) break;
    }
    if (len > end - p) break;
    p += len;
    if (t != 0x0 || (d & 0x0F) == 15) ++n;  // NOP pads yield no value
  }
  return n;
}

}  // namespace

Result<std::vector<Value>> ReadBinary(std::span<const uint8_t> data) {
  BinaryCursor c(data);
  std::vector<Value> out;
  if (data.size() >= 4) out.reserve(CountTopLevelHint(data));
  while (c.Next()) FOLIO_TRY(ReadInto(c, &out.emplace_back()));
  FOLIO_TRY(c.status());
  return out;
}

}  // namespace folio::ion
