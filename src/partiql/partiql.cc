#include "partiql/partiql.h"

#include "fmt/format.h"
#include "partiql/parser.h"
#include "partiql/pvalue.h"

namespace folio::partiql {

Result<std::shared_ptr<const Statement>> Parse(std::string_view text) {
  FOLIO_ASSIGN_OR_RETURN(std::unique_ptr<Statement> st, ParseStatement(text));
  return std::shared_ptr<const Statement>(std::move(st));
}

Result<std::shared_ptr<const Statement>> StatementCache::Get(std::string_view text) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = index_.find(text);
    if (it != index_.end()) {
      lru_.splice(lru_.begin(), lru_, it->second);
      ++hits_;
      return it->second->second;
    }
    ++parses_;
  }
  // Parse outside the lock; a concurrent miss on the same text parses twice, harmlessly.
  FOLIO_ASSIGN_OR_RETURN(std::shared_ptr<const Statement> st, Parse(text));
  std::lock_guard<std::mutex> lock(mu_);
  auto it = index_.find(text);
  if (it != index_.end()) {
    lru_.splice(lru_.begin(), lru_, it->second);
    return it->second->second;
  }
  lru_.emplace_front(std::string(text), st);
  index_.emplace(lru_.front().first, lru_.begin());
  while (lru_.size() > capacity_) {
    index_.erase(lru_.back().first);
    lru_.pop_back();
  }
  return st;
}

size_t StatementCache::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return lru_.size();
}
uint64_t StatementCache::parse_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return parses_;
}
uint64_t StatementCache::hit_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return hits_;
}

std::string_view QueryResult::PlanSummary() const {
  if (plan.empty()) return "none";
  for (const auto& p : plan) {
    if (p.kind == AccessKind::kScan) return "scan";
  }
  return "index_lookup";
}

std::string QueryResult::Explain() const {
  std::string out;
  for (const auto& p : plan) {
    if (!out.empty()) out += "; ";
    out += fmt::format("{}: {}", p.source, AccessKindName(p.kind));
    if (!p.key.empty()) out += fmt::format("({})", p.key);
  }
  return out;
}

Result<QueryResult> Execute(const Statement& stmt, Catalog& catalog,
                            std::span<const ion::Value> params, const EvalOptions& options) {
  FOLIO_ASSIGN_OR_RETURN(ExecResult r, Evaluate(stmt, &catalog, params, options));
  QueryResult out;
  out.plan = std::move(r.plan);
  if (IsBag(r.value) || (stmt.kind == StatementKind::kQuery && !r.value.is_null() &&
                         r.value.is_sequence() && stmt.query->kind == ExprKind::kSelect)) {
    out.values.reserve(r.value.elements().size());
    for (auto& v : r.value.elements()) {
      if (IsMissing(v)) continue;
      out.values.push_back(ToIon(std::move(v)));
    }
  } else if (!IsMissing(r.value)) {
    out.values.push_back(ToIon(std::move(r.value)));
  }
  return out;
}

StatementCache& DefaultStatementCache() {
  static StatementCache* cache = new StatementCache(4096);
  return *cache;
}

Result<QueryResult> ExecuteText(std::string_view text, Catalog& catalog,
                                std::span<const ion::Value> params, const EvalOptions& options) {
  FOLIO_ASSIGN_OR_RETURN(std::shared_ptr<const Statement> st, DefaultStatementCache().Get(text));
  return Execute(*st, catalog, params, options);
}

}  // namespace folio::partiql
