// PartiQL (QLDB dialect) lexer: turns statement text into tokens with 1-based line/column.
//
// Keywords are case-insensitive (normalised to upper case in `text`); identifiers keep their
// case. Reserved words (the PartiQL reserved set plus SQL date parts) lex as kKeyword and can
// be used as names only when double-quoted. Thread-safe (no shared mutable state).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace folio::partiql {

enum class TokenType : uint8_t {
  kIdentifier,        // foo (case preserved)
  kQuotedIdentifier,  // "foo" (unescaped text)
  kKeyword,           // SELECT (text upper-cased)
  kString,            // 'abc' (unescaped text)
  kNumber,            // 12, 1.5, 1e3 (text as written)
  kIonLiteral,        // `...` (text between the backticks)
  kOperator,          // + - * / % = <> != < <= > >= || . , ( ) [ ] { } << >> : ; ? @
  kEof,
};

// QLDB/partiql-kotlin style token type name for error messages ("KEYWORD", "OPERATOR", ...).
std::string_view TokenTypeName(TokenType t);

struct Token {
  TokenType type;
  std::string text;
  int line = 1;
  int column = 1;
  size_t offset = 0;  // byte offset in the statement text
};

// True for the reserved words that need double quotes to be used as identifiers.
bool IsReservedWord(std::string_view upper);

// Tokenises `text`; the last token is always kEof. Errors are kInvalidArgument with a
// "Lexer Error: at line L, column C: <reason>" message.
Result<std::vector<Token>> Lex(std::string_view text);

}  // namespace folio::partiql
