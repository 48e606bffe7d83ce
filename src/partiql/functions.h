// PartiQL built-in scalar functions of the QLDB dialect (spec/qldb-semantics.md section 2.5).
//
// The evaluator resolves a call by lower-cased name with FindFunction, checks the argument
// count against [min_args, max_args], and, when `propagates_null` is set, returns null itself
// if any argument is null or MISSING. CallFunction then sees only present arguments.
// Aggregates (AVG COUNT MAX MIN SUM) are the evaluator's and are not listed here.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "common/status.h"
#include "ion/value.h"

namespace folio::partiql {

// Per-statement context for functions that read transaction state.
struct FunctionContext {
  std::string transaction_id;  // TXID()
  ion::Timestamp now;          // UTCNOW(); a UTC timestamp
};

struct FunctionInfo {
  std::string_view name;  // lower case
  int min_args;
  int max_args;  // INT_MAX for variadic COALESCE
  bool propagates_null;  // null/missing argument -> null, decided by the evaluator
};

// The function named `lower_name` (already lower-cased), or nullptr if there is none.
const FunctionInfo* FindFunction(std::string_view lower_name);

// Calls a known function. Contract on `args`:
// - never MISSING; when the function propagates null, no argument is null either;
// - date parts (EXTRACT, DATE_ADD, DATE_DIFF) and TRIM modes (both/leading/trailing) are ion
//   symbols, e.g. EXTRACT(year FROM t) is ("year", t) and TRIM(LEADING 'x' FROM s) is
//   ("leading", "x", s), TRIM(s) is (s) and TRIM(BOTH FROM s) is ("both", s);
// - CAST(x AS t) is (x, t) with `t` a symbol naming the target type ("int", "integer",
//   "string", "symbol", "decimal", "float", "bool", "boolean", "timestamp", "list", "sexp",
//   "struct", "bag", "null", "missing", ...). CAST to missing is the evaluator's job;
// - COALESCE and NULLIF see null for MISSING (the evaluator returns MISSING itself where
//   PartiQL says so, e.g. NULLIF(MISSING, x)); EXISTS is false for a non-container or null.
// Int results are PartiQL INT (int64): overflow is an error. Decimal arithmetic rounds to 38
// digits (see arith.h).
// Errors: kInvalidArgument naming the function ("SUBSTRING: argument 2 must be an int");
// kInvalidArgument for an unknown name too (the evaluator should check FindFunction first).
Result<ion::Value> CallFunction(std::string_view lower_name, std::span<const ion::Value> args,
                                const FunctionContext& ctx);

// Whether an error from CallFunction or Cast is a type mismatch: an argument of the wrong
// type ("SUBSTRING: argument 2 must be an int, not string") or a failed CAST conversion
// ("CAST: cannot convert string to int: 'x' is not an integer"), or a negative SUBSTRING
// length ("SUBSTRING: argument 3 must be a non-negative length"). PartiQL's permissive mode
// turns those into MISSING. Every other error is a data error that stays an error in every
// mode: a malformed format pattern or timestamp text, an invalid date part, a value or
// result out of range (including CAST overflow), an unknown function or wrong arity.
bool IsTypeMismatch(const Status& st);

// CAST(v AS type_name) with type_name lower case; exposed for the evaluator and tests.
Result<ion::Value> Cast(const ion::Value& v, std::string_view type_name);

}  // namespace folio::partiql
