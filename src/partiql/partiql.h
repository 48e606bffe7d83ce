// The partiql module's front header: parse (with a shared statement cache) and execute
// PartiQL statements of the QLDB dialect against a Catalog.
//
// Typical use by the engine, per ExecuteStatement:
//   FOLIO_ASSIGN_OR_RETURN(auto stmt, cache.Get(text));
//   FOLIO_ASSIGN_OR_RETURN(QueryResult r, Execute(*stmt, catalog, params));
//   // r.values: one Ion value per result row (no MISSING, bags as lists)
//
// Thread-safety: StatementCache is thread-safe; parsed Statements are immutable and may be
// executed concurrently against different Catalogs.
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/status.h"
#include "ion/value.h"
#include "partiql/ast.h"
#include "partiql/catalog.h"
#include "partiql/eval.h"

namespace folio::partiql {

// Parses one statement (no caching). Errors: kInvalidArgument ("Parser Error: ...",
// "Lexer Error: ...", "Semantic Error: ...").
Result<std::shared_ptr<const Statement>> Parse(std::string_view text);

// A bounded LRU cache of parsed statements keyed by the exact statement text.
// Invariants: size() <= capacity; every cached entry parsed successfully (errors are not
// cached, so a bad statement is re-parsed and fails the same way).
class StatementCache {
 public:
  // Default: 1024 statements.
  explicit StatementCache(size_t capacity = 1024) : capacity_(capacity == 0 ? 1 : capacity) {}

  // The cached parse of `text`, parsing it on a miss.
  Result<std::shared_ptr<const Statement>> Get(std::string_view text);

  size_t size() const;
  uint64_t parse_count() const;  // parses performed (misses), for tests and metrics
  uint64_t hit_count() const;

 private:
  using Lru = std::list<std::pair<std::string, std::shared_ptr<const Statement>>>;
  size_t capacity_;
  mutable std::mutex mu_;
  Lru lru_;  // GUARDED_BY(mu_); front = most recently used
  std::unordered_map<std::string_view, Lru::iterator> index_;  // GUARDED_BY(mu_); keys view lru_
  uint64_t parses_ = 0;  // GUARDED_BY(mu_)
  uint64_t hits_ = 0;    // GUARDED_BY(mu_)
};

struct QueryResult {
  std::vector<ion::Value> values;  // one per row: Ion only (see pvalue.h ToIon)
  std::vector<AccessPlan> plan;    // one per catalog source read

  // "scan" if any catalog source was scanned, else "index_lookup" if any source used an index
  // or id lookup, else "none" (no catalog source).
  std::string_view PlanSummary() const;
  // Human-readable plan, e.g. "Vehicle: index_lookup(VIN); Person: scan".
  std::string Explain() const;
};

// Executes a parsed statement. DML returns one {documentId} per affected document, DDL one
// {tableId}, SELECT one row per result (a bare expression yields its value, a bag's elements
// become rows). Errors: see Evaluate in eval.h.
Result<QueryResult> Execute(const Statement& stmt, Catalog& catalog,
                            std::span<const ion::Value> params,
                            const EvalOptions& options = {});

// A process-wide statement cache (capacity 4096) used by ExecuteText.
StatementCache& DefaultStatementCache();

// Parse through DefaultStatementCache(), then Execute.
Result<QueryResult> ExecuteText(std::string_view text, Catalog& catalog,
                                std::span<const ion::Value> params,
                                const EvalOptions& options = {});

}  // namespace folio::partiql
