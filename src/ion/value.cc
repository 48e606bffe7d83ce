#include "ion/value.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <functional>

namespace folio::ion {

std::string_view TypeName(Type t) {
  switch (t) {
    case Type::kNull: return "null";
    case Type::kBool: return "bool";
    case Type::kInt: return "int";
    case Type::kFloat: return "float";
    case Type::kDecimal: return "decimal";
    case Type::kTimestamp: return "timestamp";
    case Type::kSymbol: return "symbol";
    case Type::kString: return "string";
    case Type::kClob: return "clob";
    case Type::kBlob: return "blob";
    case Type::kList: return "list";
    case Type::kSexp: return "sexp";
    case Type::kStruct: return "struct";
  }
  return "?";
}

// ---------------------------------------------------------------------------------------------
// ImportName

// Shared text of an ImportName. `refs` counts owners of a non-interned Rep; interned Reps are
// never freed and ignore the count.
struct ImportName::Rep {
  std::atomic<uint32_t> refs{1};
  bool interned = false;
  std::string text;
};

namespace {

// A fixed, lock-free intern table for short import names: slots are filled once (CAS) and
// never change, so lookups need no lock and interned Reps live for the whole process. Memory
// is bounded (kInternSlots names of at most kInternMaxLength bytes); other names get a
// reference-counted Rep of their own.
constexpr size_t kInternSlots = 64;
constexpr size_t kInternMaxLength = 64;
constexpr size_t kInternProbes = 8;
std::atomic<ImportName::Rep*> g_intern[kInternSlots];

}  // namespace

ImportName::ImportName(std::string_view s) {
  if (s.empty()) return;
  if (s.size() <= kInternMaxLength) {
    size_t h = std::hash<std::string_view>{}(s);
    for (size_t i = 0; i < kInternProbes; ++i) {
      std::atomic<Rep*>& slot = g_intern[(h + i) % kInternSlots];
      Rep* r = slot.load(std::memory_order_acquire);
      if (r == nullptr) {
        auto fresh = std::make_unique<Rep>();
        fresh->interned = true;
        fresh->text.assign(s);
        if (slot.compare_exchange_strong(r, fresh.get(), std::memory_order_acq_rel)) {
          rep_ = fresh.release();
          return;
        }
        // Lost the race: `r` now holds the winner; fall through to compare it.
      }
      if (r->text == s) {
        rep_ = r;
        return;
      }
    }
  }
  rep_ = new Rep();
  rep_->text.assign(s);
}

const std::string& ImportName::str() const {
  static const std::string kEmpty;
  return rep_ == nullptr ? kEmpty : rep_->text;
}

void ImportName::Ref() const {
  if (rep_ != nullptr && !rep_->interned) rep_->refs.fetch_add(1, std::memory_order_relaxed);
}

void ImportName::Unref() {
  if (rep_ != nullptr && !rep_->interned &&
      rep_->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) {
    delete rep_;
  }
  rep_ = nullptr;
}

// ---------------------------------------------------------------------------------------------
// Int

Int::Int(const mpz_class& v) {
  if (mpz_fits_slong_p(v.get_mpz_t())) {
    small_ = mpz_get_si(v.get_mpz_t());
  } else {
    big_ = std::make_unique<mpz_class>(v);
  }
}

Result<Int> Int::Parse(std::string_view digits, int base) {
  bool negative = !digits.empty() && digits[0] == '-';
  std::string_view body = negative ? digits.substr(1) : digits;
  if (body.empty()) return Status::InvalidArgument("empty integer");
  for (char c : body) {
    bool ok = base == 16 ? std::isxdigit(static_cast<unsigned char>(c)) != 0
              : base == 2 ? (c == '0' || c == '1')
                          : (c >= '0' && c <= '9');
    if (!ok) return Status::InvalidArgument("invalid digit in integer");
  }
  if (base == 10 && body.size() <= 18) {
    int64_t v = 0;
    for (char c : body) v = v * 10 + (c - '0');
    return Int(negative ? -v : v);
  }
  mpz_class z;
  std::string s(body);
  if (z.set_str(s, base) != 0) return Status::InvalidArgument("invalid integer");
  if (negative) z = -z;
  return Int(z);
}

Int Int::FromMagnitude(std::span<const uint8_t> be, bool negative) {
  size_t i = 0;
  while (i < be.size() && be[i] == 0) ++i;
  be = be.subspan(i);
  if (be.size() < 8 || (be.size() == 8 && be[0] < 0x80)) {
    uint64_t v = 0;
    for (uint8_t b : be) v = v << 8 | b;
    int64_t s = static_cast<int64_t>(v);
    return Int(negative ? -s : s);
  }
  mpz_class z;
  mpz_import(z.get_mpz_t(), be.size(), 1, 1, 1, 0, be.data());
  if (negative) z = -z;
  return Int(z);
}

mpz_class Int::ToMpz() const {
  if (big_) return *big_;
  mpz_class z;
  mpz_set_si(z.get_mpz_t(), small_);
  return z;
}

int Int::sign() const {
  if (big_) return mpz_sgn(big_->get_mpz_t());
  return (small_ > 0) - (small_ < 0);
}

Bytes Int::MagnitudeBytes() const {
  Bytes out;
  if (is_small()) {
    uint64_t m = small_ < 0 ? uint64_t(0) - static_cast<uint64_t>(small_) : static_cast<uint64_t>(small_);
    while (m) {
      out.push_back(static_cast<uint8_t>(m & 0xFF));
      m >>= 8;
    }
    std::reverse(out.begin(), out.end());
    return out;
  }
  size_t count = 0;
  out.resize((mpz_sizeinbase(big_->get_mpz_t(), 2) + 7) / 8);
  mpz_export(out.data(), &count, 1, 1, 1, 0, big_->get_mpz_t());
  out.resize(count);
  return out;
}

std::string Int::ToString(int base) const {
  if (is_small() && base == 10) return std::to_string(small_);
  return ToMpz().get_str(base);
}

double Int::ToDouble() const {
  if (is_small()) return static_cast<double>(small_);
  // mpz_get_d truncates; go through the decimal string for correct rounding.
  return std::strtod(big_->get_str().c_str(), nullptr);
}

int Int::Compare(const Int& o) const {
  if (is_small() && o.is_small()) return (small_ > o.small_) - (small_ < o.small_);
  int c = mpz_cmp(ToMpz().get_mpz_t(), o.ToMpz().get_mpz_t());
  return (c > 0) - (c < 0);
}

Int Int::operator-() const {
  if (is_small() && small_ != INT64_MIN) return Int(-small_);
  return Int(mpz_class(-ToMpz()));
}

Int operator+(const Int& a, const Int& b) {
  int64_t r;
  if (a.is_small() && b.is_small() && !__builtin_add_overflow(a.small_, b.small_, &r)) return Int(r);
  return Int(mpz_class(a.ToMpz() + b.ToMpz()));
}
Int operator-(const Int& a, const Int& b) {
  int64_t r;
  if (a.is_small() && b.is_small() && !__builtin_sub_overflow(a.small_, b.small_, &r)) return Int(r);
  return Int(mpz_class(a.ToMpz() - b.ToMpz()));
}
Int operator*(const Int& a, const Int& b) {
  int64_t r;
  if (a.is_small() && b.is_small() && !__builtin_mul_overflow(a.small_, b.small_, &r)) return Int(r);
  return Int(mpz_class(a.ToMpz() * b.ToMpz()));
}

// ---------------------------------------------------------------------------------------------
// Decimal

int Decimal::CompareValue(const Decimal& o) const {
  int sa = coefficient.sign(), sb = o.coefficient.sign();
  if (sa != sb) return (sa > sb) - (sa < sb);
  if (sa == 0) return 0;
  // Scale both to the smaller exponent and compare coefficients.
  mpz_class a = coefficient.ToMpz(), b = o.coefficient.ToMpz();
  int32_t e = std::min(exponent, o.exponent);
  mpz_class p;
  if (exponent > e) {
    mpz_ui_pow_ui(p.get_mpz_t(), 10, static_cast<unsigned long>(int64_t(exponent) - e));
    a *= p;
  }
  if (o.exponent > e) {
    mpz_ui_pow_ui(p.get_mpz_t(), 10, static_cast<unsigned long>(int64_t(o.exponent) - e));
    b *= p;
  }
  int c = cmp(a, b);
  return (c > 0) - (c < 0);
}

std::string Decimal::ToString() const {
  std::string sign = is_negative() ? "-" : "";
  std::string digits = coefficient.sign() < 0 ? (-coefficient).ToString() : coefficient.ToString();
  if (exponent == 0) return sign + digits + ".";
  if (exponent > 0) return sign + digits + "d" + std::to_string(exponent);
  size_t frac = static_cast<size_t>(-int64_t(exponent));
  if (frac > 1000) return sign + digits + "d" + std::to_string(exponent);
  if (digits.size() <= frac) digits.insert(0, frac - digits.size() + 1, '0');
  digits.insert(digits.size() - frac, ".");
  return sign + digits;
}

// ---------------------------------------------------------------------------------------------
// Timestamp

namespace {

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
int DaysInMonth(int64_t y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t yy = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = yy + (*m <= 2);
}

// Minutes since the epoch of the timestamp's components (ignoring offset and seconds).
int64_t ComponentMinutes(const Timestamp& t) {
  return DaysFromCivil(t.year, t.month, t.day) * 1440 + t.hour * 60 + t.minute;
}

Timestamp ShiftMinutes(const Timestamp& t, int64_t delta) {
  Timestamp r = t;
  int64_t total = ComponentMinutes(t) + delta;
  int64_t days = total >= 0 ? total / 1440 : -((-total + 1439) / 1440);
  int64_t mins = total - days * 1440;
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  r.year = static_cast<int32_t>(y);
  r.month = static_cast<uint8_t>(m);
  r.day = static_cast<uint8_t>(d);
  r.hour = static_cast<uint8_t>(mins / 60);
  r.minute = static_cast<uint8_t>(mins % 60);
  return r;
}

// 10^n for 0 <= n <= 18.
int64_t Pow10(int n) {
  int64_t p = 1;
  while (n-- > 0) p *= 10;
  return p;
}

std::string Pad(int64_t v, int width) {
  std::string s = std::to_string(v);
  if (static_cast<int>(s.size()) < width) s.insert(0, width - s.size(), '0');
  return s;
}

}  // namespace

Timestamp Timestamp::ToUtcComponents() const {
  if (precision < Precision::kMinute || !offset_minutes || *offset_minutes == 0) return *this;
  return ShiftMinutes(*this, -int64_t(*offset_minutes));
}

Timestamp Timestamp::FromUtcComponents(const Timestamp& utc) {
  if (utc.precision < Precision::kMinute || !utc.offset_minutes || *utc.offset_minutes == 0) {
    return utc;
  }
  return ShiftMinutes(utc, *utc.offset_minutes);
}

bool Timestamp::operator==(const Timestamp& o) const {
  if (precision != o.precision) return false;
  if (precision >= Precision::kMinute && offset_minutes != o.offset_minutes) return false;
  Timestamp a = ToUtcComponents(), b = o.ToUtcComponents();
  if (a.year != b.year) return false;
  if (precision >= Precision::kMonth && a.month != b.month) return false;
  if (precision >= Precision::kDay && a.day != b.day) return false;
  if (precision >= Precision::kMinute && (a.hour != b.hour || a.minute != b.minute)) return false;
  if (precision >= Precision::kSecond && a.second != b.second) return false;
  if (precision == Precision::kFraction && !(fraction == o.fraction)) return false;
  return true;
}

int Timestamp::CompareInstant(const Timestamp& o) const {
  Timestamp a = ToUtcComponents(), b = o.ToUtcComponents();
  auto key = [](const Timestamp& t) {
    int64_t minutes = ComponentMinutes(t);
    return minutes * 60 + (t.precision >= Precision::kSecond ? t.second : 0);
  };
  int64_t ka = key(a), kb = key(b);
  if (ka != kb) return ka < kb ? -1 : 1;
  Decimal zero;
  const Decimal& fa = precision == Precision::kFraction ? fraction : zero;
  const Decimal& fb = o.precision == Precision::kFraction ? o.fraction : zero;
  return fa.CompareValue(fb);
}

Status Timestamp::Validate() const {
  if (year < 1 || year > 9999) return Status::InvalidArgument("timestamp year out of range");
  if (month < 1 || month > 12) return Status::InvalidArgument("timestamp month out of range");
  if (day < 1 || day > DaysInMonth(year, month)) {
    return Status::InvalidArgument("timestamp day out of range");
  }
  if (hour > 23 || minute > 59 || second > 59) {
    return Status::InvalidArgument("timestamp time out of range");
  }
  if (offset_minutes && (*offset_minutes <= -24 * 60 || *offset_minutes >= 24 * 60)) {
    return Status::InvalidArgument("timestamp offset out of range");
  }
  if (precision == Precision::kFraction) {
    if (fraction.is_negative() && !fraction.is_zero()) {
      return Status::InvalidArgument("timestamp fraction is negative");
    }
    if (fraction.exponent >= 0 && !fraction.is_zero()) {
      return Status::InvalidArgument("timestamp fraction is not below 1");
    }
    if (!fraction.is_zero() && fraction.coefficient.is_small() && fraction.exponent >= -18) {
      // Fast path (no GMP): c * 10^e < 1 with 0 < c < 2^63 and -18 <= e < 0.
      if (fraction.coefficient.small() >= Pow10(-fraction.exponent)) {
        return Status::InvalidArgument("timestamp fraction is not below 1");
      }
    } else if (!fraction.is_zero()) {
      Decimal one{Int(1), 0, false};
      if (fraction.CompareValue(one) >= 0) {
        return Status::InvalidArgument("timestamp fraction is not below 1");
      }
    }
  }
  return Status::OK();
}

std::string Timestamp::ToString() const {
  std::string s = Pad(year, 4);
  if (precision == Precision::kYear) return s + "T";
  s += "-" + Pad(month, 2);
  if (precision == Precision::kMonth) return s + "T";
  s += "-" + Pad(day, 2);
  if (precision == Precision::kDay) return s;
  s += "T" + Pad(hour, 2) + ":" + Pad(minute, 2);
  if (precision >= Precision::kSecond) s += ":" + Pad(second, 2);
  if (precision == Precision::kFraction && fraction.exponent < 0) {
    std::string digits = fraction.coefficient.ToString();
    size_t n = static_cast<size_t>(-int64_t(fraction.exponent));
    if (digits.size() < n) digits.insert(0, n - digits.size(), '0');
    s += "." + digits;
  }
  if (!offset_minutes) {
    s += "-00:00";
  } else if (*offset_minutes == 0) {
    s += "Z";
  } else {
    int off = *offset_minutes;
    s += off < 0 ? "-" : "+";
    off = std::abs(off);
    s += Pad(off / 60, 2) + ":" + Pad(off % 60, 2);
  }
  return s;
}

int64_t Timestamp::ToEpochMillis() const {
  Timestamp u = ToUtcComponents();
  int64_t secs = ComponentMinutes(u) * 60 + (precision >= Precision::kSecond ? u.second : 0);
  int64_t ms = 0;
  if (precision == Precision::kFraction && !fraction.is_zero() && fraction.coefficient.is_small() &&
      fraction.exponent >= -18 && fraction.exponent <= -3) {
    // Fast path (no GMP): c < 10^-e, so c / 10^(-e-3) < 1000.
    ms = fraction.coefficient.small() / Pow10(-3 - fraction.exponent);
  } else if (precision == Precision::kFraction && !fraction.is_zero()) {
    // fraction = c * 10^e, e < 0: ms = floor(c * 10^(e+3)).
    mpz_class c = fraction.coefficient.ToMpz();
    int32_t shift = fraction.exponent + 3;
    mpz_class p;
    if (shift >= 0) {
      mpz_ui_pow_ui(p.get_mpz_t(), 10, static_cast<unsigned long>(shift));
      c *= p;
    } else {
      mpz_ui_pow_ui(p.get_mpz_t(), 10, static_cast<unsigned long>(-int64_t(shift)));
      c /= p;
    }
    ms = c.get_si();
  }
  return secs * 1000 + ms;
}

Timestamp Timestamp::FromEpochMillis(int64_t millis) {
  int64_t secs = millis >= 0 ? millis / 1000 : -((-millis + 999) / 1000);
  int64_t ms = millis - secs * 1000;
  int64_t mins = secs >= 0 ? secs / 60 : -((-secs + 59) / 60);
  Timestamp epoch;
  epoch.year = 1970;
  epoch.precision = Precision::kFraction;
  epoch.offset_minutes = 0;
  Timestamp t = ShiftMinutes(epoch, mins);
  t.second = static_cast<uint8_t>(secs - mins * 60);
  t.fraction = Decimal{Int(ms), -3, false};
  return t;
}

// ---------------------------------------------------------------------------------------------
// Value

Value Value::Null(Type type) {
  Value v;
  v.type_ = type;
  v.is_null_ = true;
  return v;
}

#define FOLIO_ION_FACTORY(Name, Arg, T, Expr) \
  Value Value::Name(Arg) {                    \
    Value v;                                  \
    v.type_ = T;                              \
    v.is_null_ = false;                       \
    v.data_ = Expr;                           \
    return v;                                 \
  }
FOLIO_ION_FACTORY(Bool, bool b, Type::kBool, b)
FOLIO_ION_FACTORY(Integer, Int i, Type::kInt, std::move(i))
FOLIO_ION_FACTORY(Float, double d, Type::kFloat, d)
FOLIO_ION_FACTORY(Dec, Decimal d, Type::kDecimal, std::move(d))
FOLIO_ION_FACTORY(Time, Timestamp t, Type::kTimestamp, std::move(t))
FOLIO_ION_FACTORY(Sym, Symbol s, Type::kSymbol, std::move(s))
FOLIO_ION_FACTORY(String, std::string s, Type::kString, std::move(s))
FOLIO_ION_FACTORY(Clob, Bytes b, Type::kClob, std::move(b))
FOLIO_ION_FACTORY(Blob, Bytes b, Type::kBlob, std::move(b))
FOLIO_ION_FACTORY(List, Elements e, Type::kList, std::move(e))
FOLIO_ION_FACTORY(Sexp, Elements e, Type::kSexp, std::move(e))
FOLIO_ION_FACTORY(Struct, Fields f, Type::kStruct, std::move(f))
#undef FOLIO_ION_FACTORY

const Value* Value::Get(std::string_view name) const {
  for (const Field& f : fields()) {
    if (f.name.has_text && f.name.text == name) return &f.value;
  }
  return nullptr;
}

Value* Value::Get(std::string_view name) {
  for (Field& f : fields()) {
    if (f.name.has_text && f.name.text == name) return &f.value;
  }
  return nullptr;
}

void Value::Set(std::string_view name, Value v) {
  if (Value* existing = Get(name)) {
    *existing = std::move(v);
    return;
  }
  fields().push_back(Field{Symbol(std::string(name)), std::move(v)});
}

size_t Value::Remove(std::string_view name) {
  Fields& f = fields();
  size_t before = f.size();
  std::erase_if(f, [&](const Field& x) { return x.name.has_text && x.name.text == name; });
  return before - f.size();
}

bool Value::HasAnnotation(std::string_view text) const {
  for (const Symbol& s : annotations_) {
    if (s.has_text && s.text == text) return true;
  }
  return false;
}

namespace {

bool FloatEquals(double a, double b) {
  if (std::isnan(a) && std::isnan(b)) return true;
  if (a == 0 && b == 0) return std::signbit(a) == std::signbit(b);
  return a == b;
}

// Struct equality as multisets of (name, value): every field of `a` must be matched by a
// distinct equal field of `b`.
bool StructEquals(const Value::Fields& a, const Value::Fields& b) {
  if (a.size() != b.size()) return false;
  std::vector<bool> used(b.size(), false);
  for (const Field& fa : a) {
    bool found = false;
    for (size_t j = 0; j < b.size(); ++j) {
      if (!used[j] && fa == b[j]) {
        used[j] = true;
        found = true;
        break;
      }
    }
    if (!found) return false;
  }
  return true;
}

}  // namespace

bool Value::operator==(const Value& o) const {
  if (type_ != o.type_ || is_null_ != o.is_null_ || annotations_ != o.annotations_) return false;
  if (is_null_) return true;
  switch (type_) {
    case Type::kNull: return true;
    case Type::kBool: return as_bool() == o.as_bool();
    case Type::kInt: return as_int() == o.as_int();
    case Type::kFloat: return FloatEquals(as_float(), o.as_float());
    case Type::kDecimal: return as_decimal() == o.as_decimal();
    case Type::kTimestamp: return as_timestamp() == o.as_timestamp();
    case Type::kSymbol: return as_symbol() == o.as_symbol();
    case Type::kString: return as_string() == o.as_string();
    case Type::kClob:
    case Type::kBlob: return as_bytes() == o.as_bytes();
    case Type::kList:
    case Type::kSexp: return elements() == o.elements();
    case Type::kStruct: return StructEquals(fields(), o.fields());
  }
  return false;
}

}  // namespace folio::ion
