// Private helpers shared by the partiql function, arithmetic and comparison code: UTF-8 code
// points, exact decimal arithmetic on GMP integers, and proleptic Gregorian calendar math.
// Not part of the module's public interface.
#pragma once

#include <gmpxx.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "ion/value.h"

namespace folio::partiql::internal {

// Decimal results are rounded to this many significant digits, half-even (the precision
// partiql-tests expects for `4.0000 / 3.0`).
inline constexpr int kDecimalPrecision = 38;

// Decodes UTF-8 into code points; kInvalidArgument naming `who` for malformed input.
Result<std::u32string> DecodeUtf8(std::string_view s, std::string_view who);
std::string EncodeUtf8(std::u32string_view cps);
void AppendUtf8(char32_t c, std::string* out);

mpz_class Pow10(uint64_t n);
// Number of decimal digits of |v| (1 for zero).
int64_t DigitCount(const mpz_class& v);

// A decimal given as a signed coefficient and a 64-bit exponent: rounds the coefficient to at
// most `precision` digits (half-even; `sticky` says the true value lies strictly beyond
// `coefficient` in magnitude by less than one unit of its last digit) and checks the
// exponent fits an Ion decimal. Never yields negative zero.
Result<ion::Decimal> MakeDecimal(const mpz_class& coefficient, int64_t exponent,
                                 bool sticky = false, int precision = kDecimalPrecision);
// Exact, no rounding (errors only if the exponent is out of range).
Result<ion::Decimal> MakeExactDecimal(const mpz_class& coefficient, int64_t exponent);

ion::Decimal IntToDecimal(const ion::Int& i);
// Signed coefficient (zero for negative zero).
mpz_class Coefficient(const ion::Decimal& d);
// Correctly rounded nearest double (±inf on overflow).
double DecimalToDouble(const ion::Decimal& d);
double IntToDouble(const ion::Int& i);
// Shortest decimal that reads back as `d`; kInvalidArgument for NaN and infinities.
Result<ion::Decimal> DoubleToDecimal(double d);
// Numeric comparison that stays cheap for any exponents.
int CompareDecimals(const ion::Decimal& a, const ion::Decimal& b);
// Compares an exact decimal with a double (not NaN).
int CompareDecimalDouble(const ion::Decimal& a, double b);

// Rounds d to an integer, half-even.
mpz_class RoundHalfEven(const ion::Decimal& d);

// Java BigDecimal.toString() and Double.toString() renderings, used by CAST to string.
std::string DecimalToJavaString(const ion::Decimal& d);
std::string DoubleToJavaString(double d);

// Calendar.
bool IsLeapYear(int64_t y);
int DaysInMonth(int64_t y, int m);
int64_t DaysFromCivil(int64_t y, int m, int d);
void CivilFromDays(int64_t days, int64_t* y, int* m, int* d);

}  // namespace folio::partiql::internal
