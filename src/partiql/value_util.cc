#include "partiql/value_util.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string>

namespace folio::partiql::internal {

Result<std::u32string> DecodeUtf8(std::string_view s, std::string_view who) {
  std::u32string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    char32_t cp;
    int len;
    if (c < 0x80) {
      cp = c;
      len = 1;
    } else if ((c & 0xE0) == 0xC0) {
      cp = c & 0x1F;
      len = 2;
    } else if ((c & 0xF0) == 0xE0) {
      cp = c & 0x0F;
      len = 3;
    } else if ((c & 0xF8) == 0xF0) {
      cp = c & 0x07;
      len = 4;
    } else {
      return Status::InvalidArgument(std::string(who) + ": invalid UTF-8 in text");
    }
    if (i + len > s.size()) {
      return Status::InvalidArgument(std::string(who) + ": truncated UTF-8 in text");
    }
    for (int k = 1; k < len; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) {
        return Status::InvalidArgument(std::string(who) + ": invalid UTF-8 in text");
      }
      cp = (cp << 6) | (cc & 0x3F);
    }
    static const char32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return Status::InvalidArgument(std::string(who) + ": invalid UTF-8 in text");
    }
    out.push_back(cp);
    i += len;
  }
  return out;
}

void AppendUtf8(char32_t c, std::string* out) {
  if (c < 0x80) {
    out->push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (c >> 6)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (c >> 12)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (c >> 18)));
    out->push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

std::string EncodeUtf8(std::u32string_view cps) {
  std::string out;
  out.reserve(cps.size());
  for (char32_t c : cps) AppendUtf8(c, &out);
  return out;
}

mpz_class Pow10(uint64_t n) {
  mpz_class p;
  mpz_ui_pow_ui(p.get_mpz_t(), 10, n);
  return p;
}

int64_t DigitCount(const mpz_class& v) {
  if (v == 0) return 1;
  mpz_class a = abs(v);
  int64_t n = static_cast<int64_t>(mpz_sizeinbase(a.get_mpz_t(), 10));
  // mpz_sizeinbase may overstate by one.
  if (n > 1 && a < Pow10(static_cast<uint64_t>(n - 1))) --n;
  return n;
}

namespace {

constexpr int64_t kMinExponent = INT32_MIN;
constexpr int64_t kMaxExponent = INT32_MAX;

Status ExponentError() {
  return Status::InvalidArgument("decimal exponent out of range");
}

}  // namespace

Result<ion::Decimal> MakeExactDecimal(const mpz_class& coefficient, int64_t exponent) {
  if (exponent < kMinExponent || exponent > kMaxExponent) return ExponentError();
  ion::Decimal d;
  d.coefficient = ion::Int(coefficient);
  d.exponent = static_cast<int32_t>(exponent);
  return d;
}

Result<ion::Decimal> MakeDecimal(const mpz_class& coefficient, int64_t exponent, bool sticky,
                                 int precision) {
  int sign = sgn(coefficient);
  mpz_class mag = abs(coefficient);
  int64_t digits = DigitCount(mag);
  if (digits > precision) {
    int64_t drop = digits - precision;
    mpz_class unit = Pow10(static_cast<uint64_t>(drop));
    mpz_class q, r;
    mpz_tdiv_qr(q.get_mpz_t(), r.get_mpz_t(), mag.get_mpz_t(), unit.get_mpz_t());
    mpz_class twice = r * 2;
    int c = cmp(twice, unit);
    bool up = c > 0 || (c == 0 && (sticky || mpz_odd_p(q.get_mpz_t())));
    if (up) q += 1;
    exponent += drop;
    if (DigitCount(q) > precision) {  // carried into a new digit: q is a power of ten
      q /= 10;
      exponent += 1;
    }
    mag = q;
  }
  return MakeExactDecimal(sign < 0 ? mpz_class(-mag) : mag, exponent);
}

ion::Decimal IntToDecimal(const ion::Int& i) {
  ion::Decimal d;
  d.coefficient = i;
  return d;
}

mpz_class Coefficient(const ion::Decimal& d) { return d.coefficient.ToMpz(); }

double DecimalToDouble(const ion::Decimal& d) {
  if (d.is_zero()) return d.negative_zero ? -0.0 : 0.0;
  std::string s = d.coefficient.ToString() + "e" + std::to_string(d.exponent);
  return std::strtod(s.c_str(), nullptr);
}

double IntToDouble(const ion::Int& i) {
  if (i.is_small()) {
    int64_t v = i.small();
    if (v > -(int64_t(1) << 53) && v < (int64_t(1) << 53)) return static_cast<double>(v);
  }
  return std::strtod(i.ToString().c_str(), nullptr);
}

Result<ion::Decimal> DoubleToDecimal(double d) {
  if (!std::isfinite(d)) {
    return Status::InvalidArgument("cannot convert " + DoubleToJavaString(d) + " to decimal");
  }
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string_view s(buf, static_cast<size_t>(res.ptr - buf));
  // Form: [-]D[.DDD]e[+-]XX
  bool negative = !s.empty() && s[0] == '-';
  if (negative) s.remove_prefix(1);
  size_t e = s.find('e');
  std::string digits;
  int64_t frac_digits = 0;
  bool after_point = false;
  for (size_t i = 0; i < e; ++i) {
    if (s[i] == '.') {
      after_point = true;
    } else {
      digits.push_back(s[i]);
      if (after_point) ++frac_digits;
    }
  }
  int64_t exp = std::strtoll(std::string(s.substr(e + 1)).c_str(), nullptr, 10);
  mpz_class c(digits, 10);
  if (negative) c = -c;
  FOLIO_ASSIGN_OR_RETURN(ion::Decimal out, MakeExactDecimal(c, exp - frac_digits));
  if (c == 0 && negative) out.negative_zero = true;
  return out;
}

int CompareDecimals(const ion::Decimal& a, const ion::Decimal& b) {
  mpz_class ca = Coefficient(a), cb = Coefficient(b);
  int sa = sgn(ca), sb = sgn(cb);
  if (sa != sb) return sa < sb ? -1 : 1;
  if (sa == 0) return 0;
  int64_t adj_a = int64_t(a.exponent) + DigitCount(ca);
  int64_t adj_b = int64_t(b.exponent) + DigitCount(cb);
  if (adj_a != adj_b) return (adj_a < adj_b ? -1 : 1) * sa;
  // Same magnitude order: the exponent difference is bounded by the digit counts.
  int64_t e = std::min<int64_t>(a.exponent, b.exponent);
  if (a.exponent > e) ca *= Pow10(static_cast<uint64_t>(a.exponent - e));
  if (b.exponent > e) cb *= Pow10(static_cast<uint64_t>(b.exponent - e));
  int c = cmp(ca, cb);
  return (c > 0) - (c < 0);
}

int CompareDecimalDouble(const ion::Decimal& a, double b) {
  if (std::isinf(b)) return b > 0 ? -1 : 1;
  int exp2;
  double m = std::frexp(b, &exp2);  // b = m * 2^exp2, 0.5 <= |m| < 1
  // Scale the mantissa to a 53-bit integer.
  int64_t mant = static_cast<int64_t>(std::ldexp(m, 53));
  exp2 -= 53;
  mpz_class c(static_cast<long>(mant));
  ion::Decimal bd;
  if (exp2 >= 0) {
    mpz_class p;
    mpz_ui_pow_ui(p.get_mpz_t(), 2, static_cast<unsigned long>(exp2));
    bd.coefficient = ion::Int(mpz_class(c * p));
  } else {
    mpz_class p;
    mpz_ui_pow_ui(p.get_mpz_t(), 5, static_cast<unsigned long>(-exp2));
    bd.coefficient = ion::Int(mpz_class(c * p));
    bd.exponent = exp2;
  }
  return CompareDecimals(a, bd);
}

mpz_class RoundHalfEven(const ion::Decimal& d) {
  mpz_class c = Coefficient(d);
  if (d.exponent >= 0) return c * Pow10(static_cast<uint64_t>(d.exponent));
  int64_t digits = DigitCount(c);
  if (-int64_t(d.exponent) > digits + 1) return 0;  // |d| < 0.1
  mpz_class unit = Pow10(static_cast<uint64_t>(-int64_t(d.exponent)));
  mpz_class mag = abs(c), q, r;
  mpz_tdiv_qr(q.get_mpz_t(), r.get_mpz_t(), mag.get_mpz_t(), unit.get_mpz_t());
  int cmp2 = cmp(mpz_class(r * 2), unit);
  if (cmp2 > 0 || (cmp2 == 0 && mpz_odd_p(q.get_mpz_t()))) q += 1;
  return sgn(c) < 0 ? mpz_class(-q) : q;
}

std::string DecimalToJavaString(const ion::Decimal& d) {
  mpz_class c = Coefficient(d);
  std::string digits = mpz_class(abs(c)).get_str();
  std::string sign = sgn(c) < 0 ? "-" : "";
  int64_t scale = -int64_t(d.exponent);
  int64_t len = static_cast<int64_t>(digits.size());
  int64_t adjusted = -scale + (len - 1);
  if (scale >= 0 && adjusted >= -6) {
    if (scale == 0) return sign + digits;
    if (len > scale) {
      return sign + digits.substr(0, static_cast<size_t>(len - scale)) + "." +
             digits.substr(static_cast<size_t>(len - scale));
    }
    return sign + "0." + std::string(static_cast<size_t>(scale - len), '0') + digits;
  }
  std::string out = sign + digits.substr(0, 1);
  if (len > 1) out += "." + digits.substr(1);
  out += "E";
  if (adjusted > 0) out += "+";
  out += std::to_string(adjusted);
  return out;
}

std::string DoubleToJavaString(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  if (d == 0) return std::signbit(d) ? "-0.0" : "0.0";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string_view s(buf, static_cast<size_t>(res.ptr - buf));
  std::string sign;
  if (s[0] == '-') {
    sign = "-";
    s.remove_prefix(1);
  }
  size_t e = s.find('e');
  std::string digits;
  for (size_t i = 0; i < e; ++i) {
    if (s[i] != '.') digits.push_back(s[i]);
  }
  int exp10 = std::atoi(std::string(s.substr(e + 1)).c_str());
  double mag = std::fabs(d);
  if (mag >= 1e-3 && mag < 1e7) {
    // Plain notation with at least one fractional digit.
    std::string out;
    if (exp10 >= 0) {
      std::string ip = digits.substr(0, std::min<size_t>(digits.size(), exp10 + 1));
      if (static_cast<int>(ip.size()) < exp10 + 1) ip.append(exp10 + 1 - ip.size(), '0');
      std::string fp = digits.size() > static_cast<size_t>(exp10 + 1) ? digits.substr(exp10 + 1) : "0";
      out = ip + "." + fp;
    } else {
      out = "0." + std::string(static_cast<size_t>(-exp10 - 1), '0') + digits;
    }
    return sign + out;
  }
  std::string out = digits.substr(0, 1) + "." + (digits.size() > 1 ? digits.substr(1) : "0");
  return sign + out + "E" + std::to_string(exp10);
}

bool IsLeapYear(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int64_t y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeapYear(y) ? 29 : kDays[m - 1];
}

int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void CivilFromDays(int64_t z, int64_t* y, int* m, int* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  *d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  *m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2);
}

}  // namespace folio::partiql::internal
