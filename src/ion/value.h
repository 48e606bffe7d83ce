// The Amazon Ion 1.0 data model as a DOM value type.
//
// A Value is a (possibly annotated, possibly typed-null) Ion value with value semantics:
// copying a Value deep-copies it. Values are not thread-safe to mutate but may be read
// concurrently. Equality (operator==) is Ion data-model equality (spec/ion-notes.md section 3):
// decimals compare by (sign, coefficient, exponent), timestamps by instant, precision and
// offset, NaN equals NaN, structs as multisets of fields, annotations in order.
#pragma once

#include <gmpxx.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "common/bytes.h"
#include "common/status.h"

namespace folio::ion {

// Order matches the Ion type ordering used by PartiQL's total order of types where it matters
// (null < bool < numbers < timestamp < text < lobs < list < sexp < struct).
enum class Type : uint8_t {
  kNull,
  kBool,
  kInt,
  kFloat,
  kDecimal,
  kTimestamp,
  kSymbol,
  kString,
  kClob,
  kBlob,
  kList,
  kSexp,
  kStruct,
};
std::string_view TypeName(Type t);  // "null", "bool", "int", ... as in `null.<type>`

// Arbitrary-precision integer: an int64 fast path with a GMP fallback.
// Invariant: big_ is set only when the value does not fit in int64.
class Int {
 public:
  Int() = default;
  Int(int64_t v) : small_(v) {}  // NOLINT: implicit by design
  explicit Int(const mpz_class& v);
  Int(const Int& o) : small_(o.small_), big_(o.big_ ? std::make_unique<mpz_class>(*o.big_) : nullptr) {}
  Int(Int&&) noexcept = default;
  Int& operator=(const Int& o) {
    if (this != &o) {
      small_ = o.small_;
      big_ = o.big_ ? std::make_unique<mpz_class>(*o.big_) : nullptr;
    }
    return *this;
  }
  Int& operator=(Int&&) noexcept = default;

  // Parses an optionally '-'-signed digit string in the given base (2, 10 or 16), no prefix.
  static Result<Int> Parse(std::string_view digits, int base = 10);
  // Big-endian unsigned magnitude, as in Ion binary UInt fields.
  static Int FromMagnitude(std::span<const uint8_t> big_endian, bool negative);

  bool is_small() const { return big_ == nullptr; }
  int64_t small() const { return small_; }  // valid when is_small()
  std::optional<int64_t> ToInt64() const {
    return is_small() ? std::optional<int64_t>(small_) : std::nullopt;
  }
  mpz_class ToMpz() const;
  int sign() const;  // -1, 0, 1
  bool is_zero() const { return is_small() && small_ == 0; }
  // Big-endian magnitude with no leading zero bytes (empty for zero).
  Bytes MagnitudeBytes() const;
  std::string ToString(int base = 10) const;
  double ToDouble() const;

  int Compare(const Int& o) const;
  bool operator==(const Int& o) const { return Compare(o) == 0; }
  bool operator<(const Int& o) const { return Compare(o) < 0; }
  Int operator-() const;
  friend Int operator+(const Int& a, const Int& b);
  friend Int operator-(const Int& a, const Int& b);
  friend Int operator*(const Int& a, const Int& b);

 private:
  int64_t small_ = 0;
  std::unique_ptr<mpz_class> big_;
};

// Ion decimal: coefficient * 10^exponent, with a distinct negative zero.
// Invariant: negative_zero implies coefficient == 0.
struct Decimal {
  Int coefficient;
  int32_t exponent = 0;
  bool negative_zero = false;

  bool is_negative() const { return negative_zero || coefficient.sign() < 0; }
  bool is_zero() const { return coefficient.is_zero(); }
  // Ion data-model equality: same sign, coefficient and exponent (exponent -0 == 0).
  bool operator==(const Decimal& o) const {
    return exponent == o.exponent && negative_zero == o.negative_zero && coefficient == o.coefficient;
  }
  // Numeric comparison (1.0 == 1.00 here; -0 == 0).
  int CompareValue(const Decimal& o) const;
  std::string ToString() const;  // Ion text form, e.g. "1.00", "-0.", "1d5"
};

// Ion timestamp. Components are LOCAL time at `offset_minutes` (as written in text); an
// unknown offset (-00:00) is nullopt. Below minute precision the offset is always unknown.
// The most fractional-second digits a timestamp may have (text and binary readers agree, so
// every timestamp one reads, the other reads back; also bounds the text writer's output).
inline constexpr int32_t kMaxTimestampFractionDigits = 100000;

struct Timestamp {
  enum class Precision : uint8_t { kYear, kMonth, kDay, kMinute, kSecond, kFraction };
  Precision precision = Precision::kYear;
  int32_t year = 1;  // 1..9999
  uint8_t month = 1, day = 1, hour = 0, minute = 0, second = 0;
  std::optional<int16_t> offset_minutes;
  // Fractional seconds, 0 <= fraction < 1, only when precision == kFraction; the exponent is
  // kept (".10" has coefficient 10, exponent -2).
  Decimal fraction;

  // Ion data-model equality: same instant, precision, offset and fraction digits.
  bool operator==(const Timestamp& o) const;
  // Compares instants only (timeline order); fractions compared by value.
  int CompareInstant(const Timestamp& o) const;
  // The same timestamp with components converted to UTC (offset kept as a field). Used by
  // binary encoding and hashing, which store UTC components.
  Timestamp ToUtcComponents() const;
  // Inverse of ToUtcComponents: `utc` holds UTC components plus the offset to present.
  static Timestamp FromUtcComponents(const Timestamp& utc);
  // Validates calendar fields (days per month, leap years, ranges, fraction in [0,1)).
  Status Validate() const;
  std::string ToString() const;  // Ion text form
  // Milliseconds since the Unix epoch of the instant (fraction truncated to ms).
  int64_t ToEpochMillis() const;
  // A millisecond-precision UTC timestamp ("2022-06-08T18:46:46.512Z").
  static Timestamp FromEpochMillis(int64_t millis);
};

// The name of a shared symbol table that a symbol with unknown text came from. Behaves like
// an immutable std::string (compare, convert, concatenate) but is one pointer wide: the text
// lives in a shared, reference-counted block, and short names seen often (such as marker
// import names) are interned so creating them does not allocate. Empty by default.
class ImportName {
 public:
  ImportName() = default;
  ImportName(std::string_view s);                                       // NOLINT
  ImportName(const std::string& s) : ImportName(std::string_view(s)) {}  // NOLINT
  ImportName(const char* s) : ImportName(std::string_view(s)) {}         // NOLINT
  ImportName(const ImportName& o) : rep_(o.rep_) { Ref(); }
  ImportName(ImportName&& o) noexcept : rep_(o.rep_) { o.rep_ = nullptr; }
  ImportName& operator=(const ImportName& o) {
    if (rep_ != o.rep_) {
      Unref();
      rep_ = o.rep_;
      Ref();
    }
    return *this;
  }
  ImportName& operator=(ImportName&& o) noexcept {
    if (this != &o) {
      Unref();
      rep_ = o.rep_;
      o.rep_ = nullptr;
    }
    return *this;
  }
  ~ImportName() { Unref(); }

  const std::string& str() const;
  operator const std::string&() const { return str(); }  // NOLINT
  operator std::string_view() const { return str(); }    // NOLINT
  bool empty() const { return rep_ == nullptr; }
  void clear() { Unref(); }
  size_t size() const { return str().size(); }
  const char* data() const { return str().data(); }
  const char* c_str() const { return str().c_str(); }

  friend bool operator==(const ImportName& a, const ImportName& b) {
    return a.rep_ == b.rep_ || a.str() == b.str();
  }
  friend bool operator==(const ImportName& a, std::string_view b) { return a.str() == b; }
  friend bool operator==(const ImportName& a, const std::string& b) { return a.str() == b; }
  friend bool operator==(const ImportName& a, const char* b) { return a.str() == b; }
  friend std::string operator+(const std::string& a, const ImportName& b) { return a + b.str(); }
  friend std::string operator+(const char* a, const ImportName& b) { return a + b.str(); }
  friend std::string operator+(const ImportName& a, const std::string& b) { return a.str() + b; }
  friend std::string operator+(const ImportName& a, const char* b) { return a.str() + b; }

  struct Rep;  // implementation detail (value.cc)

 private:
  void Ref() const;
  void Unref();
  Rep* rep_ = nullptr;  // null for the empty name
};

// A symbol token. Text is usually known; symbols read from binary whose SID maps to no text
// (SID 0, gaps in local tables, or imports with no catalog entry) have unknown text.
// Unknown symbols are equal when both are $0/local gaps, or both come from the same
// position of the same shared import.
struct Symbol {
  std::string text;
  bool has_text = true;
  ImportName import_name;     // for unknown text from a shared import; empty otherwise
  int64_t import_offset = 0;  // 1-based position within that import

  Symbol() = default;
  Symbol(std::string t) : text(std::move(t)) {}  // NOLINT
  Symbol(const char* t) : text(t) {}             // NOLINT
  static Symbol Unknown(ImportName import_name = {}, int64_t offset = 0) {
    Symbol s;
    s.has_text = false;
    s.import_name = std::move(import_name);
    s.import_offset = offset;
    return s;
  }
  bool operator==(const Symbol& o) const {
    if (has_text != o.has_text) return false;
    if (has_text) return text == o.text;
    return import_offset == o.import_offset && import_name == o.import_name;
  }
};

class Value;
struct Field;

class Value {
 public:
  using Elements = std::vector<Value>;
  using Fields = std::vector<Field>;

  Value() = default;  // untyped null
  Value(const Value&) = default;
  Value(Value&&) noexcept = default;
  Value& operator=(const Value&) = default;
  Value& operator=(Value&&) noexcept = default;

  static Value Null(Type type = Type::kNull);
  static Value Bool(bool b);
  static Value Integer(Int i);
  static Value Float(double d);
  static Value Dec(Decimal d);
  static Value Time(Timestamp t);
  static Value Sym(Symbol s);
  static Value String(std::string s);
  static Value Clob(Bytes b);
  static Value Blob(Bytes b);
  // Empty-container overloads instead of `= {}` default arguments: clang with libstdc++ rejects
  // a default argument that destroys a vector<Field> while Field is incomplete.
  static Value List(Elements e);
  static Value List();
  static Value Sexp(Elements e);
  static Value Sexp();
  static Value Struct(Fields f);
  static Value Struct();

  Type type() const { return type_; }
  bool is_null() const { return is_null_; }
  bool is_text() const { return type_ == Type::kString || type_ == Type::kSymbol; }
  bool is_lob() const { return type_ == Type::kClob || type_ == Type::kBlob; }
  bool is_sequence() const { return type_ == Type::kList || type_ == Type::kSexp; }
  bool is_container() const { return is_sequence() || type_ == Type::kStruct; }
  bool is_number() const {
    return type_ == Type::kInt || type_ == Type::kFloat || type_ == Type::kDecimal;
  }

  // Accessors require the matching non-null type (asserted).
  bool as_bool() const { return std::get<bool>(data_); }
  const Int& as_int() const { return std::get<Int>(data_); }
  double as_float() const { return std::get<double>(data_); }
  const Decimal& as_decimal() const { return std::get<Decimal>(data_); }
  const Timestamp& as_timestamp() const { return std::get<Timestamp>(data_); }
  const Symbol& as_symbol() const { return std::get<Symbol>(data_); }
  const std::string& as_string() const { return std::get<std::string>(data_); }
  // Text of a string or of a symbol with known text.
  std::string_view text() const {
    return type_ == Type::kSymbol ? std::string_view(as_symbol().text) : std::string_view(as_string());
  }
  const Bytes& as_bytes() const { return std::get<Bytes>(data_); }  // clob or blob
  const Elements& elements() const { return std::get<Elements>(data_); }
  Elements& elements() { return std::get<Elements>(data_); }
  const Fields& fields() const { return std::get<Fields>(data_); }
  Fields& fields() { return std::get<Fields>(data_); }

  // In-place construction (for readers; avoids building and moving a temporary Value): each
  // makes this a non-null value of the named type with a default payload, keeps the
  // annotations, and returns the payload to fill in.
  Int& EmplaceInt();
  Decimal& EmplaceDecimal();
  Timestamp& EmplaceTimestamp();
  Symbol& EmplaceSymbol();
  std::string& EmplaceString();
  Bytes& EmplaceLob(Type t);          // t is kClob or kBlob
  Elements& EmplaceSequence(Type t);  // t is kList or kSexp
  Fields& EmplaceStruct();

  // Struct helpers (require a non-null struct). Get returns the first field with that name.
  const Value* Get(std::string_view name) const;
  Value* Get(std::string_view name);
  // Replaces the first field named `name`, or appends one.
  void Set(std::string_view name, Value v);
  // Removes every field named `name`; returns how many were removed.
  size_t Remove(std::string_view name);

  const std::vector<Symbol>& annotations() const { return annotations_; }
  std::vector<Symbol>& annotations() { return annotations_; }
  Value& Annotate(std::vector<Symbol> a) & {
    annotations_ = std::move(a);
    return *this;
  }
  Value&& Annotate(std::vector<Symbol> a) && {
    annotations_ = std::move(a);
    return std::move(*this);
  }
  bool HasAnnotation(std::string_view text) const;

  // Ion data-model equality (see the file comment).
  bool operator==(const Value& o) const;
  bool operator!=(const Value& o) const { return !(*this == o); }

  // Compact Ion text, for messages and tests (defined by the text writer).
  std::string ToString() const;

 private:
  Type type_ = Type::kNull;
  bool is_null_ = true;
  std::vector<Symbol> annotations_;
  std::variant<std::monostate, bool, Int, double, Decimal, Timestamp, Symbol, std::string, Bytes,
               Elements, Fields>
      data_;
};

struct Field {
  Symbol name;
  Value value;
  bool operator==(const Field& o) const { return name == o.name && value == o.value; }
};

// A struct of `fields`, moved in: Value::Struct({...}) copies every field out of its
// initializer list, deeply, at every level of nesting.
template <typename... Fs>
Value MakeStruct(Fs&&... fields) {
  Value::Fields f;
  f.reserve(sizeof...(fields));
  (f.push_back(std::forward<Fs>(fields)), ...);
  return Value::Struct(std::move(f));
}

inline Int& Value::EmplaceInt() {
  type_ = Type::kInt;
  is_null_ = false;
  return data_.emplace<Int>();
}
inline Decimal& Value::EmplaceDecimal() {
  type_ = Type::kDecimal;
  is_null_ = false;
  return data_.emplace<Decimal>();
}
inline Timestamp& Value::EmplaceTimestamp() {
  type_ = Type::kTimestamp;
  is_null_ = false;
  return data_.emplace<Timestamp>();
}
inline Symbol& Value::EmplaceSymbol() {
  type_ = Type::kSymbol;
  is_null_ = false;
  return data_.emplace<Symbol>();
}
inline std::string& Value::EmplaceString() {
  type_ = Type::kString;
  is_null_ = false;
  return data_.emplace<std::string>();
}
inline Bytes& Value::EmplaceLob(Type t) {
  type_ = t;
  is_null_ = false;
  return data_.emplace<Bytes>();
}
inline Value::Elements& Value::EmplaceSequence(Type t) {
  type_ = t;
  is_null_ = false;
  return data_.emplace<Elements>();
}
inline Value::Fields& Value::EmplaceStruct() {
  type_ = Type::kStruct;
  is_null_ = false;
  return data_.emplace<Fields>();
}

inline Value Value::List() { return List(Elements{}); }
inline Value Value::Sexp() { return Sexp(Elements{}); }
inline Value Value::Struct() { return Struct(Fields{}); }

}  // namespace folio::ion
