#include "partiql/arith.h"

#include <cmath>
#include <string>

#include "partiql/value_util.h"

namespace folio::partiql {
namespace {

using ion::Type;
using ion::Value;
namespace in = internal;

enum class Op { kAdd, kSub, kMul, kDiv, kMod };

std::string_view OpName(Op op) {
  switch (op) {
    case Op::kAdd: return "+";
    case Op::kSub: return "-";
    case Op::kMul: return "*";
    case Op::kDiv: return "/";
    case Op::kMod: return "%";
  }
  return "?";
}

Status TypeError(Op op, const Value& a, const Value& b) {
  return Status::InvalidArgument("operator " + std::string(OpName(op)) +
                                 " is not defined for " + std::string(ion::TypeName(a.type())) +
                                 " and " + std::string(ion::TypeName(b.type())));
}

Status DivByZero() { return Status::InvalidArgument("division by zero"); }
Status IntOverflow(Op op) {
  return Status::InvalidArgument("int overflow in operator " + std::string(OpName(op)));
}

bool IsNumber(const Value& v) { return !v.is_null() && v.is_number(); }

double ToDouble(const Value& v) {
  switch (v.type()) {
    case Type::kFloat: return v.as_float();
    case Type::kInt: return in::IntToDouble(v.as_int());
    default: return in::DecimalToDouble(v.as_decimal());
  }
}

ion::Decimal ToDecimal(const Value& v) {
  return v.type() == Type::kInt ? in::IntToDecimal(v.as_int()) : v.as_decimal();
}

Result<Value> IntOp(Op op, const ion::Int& a, const ion::Int& b) {
  // Within int64, PartiQL's INT semantics apply: results outside int64 are an overflow error
  // (partiql-tests extended/int.ion). Operands already beyond int64 (arbitrary Ion ints stored
  // in documents) are computed exactly.
  if ((op == Op::kDiv || op == Op::kMod) && b.is_zero()) return DivByZero();
  if (a.is_small() && b.is_small()) {
    int64_t x = a.small(), y = b.small(), r = 0;
    bool overflow = false;
    switch (op) {
      case Op::kAdd: overflow = __builtin_add_overflow(x, y, &r); break;
      case Op::kSub: overflow = __builtin_sub_overflow(x, y, &r); break;
      case Op::kMul: overflow = __builtin_mul_overflow(x, y, &r); break;
      case Op::kDiv:
        if (x == INT64_MIN && y == -1) {
          overflow = true;
        } else {
          r = x / y;
        }
        break;
      case Op::kMod: r = (y == -1) ? 0 : x % y; break;
    }
    if (overflow) return IntOverflow(op);
    return Value::Integer(r);
  }
  mpz_class x = a.ToMpz(), y = b.ToMpz(), r;
  switch (op) {
    case Op::kAdd: r = x + y; break;
    case Op::kSub: r = x - y; break;
    case Op::kMul: r = x * y; break;
    case Op::kDiv: mpz_tdiv_q(r.get_mpz_t(), x.get_mpz_t(), y.get_mpz_t()); break;
    case Op::kMod: mpz_tdiv_r(r.get_mpz_t(), x.get_mpz_t(), y.get_mpz_t()); break;
  }
  return Value::Integer(ion::Int(r));
}

// Replaces an operand far below the other's last significant digit by a same-signed token
// that is still below it, so aligning exponents stays cheap without changing the rounded sum.
void ClampTiny(const ion::Decimal& big, ion::Decimal* small) {
  mpz_class cb = in::Coefficient(big), cs = in::Coefficient(*small);
  if (cb == 0 || cs == 0) return;
  int64_t adj_big = int64_t(big.exponent) + in::DigitCount(cb) - 1;
  int64_t adj_small = int64_t(small->exponent) + in::DigitCount(cs) - 1;
  int64_t floor = std::min<int64_t>(big.exponent, adj_big - in::kDecimalPrecision - 2);
  if (adj_small < floor - 2) {
    small->coefficient = ion::Int(sgn(cs));
    small->exponent = static_cast<int32_t>(floor - 3);
  }
}

Result<Value> DecimalAddSub(Op op, ion::Decimal a, ion::Decimal b) {
  if (op == Op::kSub) {
    b.coefficient = -b.coefficient;
    b.negative_zero = false;
  }
  if (!a.is_zero() && !b.is_zero()) {
    if (in::CompareDecimals(ion::Decimal{a.coefficient.sign() < 0 ? -a.coefficient : a.coefficient,
                                         a.exponent, false},
                            ion::Decimal{b.coefficient.sign() < 0 ? -b.coefficient : b.coefficient,
                                         b.exponent, false}) >= 0) {
      ClampTiny(a, &b);
    } else {
      ClampTiny(b, &a);
    }
  }
  int64_t e = std::min<int64_t>(a.exponent, b.exponent);
  mpz_class ca = in::Coefficient(a), cb = in::Coefficient(b);
  if (ca == 0 || cb == 0) {
    // A zero contributes only its exponent: the exact sum is the other operand padded with
    // zeros down to exponent e, which the 38-digit rounding would cut back anyway.
    const ion::Decimal& other = ca == 0 ? b : a;
    mpz_class c = ca == 0 ? cb : ca;
    if (c == 0) return Value::Dec(ion::Decimal{ion::Int(0), static_cast<int32_t>(e), false});
    int64_t shift = int64_t(other.exponent) - e;
    int64_t room = std::max<int64_t>(0, in::kDecimalPrecision - in::DigitCount(c));
    int64_t s = std::min(shift, room);
    FOLIO_ASSIGN_OR_RETURN(ion::Decimal r,
                           in::MakeDecimal(c * in::Pow10(static_cast<uint64_t>(s)),
                                           int64_t(other.exponent) - s));
    return Value::Dec(std::move(r));
  }
  if (a.exponent > e) ca *= in::Pow10(static_cast<uint64_t>(a.exponent - e));
  if (b.exponent > e) cb *= in::Pow10(static_cast<uint64_t>(b.exponent - e));
  FOLIO_ASSIGN_OR_RETURN(ion::Decimal r, in::MakeDecimal(ca + cb, e));
  return Value::Dec(std::move(r));
}

Result<Value> DecimalMul(const ion::Decimal& a, const ion::Decimal& b) {
  FOLIO_ASSIGN_OR_RETURN(ion::Decimal r, in::MakeDecimal(in::Coefficient(a) * in::Coefficient(b),
                                                         int64_t(a.exponent) + b.exponent));
  return Value::Dec(std::move(r));
}

// BigDecimal.divide(divisor, MathContext(38, HALF_EVEN)): an exact quotient keeps the scale
// closest to the preferred exponent (a.exponent - b.exponent); otherwise 38 digits.
Result<Value> DecimalDiv(const ion::Decimal& a, const ion::Decimal& b) {
  if (b.is_zero()) return DivByZero();
  mpz_class ca = in::Coefficient(a), cb = in::Coefficient(b);
  int64_t preferred = int64_t(a.exponent) - b.exponent;
  int sign = sgn(ca) * sgn(cb);
  mpz_class ma = abs(ca), mb = abs(cb);
  int64_t k = std::max<int64_t>(0, in::kDecimalPrecision + 2 + in::DigitCount(mb) -
                                       in::DigitCount(ma));
  mpz_class num = ma * in::Pow10(static_cast<uint64_t>(k)), q, r;
  mpz_tdiv_qr(q.get_mpz_t(), r.get_mpz_t(), num.get_mpz_t(), mb.get_mpz_t());
  int64_t exp = preferred - k;
  if (r == 0) {
    while (exp < preferred && q != 0 && mpz_divisible_ui_p(q.get_mpz_t(), 10)) {
      q /= 10;
      ++exp;
    }
    if (q == 0) exp = preferred;
    FOLIO_ASSIGN_OR_RETURN(ion::Decimal d, in::MakeDecimal(sign < 0 ? mpz_class(-q) : q, exp));
    return Value::Dec(std::move(d));
  }
  FOLIO_ASSIGN_OR_RETURN(ion::Decimal d,
                         in::MakeDecimal(sign < 0 ? mpz_class(-q) : q, exp, /*sticky=*/true));
  return Value::Dec(std::move(d));
}

// BigDecimal.remainder: a - trunc(a / b) * b, exact, with the dividend's sign.
Result<Value> DecimalMod(const ion::Decimal& a, const ion::Decimal& b) {
  if (b.is_zero()) return DivByZero();
  mpz_class ca = in::Coefficient(a), cb = in::Coefficient(b);
  int64_t e = std::min<int64_t>(a.exponent, b.exponent);
  if (ca != 0 && in::CompareDecimals(
                     ion::Decimal{ion::Int(mpz_class(abs(ca))), a.exponent, false},
                     ion::Decimal{ion::Int(mpz_class(abs(cb))), b.exponent, false}) < 0) {
    // |a| < |b|: the remainder is a itself (at the smaller exponent when that is cheap).
    if (a.exponent - e > 1000) return Value::Dec(a);
  }
  if (ca != 0 && a.exponent > e) ca *= in::Pow10(static_cast<uint64_t>(a.exponent - e));
  if (b.exponent > e) {
    if (b.exponent - e > 100000) {
      return Status::InvalidArgument("operator %: decimal operands too far apart in scale");
    }
    cb *= in::Pow10(static_cast<uint64_t>(b.exponent - e));
  }
  mpz_class r;
  mpz_tdiv_r(r.get_mpz_t(), ca.get_mpz_t(), cb.get_mpz_t());
  FOLIO_ASSIGN_OR_RETURN(ion::Decimal d, in::MakeDecimal(r, e));
  return Value::Dec(std::move(d));
}

Result<Value> FloatOp(Op op, double x, double y) {
  switch (op) {
    case Op::kAdd: return Value::Float(x + y);
    case Op::kSub: return Value::Float(x - y);
    case Op::kMul: return Value::Float(x * y);
    case Op::kDiv:
      if (y == 0) return DivByZero();
      return Value::Float(x / y);
    case Op::kMod:
      if (y == 0) return DivByZero();
      return Value::Float(std::fmod(x, y));
  }
  return Status::Internal("unknown operator");
}

Result<Value> Arith(Op op, const Value& a, const Value& b) {
  if (!IsNumber(a) || !IsNumber(b)) return TypeError(op, a, b);
  if (a.type() == Type::kFloat || b.type() == Type::kFloat) {
    return FloatOp(op, ToDouble(a), ToDouble(b));
  }
  if (a.type() == Type::kInt && b.type() == Type::kInt) return IntOp(op, a.as_int(), b.as_int());
  ion::Decimal x = ToDecimal(a), y = ToDecimal(b);
  switch (op) {
    case Op::kAdd:
    case Op::kSub: return DecimalAddSub(op, std::move(x), std::move(y));
    case Op::kMul: return DecimalMul(x, y);
    case Op::kDiv: return DecimalDiv(x, y);
    case Op::kMod: return DecimalMod(x, y);
  }
  return Status::Internal("unknown operator");
}

}  // namespace

Result<Value> Add(const Value& a, const Value& b) { return Arith(Op::kAdd, a, b); }
Result<Value> Subtract(const Value& a, const Value& b) { return Arith(Op::kSub, a, b); }
Result<Value> Multiply(const Value& a, const Value& b) { return Arith(Op::kMul, a, b); }
Result<Value> Divide(const Value& a, const Value& b) { return Arith(Op::kDiv, a, b); }
Result<Value> Modulo(const Value& a, const Value& b) { return Arith(Op::kMod, a, b); }

Result<Value> Negate(const Value& a) {
  if (!IsNumber(a)) {
    return Status::InvalidArgument("unary - is not defined for " +
                                   std::string(ion::TypeName(a.type())));
  }
  switch (a.type()) {
    case Type::kInt:
      if (a.as_int().is_small() && a.as_int().small() == INT64_MIN) {
        return Status::InvalidArgument("int overflow in unary -");
      }
      return Value::Integer(-a.as_int());
    case Type::kFloat: return Value::Float(-a.as_float());
    default: {
      ion::Decimal d = a.as_decimal();
      d.coefficient = -d.coefficient;
      d.negative_zero = false;
      return Value::Dec(std::move(d));
    }
  }
}

Result<Value> Identity(const Value& a) {
  if (!IsNumber(a)) {
    return Status::InvalidArgument("unary + is not defined for " +
                                   std::string(ion::TypeName(a.type())));
  }
  Value out = a;
  out.annotations().clear();
  return out;
}

Result<Value> Concat(const Value& a, const Value& b) {
  if (a.is_null() || b.is_null() || !a.is_text() || !b.is_text()) {
    return Status::InvalidArgument("operator || is not defined for " +
                                   std::string(ion::TypeName(a.type())) + " and " +
                                   std::string(ion::TypeName(b.type())));
  }
  if ((a.type() == Type::kSymbol && !a.as_symbol().has_text) ||
      (b.type() == Type::kSymbol && !b.as_symbol().has_text)) {
    return Status::InvalidArgument("operator ||: symbol with unknown text");
  }
  std::string s(a.text());
  s.append(b.text());
  return Value::String(std::move(s));
}

}  // namespace folio::partiql
