// PartiQL arithmetic over Ion numbers, and string concatenation.
//
// Operands are non-null numbers (the evaluator propagates null/missing before calling).
// Promotion: int op int -> int (arbitrary precision); int/decimal mixed -> decimal;
// anything with float -> float. Division or modulo by zero is kInvalidArgument; int division
// truncates toward zero and int modulo takes the sign of the dividend. Decimal division is
// rounded to 34 significant digits, half-even (IEEE decimal128, as partiql-lang-kotlin).
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
