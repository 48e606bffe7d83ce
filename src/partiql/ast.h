// The PartiQL abstract syntax tree produced by the parser. Nodes are immutable after parsing
// and may be shared between threads (the statement cache hands the same tree to many
// executions).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ion/value.h"

namespace folio::partiql {

struct Expr;
struct Select;
using ExprPtr = std::unique_ptr<Expr>;

struct Pos {
  int line = 1;
  int column = 1;
};

enum class ExprKind : uint8_t {
  kLiteral,    // value (may be the evaluator's MISSING)
  kParam,      // ? number `index`
  kVar,        // name; `at_prefix` for @x; `quoted` when written "x"
  kPath,       // base = operands[0]; steps
  kStruct,     // operands: k0, v0, k1, v1, ...
  kList,       // [a, b]
  kBag,        // <<a, b>>
  kSexp,       // sexp(a, b) is not supported; only from Ion literals
  kParenList,  // (a, b, c) on the right of IN
  kUnary,      // op: "-", "+", "NOT"
  kBinary,     // op: "+", "-", "*", "/", "%", "||", "=", "<>", "<", "<=", ">", ">=", "AND", "OR"
  kLike,       // operands: value, pattern[, escape]; negated
  kBetween,    // operands: value, low, high; negated
  kIn,         // operands: value, collection; negated
  kIs,         // operands: value; is_type: "NULL" | "MISSING"; negated
  kCase,       // operands: [subject] when1 then1 ... [else]; has_subject, has_else
  kCall,       // name (lower case); operands
  kAggregate,  // name: count|sum|avg|min|max; operands (empty for COUNT(*)); distinct
  kSelect,     // select
};

enum class StepKind : uint8_t {
  kField,     // .name or ."name" (case-sensitive match)
  kIndex,     // [expr]: a number indexes lists, a string names a field
  kWildcard,  // [*]
  kUnpivot,   // .*
};

struct PathStep {
  StepKind kind;
  std::string name;  // kField
  ExprPtr index;     // kIndex
  Pos pos;
};

struct Expr {
  ExprKind kind;
  Pos pos;
  ion::Value value;  // kLiteral
  int param_index = 0;
  int depth = 1;  // height of the subtree (bounded by parser::kMaxNesting)
  std::string name;  // kVar, kCall, kAggregate; operator for kUnary/kBinary; type for kIs
  bool quoted = false;
  bool at_prefix = false;
  bool negated = false;
  bool distinct = false;
  bool has_subject = false;
  bool has_else = false;
  std::vector<ExprPtr> operands;
  std::vector<PathStep> steps;    // kPath
  std::unique_ptr<Select> select;  // kSelect
};

struct SelectItem {
  ExprPtr expr;
  std::optional<std::string> alias;
  bool star_of_expr = false;  // expr.*
};

struct FromItem {
  ExprPtr source;
  std::optional<std::string> as;
  std::optional<std::string> at;
  std::optional<std::string> by;
  ExprPtr on;  // join condition, checked once this item is bound
  Pos pos;
};

struct Select {
  bool select_value = false;
  bool star = false;  // SELECT *
  bool distinct = false;
  ExprPtr value;      // SELECT VALUE expr
  std::vector<SelectItem> items;
  std::vector<FromItem> from;  // empty: a single empty binding
  ExprPtr where;
  Pos pos;
};

// A DML operation of UPDATE / FROM ... SET|REMOVE|INSERT INTO.
struct DmlOp {
  enum class Kind : uint8_t { kSet, kRemove, kInsertInto } kind;
  ExprPtr target;  // a kVar or kPath
  ExprPtr value;   // kSet, kInsertInto
};

enum class StatementKind : uint8_t {
  kQuery,  // SELECT or a bare expression
  kInsert,
  kUpdate,  // UPDATE ... and FROM ... SET/REMOVE/INSERT INTO
  kDelete,
  kCreateTable,
  kDropTable,
  kUndropTable,
  kCreateIndex,
  kDropIndex,
  kExec,
};

struct Statement {
  StatementKind kind = StatementKind::kQuery;
  int param_count = 0;
  std::string text;

  ExprPtr query;  // kQuery

  // DML target.
  std::string table;
  Pos table_pos;
  std::optional<std::string> as;
  std::optional<std::string> by;
  ExprPtr where;
  ExprPtr insert_value;   // kInsert
  bool insert_value_kw = false;  // INSERT INTO t VALUE e (exactly one document)
  std::vector<DmlOp> ops;  // kUpdate

  // DDL.
  std::string name;            // index field, index id, table id
  std::optional<ion::Value> tags;  // CREATE TABLE ... WITH (aws_tags = ...)
  ExprPtr tags_expr;

  // EXEC procedure arg, ...
  std::string procedure;  // lower case
  std::vector<ExprPtr> args;
};

}  // namespace folio::partiql
