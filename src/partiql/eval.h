// The PartiQL evaluator: runs a parsed Statement against a Catalog.
//
// Values inside the evaluator may be MISSING or bags (partiql/pvalue.h). Index use is decided
// per FROM source while executing (see PlanLookup in eval.cc) and reported in
// ExecResult::plan so tests can assert "index_lookup" versus "scan".
// An Evaluate call is single-threaded; the Statement may be shared between threads.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "common/status.h"
#include "ion/value.h"
#include "partiql/ast.h"
#include "partiql/catalog.h"

namespace folio::partiql {

enum class EvalMode : uint8_t {
  // QLDB: an absent field is MISSING; a type mismatch in an operator or function is an error.
  kLegacy,
  // partiql-tests EvalModeCoerce: every dynamic type mismatch gives MISSING.
  kPermissive,
  // partiql-tests EvalModeError: type mismatches and navigation into absent fields are errors.
  kStrict,
};

struct EvalOptions {
  EvalMode mode = EvalMode::kLegacy;
  // A struct of global variables (partiql-tests `env`), looked up before the catalog.
  // Not owned; may be null.
  const ion::Value* globals = nullptr;
  // Unquoted identifiers match case-insensitively (standard PartiQL; QLDB is case-sensitive).
  bool case_insensitive_identifiers = false;
};

enum class AccessKind : uint8_t { kScan, kIndexLookup, kIdLookup };
std::string_view AccessKindName(AccessKind k);  // "scan", "index_lookup", "id_lookup"

// How one catalog source of the statement was read.
struct AccessPlan {
  std::string source;  // the FROM name as written, e.g. "Vehicle", "_ql_committed_V", "history(V)"
  AccessKind kind = AccessKind::kScan;
  std::string key;     // the looked-up path ("VIN", "data.VIN", "metadata.id") or BY variable
};

struct ExecResult {
  // The statement's value as the evaluator sees it: a bag (SELECT, DML, DDL) or any value
  // (a bare expression). May contain MISSING and nested bags.
  ion::Value value;
  std::vector<AccessPlan> plan;
};

// Runs `stmt` with positional `params`. `catalog` may be null (then table names are unknown
// and DML/DDL fail). Errors: kInvalidArgument for parse-independent user errors (wrong
// parameter count, type errors outside permissive mode, non-struct documents, unknown
// table: "Semantic Error: ... No such variable named 'X'"); catalog errors pass through.
Result<ExecResult> Evaluate(const Statement& stmt, Catalog* catalog,
                            std::span<const ion::Value> params, const EvalOptions& options = {});

}  // namespace folio::partiql
