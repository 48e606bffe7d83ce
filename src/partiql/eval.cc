#include "partiql/eval.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <unordered_map>

#include "common/bytes.h"
#include "fmt/format.h"
#include "partiql/arith.h"
#include "partiql/compare.h"
#include "partiql/functions.h"
#include "partiql/pvalue.h"

namespace folio::partiql {
namespace {

constexpr std::string_view kCommittedPrefix = "_ql_committed_";

bool EqualsName(std::string_view a, std::string_view b, bool insensitive) {
  return insensitive ? EqualsIgnoreAsciiCase(a, b) : a == b;
}

const ion::Value* GetField(const ion::Value& s, std::string_view name, bool insensitive) {
  if (s.is_null() || s.type() != ion::Type::kStruct) return nullptr;
  for (const auto& f : s.fields()) {
    if (f.name.has_text && EqualsName(f.name.text, name, insensitive)) return &f.value;
  }
  return nullptr;
}

bool IsTrue(const ion::Value& v) {
  return !v.is_null() && v.type() == ion::Type::kBool && v.as_bool();
}

ion::Value DocIdRow(std::string id) {
  return ion::MakeStruct(ion::Field{"documentId", ion::Value::String(std::move(id))});
}
ion::Value TableIdRow(std::string id) {
  return ion::MakeStruct(ion::Field{"tableId", ion::Value::String(std::move(id))});
}

// A variable binding; `value` points into storage that outlives the binding.
struct Binding {
  std::string_view name;
  const ion::Value* value;
  bool from_alias;  // an AS variable of a FROM item (used for implicit field resolution)
};

// Per-aggregate accumulator.
struct AggState {
  int64_t count = 0;
  std::optional<ion::Value> acc;  // sum, min or max so far
  std::vector<ion::Value> seen;   // DISTINCT
};

// A catalog source recognised in FROM or as a DML target.
struct CatalogRef {
  SourceKind kind;
  std::string name;    // table name, id or "user_tables"
  std::string label;   // for AccessPlan
  HistoryRange range;
};

class Evaluator {
 public:
  Evaluator(Catalog* catalog, std::span<const ion::Value> params, const EvalOptions& opts)
      : catalog_(catalog), params_(params), opts_(opts) {
    if (catalog_ != nullptr) {
      fctx_.transaction_id = catalog_->TransactionId();
      fctx_.now = catalog_->Now();
    } else {
      fctx_.now = ion::Timestamp::FromEpochMillis(0);
    }
  }

  Result<ExecResult> Run(const Statement& st) {
    if (static_cast<int>(params_.size()) != st.param_count) {
      return Status::InvalidArgument(fmt::format(
          "Incorrect number of parameters: the statement has {} placeholder(s) but {} "
          "parameter(s) were supplied",
          st.param_count, params_.size()));
    }
    ExecResult out;
    switch (st.kind) {
      case StatementKind::kQuery: {
        FOLIO_ASSIGN_OR_RETURN(out.value, Eval(*st.query));
        break;
      }
      case StatementKind::kInsert: {
        FOLIO_ASSIGN_OR_RETURN(out.value, RunInsert(st));
        break;
      }
      case StatementKind::kUpdate:
      case StatementKind::kDelete: {
        FOLIO_ASSIGN_OR_RETURN(out.value, RunUpdateDelete(st));
        break;
      }
      case StatementKind::kExec: {
        FOLIO_ASSIGN_OR_RETURN(out.value, RunExec(st));
        break;
      }
      default: {
        FOLIO_ASSIGN_OR_RETURN(out.value, RunDdl(st));
        break;
      }
    }
    out.plan = std::move(plan_);
    return out;
  }

 private:
  // ---- errors -----------------------------------------------------------------------------
  static Status Semantic(Pos p, std::string_view reason) {
    return Status::InvalidArgument(
        fmt::format("Semantic Error: at line {}, column {}: {}", p.line, p.column, reason));
  }
  static Status NoSuchVariable(Pos p, std::string_view name) {
    std::string r = fmt::format("No such variable named '{}'", name);
    return Semantic(p, fmt::format("{}; {}", r, r));
  }
  static Status EvalError(Pos p, std::string_view reason) {
    return Status::InvalidArgument(
        fmt::format("Evaluation Error: at line {}, column {}: {}", p.line, p.column, reason));
  }
  // A dynamic type mismatch: MISSING in permissive mode, otherwise an error.
  Result<ion::Value> Mismatch(Pos p, std::string_view reason) const {
    if (opts_.mode == EvalMode::kPermissive) return Missing();
    return EvalError(p, reason);
  }
  Result<ion::Value> Mismatch(Pos p, const Status& st) const {
    if (opts_.mode == EvalMode::kPermissive) return Missing();
    if (st.message().rfind("Evaluation Error", 0) == 0) return st;
    return EvalError(p, st.message());
  }
  static std::string TypeOf(const ion::Value& v) {
    if (IsMissing(v)) return "missing";
    if (IsBag(v)) return "bag";
    if (v.is_null()) return v.type() == ion::Type::kNull ? "null" : fmt::format("null.{}",
                                                                   ion::TypeName(v.type()));
    return std::string(ion::TypeName(v.type()));
  }

  // ---- variables --------------------------------------------------------------------------
  bool Insensitive(const Expr& var) const {
    return opts_.case_insensitive_identifiers && !var.quoted;
  }
  const ion::Value* LookupBound(std::string_view name, bool insensitive) const {
    for (auto it = env_.rbegin(); it != env_.rend(); ++it) {
      if (EqualsName(it->name, name, insensitive)) return it->value;
    }
    return nullptr;
  }
  const ion::Value* LookupGlobal(std::string_view name, bool insensitive) const {
    if (opts_.globals == nullptr) return nullptr;
    return GetField(*opts_.globals, name, insensitive);
  }
  bool HasFromBindings() const {
    return std::any_of(env_.begin(), env_.end(), [](const Binding& b) { return b.from_alias; });
  }

  // Resolves a variable to a value without copying; `scratch` holds a produced value.
  Result<const ion::Value*> ResolveVar(const Expr& e, ion::Value& scratch) {
    bool ins = Insensitive(e);
    if (const ion::Value* v = LookupBound(e.name, ins)) return v;
    if (!e.at_prefix) {
      if (const ion::Value* v = LookupGlobal(e.name, ins)) return v;
      // Implicit qualification: a field of a FROM binding (innermost first).
      bool any_from = false;
      for (auto it = env_.rbegin(); it != env_.rend(); ++it) {
        if (!it->from_alias) continue;
        any_from = true;
        if (const ion::Value* f = GetField(*it->value, e.name, ins)) return f;
      }
      if (any_from && opts_.mode != EvalMode::kStrict) {
        scratch = Missing();
        return &scratch;
      }
    }
    return NoSuchVariable(e.pos, e.name);
  }

  // ---- expressions ------------------------------------------------------------------------
  // Evaluates `e` returning a pointer to its value: either into bound data (no copy) or into
  // `scratch`.
  Result<const ion::Value*> EvalRef(const Expr& e, ion::Value& scratch) {
    if (e.kind == ExprKind::kVar) return ResolveVar(e, scratch);
    if (e.kind == ExprKind::kParam) return &params_[e.param_index];
    if (e.kind == ExprKind::kLiteral) return &e.value;
    if (e.kind == ExprKind::kPath) {
      bool simple = std::all_of(e.steps.begin(), e.steps.end(), [](const PathStep& s) {
        return s.kind == StepKind::kField ||
               (s.kind == StepKind::kIndex && s.index->kind == ExprKind::kLiteral);
      });
      if (simple) {
        ion::Value base_scratch;
        FOLIO_ASSIGN_OR_RETURN(const ion::Value* cur, EvalRef(*e.operands[0], base_scratch));
        const bool base_owned = cur == &base_scratch;
        for (const auto& step : e.steps) {
          const ion::Value* next = nullptr;
          FOLIO_TRY(StepOne(*cur, step, step.kind == StepKind::kIndex ? &step.index->value
                                                                       : nullptr,
                            &next));
          if (next == nullptr) {
            scratch = Missing();
            return &scratch;
          }
          cur = next;
        }
        if (cur == &base_scratch) {
          scratch = std::move(base_scratch);
          return &scratch;
        }
        if (!base_owned) return cur;
        // `cur` points into base_scratch, which dies here: copy the result out.
        ion::Value result = *cur;
        scratch = std::move(result);
        return &scratch;
      }
    }
    FOLIO_ASSIGN_OR_RETURN(scratch, Eval(e));
    return &scratch;
  }

  // One navigation step. *out is null when the result is MISSING. Errors only in strict mode.
  Status StepOne(const ion::Value& cur, const PathStep& step, const ion::Value* index,
                 const ion::Value** out) {
    *out = nullptr;
    bool strict = opts_.mode == EvalMode::kStrict;
    if (step.kind == StepKind::kField || (index != nullptr && index->is_text() &&
                                          !index->is_null())) {
      std::string_view name = step.kind == StepKind::kField ? std::string_view(step.name)
                                                            : index->text();
      bool ins = opts_.case_insensitive_identifiers && step.kind == StepKind::kField;
      if (!cur.is_null() && cur.type() == ion::Type::kStruct) {
        *out = GetField(cur, name, ins);
        if (*out == nullptr && strict) {
          return EvalError(step.pos, fmt::format("no field named '{}'", name));
        }
        return Status::OK();
      }
      if (strict && !(cur.is_null() && !IsMissing(cur))) {
        return EvalError(step.pos, fmt::format("cannot get field '{}' of {}", name, TypeOf(cur)));
      }
      return Status::OK();
    }
    if (index != nullptr && !index->is_null() && index->type() == ion::Type::kInt) {
      if (!cur.is_null() && cur.is_sequence()) {
        auto i = index->as_int().ToInt64();
        const auto& el = cur.elements();
        if (i && *i >= 0 && static_cast<size_t>(*i) < el.size()) {
          *out = &el[*i];
          return Status::OK();
        }
        if (strict) return EvalError(step.pos, "index out of bounds");
        return Status::OK();
      }
      if (strict && !(cur.is_null() && !IsMissing(cur))) {
        return EvalError(step.pos, fmt::format("cannot index {}", TypeOf(cur)));
      }
      return Status::OK();
    }
    if (strict) return EvalError(step.pos, "invalid path index");
    return Status::OK();
  }

  Result<ion::Value> EvalPath(const Expr& e) {
    FOLIO_ASSIGN_OR_RETURN(ion::Value base, Eval(*e.operands[0]));
    std::vector<ion::Value> cur{std::move(base)};
    bool multi = false;
    for (const auto& step : e.steps) {
      std::vector<ion::Value> next;
      std::optional<ion::Value> index;
      if (step.kind == StepKind::kIndex) {
        FOLIO_ASSIGN_OR_RETURN(index, Eval(*step.index));
      }
      for (auto& v : cur) {
        if (step.kind == StepKind::kWildcard) {
          multi = true;
          if (!v.is_null() && v.is_sequence()) {
            for (auto& x : v.elements()) next.push_back(std::move(x));
          } else if (opts_.mode == EvalMode::kStrict) {
            return EvalError(step.pos, "[*] requires a list");
          } else if (!IsMissing(v)) {
            next.push_back(std::move(v));
          }
        } else if (step.kind == StepKind::kUnpivot) {
          multi = true;
          if (!v.is_null() && v.type() == ion::Type::kStruct) {
            for (auto& f : v.fields()) next.push_back(std::move(f.value));
          } else if (opts_.mode == EvalMode::kStrict) {
            return EvalError(step.pos, ".* requires a struct");
          } else if (!IsMissing(v)) {
            next.push_back(std::move(v));
          }
        } else {
          const ion::Value* out = nullptr;
          FOLIO_TRY(StepOne(v, step, index ? &*index : nullptr, &out));
          if (out != nullptr) {
            next.push_back(*out);
          } else if (!multi) {
            next.push_back(Missing());
          }
        }
      }
      cur = std::move(next);
    }
    if (multi) return MakeBag(std::move(cur));
    return cur.empty() ? Missing() : std::move(cur[0]);
  }

  // A subquery used as a scalar operand: SELECT (not VALUE) with one row of one column.
  Result<ion::Value> EvalOperand(const Expr& e) {
    FOLIO_ASSIGN_OR_RETURN(ion::Value v, Eval(e));
    if (e.kind == ExprKind::kSelect && !e.select->select_value && IsBag(v)) {
      if (v.elements().size() == 1 && v.elements()[0].type() == ion::Type::kStruct &&
          !v.elements()[0].is_null() && v.elements()[0].fields().size() == 1) {
        return std::move(v.elements()[0].fields()[0].value);
      }
      if (v.elements().empty()) return ion::Value();
    }
    return v;
  }

  static ion::Value AbsentResult(const ion::Value& a, const ion::Value& b) {
    return IsMissing(a) || IsMissing(b) ? Missing() : ion::Value();
  }

  Result<ion::Value> Eval(const Expr& e) {
    switch (e.kind) {
      case ExprKind::kLiteral: return e.value;
      case ExprKind::kParam: return params_[e.param_index];
      case ExprKind::kVar: {
        ion::Value scratch;
        FOLIO_ASSIGN_OR_RETURN(const ion::Value* v, ResolveVar(e, scratch));
        return *v;
      }
      case ExprKind::kPath: {
        ion::Value scratch;
        bool simple = std::all_of(e.steps.begin(), e.steps.end(), [](const PathStep& s) {
          return s.kind == StepKind::kField ||
                 (s.kind == StepKind::kIndex && s.index->kind == ExprKind::kLiteral);
        });
        if (simple) {
          FOLIO_ASSIGN_OR_RETURN(const ion::Value* v, EvalRef(e, scratch));
          return v == &scratch ? std::move(scratch) : *v;
        }
        return EvalPath(e);
      }
      case ExprKind::kStruct: return EvalStruct(e);
      case ExprKind::kList:
      case ExprKind::kBag:
      case ExprKind::kParenList:
      case ExprKind::kSexp: {
        ion::Value::Elements el;
        el.reserve(e.operands.size());
        for (const auto& o : e.operands) {
          FOLIO_ASSIGN_OR_RETURN(ion::Value v, Eval(*o));
          el.push_back(std::move(v));
        }
        if (e.kind == ExprKind::kBag) return MakeBag(std::move(el));
        if (e.kind == ExprKind::kSexp) return ion::Value::Sexp(std::move(el));
        return ion::Value::List(std::move(el));
      }
      case ExprKind::kUnary: return EvalUnary(e);
      case ExprKind::kBinary: return EvalBinary(e);
      case ExprKind::kLike: return EvalLike(e);
      case ExprKind::kBetween: return EvalBetween(e);
      case ExprKind::kIn: return EvalIn(e);
      case ExprKind::kIs: {
        FOLIO_ASSIGN_OR_RETURN(ion::Value v, Eval(*e.operands[0]));
        bool r = e.name == "MISSING" ? IsMissing(v) : v.is_null();
        return ion::Value::Bool(r != e.negated);
      }
      case ExprKind::kCase: return EvalCase(e);
      case ExprKind::kCall: return EvalCall(e);
      case ExprKind::kAggregate: {
        auto it = agg_values_.find(&e);
        if (it == agg_values_.end()) {
          return Semantic(e.pos, fmt::format("aggregate {} is only allowed in a SELECT list",
                                             e.name));
        }
        return it->second;
      }
      case ExprKind::kSelect: return EvalSelect(*e.select);
    }
    return Status::Internal("unknown expression kind");
  }

  Result<ion::Value> EvalStruct(const Expr& e) {
    ion::Value::Fields fields;
    for (size_t i = 0; i + 1 < e.operands.size(); i += 2) {
      FOLIO_ASSIGN_OR_RETURN(ion::Value k, Eval(*e.operands[i]));
      FOLIO_ASSIGN_OR_RETURN(ion::Value v, Eval(*e.operands[i + 1]));
      if (k.is_null() || !k.is_text()) {
        if (opts_.mode == EvalMode::kPermissive) continue;
        return EvalError(e.operands[i]->pos,
                         fmt::format("struct field names must be text, got {}", TypeOf(k)));
      }
      if (IsMissing(v)) continue;
      fields.push_back(ion::Field{ion::Symbol(std::string(k.text())), std::move(v)});
    }
    return ion::Value::Struct(std::move(fields));
  }

  Result<ion::Value> EvalUnary(const Expr& e) {
    FOLIO_ASSIGN_OR_RETURN(ion::Value v, EvalOperand(*e.operands[0]));
    if (e.name == "NOT") {
      if (v.is_null()) return IsMissing(v) && opts_.mode != EvalMode::kLegacy ? ion::Value()
                                                                                : ion::Value();
      if (v.type() != ion::Type::kBool) {
        return Mismatch(e.pos, fmt::format("NOT requires a bool, got {}", TypeOf(v)));
      }
      return ion::Value::Bool(!v.as_bool());
    }
    if (v.is_null()) return IsMissing(v) ? Missing() : ion::Value();
    if (!v.is_number()) {
      return Mismatch(e.pos, fmt::format("unary {} requires a number, got {}", e.name, TypeOf(v)));
    }
    auto r = e.name == "-" ? Negate(v) : Identity(v);
    if (!r.ok()) return Mismatch(e.pos, r.status());
    return r;
  }

  // Logical AND/OR with three-valued logic (MISSING behaves as NULL).
  Result<ion::Value> EvalLogic(const Expr& e) {
    bool is_and = e.name == "AND";
    FOLIO_ASSIGN_OR_RETURN(ion::Value a, EvalOperand(*e.operands[0]));
    auto classify = [&](const ion::Value& v, Pos p) -> Result<int> {
      if (v.is_null()) return 2;  // unknown
      if (v.type() != ion::Type::kBool) {
        return EvalError(p, fmt::format("{} requires bool operands, got {}", e.name, TypeOf(v)));
      }
      return v.as_bool() ? 1 : 0;
    };
    auto ca = classify(a, e.operands[0]->pos);
    if (!ca.ok()) {
      if (opts_.mode == EvalMode::kPermissive) return Missing();
      return ca.status();
    }
    if (is_and && *ca == 0) return ion::Value::Bool(false);
    if (!is_and && *ca == 1) return ion::Value::Bool(true);
    FOLIO_ASSIGN_OR_RETURN(ion::Value b, EvalOperand(*e.operands[1]));
    auto cb = classify(b, e.operands[1]->pos);
    if (!cb.ok()) {
      if (opts_.mode == EvalMode::kPermissive) return Missing();
      return cb.status();
    }
    if (is_and) {
      if (*cb == 0) return ion::Value::Bool(false);
      if (*ca == 1 && *cb == 1) return ion::Value::Bool(true);
      return ion::Value();
    }
    if (*cb == 1) return ion::Value::Bool(true);
    if (*ca == 0 && *cb == 0) return ion::Value::Bool(false);
    return ion::Value();
  }

  Result<ion::Value> EvalBinary(const Expr& e) {
    const std::string& op = e.name;
    if (op == "AND" || op == "OR") return EvalLogic(e);
    FOLIO_ASSIGN_OR_RETURN(ion::Value a, EvalOperand(*e.operands[0]));
    FOLIO_ASSIGN_OR_RETURN(ion::Value b, EvalOperand(*e.operands[1]));
    if (op == "=" || op == "<>") {
      if (a.is_null() || b.is_null()) {
        // NULL = MISSING is NULL (partiql-tests null.ion): a present null wins over MISSING.
        bool null_operand = (a.is_null() && !IsMissing(a)) || (b.is_null() && !IsMissing(b));
        return null_operand ? ion::Value() : Missing();
      }
      bool eq = PartiqlEquals(a, b);
      return ion::Value::Bool(op == "=" ? eq : !eq);
    }
    if (a.is_null() || b.is_null()) return AbsentResult(a, b);
    if (op == "<" || op == "<=" || op == ">" || op == ">=") {
      auto c = CompareValues(a, b);
      if (!c.ok()) return Mismatch(e.pos, c.status());
      int v = *c;
      bool r = op == "<" ? v < 0 : op == "<=" ? v <= 0 : op == ">" ? v > 0 : v >= 0;
      return ion::Value::Bool(r);
    }
    if (op == "||") {
      if (!a.is_text() || !b.is_text()) {
        return Mismatch(e.pos, fmt::format("|| requires text operands, got {} and {}",
                                           TypeOf(a), TypeOf(b)));
      }
      return Concat(a, b);
    }
    if (!a.is_number() || !b.is_number()) {
      return Mismatch(e.pos, fmt::format("operator {} requires numbers, got {} and {}", op,
                                         TypeOf(a), TypeOf(b)));
    }
    Result<ion::Value> r = op == "+"   ? Add(a, b)
                           : op == "-" ? Subtract(a, b)
                           : op == "*" ? Multiply(a, b)
                           : op == "/" ? Divide(a, b)
                                       : Modulo(a, b);
    if (!r.ok()) return EvalError(e.pos, r.status().message());
    return r;
  }

  Result<ion::Value> EvalLike(const Expr& e) {
    FOLIO_ASSIGN_OR_RETURN(ion::Value v, EvalOperand(*e.operands[0]));
    FOLIO_ASSIGN_OR_RETURN(ion::Value p, EvalOperand(*e.operands[1]));
    ion::Value esc;
    bool has_esc = e.operands.size() > 2;
    if (has_esc) {
      FOLIO_ASSIGN_OR_RETURN(esc, EvalOperand(*e.operands[2]));
    }
    bool any_missing = IsMissing(v) || IsMissing(p) || (has_esc && IsMissing(esc));
    if (v.is_null() || p.is_null() || (has_esc && esc.is_null())) {
      return any_missing ? Missing() : ion::Value();
    }
    if (!v.is_text() || !p.is_text() || (has_esc && !esc.is_text())) {
      return Mismatch(e.pos, "LIKE requires text operands");
    }
    std::optional<char32_t> escape;
    if (has_esc) {
      std::string_view t = esc.text();
      // Decode one UTF-8 code point.
      char32_t cp = 0;
      size_t n = 0;
      if (!t.empty()) {
        unsigned char c0 = static_cast<unsigned char>(t[0]);
        n = c0 < 0x80 ? 1 : (c0 >> 5) == 6 ? 2 : (c0 >> 4) == 14 ? 3 : (c0 >> 3) == 30 ? 4 : 0;
        if (n > 0 && n <= t.size()) {
          cp = n == 1 ? c0 : (c0 & (0x7f >> n));
          for (size_t i = 1; i < n; ++i) cp = (cp << 6) | (static_cast<unsigned char>(t[i]) & 0x3f);
        }
      }
      if (n == 0 || n != t.size()) {
        return EvalError(e.pos, "LIKE ESCAPE must be a single character");  // in every mode
      }
      escape = cp;
    }
    auto r = LikeMatch(v.text(), p.text(), escape);
    if (!r.ok()) return Mismatch(e.pos, r.status());
    return ion::Value::Bool(*r != e.negated);
  }

  Result<ion::Value> EvalBetween(const Expr& e) {
    FOLIO_ASSIGN_OR_RETURN(ion::Value v, EvalOperand(*e.operands[0]));
    FOLIO_ASSIGN_OR_RETURN(ion::Value lo, EvalOperand(*e.operands[1]));
    FOLIO_ASSIGN_OR_RETURN(ion::Value hi, EvalOperand(*e.operands[2]));
    if (v.is_null() || lo.is_null() || hi.is_null()) {
      return IsMissing(v) || IsMissing(lo) || IsMissing(hi) ? Missing() : ion::Value();
    }
    auto c1 = CompareValues(v, lo);
    if (!c1.ok()) return Mismatch(e.pos, c1.status());
    auto c2 = CompareValues(v, hi);
    if (!c2.ok()) return Mismatch(e.pos, c2.status());
    bool r = *c1 >= 0 && *c2 <= 0;
    return ion::Value::Bool(r != e.negated);
  }

  Result<ion::Value> EvalIn(const Expr& e) {
    FOLIO_ASSIGN_OR_RETURN(ion::Value v, EvalOperand(*e.operands[0]));
    FOLIO_ASSIGN_OR_RETURN(ion::Value coll, Eval(*e.operands[1]));
    if (IsMissing(coll) || (coll.is_null() && coll.type() == ion::Type::kNull)) {
      return IsMissing(coll) ? Missing() : ion::Value();
    }
    if (coll.is_null() || !coll.is_sequence()) {
      return Mismatch(e.operands[1]->pos,
                      fmt::format("IN requires a collection, got {}", TypeOf(coll)));
    }
    const auto& el = coll.elements();
    if (IsMissing(v)) return el.empty() ? ion::Value::Bool(e.negated) : Missing();
    if (v.is_null()) return el.empty() ? ion::Value::Bool(e.negated) : ion::Value();
    bool saw_null = false;
    for (const auto& x : el) {
      if (x.is_null()) {
        saw_null = true;
        continue;
      }
      if (PartiqlEquals(v, x)) return ion::Value::Bool(!e.negated);
    }
    if (saw_null) return ion::Value();
    return ion::Value::Bool(e.negated);
  }

  Result<ion::Value> EvalCase(const Expr& e) {
    size_t i = 0;
    ion::Value subject;
    if (e.has_subject) {
      FOLIO_ASSIGN_OR_RETURN(subject, EvalOperand(*e.operands[0]));
      i = 1;
    }
    size_t end = e.operands.size() - (e.has_else ? 1 : 0);
    for (; i + 1 < end + 1 && i < end; i += 2) {
      FOLIO_ASSIGN_OR_RETURN(ion::Value w, EvalOperand(*e.operands[i]));
      bool hit;
      if (e.has_subject) {
        hit = !subject.is_null() && !w.is_null() && PartiqlEquals(subject, w);
      } else {
        hit = IsTrue(w);
      }
      if (hit) return Eval(*e.operands[i + 1]);
    }
    if (e.has_else) return Eval(*e.operands.back());
    return ion::Value();
  }

  Result<ion::Value> EvalCall(const Expr& e) {
    const std::string& n = e.name;
    if (n == "history") return Semantic(e.pos, "history() is only allowed in FROM");
    std::vector<ion::Value> args;
    args.reserve(e.operands.size());
    for (const auto& o : e.operands) {
      // EXISTS tests the collection itself: its subquery is not coerced to a scalar.
      FOLIO_ASSIGN_OR_RETURN(ion::Value v, n == "exists" ? Eval(*o) : EvalOperand(*o));
      args.push_back(std::move(v));
    }
    if (n == "coalesce") {
      bool all_missing = true;
      for (auto& a : args) {
        if (!a.is_null()) return std::move(a);
        if (!IsMissing(a)) all_missing = false;
      }
      return all_missing && opts_.mode != EvalMode::kLegacy ? ion::Value() : ion::Value();
    }
    if (n == "nullif") {
      // NULLIF(a, b) is CASE WHEN a = b THEN NULL ELSE a END; a = b is never true when either
      // is null or MISSING, so the result is `a` as it is (MISSING stays MISSING).
      if (args[0].is_null() || args[1].is_null()) return std::move(args[0]);
      return PartiqlEquals(args[0], args[1]) ? ion::Value() : std::move(args[0]);
    }
    if (n == "exists") {
      // QLDB semantics: MISSING is an error, null and non-containers are false.
      const ion::Value& v = args[0];
      if (IsMissing(v)) {
        if (opts_.mode == EvalMode::kPermissive) return Missing();
        return EvalError(e.pos, "EXISTS: argument is MISSING");
      }
      if (v.is_null() || !v.is_container()) return ion::Value::Bool(false);
      return ion::Value::Bool(v.type() == ion::Type::kStruct ? !v.fields().empty()
                                                              : !v.elements().empty());
    }
    if (n == "cast" && args.size() == 2 && args[1].type() == ion::Type::kSymbol) {
      std::string_view t = args[1].text();
      if (t == "missing") return Missing();
      if (IsMissing(args[0])) return Missing();
      if (IsBag(args[0])) {
        if (t == "bag") return std::move(args[0]);
        if (t == "list") {
          args[0].annotations().clear();
          return std::move(args[0]);
        }
        if (t == "sexp") return ion::Value::Sexp(args[0].elements());
        return Mismatch(e.pos, fmt::format("cannot cast bag to {}", t));
      }
      if (t == "bag" && !args[0].is_null() && args[0].is_sequence()) {
        return MakeBag(args[0].elements());
      }
      if (t == "null") return ion::Value();
    }
    const FunctionInfo* info = FindFunction(n);
    if (info == nullptr) return Semantic(e.pos, fmt::format("No such function: {}", n));
    bool any_missing = false, any_null = false;
    for (const auto& a : args) {
      if (IsMissing(a)) any_missing = true;
      else if (a.is_null()) any_null = true;
    }
    if (any_missing && !info->propagates_null) {
      // Functions that see nulls still never see MISSING: treat it as null.
      for (auto& a : args) {
        if (IsMissing(a)) a = ion::Value();
      }
    }
    if (info->propagates_null && (any_missing || any_null)) {
      return any_missing ? Missing() : ion::Value();
    }
    for (auto& a : args) {
      if (HasMarkers(a)) a = ToIon(std::move(a));
    }
    auto r = CallFunction(n, args, fctx_);
    if (!r.ok()) {
      if (IsTypeMismatch(r.status())) return Mismatch(e.pos, r.status());
      return EvalError(e.pos, r.status().message());  // data errors fail in every mode
    }
    return r;
  }

  // ---- SELECT -----------------------------------------------------------------------------
  static void CollectAggregates(const Expr& e, std::vector<const Expr*>& out) {
    if (e.kind == ExprKind::kAggregate) {
      out.push_back(&e);
      return;
    }
    if (e.kind == ExprKind::kSelect) return;
    for (const auto& o : e.operands) CollectAggregates(*o, out);
    for (const auto& s : e.steps) {
      if (s.index) CollectAggregates(*s.index, out);
    }
  }

  // Identifies FROM expressions naming catalog sources.
  Result<std::optional<CatalogRef>> CatalogSource(const Expr& src) {
    if (src.kind == ExprKind::kVar && !src.at_prefix) {
      bool ins = Insensitive(src);
      if (LookupBound(src.name, ins) || LookupGlobal(src.name, ins)) return std::optional<CatalogRef>();
      CatalogRef ref;
      ref.label = src.name;
      if (src.name.size() > kCommittedPrefix.size() &&
          src.name.compare(0, kCommittedPrefix.size(), kCommittedPrefix) == 0) {
        ref.kind = SourceKind::kCommittedView;
        ref.name = src.name.substr(kCommittedPrefix.size());
      } else {
        ref.kind = SourceKind::kUserView;
        ref.name = src.name;
      }
      return std::optional<CatalogRef>(std::move(ref));
    }
    if (src.kind == ExprKind::kPath && src.operands[0]->kind == ExprKind::kVar &&
        src.operands[0]->name == "information_schema" && src.steps.size() == 1 &&
        src.steps[0].kind == StepKind::kField &&
        !LookupBound("information_schema", false) &&
        !LookupGlobal("information_schema", false)) {
      return std::optional<CatalogRef>(CatalogRef{SourceKind::kInformationSchema,
                                                  src.steps[0].name,
                                                  "information_schema." + src.steps[0].name,
                                                  {}});
    }
    if (src.kind == ExprKind::kCall && src.name == "history") {
      CatalogRef ref;
      ref.kind = SourceKind::kHistory;
      const Expr& t = *src.operands[0];
      if (t.kind == ExprKind::kVar) {
        ref.name = t.name;
      } else {
        FOLIO_ASSIGN_OR_RETURN(ion::Value id, Eval(t));
        if (id.is_null() || !id.is_text()) {
          return Semantic(t.pos, "history() takes a table name or a table id string");
        }
        ref.name = std::string(id.text());
      }
      for (size_t i = 1; i < src.operands.size(); ++i) {
        FOLIO_ASSIGN_OR_RETURN(ion::Value ts, Eval(*src.operands[i]));
        if (ts.is_null() || ts.type() != ion::Type::kTimestamp) {
          return Semantic(src.operands[i]->pos, "history() range bounds must be timestamps");
        }
        (i == 1 ? ref.range.start : ref.range.end) = ts.as_timestamp();
      }
      if (ref.range.start && ref.range.end &&
          ref.range.start->CompareInstant(*ref.range.end) > 0) {
        return Semantic(src.pos, "history() start must not be after end");
      }
      ref.label = "history(" + ref.name + ")";
      return std::optional<CatalogRef>(std::move(ref));
    }
    return std::optional<CatalogRef>();
  }

  Result<std::unique_ptr<TableSource>> ResolveCatalog(const CatalogRef& ref, Pos pos) {
    const std::string& shown = ref.kind == SourceKind::kHistory ? ref.name : ref.label;
    if (catalog_ == nullptr) return NoSuchVariable(pos, shown);
    auto r = catalog_->Resolve(ref.kind, ref.name, ref.range);
    if (!r.ok() && r.status().code() == StatusCode::kNotFound) {
      return NoSuchVariable(pos, shown);
    }
    return r;
  }

  // ---- planner ----------------------------------------------------------------------------
  struct Lookup {
    AccessKind kind = AccessKind::kScan;
    std::vector<std::string> path;
    std::vector<const Expr*> keys;  // evaluated per iteration
    std::string key_label;
  };

  static void Conjuncts(const Expr* e, std::vector<const Expr*>& out) {
    if (e == nullptr) return;
    if (e->kind == ExprKind::kBinary && e->name == "AND") {
      Conjuncts(e->operands[0].get(), out);
      Conjuncts(e->operands[1].get(), out);
      return;
    }
    out.push_back(e);
  }

  // True when `e` can be evaluated before the FROM item that binds `blocked` names: it
  // references only literals, parameters and variables outside `blocked`, and does not rely on
  // implicit field resolution.
  bool Independent(const Expr& e, const std::vector<std::string_view>& allowed) const {
    switch (e.kind) {
      case ExprKind::kLiteral:
      case ExprKind::kParam:
        return true;
      case ExprKind::kVar: {
        if (std::find(allowed.begin(), allowed.end(), e.name) != allowed.end()) return true;
        return LookupBound(e.name, Insensitive(e)) != nullptr ||
               LookupGlobal(e.name, Insensitive(e)) != nullptr;
      }
      case ExprKind::kSelect:
      case ExprKind::kAggregate:
        return false;
      default:
        break;
    }
    for (const auto& o : e.operands) {
      if (!Independent(*o, allowed)) return false;
    }
    for (const auto& s : e.steps) {
      if (s.index && !Independent(*s.index, allowed)) return false;
    }
    return true;
  }

  // The path (relative to the row) that `e` denotes on the FROM item with alias `alias`, or
  // nullopt. `implicit` allows an unqualified first name (single-source queries).
  std::optional<std::vector<std::string>> PathOnAlias(const Expr& e, std::string_view alias,
                                                      bool implicit,
                                                      const std::vector<std::string_view>&
                                                          other_names) const {
    const Expr* base = &e;
    const std::vector<PathStep>* steps = nullptr;
    if (e.kind == ExprKind::kPath) {
      base = e.operands[0].get();
      steps = &e.steps;
    }
    if (base->kind != ExprKind::kVar || base->at_prefix) return std::nullopt;
    std::vector<std::string> path;
    if (base->name != alias) {
      if (!implicit) return std::nullopt;
      if (std::find(other_names.begin(), other_names.end(), base->name) != other_names.end() ||
          LookupBound(base->name, false) || LookupGlobal(base->name, false)) {
        return std::nullopt;
      }
      path.push_back(base->name);
    }
    if (steps != nullptr) {
      for (const auto& s : *steps) {
        if (s.kind == StepKind::kField) {
          path.push_back(s.name);
        } else if (s.kind == StepKind::kIndex && s.index->kind == ExprKind::kLiteral &&
                   s.index->value.is_text() && !s.index->value.is_null()) {
          path.push_back(std::string(s.index->value.text()));
        } else {
          return std::nullopt;
        }
      }
    }
    if (path.empty()) return std::nullopt;
    return path;
  }

  // Chooses an index or id lookup for FROM item `idx` of a query whose items bind `names`.
  Lookup PlanLookup(const std::vector<const Expr*>& conjuncts, std::string_view alias,
                    const std::optional<std::string>& by, bool implicit,
                    const std::vector<std::string_view>& earlier,
                    const std::vector<std::string_view>& all_names, const TableSource& src) {
    Lookup best;
    for (const Expr* c : conjuncts) {
      const Expr* lhs = nullptr;
      std::vector<const Expr*> keys;
      if (c->kind == ExprKind::kBinary && c->name == "=") {
        for (int side = 0; side < 2; ++side) {
          const Expr* l = c->operands[side].get();
          const Expr* r = c->operands[1 - side].get();
          if (Independent(*r, earlier)) {
            lhs = l;
            keys = {r};
            auto path = by ? std::optional<std::vector<std::string>>() : std::nullopt;
            (void)path;
            if (l->kind == ExprKind::kVar && by && l->name == *by) break;
            if (PathOnAlias(*l, alias, implicit, all_names)) break;
            lhs = nullptr;
          }
        }
      } else if (c->kind == ExprKind::kIn && !c->negated &&
                 c->operands[1]->kind == ExprKind::kParenList) {
        bool ok = true;
        for (const auto& k : c->operands[1]->operands) {
          if (!Independent(*k, earlier)) ok = false;
          keys.push_back(k.get());
        }
        if (ok) lhs = c->operands[0].get();
      }
      if (lhs == nullptr) continue;
      if (by && lhs->kind == ExprKind::kVar && !lhs->at_prefix && lhs->name == *by) {
        best.kind = AccessKind::kIdLookup;
        best.keys = keys;
        best.key_label = *by;
        best.path.clear();
        return best;  // an id lookup is always the best choice
      }
      auto path = PathOnAlias(*lhs, alias, implicit, all_names);
      if (path && best.kind == AccessKind::kScan && src.CanLookup(*path)) {
        best.kind = AccessKind::kIndexLookup;
        best.path = *path;
        best.keys = keys;
        std::string label;
        for (const auto& p : *path) label += (label.empty() ? "" : ".") + p;
        best.key_label = label;
        continue;
      }
      // A committed-view style id path: metadata.id.
      if (path && best.kind == AccessKind::kScan && path->size() == 2 &&
          (*path)[0] == "metadata" && (*path)[1] == "id" &&
          (src.kind() == SourceKind::kCommittedView || src.kind() == SourceKind::kHistory)) {
        best.kind = AccessKind::kIdLookup;
        best.keys = keys;
        best.key_label = "metadata.id";
      }
    }
    return best;
  }

  void RecordPlan(const void* key, const std::string& label, const Lookup& lk) {
    if (std::find(planned_.begin(), planned_.end(), key) != planned_.end()) return;
    planned_.push_back(key);
    plan_.push_back(AccessPlan{label, lk.kind, lk.key_label});
  }

  // Runs `fn` for each row of a catalog source, honouring the lookup plan.
  Status IterateCatalog(TableSource& src, const Lookup& lk, const RowCallback& fn) {
    if (lk.kind == AccessKind::kScan) return src.Scan(fn);
    std::vector<ion::Value> keys;
    for (const Expr* k : lk.keys) {
      FOLIO_ASSIGN_OR_RETURN(ion::Value v, Eval(*k));
      if (v.is_null()) continue;
      v = ToIon(std::move(v));
      if (std::find(keys.begin(), keys.end(), v) == keys.end()) keys.push_back(std::move(v));
    }
    if (keys.empty()) return Status::OK();
    if (lk.kind == AccessKind::kIdLookup) {
      std::vector<std::string> ids;
      for (const auto& k : keys) {
        if (k.is_text()) ids.emplace_back(k.text());
      }
      if (ids.empty()) return Status::OK();
      return src.LookupById(ids, fn);
    }
    return src.LookupEqual(lk.path, keys, fn);
  }

  struct SelectCtx {
    const Select* sel;
    std::vector<std::string> aliases;  // per FROM item
    std::vector<std::string_view> names;  // every AS/AT/BY name
    std::vector<const Expr*> conjuncts;
    std::vector<const Expr*> aggs;
    std::vector<AggState> agg_state;
    ion::Value::Elements out;
  };

  static std::string ImplicitAlias(const FromItem& f, size_t i) {
    if (f.as) return *f.as;
    const Expr& s = *f.source;
    if (s.kind == ExprKind::kVar) return s.name;
    if (s.kind == ExprKind::kPath && !s.steps.empty() && s.steps.back().kind == StepKind::kField) {
      return s.steps.back().name;
    }
    if (s.kind == ExprKind::kCall && s.name == "history" && !s.operands.empty() &&
        s.operands[0]->kind == ExprKind::kVar) {
      return s.operands[0]->name;
    }
    return fmt::format("_{}", i + 1);
  }

  Result<ion::Value> EvalSelect(const Select& s) {
    SelectCtx ctx;
    ctx.sel = &s;
    for (size_t i = 0; i < s.from.size(); ++i) {
      ctx.aliases.push_back(ImplicitAlias(s.from[i], i));
    }
    for (size_t i = 0; i < s.from.size(); ++i) {
      ctx.names.push_back(ctx.aliases[i]);
      if (s.from[i].at) ctx.names.push_back(*s.from[i].at);
      if (s.from[i].by) ctx.names.push_back(*s.from[i].by);
    }
    Conjuncts(s.where.get(), ctx.conjuncts);
    if (s.select_value) {
      CollectAggregates(*s.value, ctx.aggs);
    } else {
      for (const auto& it : s.items) CollectAggregates(*it.expr, ctx.aggs);
    }
    ctx.agg_state.resize(ctx.aggs.size());
    size_t env_mark = env_.size();
    Status st = BindFrom(ctx, 0);
    env_.resize(env_mark);
    FOLIO_TRY(st);
    if (!ctx.aggs.empty()) {
      for (size_t i = 0; i < ctx.aggs.size(); ++i) {
        FOLIO_ASSIGN_OR_RETURN(ion::Value v, FinishAggregate(*ctx.aggs[i], ctx.agg_state[i]));
        agg_values_[ctx.aggs[i]] = std::move(v);
      }
      FOLIO_ASSIGN_OR_RETURN(ion::Value row, Project(ctx));
      for (const Expr* a : ctx.aggs) agg_values_.erase(a);
      ctx.out.push_back(std::move(row));
    }
    if (s.distinct) {
      ion::Value::Elements uniq;
      for (auto& v : ctx.out) {
        if (std::find(uniq.begin(), uniq.end(), v) == uniq.end()) uniq.push_back(std::move(v));
      }
      ctx.out = std::move(uniq);
    }
    return MakeBag(std::move(ctx.out));
  }

  Status Emit(SelectCtx& ctx) {
    const Select& s = *ctx.sel;
    if (s.where) {
      FOLIO_ASSIGN_OR_RETURN(ion::Value c, EvalOperand(*s.where));
      if (!c.is_null() && c.type() != ion::Type::kBool && opts_.mode != EvalMode::kPermissive) {
        return EvalError(s.where->pos,
                         fmt::format("WHERE requires a bool, got {}", TypeOf(c)));
      }
      if (!IsTrue(c)) return Status::OK();
    }
    if (!ctx.aggs.empty()) {
      for (size_t i = 0; i < ctx.aggs.size(); ++i) {
        FOLIO_TRY(Accumulate(*ctx.aggs[i], ctx.agg_state[i]));
      }
      return Status::OK();
    }
    FOLIO_ASSIGN_OR_RETURN(ion::Value row, Project(ctx));
    if (s.select_value && IsMissing(row) && opts_.mode == EvalMode::kLegacy) return Status::OK();
    ctx.out.push_back(std::move(row));
    return Status::OK();
  }

  Status BindFrom(SelectCtx& ctx, size_t k) {
    const Select& s = *ctx.sel;
    if (k == s.from.size()) return Emit(ctx);
    const FromItem& item = s.from[k];
    const std::string& alias = ctx.aliases[k];
    auto check_on = [&]() -> Result<bool> {
      if (!item.on) return true;
      FOLIO_ASSIGN_OR_RETURN(ion::Value c, EvalOperand(*item.on));
      return IsTrue(c);
    };
    FOLIO_ASSIGN_OR_RETURN(std::optional<CatalogRef> ref, CatalogSource(*item.source));
    if (ref) {
      FOLIO_ASSIGN_OR_RETURN(std::unique_ptr<TableSource> src,
                             ResolveCatalog(*ref, item.source->pos));
      std::vector<std::string_view> earlier;
      for (size_t i = 0; i < k; ++i) {
        earlier.push_back(ctx.aliases[i]);
        if (s.from[i].at) earlier.push_back(*s.from[i].at);
        if (s.from[i].by) earlier.push_back(*s.from[i].by);
      }
      std::vector<const Expr*> conj = ctx.conjuncts;
      Conjuncts(item.on.get(), conj);
      Lookup lk = PlanLookup(conj, alias, item.by, s.from.size() == 1, earlier, ctx.names, *src);
      RecordPlan(&item, ref->label, lk);
      ion::Value id_value;
      ion::Value missing = Missing();
      size_t mark = env_.size();
      Status st = IterateCatalog(*src, lk, [&](const Row& row) -> Status {
        env_.resize(mark);
        env_.push_back(Binding{alias, &row.value, true});
        if (item.at) env_.push_back(Binding{*item.at, &missing, false});
        if (item.by) {
          id_value = row.document_id.empty() ? Missing()
                                             : ion::Value::String(std::string(row.document_id));
          env_.push_back(Binding{*item.by, &id_value, false});
        }
        FOLIO_ASSIGN_OR_RETURN(bool on, check_on());
        if (!on) return Status::OK();
        return BindFrom(ctx, k + 1);
      });
      env_.resize(mark);
      return st;
    }
    FOLIO_ASSIGN_OR_RETURN(ion::Value coll, Eval(*item.source));
    if (item.by) return Semantic(item.pos, "BY is only allowed on a table");
    size_t mark = env_.size();
    auto bind_one = [&](const ion::Value& v, const ion::Value& pos) -> Status {
      env_.resize(mark);
      env_.push_back(Binding{alias, &v, true});
      if (item.at) env_.push_back(Binding{*item.at, &pos, false});
      FOLIO_ASSIGN_OR_RETURN(bool on, check_on());
      if (!on) return Status::OK();
      return BindFrom(ctx, k + 1);
    };
    Status st;
    ion::Value missing = Missing();
    if (!coll.is_null() && coll.is_sequence()) {
      bool bag = IsBag(coll);
      const auto& el = coll.elements();
      for (size_t i = 0; i < el.size() && st.ok(); ++i) {
        ion::Value pos = bag ? Missing() : ion::Value::Integer(static_cast<int64_t>(i));
        st = bind_one(el[i], pos);
      }
    } else if (opts_.mode == EvalMode::kLegacy && coll.is_null()) {
      // QLDB: unnesting an absent or null value yields no rows.
    } else if (opts_.mode == EvalMode::kStrict && !IsMissing(coll) &&
               coll.type() != ion::Type::kStruct) {
      st = EvalError(item.source->pos,
                     fmt::format("FROM requires a collection, got {}", TypeOf(coll)));
    } else {
      st = bind_one(coll, missing);
    }
    env_.resize(mark);
    return st;
  }

  static std::string DerivedName(const Expr& e, size_t pos1) {
    if (e.kind == ExprKind::kVar) return e.name;
    if (e.kind == ExprKind::kPath && !e.steps.empty()) {
      const PathStep& last = e.steps.back();
      if (last.kind == StepKind::kField) return last.name;
      if (last.kind == StepKind::kIndex && last.index->kind == ExprKind::kLiteral &&
          !last.index->value.is_null() && last.index->value.is_text()) {
        return std::string(last.index->value.text());
      }
    }
    return fmt::format("_{}", pos1);
  }

  Result<ion::Value> Project(SelectCtx& ctx) {
    const Select& s = *ctx.sel;
    if (s.select_value) return Eval(*s.value);
    ion::Value::Fields fields;
    if (s.star) {
      for (size_t i = 0; i < s.from.size(); ++i) {
        const ion::Value* v = LookupBound(ctx.aliases[i], false);
        if (v == nullptr || IsMissing(*v)) continue;
        if (!v->is_null() && v->type() == ion::Type::kStruct) {
          for (const auto& f : v->fields()) fields.push_back(f);
        } else {
          fields.push_back(ion::Field{ion::Symbol(fmt::format("_{}", i + 1)), *v});
        }
      }
      if (s.from.size() == 1) {
        const ion::Value* v = LookupBound(ctx.aliases[0], false);
        if (v != nullptr && !v->is_null() && v->type() == ion::Type::kStruct) return *v;
      }
      return ion::Value::Struct(std::move(fields));
    }
    for (size_t i = 0; i < s.items.size(); ++i) {
      const SelectItem& it = s.items[i];
      FOLIO_ASSIGN_OR_RETURN(ion::Value v, Eval(*it.expr));
      if (it.star_of_expr) {
        if (!v.is_null() && v.type() == ion::Type::kStruct) {
          for (auto& f : v.fields()) fields.push_back(std::move(f));
        } else if (!IsMissing(v)) {
          fields.push_back(ion::Field{ion::Symbol(fmt::format("_{}", i + 1)), std::move(v)});
        }
        continue;
      }
      if (IsMissing(v)) continue;
      std::string name = it.alias ? *it.alias : DerivedName(*it.expr, i + 1);
      fields.push_back(ion::Field{ion::Symbol(std::move(name)), std::move(v)});
    }
    return ion::Value::Struct(std::move(fields));
  }

  Status Accumulate(const Expr& agg, AggState& st) {
    if (agg.operands.empty()) {  // COUNT(*)
      ++st.count;
      return Status::OK();
    }
    FOLIO_ASSIGN_OR_RETURN(ion::Value v, Eval(*agg.operands[0]));
    if (v.is_null()) return Status::OK();
    if (agg.distinct) {
      for (const auto& s : st.seen) {
        if (PartiqlEquals(s, v)) return Status::OK();
      }
      st.seen.push_back(v);
    }
    ++st.count;
    const std::string& n = agg.name;
    if (n == "count") return Status::OK();
    if (n == "sum" || n == "avg") {
      if (!v.is_number()) {
        if (opts_.mode == EvalMode::kPermissive) {
          --st.count;
          return Status::OK();
        }
        return EvalError(agg.pos, fmt::format("{} requires numbers, got {}", n, TypeOf(v)));
      }
      if (!st.acc) {
        st.acc = std::move(v);
      } else {
        auto r = Add(*st.acc, v);
        if (!r.ok()) return EvalError(agg.pos, r.status().message());
        st.acc = std::move(r).value();
      }
      return Status::OK();
    }
    // min / max
    if (!st.acc) {
      st.acc = std::move(v);
      return Status::OK();
    }
    auto c = CompareValues(v, *st.acc);
    if (!c.ok()) {
      if (opts_.mode == EvalMode::kPermissive) return Status::OK();
      return EvalError(agg.pos, c.status().message());
    }
    if ((n == "min" && *c < 0) || (n == "max" && *c > 0)) st.acc = std::move(v);
    return Status::OK();
  }

  Result<ion::Value> FinishAggregate(const Expr& agg, AggState& st) {
    if (agg.name == "count") return ion::Value::Integer(st.count);
    if (!st.acc) return ion::Value();
    if (agg.name == "avg") {
      ion::Value sum = std::move(*st.acc);
      if (sum.type() == ion::Type::kInt) {
        ion::Decimal d;
        d.coefficient = sum.as_int();
        sum = ion::Value::Dec(std::move(d));
      }
      auto r = Divide(sum, ion::Value::Integer(st.count));
      if (!r.ok()) return EvalError(agg.pos, r.status().message());
      return r;
    }
    return std::move(*st.acc);
  }

  // ---- DML ----------------------------------------------------------------------------------
  Status MapCatalogError(Status st, const Statement& s) {
    if (st.code() == StatusCode::kNotFound && st.message().find(s.table) != std::string::npos &&
        st.message().find("No such variable") == std::string::npos) {
      return NoSuchVariable(s.table_pos, s.table);
    }
    return st;
  }

  Status CheckDocument(const ion::Value& v, Pos p) {
    if (v.is_null() || v.type() != ion::Type::kStruct || IsBag(v)) {
      return Semantic(p, fmt::format("a document must be a struct, got {}", TypeOf(v)));
    }
    return Status::OK();
  }

  Result<ion::Value> RunInsert(const Statement& s) {
    if (catalog_ == nullptr) return NoSuchVariable(s.table_pos, s.table);
    FOLIO_ASSIGN_OR_RETURN(ion::Value v, Eval(*s.insert_value));
    std::vector<ion::Value> docs;
    Pos p = s.insert_value->pos;
    if (s.insert_value_kw) {
      FOLIO_TRY(CheckDocument(v, p));
      docs.push_back(std::move(v));
    } else if (!v.is_null() && v.is_sequence()) {
      for (auto& d : v.elements()) {
        FOLIO_TRY(CheckDocument(d, p));
        docs.push_back(std::move(d));
      }
    } else {
      FOLIO_TRY(CheckDocument(v, p));
      docs.push_back(std::move(v));
    }
    ion::Value::Elements out;
    for (auto& d : docs) {
      auto id = catalog_->Insert(s.table, ToIon(std::move(d)));
      if (!id.ok()) return MapCatalogError(id.status(), s);
      out.push_back(DocIdRow(std::move(id).value()));
    }
    return MakeBag(std::move(out));
  }

  // A resolved DML path: steps relative to the document root.
  struct PathComp {
    bool is_index;
    std::string name;
    int64_t index;
  };

  Result<std::vector<PathComp>> DmlPath(const Expr& target, const std::string& alias,
                                        const Statement& s) {
    const Expr* base = &target;
    const std::vector<PathStep>* steps = nullptr;
    if (target.kind == ExprKind::kPath) {
      base = target.operands[0].get();
      steps = &target.steps;
    }
    if (base->kind != ExprKind::kVar) return Semantic(target.pos, "invalid DML target path");
    std::vector<PathComp> out;
    if (base->name != alias && !(s.as.has_value() == false && base->name == s.table)) {
      out.push_back(PathComp{false, base->name, 0});
    }
    if (steps != nullptr) {
      for (const auto& st : *steps) {
        if (st.kind == StepKind::kField) {
          out.push_back(PathComp{false, st.name, 0});
        } else if (st.kind == StepKind::kIndex) {
          FOLIO_ASSIGN_OR_RETURN(ion::Value k, Eval(*st.index));
          if (!k.is_null() && k.is_text()) {
            out.push_back(PathComp{false, std::string(k.text()), 0});
          } else if (!k.is_null() && k.type() == ion::Type::kInt && k.as_int().ToInt64()) {
            out.push_back(PathComp{true, "", *k.as_int().ToInt64()});
          } else {
            return Semantic(st.pos, "a DML path index must be a string or an int");
          }
        } else {
          return Semantic(st.pos, "wildcards are not allowed in a DML target path");
        }
      }
    }
    if (out.empty()) return Semantic(target.pos, "cannot replace or remove the whole document");
    return out;
  }

  // Navigates to the parent container of the last component, creating structs when `create`.
  // Returns null when the path does not exist (and !create).
  Result<ion::Value*> Parent(ion::Value& doc, const std::vector<PathComp>& path, bool create,
                             Pos pos) {
    ion::Value* cur = &doc;
    for (size_t i = 0; i + 1 < path.size(); ++i) {
      const PathComp& c = path[i];
      if (c.is_index) {
        if (cur->is_null() || !cur->is_sequence()) {
          if (!create) return nullptr;
          return Semantic(pos, "cannot index into a non-list value");
        }
        auto& el = cur->elements();
        if (c.index < 0 || static_cast<size_t>(c.index) >= el.size()) {
          if (!create) return nullptr;
          return Semantic(pos, fmt::format("list index {} is out of range", c.index));
        }
        cur = &el[c.index];
      } else {
        if (cur->is_null() || cur->type() != ion::Type::kStruct) {
          if (!create) return nullptr;
          return Semantic(pos, fmt::format("cannot set field '{}' of a non-struct value", c.name));
        }
        ion::Value* next = cur->Get(c.name);
        if (next == nullptr) {
          if (!create) return nullptr;
          cur->Set(c.name, ion::Value::Struct());
          next = cur->Get(c.name);
        }
        cur = next;
      }
    }
    return cur;
  }

  Status ApplyOp(const DmlOp& op, ion::Value& doc, const std::string& alias, const Statement& s) {
    FOLIO_ASSIGN_OR_RETURN(std::vector<PathComp> path, DmlPath(*op.target, alias, s));
    Pos pos = op.target->pos;
    const PathComp& last = path.back();
    if (op.kind == DmlOp::Kind::kRemove) {
      FOLIO_ASSIGN_OR_RETURN(ion::Value * parent, Parent(doc, path, false, pos));
      if (parent == nullptr || parent->is_null()) return Status::OK();
      if (last.is_index) {
        if (parent->is_sequence() && last.index >= 0 &&
            static_cast<size_t>(last.index) < parent->elements().size()) {
          parent->elements().erase(parent->elements().begin() + last.index);
        }
      } else if (parent->type() == ion::Type::kStruct) {
        parent->Remove(last.name);
      }
      return Status::OK();
    }
    FOLIO_ASSIGN_OR_RETURN(ion::Value v, Eval(*op.value));
    if (op.kind == DmlOp::Kind::kInsertInto) {
      FOLIO_ASSIGN_OR_RETURN(ion::Value * parent, Parent(doc, path, false, pos));
      ion::Value* target = nullptr;
      if (parent != nullptr && !parent->is_null()) {
        if (last.is_index && parent->is_sequence() && last.index >= 0 &&
            static_cast<size_t>(last.index) < parent->elements().size()) {
          target = &parent->elements()[last.index];
        } else if (!last.is_index && parent->type() == ion::Type::kStruct) {
          target = parent->Get(last.name);
        }
      }
      if (target == nullptr || target->is_null() || !target->is_sequence()) {
        return Semantic(pos, "INSERT INTO a path requires an existing list");
      }
      if (IsMissing(v)) return Status::OK();
      target->elements().push_back(ToIon(std::move(v)));
      return Status::OK();
    }
    // SET
    if (IsMissing(v)) {
      DmlOp rm{DmlOp::Kind::kRemove, nullptr, nullptr};
      FOLIO_ASSIGN_OR_RETURN(ion::Value * parent, Parent(doc, path, false, pos));
      if (parent != nullptr && !parent->is_null() && !last.is_index &&
          parent->type() == ion::Type::kStruct) {
        parent->Remove(last.name);
      }
      return Status::OK();
    }
    FOLIO_ASSIGN_OR_RETURN(ion::Value * parent, Parent(doc, path, true, pos));
    if (last.is_index) {
      if (parent->is_null() || !parent->is_sequence()) {
        return Semantic(pos, "cannot index into a non-list value");
      }
      auto& el = parent->elements();
      if (last.index < 0 || static_cast<size_t>(last.index) >= el.size()) {
        return Semantic(pos, fmt::format("list index {} is out of range", last.index));
      }
      el[last.index] = ToIon(std::move(v));
      return Status::OK();
    }
    if (parent->is_null() || parent->type() != ion::Type::kStruct) {
      return Semantic(pos, fmt::format("cannot set field '{}' of a non-struct value", last.name));
    }
    parent->Set(last.name, ToIon(std::move(v)));
    return Status::OK();
  }

  Result<ion::Value> RunUpdateDelete(const Statement& s) {
    CatalogRef ref{SourceKind::kUserView, s.table, s.table, {}};
    FOLIO_ASSIGN_OR_RETURN(std::unique_ptr<TableSource> src, ResolveCatalog(ref, s.table_pos));
    std::string alias = s.as.value_or(s.table);
    std::vector<const Expr*> conj;
    Conjuncts(s.where.get(), conj);
    std::vector<std::string_view> names{alias};
    if (s.by) names.push_back(*s.by);
    Lookup lk = PlanLookup(conj, alias, s.by, true, {}, names, *src);
    RecordPlan(&s, ref.label, lk);
    std::vector<std::pair<std::string, ion::Value>> matches;
    ion::Value id_value;
    FOLIO_TRY(IterateCatalog(*src, lk, [&](const Row& row) -> Status {
      size_t mark = env_.size();
      env_.push_back(Binding{alias, &row.value, true});
      id_value = ion::Value::String(std::string(row.document_id));
      if (s.by) env_.push_back(Binding{*s.by, &id_value, false});
      Status st;
      bool keep = true;
      if (s.where) {
        auto c = EvalOperand(*s.where);
        if (!c.ok()) {
          st = c.status();
        } else {
          keep = IsTrue(*c);
        }
      }
      env_.resize(mark);
      FOLIO_TRY(st);
      if (keep) matches.emplace_back(std::string(row.document_id), row.value);
      return Status::OK();
    }));
    ion::Value::Elements out;
    for (auto& [id, doc] : matches) {
      if (s.kind == StatementKind::kDelete) {
        FOLIO_TRY(MapCatalogError(catalog_->Delete(s.table, id), s));
      } else {
        ion::Value original = doc;
        size_t mark = env_.size();
        env_.push_back(Binding{alias, &original, true});
        id_value = ion::Value::String(id);
        if (s.by) env_.push_back(Binding{*s.by, &id_value, false});
        Status st;
        for (const auto& op : s.ops) {
          st = ApplyOp(op, doc, alias, s);
          if (!st.ok()) break;
        }
        env_.resize(mark);
        FOLIO_TRY(st);
        FOLIO_TRY(MapCatalogError(catalog_->Update(s.table, id, std::move(doc)), s));
      }
      out.push_back(DocIdRow(id));
    }
    return MakeBag(std::move(out));
  }

  static Status CheckTableName(const std::string& name, Pos p) {
    bool ok = !name.empty() && name.size() <= 128 &&
              (std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_');
    for (char c : name) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') ok = false;
    }
    if (!ok) {
      return Semantic(p, fmt::format("invalid table name '{}': 1-128 letters, digits or '_', "
                                     "starting with a letter or '_'",
                                     name));
    }
    if (name.rfind("_ql_", 0) == 0) {
      return Semantic(p, fmt::format("invalid table name '{}': the prefix _ql_ is reserved",
                                     name));
    }
    return Status::OK();
  }

  Result<ion::Value> RunDdl(const Statement& s) {
    if (catalog_ == nullptr) return Status::FailedPrecondition("no catalog for DDL");
    Result<std::string> id = Status::Internal("unreachable");
    switch (s.kind) {
      case StatementKind::kCreateTable: {
        FOLIO_TRY(CheckTableName(s.table, s.table_pos));
        std::optional<ion::Value> tags;
        if (s.tags_expr) {
          FOLIO_ASSIGN_OR_RETURN(ion::Value t, Eval(*s.tags_expr));
          if (t.is_null() || t.type() != ion::Type::kStruct) {
            return Semantic(s.tags_expr->pos, "aws_tags must be a struct");
          }
          for (const auto& f : t.fields()) {
            if (f.value.is_null() || !f.value.is_text()) {
              return Semantic(s.tags_expr->pos, "aws_tags values must be strings");
            }
          }
          tags = ToIon(std::move(t));
        }
        id = catalog_->CreateTable(s.table, tags);
        break;
      }
      case StatementKind::kDropTable: id = catalog_->DropTable(s.table); break;
      case StatementKind::kUndropTable: id = catalog_->UndropTable(s.name); break;
      case StatementKind::kCreateIndex: id = catalog_->CreateIndex(s.table, s.name); break;
      case StatementKind::kDropIndex: id = catalog_->DropIndex(s.table, s.name); break;
      default: return Status::Internal("not a DDL statement");
    }
    if (!id.ok()) {
      if (s.kind != StatementKind::kCreateTable && s.kind != StatementKind::kUndropTable) {
        return MapCatalogError(id.status(), s);
      }
      return id.status();
    }
    return MakeBag({TableIdRow(std::move(id).value())});
  }

  Result<ion::Value> RunExec(const Statement& s) {
    if (s.procedure != "redact_revision") {
      return Status::InvalidArgument(fmt::format("No such stored procedure: {}", s.procedure));
    }
    if (s.args.size() != 3) {
      return Status::InvalidArgument(fmt::format(
          "redact_revision takes 3 arguments (block address, table id, document id), got {}",
          s.args.size()));
    }
    FOLIO_ASSIGN_OR_RETURN(ion::Value addr, Eval(*s.args[0]));
    FOLIO_ASSIGN_OR_RETURN(ion::Value table, Eval(*s.args[1]));
    FOLIO_ASSIGN_OR_RETURN(ion::Value doc, Eval(*s.args[2]));
    if (addr.is_null() || addr.type() != ion::Type::kStruct) {
      return Status::InvalidArgument("redact_revision: the block address must be a struct");
    }
    if (table.is_null() || !table.is_text() || doc.is_null() || !doc.is_text()) {
      return Status::InvalidArgument("redact_revision: table id and document id must be strings");
    }
    if (catalog_ == nullptr) return Status::FailedPrecondition("no catalog");
    FOLIO_ASSIGN_OR_RETURN(ion::Value r,
                           catalog_->RedactRevision(addr, table.text(), doc.text()));
    return MakeBag({std::move(r)});
  }

  Catalog* catalog_;
  std::span<const ion::Value> params_;
  EvalOptions opts_;
  FunctionContext fctx_;
  std::vector<Binding> env_;
  std::unordered_map<const Expr*, ion::Value> agg_values_;
  std::vector<AccessPlan> plan_;
  std::vector<const void*> planned_;
};

}  // namespace

std::string_view AccessKindName(AccessKind k) {
  switch (k) {
    case AccessKind::kScan: return "scan";
    case AccessKind::kIndexLookup: return "index_lookup";
    case AccessKind::kIdLookup: return "id_lookup";
  }
  return "unknown";
}

Result<ExecResult> Evaluate(const Statement& stmt, Catalog* catalog,
                            std::span<const ion::Value> params, const EvalOptions& options) {
  return Evaluator(catalog, params, options).Run(stmt);
}

}  // namespace folio::partiql
