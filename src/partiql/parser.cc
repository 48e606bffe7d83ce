#include "partiql/parser.h"

#include <algorithm>

#include "common/bytes.h"
#include "fmt/format.h"
#include "ion/ion.h"
#include "partiql/functions.h"
#include "partiql/lexer.h"
#include "partiql/pvalue.h"

namespace folio::partiql {
namespace {

bool IsAggregateName(std::string_view n) {
  return n == "count" || n == "sum" || n == "avg" || n == "min" || n == "max";
}

bool IsDatePart(std::string_view lower) {
  return lower == "year" || lower == "month" || lower == "day" || lower == "hour" ||
         lower == "minute" || lower == "second" || lower == "timezone_hour" ||
         lower == "timezone_minute";
}

// Keywords that name functions when followed by '('.
bool IsFunctionKeyword(std::string_view upper) {
  static constexpr std::string_view kNames[] = {
      "CHAR_LENGTH", "CHARACTER_LENGTH", "COALESCE", "EXISTS", "LOWER", "NULLIF", "SIZE",
      "UPPER",       "BIT_LENGTH",       "OCTET_LENGTH", "POSITION", "LEFT", "RIGHT"};
  return std::find(std::begin(kNames), std::end(kNames), upper) != std::end(kNames);
}

int Depth(const Expr& e);

int SelectDepth(const Select& s) {
  int d = 0;
  auto take = [&](const ExprPtr& e) {
    if (e) d = std::max(d, Depth(*e));
  };
  take(s.value);
  for (const auto& i : s.items) take(i.expr);
  for (const auto& f : s.from) {
    take(f.source);
    take(f.on);
  }
  take(s.where);
  return d;
}

int Depth(const Expr& e) { return e.depth; }

class Parser {
 public:
  Parser(std::vector<Token> tokens, const ParseOptions& opts)
      : t_(std::move(tokens)), opts_(opts) {}

  Result<std::unique_ptr<Statement>> Run(std::string_view text) {
    auto st = std::make_unique<Statement>();
    st->text = std::string(text);
    FOLIO_TRY(ParseTop(*st));
    if (Is(TokenType::kOperator, ";")) ++i_;
    if (Cur().type != TokenType::kEof) return Error("unexpected token after end of statement");
    st->param_count = params_;
    return st;
  }

 private:
  // ---- token helpers ----------------------------------------------------------------------
  const Token& Cur() const { return t_[i_]; }
  const Token& Ahead(size_t n) const { return t_[std::min(i_ + n, t_.size() - 1)]; }
  bool Is(TokenType type, std::string_view text) const {
    return Cur().type == type && Cur().text == text;
  }
  bool IsKw(std::string_view kw) const { return Is(TokenType::kKeyword, kw); }
  bool IsOp(std::string_view op) const { return Is(TokenType::kOperator, op); }
  // A non-reserved word used as a keyword (UNDROP, history, ...), case-insensitive.
  bool IsSoftKw(std::string_view lower) const {
    return Cur().type == TokenType::kIdentifier && AsciiLower(Cur().text) == lower;
  }
  bool AcceptKw(std::string_view kw) {
    if (!IsKw(kw)) return false;
    ++i_;
    return true;
  }
  bool AcceptOp(std::string_view op) {
    if (!IsOp(op)) return false;
    ++i_;
    return true;
  }
  Pos CurPos() const { return Pos{Cur().line, Cur().column}; }

  Status ErrorAt(const Token& tok, std::string_view reason) const {
    std::string text = tok.type == TokenType::kEof ? "<EOF>" : tok.text;
    if (tok.type == TokenType::kKeyword || tok.type == TokenType::kOperator) text = AsciiLower(text);
    return Status::InvalidArgument(fmt::format("Parser Error: at line {}, column {}: {}, {} : {}",
                                               tok.line, tok.column, reason,
                                               TokenTypeName(tok.type), text));
  }
  Status Error(std::string_view reason) const { return ErrorAt(Cur(), reason); }
  Status SemanticError(Pos p, std::string_view reason) const {
    return Status::InvalidArgument(
        fmt::format("Semantic Error: at line {}, column {}: {}", p.line, p.column, reason));
  }
  Status ExpectKw(std::string_view kw) {
    if (AcceptKw(kw)) return Status::OK();
    return Error(fmt::format("expected {}", kw));
  }
  Status ExpectOp(std::string_view op) {
    if (AcceptOp(op)) return Status::OK();
    return Error(fmt::format("expected '{}'", op));
  }

  // An identifier or quoted identifier (a name); reserved words need quotes.
  Result<std::string> Name(std::string_view what) {
    if (Cur().type == TokenType::kIdentifier || Cur().type == TokenType::kQuotedIdentifier) {
      return t_[i_++].text;
    }
    if (Cur().type == TokenType::kKeyword) {
      return Error(fmt::format("expected {} (reserved words must be double-quoted)", what));
    }
    return Error(fmt::format("expected {}", what));
  }

  // ---- node helpers -----------------------------------------------------------------------
  ExprPtr Node(ExprKind kind, Pos pos) {
    auto e = std::make_unique<Expr>();
    e->kind = kind;
    e->pos = pos;
    return e;
  }
  // Computes the node's depth and enforces the nesting bound.
  Result<ExprPtr> Seal(ExprPtr e) {
    int d = 0;
    for (const auto& o : e->operands) d = std::max(d, Depth(*o));
    for (const auto& s : e->steps) {
      if (s.index) d = std::max(d, Depth(*s.index));
    }
    if (e->select) d = std::max(d, SelectDepth(*e->select));
    e->depth = d + 1;
    if (e->depth > kMaxNesting) {
      return SemanticError(e->pos, fmt::format("expression nesting exceeds the limit of {}",
                                               kMaxNesting));
    }
    return e;
  }
  Result<ExprPtr> Literal(ion::Value v, Pos pos) {
    auto e = Node(ExprKind::kLiteral, pos);
    e->value = std::move(v);
    return Seal(std::move(e));
  }
  Status Enter() {
    if (++depth_ > kMaxNesting) {
      return SemanticError(CurPos(), fmt::format("expression nesting exceeds the limit of {}",
                                                 kMaxNesting));
    }
    return Status::OK();
  }

  // ---- statements -------------------------------------------------------------------------
  Status ParseTop(Statement& st) {
    if (IsKw("INSERT")) return ParseInsert(st);
    if (IsKw("UPDATE")) return ParseUpdate(st);
    if (IsKw("DELETE")) return ParseDelete(st);
    if (IsKw("FROM")) return ParseFromDml(st);
    if (IsKw("CREATE")) return ParseCreate(st);
    if (IsKw("DROP")) return ParseDrop(st);
    if (IsSoftKw("undrop")) return ParseUndrop(st);
    if (IsKw("EXEC") || IsKw("EXECUTE")) return ParseExec(st);
    st.kind = StatementKind::kQuery;
    FOLIO_ASSIGN_OR_RETURN(st.query, Expression());
    return Status::OK();
  }

  Status TableName(Statement& st) {
    st.table_pos = CurPos();
    FOLIO_ASSIGN_OR_RETURN(st.table, Name("table name"));
    return Status::OK();
  }

  Status DmlAliases(Statement& st) {
    if (AcceptKw("AS")) {
      FOLIO_ASSIGN_OR_RETURN(st.as, Name("alias"));
    } else if (Cur().type == TokenType::kIdentifier ||
               Cur().type == TokenType::kQuotedIdentifier) {
      st.as = t_[i_++].text;
    }
    if (AcceptKw("BY")) {
      FOLIO_ASSIGN_OR_RETURN(st.by, Name("document id variable"));
    }
    return Status::OK();
  }

  Status ParseInsert(Statement& st) {
    ++i_;
    FOLIO_TRY(ExpectKw("INTO"));
    st.kind = StatementKind::kInsert;
    FOLIO_TRY(TableName(st));
    if (AcceptKw("VALUE")) {
      st.insert_value_kw = true;
    } else if (IsKw("VALUES")) {
      return Error("VALUES is not supported; use VALUE or a bag << >>");
    }
    FOLIO_ASSIGN_OR_RETURN(st.insert_value, Expression());
    return Status::OK();
  }

  Status ParseOps(Statement& st) {
    while (true) {
      if (AcceptKw("SET")) {
        do {
          DmlOp op{DmlOp::Kind::kSet, nullptr, nullptr};
          FOLIO_ASSIGN_OR_RETURN(op.target, Target());
          FOLIO_TRY(ExpectOp("="));
          FOLIO_ASSIGN_OR_RETURN(op.value, Expression());
          st.ops.push_back(std::move(op));
        } while (AcceptOp(","));
      } else if (AcceptKw("REMOVE")) {
        do {
          DmlOp op{DmlOp::Kind::kRemove, nullptr, nullptr};
          FOLIO_ASSIGN_OR_RETURN(op.target, Target());
          st.ops.push_back(std::move(op));
        } while (AcceptOp(","));
      } else if (IsKw("INSERT")) {
        ++i_;
        FOLIO_TRY(ExpectKw("INTO"));
        DmlOp op{DmlOp::Kind::kInsertInto, nullptr, nullptr};
        FOLIO_ASSIGN_OR_RETURN(op.target, Target());
        FOLIO_TRY(ExpectKw("VALUE"));
        FOLIO_ASSIGN_OR_RETURN(op.value, Expression());
        st.ops.push_back(std::move(op));
      } else {
        break;
      }
    }
    if (st.ops.empty()) return Error("expected SET, REMOVE or INSERT INTO");
    return Status::OK();
  }

  // A DML target: a name followed by path steps.
  Result<ExprPtr> Target() {
    if (Cur().type != TokenType::kIdentifier && Cur().type != TokenType::kQuotedIdentifier) {
      return Error("expected a path to update");
    }
    return Postfix();
  }

  Status ParseUpdate(Statement& st) {
    ++i_;
    st.kind = StatementKind::kUpdate;
    FOLIO_TRY(TableName(st));
    FOLIO_TRY(DmlAliases(st));
    FOLIO_TRY(ParseOps(st));
    if (AcceptKw("WHERE")) {
      FOLIO_ASSIGN_OR_RETURN(st.where, Expression());
    }
    return Status::OK();
  }

  Status ParseFromDml(Statement& st) {
    ++i_;
    st.kind = StatementKind::kUpdate;
    FOLIO_TRY(TableName(st));
    FOLIO_TRY(DmlAliases(st));
    if (AcceptKw("WHERE")) {
      FOLIO_ASSIGN_OR_RETURN(st.where, Expression());
    }
    return ParseOps(st);
  }

  Status ParseDelete(Statement& st) {
    ++i_;
    FOLIO_TRY(ExpectKw("FROM"));
    st.kind = StatementKind::kDelete;
    FOLIO_TRY(TableName(st));
    FOLIO_TRY(DmlAliases(st));
    if (AcceptKw("WHERE")) {
      FOLIO_ASSIGN_OR_RETURN(st.where, Expression());
    }
    return Status::OK();
  }

  Status ParseCreate(Statement& st) {
    ++i_;
    if (AcceptKw("TABLE")) {
      st.kind = StatementKind::kCreateTable;
      FOLIO_TRY(TableName(st));
      if (AcceptKw("WITH")) {
        FOLIO_TRY(ExpectOp("("));
        if (!(Cur().type == TokenType::kIdentifier && Cur().text == "aws_tags")) {
          return Error("expected aws_tags");
        }
        ++i_;
        FOLIO_TRY(ExpectOp("="));
        FOLIO_ASSIGN_OR_RETURN(st.tags_expr, Expression());
        FOLIO_TRY(ExpectOp(")"));
      }
      return Status::OK();
    }
    if (AcceptKw("INDEX")) {
      st.kind = StatementKind::kCreateIndex;
      FOLIO_TRY(ExpectKw("ON"));
      FOLIO_TRY(TableName(st));
      FOLIO_TRY(ExpectOp("("));
      FOLIO_ASSIGN_OR_RETURN(st.name, Name("indexed field name"));
      if (IsOp(".") || IsOp("[")) return Error("only top-level fields can be indexed");
      FOLIO_TRY(ExpectOp(")"));
      return Status::OK();
    }
    return Error("expected TABLE or INDEX");
  }

  Status ParseDrop(Statement& st) {
    ++i_;
    if (AcceptKw("TABLE")) {
      st.kind = StatementKind::kDropTable;
      return TableName(st);
    }
    if (AcceptKw("INDEX")) {
      st.kind = StatementKind::kDropIndex;
      FOLIO_ASSIGN_OR_RETURN(st.name, Name("index id"));
      FOLIO_TRY(ExpectKw("ON"));
      FOLIO_TRY(TableName(st));
      if (!IsKw("WITH")) return Error("DROP INDEX requires WITH (purge = true)");
      ++i_;
      FOLIO_TRY(ExpectOp("("));
      if (!(Cur().type == TokenType::kIdentifier && Cur().text == "purge")) {
        return Error("expected purge (lower case)");
      }
      ++i_;
      FOLIO_TRY(ExpectOp("="));
      if (!IsKw("TRUE")) return Error("purge must be true");
      ++i_;
      FOLIO_TRY(ExpectOp(")"));
      return Status::OK();
    }
    return Error("expected TABLE or INDEX");
  }

  Status ParseUndrop(Statement& st) {
    ++i_;
    FOLIO_TRY(ExpectKw("TABLE"));
    st.kind = StatementKind::kUndropTable;
    st.table_pos = CurPos();
    if (Cur().type == TokenType::kString) {
      st.name = t_[i_++].text;
      return Status::OK();
    }
    FOLIO_ASSIGN_OR_RETURN(st.name, Name("table id"));
    return Status::OK();
  }

  Status ParseExec(Statement& st) {
    ++i_;
    st.kind = StatementKind::kExec;
    if (Cur().type != TokenType::kIdentifier) return Error("expected a procedure name");
    st.procedure = AsciiLower(t_[i_++].text);
    if (Cur().type == TokenType::kEof || IsOp(";")) return Status::OK();
    do {
      FOLIO_ASSIGN_OR_RETURN(ExprPtr e, Expression());
      st.args.push_back(std::move(e));
    } while (AcceptOp(","));
    return Status::OK();
  }

  // ---- expressions ------------------------------------------------------------------------
  Result<ExprPtr> Expression() {
    FOLIO_TRY(Enter());
    auto r = Or();
    --depth_;
    return r;
  }

  Result<ExprPtr> Binary(std::string op, Pos pos, ExprPtr l, ExprPtr r) {
    auto e = Node(ExprKind::kBinary, pos);
    e->name = std::move(op);
    e->operands.push_back(std::move(l));
    e->operands.push_back(std::move(r));
    return Seal(std::move(e));
  }

  Result<ExprPtr> Or() {
    FOLIO_ASSIGN_OR_RETURN(ExprPtr l, And());
    while (IsKw("OR")) {
      Pos p = CurPos();
      ++i_;
      FOLIO_ASSIGN_OR_RETURN(ExprPtr r, Operand(&Parser::And, "OR"));
      FOLIO_ASSIGN_OR_RETURN(l, Binary("OR", p, std::move(l), std::move(r)));
    }
    return l;
  }

  Result<ExprPtr> And() {
    FOLIO_ASSIGN_OR_RETURN(ExprPtr l, Not());
    while (IsKw("AND")) {
      Pos p = CurPos();
      ++i_;
      FOLIO_ASSIGN_OR_RETURN(ExprPtr r, Operand(&Parser::Not, "AND"));
      FOLIO_ASSIGN_OR_RETURN(l, Binary("AND", p, std::move(l), std::move(r)));
    }
    return l;
  }

  // The right-hand side of an infix operator, with QLDB's message when it is absent.
  Result<ExprPtr> Operand(Result<ExprPtr> (Parser::*fn)(), std::string_view op) {
    if (!StartsExpression()) {
      return Error("expected expression; Missing right-hand side expression of infix operator");
    }
    return (this->*fn)();
  }

  bool StartsExpression() const {
    const Token& c = Cur();
    switch (c.type) {
      case TokenType::kEof: return false;
      case TokenType::kOperator:
        return c.text == "(" || c.text == "[" || c.text == "{" || c.text == "<<" ||
               c.text == "?" || c.text == "@" || c.text == "-" || c.text == "+";
      case TokenType::kKeyword:
        return !(c.text == "AND" || c.text == "OR" || c.text == "FROM" || c.text == "WHERE" ||
                 c.text == "AS" || c.text == "AT" || c.text == "BY" || c.text == "ON" ||
                 c.text == "THEN" || c.text == "ELSE" || c.text == "END" || c.text == "WHEN" ||
                 c.text == "IS" || c.text == "IN" || c.text == "LIKE" || c.text == "BETWEEN" ||
                 c.text == "JOIN" || c.text == "SET" || c.text == "REMOVE");
      default: return true;
    }
  }

  Result<ExprPtr> Not() {
    if (IsKw("NOT")) {
      Pos p = CurPos();
      ++i_;
      FOLIO_TRY(Enter());
      auto inner = Not();
      --depth_;
      if (!inner.ok()) return inner.status();
      auto e = Node(ExprKind::kUnary, p);
      e->name = "NOT";
      e->operands.push_back(std::move(inner).value());
      return Seal(std::move(e));
    }
    return Predicate();
  }

  Result<ExprPtr> Predicate() {
    FOLIO_ASSIGN_OR_RETURN(ExprPtr l, Concat());
    while (true) {
      Pos p = CurPos();
      const Token& c = Cur();
      if (c.type == TokenType::kOperator &&
          (c.text == "=" || c.text == "<>" || c.text == "!=" || c.text == "<" ||
           c.text == "<=" || c.text == ">" || c.text == ">=")) {
        std::string op = c.text == "!=" ? "<>" : c.text;
        ++i_;
        FOLIO_ASSIGN_OR_RETURN(ExprPtr r, Operand(&Parser::Concat, op));
        FOLIO_ASSIGN_OR_RETURN(l, Binary(op, p, std::move(l), std::move(r)));
        continue;
      }
      if (IsKw("IS")) {
        ++i_;
        auto e = Node(ExprKind::kIs, p);
        e->negated = AcceptKw("NOT");
        if (AcceptKw("NULL")) {
          e->name = "NULL";
        } else if (AcceptKw("MISSING")) {
          e->name = "MISSING";
        } else {
          return Error("expected NULL or MISSING after IS");
        }
        e->operands.push_back(std::move(l));
        FOLIO_ASSIGN_OR_RETURN(l, Seal(std::move(e)));
        continue;
      }
      bool negated = false;
      if (IsKw("NOT") && (Ahead(1).type == TokenType::kKeyword &&
                          (Ahead(1).text == "IN" || Ahead(1).text == "LIKE" ||
                           Ahead(1).text == "BETWEEN"))) {
        negated = true;
        ++i_;
      }
      if (AcceptKw("IN")) {
        auto e = Node(ExprKind::kIn, p);
        e->negated = negated;
        ExprPtr r;
        if (IsOp("(") && !(Ahead(1).type == TokenType::kKeyword && Ahead(1).text == "SELECT")) {
          // `x IN (a)` is a one-element list, not a parenthesised expression.
          auto list = Node(ExprKind::kParenList, CurPos());
          ++i_;
          do {
            FOLIO_ASSIGN_OR_RETURN(ExprPtr x, Expression());
            list->operands.push_back(std::move(x));
          } while (AcceptOp(","));
          FOLIO_TRY(ExpectOp(")"));
          FOLIO_ASSIGN_OR_RETURN(r, Seal(std::move(list)));
        } else {
          FOLIO_ASSIGN_OR_RETURN(r, Operand(&Parser::Concat, "IN"));
        }
        e->operands.push_back(std::move(l));
        e->operands.push_back(std::move(r));
        FOLIO_ASSIGN_OR_RETURN(l, Seal(std::move(e)));
        continue;
      }
      if (AcceptKw("LIKE")) {
        auto e = Node(ExprKind::kLike, p);
        e->negated = negated;
        FOLIO_ASSIGN_OR_RETURN(ExprPtr pat, Operand(&Parser::Concat, "LIKE"));
        e->operands.push_back(std::move(l));
        e->operands.push_back(std::move(pat));
        if (AcceptKw("ESCAPE")) {
          FOLIO_ASSIGN_OR_RETURN(ExprPtr esc, Operand(&Parser::Concat, "ESCAPE"));
          e->operands.push_back(std::move(esc));
        }
        FOLIO_ASSIGN_OR_RETURN(l, Seal(std::move(e)));
        continue;
      }
      if (AcceptKw("BETWEEN")) {
        auto e = Node(ExprKind::kBetween, p);
        e->negated = negated;
        FOLIO_ASSIGN_OR_RETURN(ExprPtr lo, Operand(&Parser::Concat, "BETWEEN"));
        FOLIO_TRY(ExpectKw("AND"));
        FOLIO_ASSIGN_OR_RETURN(ExprPtr hi, Operand(&Parser::Concat, "AND"));
        e->operands.push_back(std::move(l));
        e->operands.push_back(std::move(lo));
        e->operands.push_back(std::move(hi));
        FOLIO_ASSIGN_OR_RETURN(l, Seal(std::move(e)));
        continue;
      }
      if (negated) return Error("expected IN, LIKE or BETWEEN after NOT");
      return l;
    }
  }

  Result<ExprPtr> Concat() {
    FOLIO_ASSIGN_OR_RETURN(ExprPtr l, Additive());
    while (IsOp("||")) {
      Pos p = CurPos();
      ++i_;
      FOLIO_ASSIGN_OR_RETURN(ExprPtr r, Operand(&Parser::Additive, "||"));
      FOLIO_ASSIGN_OR_RETURN(l, Binary("||", p, std::move(l), std::move(r)));
    }
    return l;
  }

  Result<ExprPtr> Additive() {
    FOLIO_ASSIGN_OR_RETURN(ExprPtr l, Multiplicative());
    while (IsOp("+") || IsOp("-")) {
      Pos p = CurPos();
      std::string op = t_[i_++].text;
      FOLIO_ASSIGN_OR_RETURN(ExprPtr r, Operand(&Parser::Multiplicative, op));
      FOLIO_ASSIGN_OR_RETURN(l, Binary(op, p, std::move(l), std::move(r)));
    }
    return l;
  }

  Result<ExprPtr> Multiplicative() {
    FOLIO_ASSIGN_OR_RETURN(ExprPtr l, Unary());
    while (IsOp("*") || IsOp("/") || IsOp("%")) {
      Pos p = CurPos();
      std::string op = t_[i_++].text;
      FOLIO_ASSIGN_OR_RETURN(ExprPtr r, Operand(&Parser::Unary, op));
      FOLIO_ASSIGN_OR_RETURN(l, Binary(op, p, std::move(l), std::move(r)));
    }
    return l;
  }

  Result<ExprPtr> Unary() {
    if (IsOp("-") || IsOp("+")) {
      Pos p = CurPos();
      std::string op = t_[i_++].text;
      FOLIO_TRY(Enter());
      // An adjacent "-<digits>" may spell INT's minimum, whose magnitude exceeds the maximum.
      negated_literal_ = op == "-" && Cur().type == TokenType::kNumber &&
                         Cur().line == p.line && Cur().column == p.column + 1;
      auto inner = Unary();
      negated_literal_ = false;
      --depth_;
      if (!inner.ok()) return inner.status();
      ExprPtr v = std::move(inner).value();
      // Fold a negative numeric literal so that -9223372036854775808 stays an int.
      if (op == "-" && v->kind == ExprKind::kLiteral && !v->value.is_null() &&
          v->value.type() == ion::Type::kInt && v->pos.column == p.column + 1 &&
          v->pos.line == p.line) {
        v->value = ion::Value::Integer(-v->value.as_int());
        v->pos = p;
        return v;
      }
      auto e = Node(ExprKind::kUnary, p);
      e->name = op;
      e->operands.push_back(std::move(v));
      return Seal(std::move(e));
    }
    return Postfix();
  }

  Result<ExprPtr> Postfix() {
    FOLIO_ASSIGN_OR_RETURN(ExprPtr base, Primary());
    if (!IsOp(".") && !IsOp("[")) return base;
    auto path = Node(ExprKind::kPath, base->pos);
    path->operands.push_back(std::move(base));
    while (true) {
      Pos p = CurPos();
      if (AcceptOp(".")) {
        if (AcceptOp("*")) {
          path->steps.push_back(PathStep{StepKind::kUnpivot, "", nullptr, p});
        } else if (Cur().type == TokenType::kIdentifier ||
                   Cur().type == TokenType::kQuotedIdentifier) {
          path->steps.push_back(PathStep{StepKind::kField, t_[i_++].text, nullptr, p});
        } else if (Cur().type == TokenType::kString) {
          // x.'f' is x['f'] (PartiQL spec section 4).
          Pos sp = CurPos();
          FOLIO_ASSIGN_OR_RETURN(ExprPtr key, Literal(ion::Value::String(t_[i_++].text), sp));
          path->steps.push_back(PathStep{StepKind::kIndex, "", std::move(key), p});
        } else if (Cur().type == TokenType::kKeyword) {
          return Error("expected a field name (reserved words must be double-quoted)");
        } else {
          return Error("expected a field name after '.'");
        }
      } else if (AcceptOp("[")) {
        if (IsOp("*") && Ahead(1).type == TokenType::kOperator && Ahead(1).text == "]") {
          i_ += 2;
          path->steps.push_back(PathStep{StepKind::kWildcard, "", nullptr, p});
        } else {
          FOLIO_ASSIGN_OR_RETURN(ExprPtr idx, Expression());
          FOLIO_TRY(ExpectOp("]"));
          path->steps.push_back(PathStep{StepKind::kIndex, "", std::move(idx), p});
        }
      } else {
        break;
      }
    }
    return Seal(std::move(path));
  }

  Result<ExprPtr> NumberLiteral(const Token& tok) {
    Pos p{tok.line, tok.column};
    const std::string& s = tok.text;
    size_t dot = s.find('.');
    size_t exp = s.find_first_of("eE");
    if (dot == std::string::npos && exp == std::string::npos) {
      FOLIO_ASSIGN_OR_RETURN(ion::Int v, ion::Int::Parse(s));
      // PartiQL INT is 64-bit: a larger literal is an error in every mode (backtick Ion
      // literals and parameters keep arbitrary precision).
      bool min_int = negated_literal_ && (-v).ToInt64().has_value();
      negated_literal_ = false;
      if (!v.ToInt64().has_value() && !min_int) {
        return ErrorAt(tok, "integer literal out of range for INT (64-bit)");
      }
      return Literal(ion::Value::Integer(std::move(v)), p);
    }
    std::string mantissa = s.substr(0, exp);
    int64_t exponent = 0;
    if (exp != std::string::npos) {
      std::string e = s.substr(exp + 1);
      if (e.size() > 9) return ErrorAt(tok, "exponent out of range");
      exponent = std::stoll(e);
    }
    std::string digits;
    if (dot != std::string::npos) {
      digits = mantissa.substr(0, dot) + mantissa.substr(dot + 1);
      exponent -= static_cast<int64_t>(mantissa.size() - dot - 1);
    } else {
      digits = mantissa;
    }
    if (digits.empty()) digits = "0";
    FOLIO_ASSIGN_OR_RETURN(ion::Int coef, ion::Int::Parse(digits));
    ion::Decimal d;
    d.coefficient = std::move(coef);
    d.exponent = static_cast<int32_t>(exponent);
    return Literal(ion::Value::Dec(std::move(d)), p);
  }

  Result<ExprPtr> Primary() {
    FOLIO_TRY(Enter());
    auto r = PrimaryInner();
    --depth_;
    return r;
  }

  Result<ExprPtr> PrimaryInner() {
    const Token& tok = Cur();
    Pos p = CurPos();
    switch (tok.type) {
      case TokenType::kNumber:
        ++i_;
        return NumberLiteral(tok);
      case TokenType::kString:
        ++i_;
        return Literal(ion::Value::String(tok.text), p);
      case TokenType::kIonLiteral: {
        ++i_;
        auto values = ion::ReadText(tok.text);
        if (!values.ok()) {
          return ErrorAt(tok, fmt::format("invalid Ion literal ({})", values.status().message()));
        }
        if (values->size() != 1) return ErrorAt(tok, "an Ion literal must hold exactly one value");
        return Literal(std::move((*values)[0]), p);
      }
      case TokenType::kQuotedIdentifier: {
        ++i_;
        auto e = Node(ExprKind::kVar, p);
        e->name = tok.text;
        e->quoted = true;
        return Seal(std::move(e));
      }
      case TokenType::kIdentifier: {
        ++i_;
        if (IsOp("(")) return Call(AsciiLower(tok.text), p, tok);
        auto e = Node(ExprKind::kVar, p);
        e->name = tok.text;
        return Seal(std::move(e));
      }
      case TokenType::kOperator:
        return OperatorPrimary(tok, p);
      case TokenType::kKeyword:
        return KeywordPrimary(tok, p);
      case TokenType::kEof:
        return Error("expected expression");
    }
    return Error("expected expression");
  }

  Result<ExprPtr> OperatorPrimary(const Token& tok, Pos p) {
    if (tok.text == "?") {
      ++i_;
      auto e = Node(ExprKind::kParam, p);
      e->param_index = params_++;
      return e;
    }
    if (tok.text == "@") {
      ++i_;
      if (Cur().type != TokenType::kIdentifier && Cur().type != TokenType::kQuotedIdentifier) {
        return Error("expected a variable name after '@'");
      }
      auto e = Node(ExprKind::kVar, p);
      e->quoted = Cur().type == TokenType::kQuotedIdentifier;
      e->name = t_[i_++].text;
      e->at_prefix = true;
      return Seal(std::move(e));
    }
    if (tok.text == "(") {
      ++i_;
      FOLIO_ASSIGN_OR_RETURN(ExprPtr first, Expression());
      if (AcceptOp(")")) return first;
      if (!IsOp(",")) return Error("expected ')'");
      auto e = Node(ExprKind::kParenList, p);
      e->operands.push_back(std::move(first));
      while (AcceptOp(",")) {
        FOLIO_ASSIGN_OR_RETURN(ExprPtr x, Expression());
        e->operands.push_back(std::move(x));
      }
      FOLIO_TRY(ExpectOp(")"));
      return Seal(std::move(e));
    }
    if (tok.text == "[" || tok.text == "<<") {
      ++i_;
      std::string close = tok.text == "[" ? "]" : ">>";
      auto e = Node(tok.text == "[" ? ExprKind::kList : ExprKind::kBag, p);
      if (!AcceptOp(close)) {
        do {
          FOLIO_ASSIGN_OR_RETURN(ExprPtr x, Expression());
          e->operands.push_back(std::move(x));
        } while (AcceptOp(","));
        FOLIO_TRY(ExpectOp(close));
      }
      return Seal(std::move(e));
    }
    if (tok.text == "{") {
      ++i_;
      auto e = Node(ExprKind::kStruct, p);
      if (!AcceptOp("}")) {
        do {
          FOLIO_ASSIGN_OR_RETURN(ExprPtr k, Expression());
          FOLIO_TRY(ExpectOp(":"));
          FOLIO_ASSIGN_OR_RETURN(ExprPtr v, Expression());
          e->operands.push_back(std::move(k));
          e->operands.push_back(std::move(v));
        } while (AcceptOp(","));
        FOLIO_TRY(ExpectOp("}"));
      }
      return Seal(std::move(e));
    }
    return Error("expected expression");
  }

  Result<ExprPtr> KeywordPrimary(const Token& tok, Pos p) {
    const std::string& k = tok.text;
    if (k == "NULL") {
      ++i_;
      return Literal(ion::Value(), p);
    }
    if (k == "MISSING") {
      ++i_;
      return Literal(Missing(), p);
    }
    if (k == "TRUE" || k == "FALSE") {
      ++i_;
      return Literal(ion::Value::Bool(k == "TRUE"), p);
    }
    if (k == "SELECT") return SelectExpr();
    if (k == "CASE") return Case();
    bool call_next = Ahead(1).type == TokenType::kOperator && Ahead(1).text == "(";
    if (call_next) {
      if (k == "CAST") return CastExpr(p);
      if (k == "EXTRACT") return ExtractExpr(p);
      if (k == "TRIM") return TrimExpr(p);
      if (k == "SUBSTRING") return SubstringExpr(p);
      if (IsAggregateName(AsciiLower(k))) return AggregateExpr(AsciiLower(k), p);
      if (IsFunctionKeyword(k)) {
        ++i_;
        return Call(AsciiLower(k), p, tok);
      }
    }
    return Error("expected expression");
  }

  Result<ExprPtr> FinishCall(ExprPtr e, const Token& name_tok) {
    const std::string& n = e->name;
    int argc = static_cast<int>(e->operands.size());
    if (n == "coalesce") {
      if (argc < 1) return SemanticError(e->pos, "COALESCE requires at least 1 argument");
    } else if (n == "nullif") {
      if (argc != 2) {
        return SemanticError(e->pos, fmt::format("NULLIF takes 2 arguments, got {}", argc));
      }
    } else if (n == "exists") {
      if (argc != 1) {
        return SemanticError(e->pos, fmt::format("EXISTS takes 1 argument, got {}", argc));
      }
    } else if (n == "history") {
      // Checked where it is used (only FROM accepts it).
    } else if (opts_.semantic_checks) {
      const FunctionInfo* f = FindFunction(n);
      if (f == nullptr) {
        return SemanticError(e->pos, fmt::format("No such function: {}", n));
      }
      if (argc < f->min_args || argc > f->max_args) {
        std::string want = f->min_args == f->max_args
                               ? fmt::format("{}", f->min_args)
                               : fmt::format("{} to {}", f->min_args, f->max_args);
        return SemanticError(
            e->pos, fmt::format("Incorrect number of arguments for function {}: expected {}, got {}",
                                n, want, argc));
      }
    }
    return Seal(std::move(e));
  }

  // name '(' args ')' with `i_` at '('.
  Result<ExprPtr> Call(std::string name, Pos p, const Token& name_tok) {
    FOLIO_TRY(ExpectOp("("));
    auto e = Node(ExprKind::kCall, p);
    e->name = std::move(name);
    bool date_fn = e->name == "date_add" || e->name == "date_diff";
    if (!AcceptOp(")")) {
      do {
        if (date_fn && e->operands.empty() &&
            (Cur().type == TokenType::kKeyword || Cur().type == TokenType::kIdentifier) &&
            IsDatePart(AsciiLower(Cur().text))) {
          Pos dp = CurPos();
          FOLIO_ASSIGN_OR_RETURN(ExprPtr part,
                                 Literal(ion::Value::Sym(AsciiLower(t_[i_++].text)), dp));
          e->operands.push_back(std::move(part));
          continue;
        }
        FOLIO_ASSIGN_OR_RETURN(ExprPtr x, Expression());
        e->operands.push_back(std::move(x));
      } while (AcceptOp(","));
      FOLIO_TRY(ExpectOp(")"));
    }
    return FinishCall(std::move(e), name_tok);
  }

  Result<ExprPtr> AggregateExpr(std::string name, Pos p) {
    i_ += 2;  // name (
    auto e = Node(ExprKind::kAggregate, p);
    e->name = std::move(name);
    if (IsOp("*")) {
      if (e->name != "count") return Error("only COUNT accepts *");
      ++i_;
    } else {
      if (AcceptKw("DISTINCT")) {
        e->distinct = true;
      } else {
        AcceptKw("ALL");
      }
      FOLIO_ASSIGN_OR_RETURN(ExprPtr x, Expression());
      e->operands.push_back(std::move(x));
      if (IsOp(",")) {
        return SemanticError(p, fmt::format("Incorrect number of arguments for function {}",
                                            e->name));
      }
    }
    FOLIO_TRY(ExpectOp(")"));
    return Seal(std::move(e));
  }

  Result<std::string> TypeName() {
    if (Cur().type != TokenType::kKeyword && Cur().type != TokenType::kIdentifier) {
      return Error("expected a type name");
    }
    std::string t = AsciiLower(t_[i_++].text);
    if (t == "double" && Cur().type == TokenType::kKeyword && Cur().text == "PRECISION") {
      ++i_;
      t = "float";
    }
    if ((t == "character" || t == "char") && IsKw("VARYING")) {
      ++i_;
      t = "varchar";
    }
    // Optional (precision[, scale]): unsigned integer literals, checked and then ignored
    // (values keep Ion's precision). DECIMAL needs 1 <= precision and scale <= precision.
    if (IsOp("(")) {
      Pos p = CurPos();
      ++i_;
      std::vector<int64_t> params;
      do {
        if (Cur().type != TokenType::kNumber ||
            Cur().text.find_first_not_of("0123456789") != std::string::npos) {
          return Error("expected an unsigned integer type parameter");
        }
        auto n = ion::Int::Parse(t_[i_++].text);
        if (!n.ok() || !n->ToInt64()) return Error("type parameter out of range");
        params.push_back(*n->ToInt64());
      } while (AcceptOp(",") && params.size() < 3);
      FOLIO_TRY(ExpectOp(")"));
      bool decimal = t == "decimal" || t == "numeric" || t == "dec";
      if (params.size() > (decimal ? 2u : 1u)) {
        return SemanticError(p, fmt::format("too many parameters for type {}", t));
      }
      bool bad_scale = params[0] < 1 || (params.size() == 2 && params[1] > params[0]);
      if (opts_.semantic_checks && decimal && bad_scale) {
        return SemanticError(p, "DECIMAL needs 1 <= precision and 0 <= scale <= precision");
      }
    }
    static constexpr std::pair<std::string_view, std::string_view> kAlias[] = {
        {"integer", "int"},   {"smallint", "int"},     {"int2", "int"},
        {"int4", "int"},      {"int8", "int"},         {"bigint", "int"},
        {"integer4", "int"},  {"integer8", "int"},     {"real", "float"},
        {"double", "float"},  {"numeric", "decimal"},  {"dec", "decimal"},
        {"varchar", "string"}, {"char", "string"},     {"character", "string"},
        {"boolean", "bool"},  {"tuple", "struct"},
    };
    for (const auto& [from, to] : kAlias) {
      if (t == from) return std::string(to);
    }
    static constexpr std::string_view kKnown[] = {
        "int",  "float", "decimal", "string", "symbol", "bool", "timestamp", "list",
        "sexp", "struct", "bag",    "null",   "missing", "clob", "blob"};
    if (std::find(std::begin(kKnown), std::end(kKnown), t) == std::end(kKnown)) {
      return ErrorAt(t_[i_ - 1], "unsupported CAST target type");
    }
    return t;
  }

  Result<ExprPtr> CastExpr(Pos p) {
    i_ += 2;
    auto e = Node(ExprKind::kCall, p);
    e->name = "cast";
    FOLIO_ASSIGN_OR_RETURN(ExprPtr x, Expression());
    FOLIO_TRY(ExpectKw("AS"));
    Pos tp = CurPos();
    FOLIO_ASSIGN_OR_RETURN(std::string type, TypeName());
    FOLIO_TRY(ExpectOp(")"));
    e->operands.push_back(std::move(x));
    FOLIO_ASSIGN_OR_RETURN(ExprPtr t, Literal(ion::Value::Sym(type), tp));
    e->operands.push_back(std::move(t));
    return Seal(std::move(e));
  }

  Result<ExprPtr> ExtractExpr(Pos p) {
    i_ += 2;
    auto e = Node(ExprKind::kCall, p);
    e->name = "extract";
    Pos pp = CurPos();
    if ((Cur().type != TokenType::kKeyword && Cur().type != TokenType::kIdentifier) ||
        !IsDatePart(AsciiLower(Cur().text))) {
      return Error("expected a date part");
    }
    FOLIO_ASSIGN_OR_RETURN(ExprPtr part, Literal(ion::Value::Sym(AsciiLower(t_[i_++].text)), pp));
    FOLIO_TRY(ExpectKw("FROM"));
    FOLIO_ASSIGN_OR_RETURN(ExprPtr x, Expression());
    FOLIO_TRY(ExpectOp(")"));
    e->operands.push_back(std::move(part));
    e->operands.push_back(std::move(x));
    return Seal(std::move(e));
  }

  Result<ExprPtr> TrimExpr(Pos p) {
    i_ += 2;
    auto e = Node(ExprKind::kCall, p);
    e->name = "trim";
    std::optional<std::string> mode;
    Pos mp = CurPos();
    if (IsKw("LEADING") || IsKw("TRAILING") || IsKw("BOTH")) mode = AsciiLower(t_[i_++].text);
    ExprPtr chars;
    if (!IsKw("FROM")) {
      FOLIO_ASSIGN_OR_RETURN(chars, Expression());
    }
    if (AcceptKw("FROM")) {
      FOLIO_ASSIGN_OR_RETURN(ExprPtr s, Expression());
      FOLIO_ASSIGN_OR_RETURN(ExprPtr m, Literal(ion::Value::Sym(mode.value_or("both")), mp));
      e->operands.push_back(std::move(m));
      if (chars) e->operands.push_back(std::move(chars));
      e->operands.push_back(std::move(s));
    } else {
      if (mode || !chars) return Error("expected FROM");
      e->operands.push_back(std::move(chars));
    }
    FOLIO_TRY(ExpectOp(")"));
    return Seal(std::move(e));
  }

  Result<ExprPtr> SubstringExpr(Pos p) {
    i_ += 2;
    auto e = Node(ExprKind::kCall, p);
    e->name = "substring";
    FOLIO_ASSIGN_OR_RETURN(ExprPtr s, Expression());
    e->operands.push_back(std::move(s));
    if (AcceptKw("FROM")) {
      FOLIO_ASSIGN_OR_RETURN(ExprPtr a, Expression());
      e->operands.push_back(std::move(a));
      if (AcceptKw("FOR")) {
        FOLIO_ASSIGN_OR_RETURN(ExprPtr b, Expression());
        e->operands.push_back(std::move(b));
      }
    } else {
      while (AcceptOp(",")) {
        FOLIO_ASSIGN_OR_RETURN(ExprPtr a, Expression());
        e->operands.push_back(std::move(a));
      }
    }
    FOLIO_TRY(ExpectOp(")"));
    return FinishCall(std::move(e), t_[i_ - 1]);
  }

  Result<ExprPtr> Case() {
    Pos p = CurPos();
    ++i_;
    auto e = Node(ExprKind::kCase, p);
    if (!IsKw("WHEN")) {
      FOLIO_ASSIGN_OR_RETURN(ExprPtr subject, Expression());
      e->operands.push_back(std::move(subject));
      e->has_subject = true;
    }
    if (!IsKw("WHEN")) return Error("expected WHEN");
    while (AcceptKw("WHEN")) {
      FOLIO_ASSIGN_OR_RETURN(ExprPtr w, Expression());
      FOLIO_TRY(ExpectKw("THEN"));
      FOLIO_ASSIGN_OR_RETURN(ExprPtr t, Expression());
      e->operands.push_back(std::move(w));
      e->operands.push_back(std::move(t));
    }
    if (AcceptKw("ELSE")) {
      FOLIO_ASSIGN_OR_RETURN(ExprPtr x, Expression());
      e->operands.push_back(std::move(x));
      e->has_else = true;
    }
    FOLIO_TRY(ExpectKw("END"));
    return Seal(std::move(e));
  }

  // ---- SELECT -----------------------------------------------------------------------------
  Result<ExprPtr> SelectExpr() {
    Pos p = CurPos();
    ++i_;
    auto sel = std::make_unique<Select>();
    sel->pos = p;
    if (AcceptKw("DISTINCT")) {
      sel->distinct = true;
    } else {
      AcceptKw("ALL");
    }
    if (AcceptKw("VALUE")) {
      sel->select_value = true;
      FOLIO_ASSIGN_OR_RETURN(sel->value, Expression());
    } else if (IsOp("*")) {
      ++i_;
      sel->star = true;
    } else {
      do {
        SelectItem item;
        FOLIO_ASSIGN_OR_RETURN(item.expr, Expression());
        if (item.expr->kind == ExprKind::kPath && !item.expr->steps.empty() &&
            item.expr->steps.back().kind == StepKind::kUnpivot) {
          item.star_of_expr = true;
          item.expr->steps.pop_back();
          if (item.expr->steps.empty()) {
            ExprPtr base = std::move(item.expr->operands[0]);
            item.expr = std::move(base);
          }
        } else if (AcceptKw("AS")) {
          FOLIO_ASSIGN_OR_RETURN(item.alias, Name("alias"));
        } else if (Cur().type == TokenType::kIdentifier ||
                   Cur().type == TokenType::kQuotedIdentifier) {
          item.alias = t_[i_++].text;
        }
        sel->items.push_back(std::move(item));
      } while (AcceptOp(","));
    }
    if (AcceptKw("FROM")) {
      FOLIO_TRY(FromList(*sel));
    }
    if (AcceptKw("WHERE")) {
      FOLIO_ASSIGN_OR_RETURN(sel->where, Expression());
    }
    if (IsKw("GROUP") || IsKw("HAVING") || IsKw("ORDER") || IsKw("LIMIT") || IsKw("OFFSET") ||
        IsKw("UNION") || IsKw("INTERSECT") || IsKw("EXCEPT") || IsKw("LET")) {
      return Error(fmt::format("{} is not supported by QLDB", Cur().text));
    }
    auto e = Node(ExprKind::kSelect, p);
    e->select = std::move(sel);
    return Seal(std::move(e));
  }

  // FROM items joined by ',', CROSS JOIN, [INNER] JOIN ... ON (ON is required) and
  // INNER CROSS JOIN. Only inner joins exist, so a parenthesized join group is flattened into
  // `sel.from`: a condition is a filter checked once every item it follows is bound.
  Status FromList(Select& sel) {
    FOLIO_TRY(FromItemOrGroup(sel));
    while (true) {
      if (AcceptOp(",")) {
        FOLIO_TRY(FromItemOrGroup(sel));
        continue;
      }
      bool cross = false;
      if (IsKw("LEFT") || IsKw("RIGHT") || IsKw("FULL") || IsKw("OUTER") || IsKw("NATURAL")) {
        return Error("only inner joins are supported");
      }
      if (AcceptKw("CROSS")) {
        cross = true;
        FOLIO_TRY(ExpectKw("JOIN"));
      } else if (AcceptKw("INNER")) {
        cross = AcceptKw("CROSS");
        FOLIO_TRY(ExpectKw("JOIN"));
      } else if (!AcceptKw("JOIN")) {
        return Status::OK();
      }
      FOLIO_TRY(FromItemOrGroup(sel));
      if (!cross) {
        if (!IsKw("ON")) return Error("expected ON after JOIN (or use CROSS JOIN)");
        ++i_;
        Pos p = CurPos();
        FOLIO_ASSIGN_OR_RETURN(ExprPtr cond, Expression());
        ExprPtr& on = sel.from.back().on;
        if (on == nullptr) {
          on = std::move(cond);
        } else {
          auto both = Node(ExprKind::kBinary, p);
          both->name = "AND";
          both->operands.push_back(std::move(on));
          both->operands.push_back(std::move(cond));
          FOLIO_ASSIGN_OR_RETURN(on, Seal(std::move(both)));
        }
      }
    }
  }

  // A FROM item, or '(' a join group ')' when the parentheses hold a JOIN; otherwise the
  // parentheses are an expression (a subquery, a path) and are parsed as one.
  Status FromItemOrGroup(Select& sel) {
    if (IsOp("(")) {
      size_t save_i = i_, save_from = sel.from.size();
      int save_params = params_, save_depth = depth_;
      ++i_;
      Status st = Enter();
      if (st.ok()) st = FromList(sel);
      if (st.ok()) --depth_;
      bool joined = false;
      for (size_t k = save_i; k < i_; ++k) {
        joined = joined || (t_[k].type == TokenType::kKeyword && AsciiLower(t_[k].text) == "join");
      }
      if (st.ok() && joined && sel.from.size() > save_from + 1 && AcceptOp(")")) {
        return Status::OK();
      }
      i_ = save_i;
      sel.from.resize(save_from);
      params_ = save_params;
      depth_ = save_depth;
    }
    return FromItemParse(sel, nullptr);
  }

  Status FromItemParse(Select& sel, void*) {
    FromItem item;
    item.pos = CurPos();
    if (IsSoftKw("history") && Ahead(1).type == TokenType::kOperator && Ahead(1).text == "(") {
      const Token& name_tok = Cur();
      ++i_;
      FOLIO_ASSIGN_OR_RETURN(item.source, Call("history", item.pos, name_tok));
      if (item.source->operands.empty() || item.source->operands.size() > 3) {
        return SemanticError(item.pos, "history() takes 1 to 3 arguments");
      }
    } else {
      FOLIO_ASSIGN_OR_RETURN(item.source, Concat());
    }
    if (AcceptKw("AS")) {
      FOLIO_ASSIGN_OR_RETURN(item.as, Name("alias"));
    } else if (Cur().type == TokenType::kIdentifier ||
               Cur().type == TokenType::kQuotedIdentifier) {
      item.as = t_[i_++].text;
    }
    if (AcceptKw("AT")) {
      FOLIO_ASSIGN_OR_RETURN(item.at, Name("position variable"));
    }
    if (AcceptKw("BY")) {
      FOLIO_ASSIGN_OR_RETURN(item.by, Name("document id variable"));
    }
    sel.from.push_back(std::move(item));
    return Status::OK();
  }

  std::vector<Token> t_;
  ParseOptions opts_;
  bool negated_literal_ = false;  // the number literal being parsed follows an adjacent '-'

  size_t i_ = 0;
  int depth_ = 0;
  int params_ = 0;
};

}  // namespace

bool IsEvaluatorFunction(std::string_view n) {
  return n == "coalesce" || n == "nullif" || n == "exists" || IsAggregateName(n);
}

Result<std::unique_ptr<Statement>> ParseStatement(std::string_view text,
                                                  const ParseOptions& options) {
  FOLIO_ASSIGN_OR_RETURN(std::vector<Token> tokens, Lex(text));
  return Parser(std::move(tokens), options).Run(text);
}

Result<std::unique_ptr<Statement>> ParseStatement(std::string_view text) {
  return ParseStatement(text, ParseOptions{});
}

}  // namespace folio::partiql
