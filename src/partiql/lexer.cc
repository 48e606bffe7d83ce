#include "partiql/lexer.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "fmt/format.h"

namespace folio::partiql {
namespace {

// SQL-92 reserved words plus the PartiQL additions (partiql-lang-kotlin Keywords.md). Sorted.
constexpr std::array kReserved = {
    "ABSOLUTE", "ACTION", "ADD", "ALL", "ALLOCATE", "ALTER", "AND", "ANY", "ARE", "AS", "ASC",
    "ASSERTION", "AT", "AUTHORIZATION", "AVG", "BAG", "BEGIN", "BETWEEN", "BIT", "BIT_LENGTH",
    "BLOB", "BOTH", "BY", "CASCADE", "CASCADED", "CASE", "CAST", "CATALOG", "CHAR",
    "CHARACTER", "CHARACTER_LENGTH", "CHAR_LENGTH", "CHECK", "CLOB", "CLOSE", "COALESCE",
    "COLLATE", "COLLATION", "COLUMN", "COMMIT", "CONNECT", "CONNECTION", "CONSTRAINT",
    "CONSTRAINTS", "CONTINUE", "CONVERT", "CORRESPONDING", "COUNT", "CREATE", "CROSS",
    "CURRENT", "CURRENT_DATE", "CURRENT_TIME", "CURRENT_TIMESTAMP", "CURRENT_USER", "CURSOR",
    "DATE", "DAY", "DEALLOCATE", "DEC", "DECIMAL", "DECLARE", "DEFAULT", "DEFERRABLE",
    "DEFERRED", "DELETE", "DESC", "DESCRIBE", "DESCRIPTOR", "DIAGNOSTICS", "DISCONNECT",
    "DISTINCT", "DOMAIN", "DOUBLE", "DROP", "ELSE", "END", "END-EXEC", "ESCAPE", "EXCEPT",
    "EXCEPTION", "EXEC", "EXECUTE", "EXISTS", "EXTERNAL", "EXTRACT", "FALSE", "FETCH", "FIRST",
    "FLOAT", "FOR", "FOREIGN", "FOUND", "FROM", "FULL", "GET", "GLOBAL", "GO", "GOTO", "GRANT",
    "GROUP", "HAVING", "HOUR", "IDENTITY", "IMMEDIATE", "IN", "INDEX", "INDICATOR",
    "INITIALLY", "INNER", "INPUT", "INSENSITIVE", "INSERT", "INT", "INTEGER", "INTERSECT",
    "INTERVAL", "INTO", "IS", "ISOLATION", "JOIN", "KEY", "LANGUAGE", "LAST", "LEADING", "LEFT",
    "LET", "LEVEL", "LIKE", "LIMIT", "LOCAL", "LOWER", "MATCH", "MAX", "MIN", "MINUTE",
    "MISSING", "MODULE", "MONTH", "NAMES", "NATIONAL", "NATURAL", "NCHAR", "NEXT", "NO", "NOT",
    "NULL", "NULLIF", "NUMERIC", "OCTET_LENGTH", "OF", "OFFSET", "ON", "ONLY", "OPEN", "OPTION",
    "OR", "ORDER", "OUTER", "OUTPUT", "OVERLAPS", "PAD", "PARTIAL", "PIVOT", "POSITION",
    "PRECISION", "PREPARE", "PRESERVE", "PRIMARY", "PRIOR", "PRIVILEGES", "PROCEDURE",
    "PUBLIC", "READ", "REAL", "REFERENCES", "RELATIVE", "REMOVE", "RESTRICT", "REVOKE",
    "RIGHT", "ROLLBACK", "ROWS", "SCHEMA", "SCROLL", "SECOND", "SECTION", "SELECT", "SESSION",
    "SESSION_USER", "SET", "SEXP", "SIZE", "SMALLINT", "SOME", "SPACE", "SQL", "SQLCODE",
    "SQLERROR", "SQLSTATE", "STRUCT", "SUBSTRING", "SUM", "SYSTEM_USER", "TABLE", "TEMPORARY",
    "THEN", "TIME", "TIMESTAMP", "TIMEZONE_HOUR", "TIMEZONE_MINUTE", "TO", "TRAILING",
    "TRANSACTION", "TRANSLATE", "TRANSLATION", "TRIM", "TRUE", "TUPLE", "UNION", "UNIQUE",
    "UNKNOWN", "UNPIVOT", "UPDATE", "UPPER", "USAGE", "USER", "USING", "VALUE", "VALUES",
    "VARCHAR", "VARYING", "VIEW", "WHEN", "WHENEVER", "WHERE", "WITH", "WORK", "WRITE", "YEAR",
    "ZONE",
};

bool IsIdentStart(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == '$';
}
bool IsIdentPart(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$';
}
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

class Lexer {
 public:
  explicit Lexer(std::string_view text) : s_(text) {}

  Result<std::vector<Token>> Run() {
    std::vector<Token> out;
    while (true) {
      FOLIO_TRY(SkipSpaceAndComments());
      if (pos_ >= s_.size()) break;
      FOLIO_ASSIGN_OR_RETURN(Token t, Next());
      out.push_back(std::move(t));
    }
    out.push_back(Token{TokenType::kEof, "", line_, col_, pos_});
    return out;
  }

 private:
  Status Error(int line, int col, std::string_view reason) const {
    return Status::InvalidArgument(
        fmt::format("Lexer Error: at line {}, column {}: {}", line, col, reason));
  }

  void Advance() {
    if (s_[pos_] == '\n') {
      ++line_;
      col_ = 1;
    } else {
      ++col_;
    }
    ++pos_;
  }
  char Peek(size_t ahead = 0) const {
    return pos_ + ahead < s_.size() ? s_[pos_ + ahead] : '\0';
  }

  Status SkipSpaceAndComments() {
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (std::isspace(static_cast<unsigned char>(c))) {
        Advance();
      } else if (c == '-' && Peek(1) == '-') {
        while (pos_ < s_.size() && s_[pos_] != '\n') Advance();
      } else if (c == '/' && Peek(1) == '*') {
        int line = line_, col = col_;
        Advance();
        Advance();
        while (true) {
          if (pos_ >= s_.size()) return Error(line, col, "unterminated block comment");
          if (s_[pos_] == '*' && Peek(1) == '/') {
            Advance();
            Advance();
            break;
          }
          Advance();
        }
      } else {
        break;
      }
    }
    return Status::OK();
  }

  // Reads a quoted run ending at `quote`; a doubled quote is an escaped quote.
  Result<std::string> Quoted(char quote, int line, int col, std::string_view what) {
    Advance();  // opening quote
    std::string text;
    while (true) {
      if (pos_ >= s_.size()) return Error(line, col, fmt::format("unterminated {}", what));
      char c = s_[pos_];
      if (c == quote) {
        if (Peek(1) == quote) {
          text.push_back(quote);
          Advance();
          Advance();
          continue;
        }
        Advance();
        return text;
      }
      text.push_back(c);
      Advance();
    }
  }

  // Backtick Ion literal: ends at the first backtick outside an Ion string, symbol or comment.
  Result<std::string> IonLiteral(int line, int col) {
    Advance();
    size_t start = pos_;
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (c == '`') {
        std::string text(s_.substr(start, pos_ - start));
        Advance();
        return text;
      }
      if (c == '"' || c == '\'') {
        bool triple = c == '\'' && Peek(1) == '\'' && Peek(2) == '\'';
        if (triple) {
          Advance();
          Advance();
          Advance();
          while (pos_ < s_.size() && !(s_[pos_] == '\'' && Peek(1) == '\'' && Peek(2) == '\'')) {
            if (s_[pos_] == '\\' && pos_ + 1 < s_.size()) Advance();
            Advance();
          }
          if (pos_ < s_.size()) {
            Advance();
            Advance();
            Advance();
          }
          continue;
        }
        Advance();
        while (pos_ < s_.size() && s_[pos_] != c) {
          if (s_[pos_] == '\\' && pos_ + 1 < s_.size()) Advance();
          Advance();
        }
        if (pos_ < s_.size()) Advance();
        continue;
      }
      if (c == '/' && Peek(1) == '/') {
        while (pos_ < s_.size() && s_[pos_] != '\n') Advance();
        continue;
      }
      if (c == '/' && Peek(1) == '*') {
        Advance();
        Advance();
        while (pos_ < s_.size() && !(s_[pos_] == '*' && Peek(1) == '/')) Advance();
        if (pos_ < s_.size()) {
          Advance();
          Advance();
        }
        continue;
      }
      Advance();
    }
    return Error(line, col, "unterminated Ion literal");
  }

  Result<Token> Next() {
    int line = line_, col = col_;
    size_t off = pos_;
    char c = s_[pos_];
    auto make = [&](TokenType t, std::string text) {
      return Token{t, std::move(text), line, col, off};
    };
    if (c == '\'') {
      FOLIO_ASSIGN_OR_RETURN(std::string text, Quoted('\'', line, col, "string literal"));
      return make(TokenType::kString, std::move(text));
    }
    if (c == '"') {
      FOLIO_ASSIGN_OR_RETURN(std::string text, Quoted('"', line, col, "quoted identifier"));
      return make(TokenType::kQuotedIdentifier, std::move(text));
    }
    if (c == '`') {
      FOLIO_ASSIGN_OR_RETURN(std::string text, IonLiteral(line, col));
      return make(TokenType::kIonLiteral, std::move(text));
    }
    if (IsDigit(c) || (c == '.' && IsDigit(Peek(1)))) {
      size_t start = pos_;
      while (IsDigit(Peek())) Advance();
      if (Peek() == '.') {
        Advance();
        while (IsDigit(Peek())) Advance();
      }
      if ((Peek() == 'e' || Peek() == 'E') &&
          (IsDigit(Peek(1)) || ((Peek(1) == '+' || Peek(1) == '-') && IsDigit(Peek(2))))) {
        Advance();
        if (Peek() == '+' || Peek() == '-') Advance();
        while (IsDigit(Peek())) Advance();
      }
      if (IsIdentStart(Peek())) {
        return Error(line_, col_, "invalid character after numeric literal");
      }
      return make(TokenType::kNumber, std::string(s_.substr(start, pos_ - start)));
    }
    if (IsIdentStart(c)) {
      size_t start = pos_;
      while (pos_ < s_.size() && IsIdentPart(s_[pos_])) Advance();
      std::string word(s_.substr(start, pos_ - start));
      std::string upper = word;
      for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      if (IsReservedWord(upper)) return make(TokenType::kKeyword, std::move(upper));
      return make(TokenType::kIdentifier, std::move(word));
    }
    static constexpr std::array kTwo = {"<=", ">=", "<>", "!=", "||", "<<", ">>"};
    for (const char* op : kTwo) {
      if (c == op[0] && Peek(1) == op[1]) {
        Advance();
        Advance();
        return make(TokenType::kOperator, op);
      }
    }
    static constexpr std::string_view kOne = "+-*/%=<>.,()[]{}:;?@";
    if (kOne.find(c) != std::string_view::npos) {
      Advance();
      return make(TokenType::kOperator, std::string(1, c));
    }
    unsigned char uc = static_cast<unsigned char>(c);
    return Error(line, col,
                 uc >= 0x20 && uc < 0x7f ? fmt::format("unexpected character '{}'", c)
                                         : fmt::format("unexpected character 0x{:02x}", uc));
  }

  std::string_view s_;
  size_t pos_ = 0;
  int line_ = 1;
  int col_ = 1;
};

}  // namespace

std::string_view TokenTypeName(TokenType t) {
  switch (t) {
    case TokenType::kIdentifier: return "IDENTIFIER";
    case TokenType::kQuotedIdentifier: return "QUOTED_IDENTIFIER";
    case TokenType::kKeyword: return "KEYWORD";
    case TokenType::kString: return "LITERAL";
    case TokenType::kNumber: return "LITERAL";
    case TokenType::kIonLiteral: return "ION_LITERAL";
    case TokenType::kOperator: return "OPERATOR";
    case TokenType::kEof: return "EOF";
  }
  return "UNKNOWN";
}

bool IsReservedWord(std::string_view upper) {
  return std::binary_search(kReserved.begin(), kReserved.end(), upper,
                            [](std::string_view a, std::string_view b) { return a < b; });
}

Result<std::vector<Token>> Lex(std::string_view text) { return Lexer(text).Run(); }

}  // namespace folio::partiql
