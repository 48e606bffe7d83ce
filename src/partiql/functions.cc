#include "partiql/functions.h"

#include <clocale>
#include <cwctype>
#include <locale.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <string>

#include "partiql/compare.h"
#include "partiql/date_format.h"
#include "partiql/value_util.h"

namespace folio::partiql {
namespace {

using ion::Timestamp;
using ion::Type;
using ion::Value;
using P = ion::Timestamp::Precision;
namespace in = internal;

constexpr int kUnbounded = std::numeric_limits<int>::max();

constexpr std::array<FunctionInfo, 18> kFunctions = {{
    {"char_length", 1, 1, true},
    {"character_length", 1, 1, true},
    {"lower", 1, 1, true},
    {"upper", 1, 1, true},
    {"substring", 2, 3, true},
    {"trim", 1, 3, true},
    {"date_add", 3, 3, true},
    {"date_diff", 3, 3, true},
    {"extract", 2, 2, true},
    {"to_string", 2, 2, true},
    {"to_timestamp", 1, 2, true},
    {"utcnow", 0, 0, true},
    {"txid", 0, 0, true},
    {"cast", 2, 2, true},
    {"size", 1, 1, true},
    {"exists", 1, 1, false},
    {"coalesce", 1, kUnbounded, false},
    {"nullif", 2, 2, false},
}};

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string TypeDesc(const Value& v) {
  return v.is_null() ? "null" : std::string(ion::TypeName(v.type()));
}

// Type-mismatch messages have these shapes; IsTypeMismatch recognises them (keep in sync).
constexpr std::string_view kArgWord = ": argument ";
constexpr std::string_view kMustBe = " must be ";
constexpr std::string_view kCastPrefix = "CAST: cannot convert ";
// CAST details that make a conversion failure a data error rather than a type mismatch.
constexpr std::string_view kOutOfRange = "value out of range";
constexpr std::string_view kNotFinite = "value is not finite";

Status ArgError(std::string_view fn, size_t index, std::string_view what, const Value& got) {
  return Status::InvalidArgument(Upper(fn) + std::string(kArgWord) + std::to_string(index + 1) +
                                 std::string(kMustBe) + std::string(what) + ", not " +
                                 TypeDesc(got));
}

bool IsText(const Value& v) {
  return !v.is_null() && v.is_text() &&
         (v.type() != Type::kSymbol || v.as_symbol().has_text);
}

Result<std::string_view> TextArg(std::string_view fn, std::span<const Value> args, size_t i) {
  if (!IsText(args[i])) return ArgError(fn, i, "a string", args[i]);
  return args[i].text();
}

Result<int64_t> IntArg(std::string_view fn, std::span<const Value> args, size_t i) {
  const Value& v = args[i];
  if (v.is_null() || v.type() != Type::kInt) return ArgError(fn, i, "an int", v);
  auto small = v.as_int().ToInt64();
  if (!small) {
    return Status::InvalidArgument(Upper(fn) + ": argument " + std::to_string(i + 1) +
                                   " is out of range");
  }
  return *small;
}

Result<const Timestamp*> TimestampArg(std::string_view fn, std::span<const Value> args,
                                      size_t i) {
  const Value& v = args[i];
  if (v.is_null() || v.type() != Type::kTimestamp) return ArgError(fn, i, "a timestamp", v);
  return &v.as_timestamp();
}

// Date part named by a symbol (or string) argument, lower-cased.
Result<std::string> PartArg(std::string_view fn, std::span<const Value> args, size_t i) {
  if (!IsText(args[i])) return ArgError(fn, i, "a date part", args[i]);
  std::string s(args[i].text());
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// ---------------------------------------------------------------------------------------------
// String functions

Result<Value> CharLength(std::string_view fn, std::span<const Value> args) {
  FOLIO_ASSIGN_OR_RETURN(std::string_view s, TextArg(fn, args, 0));
  FOLIO_ASSIGN_OR_RETURN(std::u32string cps, in::DecodeUtf8(s, Upper(fn)));
  return Value::Integer(static_cast<int64_t>(cps.size()));
}

locale_t Utf8Locale() {
  static locale_t loc = [] {
    locale_t l = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(0));
    if (l == static_cast<locale_t>(0)) {
      l = newlocale(LC_CTYPE_MASK, "C.utf8", static_cast<locale_t>(0));
    }
    return l;
  }();
  return loc;
}

// Unconditional one-to-many case mappings (Unicode SpecialCasing.txt) that Java's
// toUpperCase/toLowerCase apply and towupper/towlower cannot express.
const char* FullUpper(char32_t c) {
  switch (c) {
    case 0x00DF: return "SS";
    case 0x0149: return "\u02BCN";
    case 0x01F0: return "J\u030C";
    case 0x0390: return "\u0399\u0308\u0301";
    case 0x03B0: return "\u03A5\u0308\u0301";
    case 0x0587: return "\u0535\u0552";
    case 0x1E96: return "H\u0331";
    case 0x1E97: return "T\u0308";
    case 0x1E98: return "W\u030A";
    case 0x1E99: return "Y\u030A";
    case 0x1E9A: return "A\u02BE";
    case 0xFB00: return "FF";
    case 0xFB01: return "FI";
    case 0xFB02: return "FL";
    case 0xFB03: return "FFI";
    case 0xFB04: return "FFL";
    case 0xFB05:
    case 0xFB06: return "ST";
    case 0xFB13: return "\u0544\u0546";
    case 0xFB14: return "\u0544\u0535";
    case 0xFB15: return "\u0544\u053B";
    case 0xFB16: return "\u054E\u0546";
    case 0xFB17: return "\u0544\u053D";
    default: return nullptr;
  }
}

const char* FullLower(char32_t c) {
  return c == 0x0130 ? "i\u0307" : nullptr;
}

Result<Value> ChangeCase(std::string_view fn, std::span<const Value> args, bool upper) {
  FOLIO_ASSIGN_OR_RETURN(std::string_view s, TextArg(fn, args, 0));
  FOLIO_ASSIGN_OR_RETURN(std::u32string cps, in::DecodeUtf8(s, Upper(fn)));
  locale_t loc = Utf8Locale();
  std::string out;
  out.reserve(s.size());
  for (char32_t c : cps) {
    char32_t m = c;
    if (c < 0x80 || loc == static_cast<locale_t>(0)) {
      if (upper && c >= 'a' && c <= 'z') m = c - 32;
      if (!upper && c >= 'A' && c <= 'Z') m = c + 32;
    } else if (const char* full = upper ? FullUpper(c) : FullLower(c)) {
      out += full;
      continue;
    } else {
      wint_t w = static_cast<wint_t>(c);
      m = static_cast<char32_t>(upper ? towupper_l(w, loc) : towlower_l(w, loc));
    }
    in::AppendUtf8(m, &out);
  }
  return Value::String(std::move(out));
}

// SUBSTRING(s, start[, length]) per SQL: characters at positions [start, start + length),
// clipped to the string; positions are 1-based code points.
Result<Value> Substring(std::span<const Value> args) {
  FOLIO_ASSIGN_OR_RETURN(std::string_view s, TextArg("substring", args, 0));
  FOLIO_ASSIGN_OR_RETURN(int64_t start, IntArg("substring", args, 1));
  FOLIO_ASSIGN_OR_RETURN(std::u32string cps, in::DecodeUtf8(s, "SUBSTRING"));
  int64_t n = static_cast<int64_t>(cps.size());
  int64_t end = n + 1;  // exclusive, 1-based
  if (args.size() == 3) {
    FOLIO_ASSIGN_OR_RETURN(int64_t len, IntArg("substring", args, 2));
    if (len < 0) {
      // Outside the domain, which PartiQL treats like a type mismatch (MISSING when permissive).
      return Status::InvalidArgument("SUBSTRING" + std::string(kArgWord) + "3" +
                                     std::string(kMustBe) + "a non-negative length, not " +
                                     std::to_string(len));
    }
    // start + len, saturating.
    end = (len > INT64_MAX - std::max<int64_t>(start, 0)) ? INT64_MAX : start + len;
  }
  int64_t from = std::max<int64_t>(start, 1);
  int64_t to = std::min<int64_t>(end, n + 1);
  if (to <= from) return Value::String("");
  return Value::String(in::EncodeUtf8(std::u32string_view(cps).substr(
      static_cast<size_t>(from - 1), static_cast<size_t>(to - from))));
}

// TRIM argument shapes (see functions.h): (s) | (mode, s) | (mode, chars, s).
Result<Value> Trim(std::span<const Value> args) {
  std::string mode = "both";
  std::u32string chars = U" ";
  size_t target = args.size() - 1;
  if (args.size() >= 2) {
    if (args[0].is_null() || args[0].type() != Type::kSymbol) {
      return ArgError("trim", 0, "a trim specification (both, leading or trailing)", args[0]);
    }
    FOLIO_ASSIGN_OR_RETURN(mode, PartArg("trim", args, 0));
    if (mode != "both" && mode != "leading" && mode != "trailing") {
      return Status::InvalidArgument("TRIM: unknown trim specification '" + mode + "'");
    }
  }
  if (args.size() == 3) {
    FOLIO_ASSIGN_OR_RETURN(std::string_view c, TextArg("trim", args, 1));
    FOLIO_ASSIGN_OR_RETURN(chars, in::DecodeUtf8(c, "TRIM"));
  }
  FOLIO_ASSIGN_OR_RETURN(std::string_view s, TextArg("trim", args, target));
  FOLIO_ASSIGN_OR_RETURN(std::u32string cps, in::DecodeUtf8(s, "TRIM"));
  auto remove = [&](char32_t c) { return chars.find(c) != std::u32string::npos; };
  size_t b = 0, e = cps.size();
  if (mode != "trailing") {
    while (b < e && remove(cps[b])) ++b;
  }
  if (mode != "leading") {
    while (e > b && remove(cps[e - 1])) --e;
  }
  return Value::String(in::EncodeUtf8(std::u32string_view(cps).substr(b, e - b)));
}

// ---------------------------------------------------------------------------------------------
// Date and time

// Seconds since the epoch of the timestamp's local components (offset ignored).
int64_t LocalSeconds(const Timestamp& t) {
  return in::DaysFromCivil(t.year, t.month, t.day) * 86400 + int64_t(t.hour) * 3600 +
         int64_t(t.minute) * 60 + t.second;
}

// Sets the date/time components of `t` from local epoch seconds; fails outside years 1..9999.
Status SetLocalSeconds(int64_t secs, std::string_view fn, Timestamp* t) {
  int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
  int64_t rem = secs - days * 86400;
  int64_t y;
  int m, d;
  in::CivilFromDays(days, &y, &m, &d);
  if (y < 1 || y > 9999) {
    return Status::InvalidArgument(Upper(fn) + ": resulting timestamp is out of range");
  }
  t->year = static_cast<int32_t>(y);
  t->month = static_cast<uint8_t>(m);
  t->day = static_cast<uint8_t>(d);
  t->hour = static_cast<uint8_t>(rem / 3600);
  t->minute = static_cast<uint8_t>(rem / 60 % 60);
  t->second = static_cast<uint8_t>(rem % 60);
  return Status::OK();
}

ion::Decimal FractionOf(const Timestamp& t) {
  return t.precision == P::kFraction ? t.fraction : ion::Decimal{};
}

Result<Value> DateAdd(std::span<const Value> args) {
  FOLIO_ASSIGN_OR_RETURN(std::string part, PartArg("date_add", args, 0));
  FOLIO_ASSIGN_OR_RETURN(int64_t n, IntArg("date_add", args, 1));
  FOLIO_ASSIGN_OR_RETURN(const Timestamp* ts, TimestampArg("date_add", args, 2));
  Timestamp r = *ts;
  P needed;
  int64_t unit = 0;
  if (part == "year" || part == "month") {
    needed = part == "year" ? P::kYear : P::kMonth;
  } else if (part == "day") {
    needed = P::kDay;
    unit = 86400;
  } else if (part == "hour") {
    needed = P::kMinute;
    unit = 3600;
  } else if (part == "minute") {
    needed = P::kMinute;
    unit = 60;
  } else if (part == "second") {
    needed = P::kSecond;
    unit = 1;
  } else {
    return Status::InvalidArgument("DATE_ADD: invalid date part '" + part + "'");
  }
  if (r.precision < needed) {
    if (needed >= P::kMinute && r.precision < P::kMinute) r.offset_minutes = std::nullopt;
    r.precision = needed;
  }
  auto range_error = [] {
    return Status::InvalidArgument("DATE_ADD: resulting timestamp is out of range");
  };
  if (unit == 0) {
    int64_t months = part == "year" ? n : 0;
    if (part == "year" && __builtin_mul_overflow(n, int64_t(12), &months)) return range_error();
    if (part == "month") months = n;
    int64_t base = int64_t(r.year) * 12 + (r.month - 1), total;
    if (__builtin_add_overflow(base, months, &total)) return range_error();
    int64_t y = total >= 0 ? total / 12 : -((-total + 11) / 12);
    int64_t m = total - y * 12 + 1;
    if (y < 1 || y > 9999) return range_error();
    r.year = static_cast<int32_t>(y);
    r.month = static_cast<uint8_t>(m);
    r.day = static_cast<uint8_t>(std::min<int>(r.day, in::DaysInMonth(y, static_cast<int>(m))));
  } else {
    int64_t delta, secs;
    if (__builtin_mul_overflow(n, unit, &delta) ||
        __builtin_add_overflow(LocalSeconds(r), delta, &secs)) {
      return range_error();
    }
    FOLIO_TRY(SetLocalSeconds(secs, "date_add", &r));
  }
  return Value::Time(std::move(r));
}

// Whole `unit`-second steps in (d + delta) seconds, where delta in (-1, 1) has sign `dsign`;
// truncated toward zero.
int64_t WholeUnits(int64_t d, int dsign, int64_t unit) {
  auto floor_div = [](int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); };
  bool positive = d > 0 || (d == 0 && dsign > 0);
  if (positive) return dsign >= 0 ? floor_div(d, unit) : floor_div(d - 1, unit);
  // Negative total: -(floor((-d - delta) / unit)).
  int64_t nd = -d;
  return -(dsign <= 0 ? floor_div(nd, unit) : floor_div(nd - 1, unit));
}

Result<Value> DateDiff(std::span<const Value> args) {
  FOLIO_ASSIGN_OR_RETURN(std::string part, PartArg("date_diff", args, 0));
  FOLIO_ASSIGN_OR_RETURN(const Timestamp* a, TimestampArg("date_diff", args, 1));
  FOLIO_ASSIGN_OR_RETURN(const Timestamp* b, TimestampArg("date_diff", args, 2));
  int64_t off_a = a->offset_minutes.value_or(0) * 60;
  int64_t off_b = b->offset_minutes.value_or(0) * 60;
  int64_t ua = LocalSeconds(*a) - off_a, ub = LocalSeconds(*b) - off_b;
  int dsign = in::CompareDecimals(FractionOf(*b), FractionOf(*a));
  int64_t d = ub - ua;
  if (part == "second") return Value::Integer(WholeUnits(d, dsign, 1));
  if (part == "minute") return Value::Integer(WholeUnits(d, dsign, 60));
  if (part == "hour") return Value::Integer(WholeUnits(d, dsign, 3600));
  if (part == "day") return Value::Integer(WholeUnits(d, dsign, 86400));
  if (part != "month" && part != "year") {
    return Status::InvalidArgument("DATE_DIFF: invalid date part '" + part + "'");
  }
  // Calendar months between the two, with the second seen at the first one's offset.
  Timestamp la = *a, lb = *b;
  FOLIO_TRY(SetLocalSeconds(ub + off_a, "date_diff", &lb));
  int64_t months = (int64_t(lb.year) - la.year) * 12 + (int64_t(lb.month) - la.month);
  auto rest_cmp = [&]() {
    std::array<int, 4> x{la.day, la.hour, la.minute, la.second};
    std::array<int, 4> y{lb.day, lb.hour, lb.minute, lb.second};
    if (x != y) return y < x ? -1 : 1;
    return dsign;
  };
  int rc = rest_cmp();
  if (months > 0 && rc < 0) --months;
  if (months < 0 && rc > 0) ++months;
  return Value::Integer(part == "month" ? months : months / 12);
}

Result<Value> Extract(std::span<const Value> args) {
  FOLIO_ASSIGN_OR_RETURN(std::string part, PartArg("extract", args, 0));
  FOLIO_ASSIGN_OR_RETURN(const Timestamp* t, TimestampArg("extract", args, 1));
  int off = t->offset_minutes.value_or(0);
  if (part == "year") return Value::Integer(int64_t(t->year));
  if (part == "month") return Value::Integer(int64_t(t->month));
  if (part == "day") return Value::Integer(int64_t(t->day));
  if (part == "hour") return Value::Integer(int64_t(t->hour));
  if (part == "minute") return Value::Integer(int64_t(t->minute));
  if (part == "second") {
    ion::Decimal sec = in::IntToDecimal(int64_t(t->second));
    if (t->precision == P::kFraction) {
      ion::Decimal f = t->fraction;
      mpz_class c = f.coefficient.ToMpz();
      if (f.exponent < 0 && -int64_t(f.exponent) <= 1000) {
        c += in::Pow10(static_cast<uint64_t>(-int64_t(f.exponent))) * t->second;
        FOLIO_ASSIGN_OR_RETURN(sec, in::MakeExactDecimal(c, f.exponent));
      } else if (f.exponent < 0) {
        FOLIO_ASSIGN_OR_RETURN(sec, in::MakeExactDecimal(
                                        c + in::Pow10(1000) * t->second, f.exponent));
      }
    }
    return Value::Dec(std::move(sec));
  }
  if (part == "timezone_hour") return Value::Integer(int64_t(off / 60));
  if (part == "timezone_minute") return Value::Integer(int64_t(off % 60));
  return Status::InvalidArgument("EXTRACT: invalid date part '" + part + "'");
}

Result<Value> ToString(std::span<const Value> args) {
  FOLIO_ASSIGN_OR_RETURN(const Timestamp* t, TimestampArg("to_string", args, 0));
  FOLIO_ASSIGN_OR_RETURN(std::string_view pattern, TextArg("to_string", args, 1));
  FOLIO_ASSIGN_OR_RETURN(std::string s, in::FormatTimestamp(*t, pattern));
  return Value::String(std::move(s));
}

Result<Value> ToTimestamp(std::span<const Value> args) {
  FOLIO_ASSIGN_OR_RETURN(std::string_view text, TextArg("to_timestamp", args, 0));
  if (args.size() == 1) {
    auto ts = in::ParseIonTimestamp(text);
    if (!ts.ok()) return ts.status().WithContext("TO_TIMESTAMP");
    return Value::Time(std::move(ts).value());
  }
  FOLIO_ASSIGN_OR_RETURN(std::string_view pattern, TextArg("to_timestamp", args, 1));
  FOLIO_ASSIGN_OR_RETURN(Timestamp ts, in::ParseTimestampPattern(text, pattern));
  return Value::Time(std::move(ts));
}

// ---------------------------------------------------------------------------------------------
// CAST

Status CastError(const Value& v, std::string_view target, std::string_view why = {}) {
  std::string msg = std::string(kCastPrefix) + TypeDesc(v) + " to " + std::string(target);
  if (!why.empty()) msg += ": " + std::string(why);
  return Status::InvalidArgument(msg);
}

// Parses PartiQL/Ion integer text: [+-] then decimal digits, 0x hex or 0b binary.
std::optional<mpz_class> ParseIntText(std::string_view s) {
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    s.remove_prefix(2);
  } else if (s.size() > 2 && s[0] == '0' && (s[1] == 'b' || s[1] == 'B')) {
    base = 2;
    s.remove_prefix(2);
  }
  if (s.empty()) return std::nullopt;
  for (char c : s) {
    bool ok = base == 16  ? std::isxdigit(static_cast<unsigned char>(c)) != 0
              : base == 2 ? (c == '0' || c == '1')
                          : (c >= '0' && c <= '9');
    if (!ok) return std::nullopt;
  }
  mpz_class z;
  if (z.set_str(std::string(s), base) != 0) return std::nullopt;
  return negative ? mpz_class(-z) : z;
}

// Parses decimal text: [+-] digits [. digits] [(e|E|d|D) [+-] digits] (at least one digit).
std::optional<ion::Decimal> ParseDecimalText(std::string_view s) {
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  std::string digits;
  int64_t frac = 0;
  size_t i = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) digits += s[i++];
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
      digits += s[i++];
      ++frac;
    }
  }
  if (digits.empty()) return std::nullopt;
  int64_t exp = 0;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E' || s[i] == 'd' || s[i] == 'D')) {
    ++i;
    bool eneg = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) eneg = s[i++] == '-';
    size_t start = i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
      if (exp > 1'000'000'000'000LL) return std::nullopt;
      exp = exp * 10 + (s[i++] - '0');
    }
    if (i == start) return std::nullopt;
    if (eneg) exp = -exp;
  }
  if (i != s.size()) return std::nullopt;
  mpz_class c(digits, 10);
  if (negative) c = -c;
  auto d = in::MakeExactDecimal(c, exp - frac);
  if (!d.ok()) return std::nullopt;
  ion::Decimal out = std::move(d).value();
  if (negative && c == 0) out.negative_zero = true;
  return out;
}

std::optional<double> ParseFloatText(std::string_view s) {
  if (s == "nan" || s == "NaN") return std::nan("");
  if (s == "+inf" || s == "inf" || s == "Infinity" || s == "+Infinity") {
    return std::numeric_limits<double>::infinity();
  }
  if (s == "-inf" || s == "-Infinity") return -std::numeric_limits<double>::infinity();
  auto d = ParseDecimalText(s);
  if (!d) return std::nullopt;
  return in::DecimalToDouble(*d);
}

Result<Value> CastToInt(const Value& v, std::string_view target, int bits) {
  mpz_class z;
  switch (v.type()) {
    case Type::kBool: z = v.as_bool() ? 1 : 0; break;
    case Type::kInt: z = v.as_int().ToMpz(); break;
    case Type::kDecimal: {
      const ion::Decimal& d = v.as_decimal();
      if (!d.is_zero() && int64_t(d.exponent) + in::DigitCount(in::Coefficient(d)) > 40) {
        return CastError(v, target, kOutOfRange);
      }
      z = in::RoundHalfEven(d);
      break;
    }
    case Type::kFloat: {
      double f = v.as_float();
      if (!std::isfinite(f)) return CastError(v, target, kNotFinite);
      if (std::fabs(f) > 1e40) return CastError(v, target, kOutOfRange);
      // Round the exact binary value half-even.
      mpq_class q(f);
      mpz_class fl;
      mpz_fdiv_q(fl.get_mpz_t(), q.get_num_mpz_t(), q.get_den_mpz_t());
      int c = cmp(mpq_class(q - fl), mpq_class(1, 2));
      z = (c > 0 || (c == 0 && mpz_odd_p(fl.get_mpz_t()))) ? mpz_class(fl + 1) : fl;
      break;
    }
    case Type::kString:
    case Type::kSymbol: {
      if (!IsText(v)) return CastError(v, target);
      auto parsed = ParseIntText(v.text());
      if (!parsed) return CastError(v, target, "'" + std::string(v.text()) + "' is not an integer");
      z = *parsed;
      break;
    }
    default: return CastError(v, target);
  }
  mpz_class lo = -(mpz_class(1) << (bits - 1)), hi = (mpz_class(1) << (bits - 1)) - 1;
  if (z < lo || z > hi) return CastError(v, target, kOutOfRange);
  return Value::Integer(ion::Int(z));
}

Result<Value> CastToDecimal(const Value& v, std::string_view target) {
  switch (v.type()) {
    case Type::kBool: return Value::Dec(in::IntToDecimal(v.as_bool() ? 1 : 0));
    case Type::kInt: return Value::Dec(in::IntToDecimal(v.as_int()));
    case Type::kDecimal: return Value::Dec(v.as_decimal());
    case Type::kFloat: {
      auto d = in::DoubleToDecimal(v.as_float());
      if (!d.ok()) return CastError(v, target, kNotFinite);
      return Value::Dec(std::move(d).value());
    }
    case Type::kString:
    case Type::kSymbol: {
      if (!IsText(v)) return CastError(v, target);
      auto d = ParseDecimalText(v.text());
      if (!d) return CastError(v, target, "'" + std::string(v.text()) + "' is not a number");
      return Value::Dec(std::move(*d));
    }
    default: return CastError(v, target);
  }
}

Result<Value> CastToFloat(const Value& v, std::string_view target) {
  switch (v.type()) {
    case Type::kBool: return Value::Float(v.as_bool() ? 1.0 : 0.0);
    case Type::kInt: return Value::Float(in::IntToDouble(v.as_int()));
    case Type::kDecimal: return Value::Float(in::DecimalToDouble(v.as_decimal()));
    case Type::kFloat: return Value::Float(v.as_float());
    case Type::kString:
    case Type::kSymbol: {
      if (!IsText(v)) return CastError(v, target);
      auto d = ParseFloatText(v.text());
      if (!d) return CastError(v, target, "'" + std::string(v.text()) + "' is not a number");
      return Value::Float(*d);
    }
    default: return CastError(v, target);
  }
}

Result<std::string> CastToText(const Value& v, std::string_view target) {
  switch (v.type()) {
    case Type::kBool: return std::string(v.as_bool() ? "true" : "false");
    case Type::kInt: return v.as_int().ToString();
    case Type::kDecimal: return in::DecimalToJavaString(v.as_decimal());
    case Type::kFloat: return in::DoubleToJavaString(v.as_float());
    case Type::kTimestamp: return v.as_timestamp().ToString();
    case Type::kString: return v.as_string();
    case Type::kSymbol:
      if (!v.as_symbol().has_text) return CastError(v, target, "symbol has unknown text");
      return v.as_symbol().text;
    default: return CastError(v, target);
  }
}

Result<Value> CastValue(const Value& v, std::string_view target) {
  std::string t(target);
  for (char& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (t == "null") return Value::Null();
  if (t == "missing") {
    return Status::InvalidArgument("CAST: conversion to MISSING is done by the evaluator");
  }
  if (v.is_null()) return Value::Null();
  if (t == "bool" || t == "boolean") {
    switch (v.type()) {
      case Type::kBool: return Value::Bool(v.as_bool());
      case Type::kInt: return Value::Bool(!v.as_int().is_zero());
      case Type::kDecimal: return Value::Bool(!v.as_decimal().is_zero());
      case Type::kFloat: return Value::Bool(v.as_float() != 0.0);
      case Type::kString:
      case Type::kSymbol: {
        if (!IsText(v)) return CastError(v, t);
        std::string s(v.text());
        for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (s == "true") return Value::Bool(true);
        if (s == "false") return Value::Bool(false);
        return CastError(v, t, "'" + std::string(v.text()) + "' is not a boolean");
      }
      default: return CastError(v, t);
    }
  }
  if (t == "smallint" || t == "int2" || t == "integer2") return CastToInt(v, t, 16);
  if (t == "int4" || t == "integer4") return CastToInt(v, t, 32);
  if (t == "int" || t == "integer" || t == "bigint" || t == "int8" || t == "integer8") {
    return CastToInt(v, t, 64);
  }
  if (t == "float" || t == "real" || t == "double" || t == "double precision") {
    return CastToFloat(v, t);
  }
  if (t == "decimal" || t == "dec" || t == "numeric") return CastToDecimal(v, t);
  if (t == "string" || t == "varchar" || t == "char" || t == "character" ||
      t == "character varying" || t == "text") {
    FOLIO_ASSIGN_OR_RETURN(std::string s, CastToText(v, t));
    return Value::String(std::move(s));
  }
  if (t == "symbol") {
    FOLIO_ASSIGN_OR_RETURN(std::string s, CastToText(v, t));
    return Value::Sym(ion::Symbol(std::move(s)));
  }
  if (t == "timestamp") {
    if (v.type() == Type::kTimestamp) return Value::Time(v.as_timestamp());
    if (!IsText(v)) return CastError(v, t);
    auto ts = in::ParseIonTimestamp(v.text());
    if (!ts.ok()) return CastError(v, t, ts.status().message());
    return Value::Time(std::move(ts).value());
  }
  if (t == "list" || t == "sexp" || t == "bag") {
    if (!v.is_sequence()) return CastError(v, t);
    Value::Elements e = v.elements();
    return t == "sexp" ? Value::Sexp(std::move(e)) : Value::List(std::move(e));
  }
  if (t == "struct" || t == "tuple") {
    if (v.type() != Type::kStruct) return CastError(v, t);
    return Value::Struct(v.fields());
  }
  if (t == "blob" || t == "clob") {
    if (!v.is_lob()) return CastError(v, t);
    return t == "blob" ? Value::Blob(v.as_bytes()) : Value::Clob(v.as_bytes());
  }
  return Status::InvalidArgument("CAST: unknown target type '" + std::string(target) + "'");
}

// ---------------------------------------------------------------------------------------------
// Conditional and container functions

Result<Value> Size(std::span<const Value> args) {
  const Value& v = args[0];
  if (v.is_null() || !v.is_container()) return ArgError("size", 0, "a container", v);
  return Value::Integer(static_cast<int64_t>(v.type() == Type::kStruct ? v.fields().size()
                                                                       : v.elements().size()));
}

}  // namespace

bool IsTypeMismatch(const Status& st) {
  const std::string& m = st.message();
  if (st.code() != StatusCode::kInvalidArgument) return false;
  if (m.rfind(kCastPrefix, 0) == 0) {
    return m.find(kOutOfRange) == std::string::npos && m.find(kNotFinite) == std::string::npos;
  }
  size_t arg = m.find(kArgWord);
  return arg != std::string::npos && m.find(kMustBe, arg) != std::string::npos;
}

const FunctionInfo* FindFunction(std::string_view lower_name) {
  for (const FunctionInfo& f : kFunctions) {
    if (f.name == lower_name) return &f;
  }
  return nullptr;
}

Result<Value> Cast(const Value& v, std::string_view type_name) { return CastValue(v, type_name); }

Result<Value> CallFunction(std::string_view name, std::span<const Value> args,
                           const FunctionContext& ctx) {
  const FunctionInfo* info = FindFunction(name);
  if (info == nullptr) {
    return Status::InvalidArgument("Unknown function: " + Upper(name));
  }
  if (static_cast<int>(args.size()) < info->min_args ||
      static_cast<int>(args.size()) > info->max_args) {
    return Status::InvalidArgument(Upper(name) + ": wrong number of arguments (" +
                                   std::to_string(args.size()) + ")");
  }
  if (name == "char_length" || name == "character_length") return CharLength(name, args);
  if (name == "lower") return ChangeCase(name, args, false);
  if (name == "upper") return ChangeCase(name, args, true);
  if (name == "substring") return Substring(args);
  if (name == "trim") return Trim(args);
  if (name == "date_add") return DateAdd(args);
  if (name == "date_diff") return DateDiff(args);
  if (name == "extract") return Extract(args);
  if (name == "to_string") return ToString(args);
  if (name == "to_timestamp") return ToTimestamp(args);
  if (name == "utcnow") return Value::Time(ctx.now);
  if (name == "txid") return Value::String(ctx.transaction_id);
  if (name == "cast") {
    if (!IsText(args[1])) return ArgError("cast", 1, "a type name", args[1]);
    return CastValue(args[0], args[1].text());
  }
  if (name == "size") return Size(args);
  if (name == "exists") {
    const Value& v = args[0];
    if (v.is_null() || !v.is_container()) return Value::Bool(false);
    return Value::Bool(v.type() == Type::kStruct ? !v.fields().empty() : !v.elements().empty());
  }
  if (name == "coalesce") {
    for (const Value& v : args) {
      if (!v.is_null()) return v;
    }
    return Value::Null();
  }
  if (name == "nullif") {
    if (args[0].is_null()) return Value::Null();
    if (args[1].is_null()) return args[0];
    return PartiqlEquals(args[0], args[1]) ? Value::Null() : args[0];
  }
  return Status::Internal("function table and dispatcher disagree on " + std::string(name));
}

}  // namespace folio::partiql
