// PartiQL (QLDB dialect) parser: statement text -> AST (partiql/ast.h).
//
// Errors are kInvalidArgument with QLDB-style messages:
//   "Parser Error: at line L, column C: <reason>, <TOKEN TYPE> : <token text>"
//   "Semantic Error: at line L, column C: <reason>" (unknown function, wrong arity)
// Expression nesting is bounded by kMaxNesting so no input can exhaust the stack.
// Thread-safe (no shared mutable state).
#pragma once

#include <memory>
#include <string_view>

#include "common/status.h"
#include "partiql/ast.h"

namespace folio::partiql {

inline constexpr int kMaxNesting = 200;

struct ParseOptions {
  // Semantic checks done while parsing ("Semantic Error: ..."): function names and argument
  // counts, DECIMAL precision/scale ranges. Off only for syntax-only checks (partiql-tests
  // SyntaxSuccess/SyntaxFail): such a Statement may name unknown functions and must not be
  // evaluated.
  bool semantic_checks = true;
};

Result<std::unique_ptr<Statement>> ParseStatement(std::string_view text);
Result<std::unique_ptr<Statement>> ParseStatement(std::string_view text,
                                                  const ParseOptions& options);

// Functions handled by the evaluator itself (null-aware or needing MISSING); others come from
// partiql/functions.h. Names are lower case.
bool IsEvaluatorFunction(std::string_view lower_name);

}  // namespace folio::partiql
