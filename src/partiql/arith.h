// PartiQL arithmetic over Ion numbers, and string concatenation.
//
// Operands are non-null numbers (the evaluator propagates null/missing before calling).
// Promotion: int op int -> int; int/decimal mixed -> decimal; anything with float -> float.
// Int operands within int64 follow PartiQL INT: a result outside int64 is an overflow error
// (partiql-tests extended/int.ion); operands already beyond int64 compute exactly.
// Division or modulo by zero is kInvalidArgument (floats too); int division truncates toward
// zero and modulo takes the sign of the dividend. Decimal results are rounded to 38
// significant digits, half-even, like BigDecimal with MathContext(38) (the precision
// partiql-tests expects for 4.0000 / 3.0); exact quotients keep the preferred exponent.
// A non-number operand is kInvalidArgument naming the operator and the types.
#pragma once

#include "common/status.h"
#include "ion/value.h"

namespace folio::partiql {

Result<ion::Value> Add(const ion::Value& a, const ion::Value& b);
Result<ion::Value> Subtract(const ion::Value& a, const ion::Value& b);
Result<ion::Value> Multiply(const ion::Value& a, const ion::Value& b);
Result<ion::Value> Divide(const ion::Value& a, const ion::Value& b);
Result<ion::Value> Modulo(const ion::Value& a, const ion::Value& b);
Result<ion::Value> Negate(const ion::Value& a);
// Unary plus: the number itself; an error for non-numbers.
Result<ion::Value> Identity(const ion::Value& a);

// a || b: both must be text (string or symbol); the result is a string.
Result<ion::Value> Concat(const ion::Value& a, const ion::Value& b);

}  // namespace folio::partiql
