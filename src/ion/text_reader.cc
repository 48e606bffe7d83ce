#include "ion/text_reader.h"

#include <locale.h>

#include <charconv>
#include <clocale>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "ion/ion.h"
#include "ion/symbol_table.h"
#include "ion/value.h"

namespace folio::ion {

TextPosition PositionOf(std::string_view text, size_t offset) {
  TextPosition pos;
  if (offset > text.size()) offset = text.size();
  size_t line_start = 0;
  for (size_t i = 0; i < offset; ++i) {
    char c = text[i];
    if (c == '\n' || (c == '\r' && (i + 1 >= text.size() || text[i + 1] != '\n'))) {
      ++pos.line;
      line_start = i + 1;
    }
  }
  pos.column = offset - line_start + 1;
  return pos;
}

namespace {

// Largest max_id accepted in an import declaration (the table's total is checked too).
constexpr int64_t kMaxImportMaxId = static_cast<int64_t>(kMaxSid);

enum class Ctx : uint8_t { kTop, kList, kSexp, kStruct };

// How a symbol value was spelled; IVM and no-op detection depend on it.
enum class SymbolForm : uint8_t { kNone, kIdentifier, kQuoted, kSid, kOperator };

inline bool IsWs(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}
inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }
inline bool IsHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
inline int HexVal(char c) {
  if (IsDigit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}
inline bool IsIdentStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$';
}
inline bool IsIdentPart(char c) { return IsIdentStart(c) || IsDigit(c); }
inline bool IsOperatorChar(char c) {
  switch (c) {
    case '!':
    case '#':
    case '%':
    case '&':
    case '*':
    case '+':
    case '-':
    case '.':
    case '/':
    case ';':
    case '<':
    case '=':
    case '>':
    case '?':
    case '@':
    case '^':
    case '`':
    case '|':
    case '~':
      return true;
    default:
      return false;
  }
}

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Length of the valid UTF-8 sequence starting at p (lead byte >= 0x80), or 0 if invalid.
size_t Utf8SequenceLength(const char* p, const char* end) {
  auto b = [&](size_t i) { return static_cast<uint8_t>(p[i]); };
  auto cont = [&](size_t i) { return p + i < end && (b(i) & 0xC0) == 0x80; };
  uint8_t c = b(0);
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    if (c == 0xE0 && b(1) < 0xA0) return 0;   // overlong
    if (c == 0xED && b(1) >= 0xA0) return 0;  // surrogate
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    if (c == 0xF0 && b(1) < 0x90) return 0;   // overlong
    if (c == 0xF4 && b(1) >= 0x90) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

// Parses a float literal (no underscores) with correct rounding, independent of the locale.
bool ParseDouble(const std::string& s, double* out) {
  const char* first = s.data();
  const char* last = s.data() + s.size();
  auto [ptr, ec] = std::from_chars(first, last, *out);
  if (ec == std::errc() && ptr == last) return true;
  if (ec != std::errc::result_out_of_range) return false;
  // Overflow (rounds to infinity) or underflow (subnormal or zero): strtod_l in the C locale
  // rounds correctly in both cases.
  static locale_t c_locale = newlocale(LC_ALL_MASK, "C", static_cast<locale_t>(0));
  char* endp = nullptr;
  *out = strtod_l(first, &endp, c_locale);
  return endp == last;
}

class Reader {
 public:
  explicit Reader(std::string_view in) : text_(in), p_(in.data()), end_(in.data() + in.size()) {}

  Result<std::vector<Value>> ReadAll() {
    std::vector<Value> out;
    for (;;) {
      FOLIO_TRY(SkipWs());
      if (p_ >= end_) break;
      const char* start = p_;
      SymbolForm form = SymbolForm::kNone;
      FOLIO_ASSIGN_OR_RETURN(Value v, ParseValue(Ctx::kTop, 0, &form));
      if (v.annotations().empty() && v.type() == Type::kSymbol && !v.is_null()) {
        const Symbol& s = v.as_symbol();
        if (form == SymbolForm::kIdentifier && IsVersionMarker(s.text)) {
          if (s.text != "$ion_1_0") return Error(start, "unsupported Ion version " + s.text);
          ResetSymbols();
          continue;
        }
        if (s.has_text && s.text == "$ion_1_0") continue;  // '$ion_1_0' or $2: a no-op
      }
      if (v.type() == Type::kStruct && !v.annotations().empty() && v.annotations()[0].has_text &&
          v.annotations()[0].text == "$ion_symbol_table") {
        Status st = ProcessSymbolTable(v);
        if (!st.ok()) return Error(start, st.message());
        continue;
      }
      out.push_back(std::move(v));
    }
    return out;
  }

 private:
  Status Error(const char* at, std::string_view reason) const {
    size_t off = static_cast<size_t>(at - text_.data());
    TextPosition pos = PositionOf(text_, off);
    return Status::InvalidArgument("ion text " + std::to_string(pos.line) + ":" +
                                   std::to_string(pos.column) + ": " + std::string(reason));
  }

  static bool IsVersionMarker(std::string_view s) {
    if (s.substr(0, 5) != "$ion_") return false;
    size_t i = 5;
    size_t d = i;
    while (i < s.size() && IsDigit(s[i])) ++i;
    if (i == d || i >= s.size() || s[i] != '_') return false;
    d = ++i;
    while (i < s.size() && IsDigit(s[i])) ++i;
    return i > d && i == s.size();
  }

  bool At(std::string_view s) const {
    return static_cast<size_t>(end_ - p_) >= s.size() && std::memcmp(p_, s.data(), s.size()) == 0;
  }
  bool AtStop(const char* q) const {
    if (q >= end_) return true;
    char c = *q;
    if (IsWs(c)) return true;
    switch (c) {
      case '{':
      case '}':
      case '[':
      case ']':
      case '(':
      case ')':
      case ',':
      case '"':
      case '\'':
        return true;
      case '/':
        return q + 1 < end_ && (q[1] == '/' || q[1] == '*');
      default:
        return false;
    }
  }

  // Skips whitespace and comments.
  Status SkipWs() {
    while (p_ < end_) {
      char c = *p_;
      if (IsWs(c)) {
        ++p_;
      } else if (c == '/' && p_ + 1 < end_ && p_[1] == '/') {
        p_ += 2;
        while (p_ < end_ && *p_ != '\n' && *p_ != '\r') ++p_;
      } else if (c == '/' && p_ + 1 < end_ && p_[1] == '*') {
        const char* start = p_;
        p_ += 2;
        for (;;) {
          if (p_ + 1 >= end_) {
            p_ = end_;
            return Error(start, "unterminated block comment");
          }
          if (p_[0] == '*' && p_[1] == '/') {
            p_ += 2;
            break;
          }
          ++p_;
        }
      } else {
        break;
      }
    }
    return Status::OK();
  }

  // After SkipWs: consumes "::" if present.
  Result<bool> ConsumeDoubleColon() {
    FOLIO_TRY(SkipWs());
    if (At("::")) {
      p_ += 2;
      return true;
    }
    return false;
  }

  Result<Symbol> ResolveSid(const char* start, std::string_view digits) {
    if (digits.size() > 19) return Error(start, "symbol ID out of range");
    uint64_t sid = 0;
    for (char c : digits) sid = sid * 10 + static_cast<uint64_t>(c - '0');
    if (sid == 0) return Symbol::Unknown();
    SymbolRef ref;
    if (!symtab_.Lookup(sid, &ref)) {
      return Error(start, "symbol ID $" + std::string(digits) + " is not in the symbol table");
    }
    return ref.ToSymbol();
  }

  static bool IsSidText(std::string_view id) {
    if (id.size() < 2 || id[0] != '$') return false;
    for (size_t i = 1; i < id.size(); ++i) {
      if (!IsDigit(id[i])) return false;
    }
    return true;
  }

  static bool IsKeyword(std::string_view id) {
    return id == "null" || id == "true" || id == "false" || id == "nan";
  }

  std::string_view ScanIdentifier() {
    const char* s = p_;
    while (p_ < end_ && IsIdentPart(*p_)) ++p_;
    return {s, static_cast<size_t>(p_ - s)};
  }

  // ---- escapes and strings ------------------------------------------------------------------

  enum class TextKind : uint8_t { kString, kClob };

  // p_ is just after a backslash. Appends the escaped text; `*high_surrogate` carries a pending
  // high surrogate between calls within one literal.
  Status ParseEscape(std::string& out, TextKind kind, uint32_t* high_surrogate) {
    const char* start = p_ - 1;
    if (p_ >= end_) return Error(start, "unterminated escape");
    char c = *p_++;
    uint32_t cp = 0;
    int hex_digits = 0;
    switch (c) {
      case 'a':
        cp = 0x07;
        break;
      case 'b':
        cp = 0x08;
        break;
      case 't':
        cp = 0x09;
        break;
      case 'n':
        cp = 0x0A;
        break;
      case 'f':
        cp = 0x0C;
        break;
      case 'r':
        cp = 0x0D;
        break;
      case 'v':
        cp = 0x0B;
        break;
      case '?':
        cp = '?';
        break;
      case '0':
        cp = 0;
        break;
      case '\'':
        cp = '\'';
        break;
      case '"':
        cp = '"';
        break;
      case '/':
        cp = '/';
        break;
      case '\\':
        cp = '\\';
        break;
      case 'x':
        hex_digits = 2;
        break;
      case 'u':
        hex_digits = 4;
        break;
      case 'U':
        hex_digits = 8;
        break;
      case '\r':
        if (p_ < end_ && *p_ == '\n') ++p_;
        [[fallthrough]];
      case '\n':
        if (*high_surrogate) return Error(start, "unpaired surrogate escape");
        return Status::OK();  // line continuation
      default:
        return Error(start, "invalid escape sequence");
    }
    if (hex_digits) {
      if (kind == TextKind::kClob && hex_digits != 2) {
        return Error(start, "\\u and \\U escapes are not allowed in a clob");
      }
      if (end_ - p_ < hex_digits) return Error(start, "truncated hex escape");
      for (int i = 0; i < hex_digits; ++i) {
        if (!IsHex(p_[i])) return Error(start, "invalid hex escape");
        cp = cp << 4 | static_cast<uint32_t>(HexVal(p_[i]));
      }
      p_ += hex_digits;
    }
    if (kind == TextKind::kClob) {
      out.push_back(static_cast<char>(cp));
      return Status::OK();
    }
    if (*high_surrogate) {
      if (cp < 0xDC00 || cp > 0xDFFF) return Error(start, "unpaired surrogate escape");
      cp = 0x10000 + ((*high_surrogate - 0xD800) << 10) + (cp - 0xDC00);
      *high_surrogate = 0;
    } else if (cp >= 0xD800 && cp <= 0xDBFF) {
      *high_surrogate = cp;
      return Status::OK();
    } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
      return Error(start, "unpaired surrogate escape");
    }
    if (cp > 0x10FFFF) return Error(start, "escape above U+10FFFF");
    AppendUtf8(out, cp);
    return Status::OK();
  }

  // Appends one raw (unescaped) byte or UTF-8 sequence at p_. Rejects control characters other
  // than the allowed whitespace and, for clobs, any non-ASCII byte.
  Status ParseRawChar(std::string& out, TextKind kind, bool long_literal) {
    char c = *p_;
    auto u = static_cast<uint8_t>(c);
    if (u >= 0x80) {
      if (kind == TextKind::kClob) return Error(p_, "non-ASCII character in a clob");
      size_t n = Utf8SequenceLength(p_, end_);
      if (n == 0) return Error(p_, "invalid UTF-8");
      out.append(p_, n);
      p_ += n;
      return Status::OK();
    }
    if (u < 0x20) {
      bool ok = c == '\t' || c == '\v' || c == '\f';
      if (long_literal && (c == '\n' || c == '\r')) {
        // CR and CRLF are normalised to LF.
        ++p_;
        if (c == '\r' && p_ < end_ && *p_ == '\n') ++p_;
        out.push_back('\n');
        return Status::OK();
      }
      if (!ok) {
        return Error(p_, c == '\n' || c == '\r' ? "newline in a quoted literal"
                                                : "control character in a text literal");
      }
    }
    out.push_back(c);
    ++p_;
    return Status::OK();
  }

  // p_ at the opening quote of a "short" or 'quoted' literal.
  Status ParseShortLiteral(std::string& out, TextKind kind) {
    char quote = *p_;
    const char* start = p_++;
    uint32_t high = 0;
    for (;;) {
      if (p_ >= end_) return Error(start, "unterminated quoted literal");
      char c = *p_;
      if (c == quote) {
        if (high) return Error(p_, "unpaired surrogate escape");
        ++p_;
        return Status::OK();
      }
      if (c == '\\') {
        ++p_;
        FOLIO_TRY(ParseEscape(out, kind, &high));
        continue;
      }
      if (high) return Error(p_, "unpaired surrogate escape");
      // Fast path for runs of plain ASCII.
      const char* run = p_;
      while (p_ < end_ && *p_ != quote && *p_ != '\\' && static_cast<uint8_t>(*p_) >= 0x20 &&
             static_cast<uint8_t>(*p_) < 0x80) {
        ++p_;
      }
      if (p_ > run) {
        out.append(run, static_cast<size_t>(p_ - run));
        continue;
      }
      FOLIO_TRY(ParseRawChar(out, kind, false));
    }
  }

  // p_ at "'''". Parses one long literal segment.
  Status ParseLongSegment(std::string& out, TextKind kind) {
    const char* start = p_;
    p_ += 3;
    uint32_t high = 0;
    for (;;) {
      if (p_ >= end_) return Error(start, "unterminated long string");
      char c = *p_;
      if (c == '\'' && At("'''")) {
        if (high) return Error(p_, "unpaired surrogate escape");
        p_ += 3;
        return Status::OK();
      }
      if (c == '\\') {
        ++p_;
        FOLIO_TRY(ParseEscape(out, kind, &high));
        continue;
      }
      if (high) return Error(p_, "unpaired surrogate escape");
      const char* run = p_;
      while (p_ < end_ && *p_ != '\'' && *p_ != '\\' && static_cast<uint8_t>(*p_) >= 0x20 &&
             static_cast<uint8_t>(*p_) < 0x80) {
        ++p_;
      }
      if (p_ > run) {
        out.append(run, static_cast<size_t>(p_ - run));
        continue;
      }
      if (c == '\'') {
        out.push_back('\'');
        ++p_;
        continue;
      }
      FOLIO_TRY(ParseRawChar(out, kind, true));
    }
  }

  // p_ at "'''": parses adjacent long strings (whitespace and comments between) into one.
  Result<std::string> ParseLongStrings() {
    std::string out;
    for (;;) {
      FOLIO_TRY(ParseLongSegment(out, TextKind::kString));
      const char* after = p_;
      FOLIO_TRY(SkipWs());
      if (!At("'''")) {
        p_ = after;
        return out;
      }
    }
  }

  // ---- lobs ---------------------------------------------------------------------------------

  void SkipPlainWs() {
    while (p_ < end_ && IsWs(*p_)) ++p_;
  }

  // p_ just after "{{".
  Result<Value> ParseLob(const char* start) {
    SkipPlainWs();
    if (p_ < end_ && (*p_ == '"' || At("'''"))) {
      std::string bytes;
      if (*p_ == '"') {
        FOLIO_TRY(ParseShortLiteral(bytes, TextKind::kClob));
        SkipPlainWs();
      } else {
        while (At("'''")) {
          FOLIO_TRY(ParseLongSegment(bytes, TextKind::kClob));
          SkipPlainWs();
        }
      }
      if (!At("}}")) return Error(p_, "expected '}}' to close a clob");
      p_ += 2;
      return Value::Clob(Bytes(bytes.begin(), bytes.end()));
    }
    std::string b64;
    for (;;) {
      if (p_ >= end_) return Error(start, "unterminated blob");
      char c = *p_;
      if (IsWs(c)) {
        ++p_;
      } else if (c == '}') {
        if (!At("}}")) return Error(p_, "expected '}}' to close a blob");
        p_ += 2;
        break;
      } else {
        b64.push_back(c);
        ++p_;
      }
    }
    Result<Bytes> bytes = Base64Decode(b64);
    if (!bytes.ok()) return Error(start, "invalid blob: " + bytes.status().message());
    return Value::Blob(std::move(*bytes));
  }

  // ---- numbers and timestamps ---------------------------------------------------------------

  // Scans digits with single underscores allowed only between two digits. Returns the end, or
  // nullptr on an underscore rule violation. `hex` selects the digit class.
  static const char* ScanDigits(const char* q, const char* end, int base, std::string* clean,
                                bool* bad) {
    auto is_digit = [base](char c) {
      return base == 16 ? IsHex(c) : base == 2 ? (c == '0' || c == '1') : IsDigit(c);
    };
    const char* s = q;
    while (q < end) {
      if (is_digit(*q)) {
        clean->push_back(*q);
        ++q;
      } else if (*q == '_') {
        if (q == s || q + 1 >= end || !is_digit(q[1])) {
          *bad = true;
          return q;
        }
        ++q;
      } else {
        break;
      }
    }
    return q;
  }

  // Parses the token [s, e) that starts with a digit or '-'.
  Result<Value> ParseNumber(const char* s, const char* e) {
    std::string_view tok(s, static_cast<size_t>(e - s));
    bool neg = tok[0] == '-';
    const char* b = s + (neg ? 1 : 0);
    if (b >= e || !IsDigit(*b)) return Error(s, "invalid number");
    if (!neg && e - b >= 5 && IsDigit(b[1]) && IsDigit(b[2]) && IsDigit(b[3]) &&
        (b[4] == '-' || b[4] == 'T')) {
      return ParseTimestamp(s, e);
    }
    std::string clean;
    if (neg) clean.push_back('-');
    bool bad = false;
    if (e - b >= 2 && b[0] == '0' && (b[1] == 'x' || b[1] == 'X' || b[1] == 'b' || b[1] == 'B')) {
      int base = (b[1] == 'x' || b[1] == 'X') ? 16 : 2;
      const char* q = ScanDigits(b + 2, e, base, &clean, &bad);
      if (bad || q != e || clean.size() == (neg ? 1u : 0u)) return Error(s, "invalid integer");
      Result<Int> i = Int::Parse(clean, base);
      if (!i.ok()) return Error(s, i.status().message());
      return Value::Integer(std::move(*i));
    }
    const char* q = ScanDigits(b, e, 10, &clean, &bad);
    if (bad) return Error(s, "misplaced underscore in a number");
    size_t int_digits = clean.size() - (neg ? 1 : 0);
    if (int_digits > 1 && *b == '0') return Error(s, "leading zero in a number");
    bool has_dot = false;
    size_t frac_digits = 0;
    if (q < e && *q == '.') {
      has_dot = true;
      ++q;
      if (q < e && *q == '_') return Error(s, "misplaced underscore in a number");
      size_t before = clean.size();
      q = ScanDigits(q, e, 10, &clean, &bad);
      if (bad) return Error(s, "misplaced underscore in a number");
      frac_digits = clean.size() - before;
    }
    char exp_kind = 0;
    std::string_view exp_text;
    if (q < e && (*q == 'e' || *q == 'E' || *q == 'd' || *q == 'D')) {
      exp_kind = static_cast<char>(*q == 'E' ? 'e' : *q == 'D' ? 'd' : *q);
      const char* es = ++q;
      if (q < e && (*q == '+' || *q == '-')) ++q;
      const char* ds = q;
      while (q < e && IsDigit(*q)) ++q;
      if (q == ds) return Error(s, "missing exponent digits");
      exp_text = std::string_view(es, static_cast<size_t>(q - es));
    }
    if (q != e) return Error(s, "invalid number");
    if (exp_kind == 'e') {
      std::string f = clean.substr(0, clean.size() - frac_digits);
      if (has_dot) {
        f.push_back('.');
        f.append(clean, clean.size() - frac_digits, frac_digits);
      }
      f.push_back('e');
      f.append(exp_text);
      double d;
      if (!ParseDouble(f, &d)) return Error(s, "invalid float");
      return Value::Float(d);
    }
    if (!has_dot && exp_kind == 0) {
      Result<Int> i = Int::Parse(clean, 10);
      if (!i.ok()) return Error(s, i.status().message());
      return Value::Integer(std::move(*i));
    }
    // Decimal: coefficient = all digits, exponent = exp - frac_digits.
    int64_t exp = 0;
    if (!exp_text.empty()) {
      size_t i = 0;
      bool exp_neg = false;
      if (exp_text[0] == '+' || exp_text[0] == '-') {
        exp_neg = exp_text[0] == '-';
        ++i;
      }
      for (; i < exp_text.size(); ++i) {
        exp = exp * 10 + (exp_text[i] - '0');
        if (exp > (int64_t{1} << 40)) return Error(s, "decimal exponent out of range");
      }
      if (exp_neg) exp = -exp;
    }
    exp -= static_cast<int64_t>(frac_digits);
    if (exp < INT32_MIN || exp > INT32_MAX) return Error(s, "decimal exponent out of range");
    Result<Int> coef = Int::Parse(clean, 10);
    if (!coef.ok()) return Error(s, coef.status().message());
    Decimal dec;
    dec.negative_zero = neg && coef->is_zero();
    dec.coefficient = std::move(*coef);
    dec.exponent = static_cast<int32_t>(exp);
    return Value::Dec(std::move(dec));
  }

  Result<Value> ParseTimestamp(const char* s, const char* e) {
    const char* q = s;
    auto digits = [&](int n, int* out) {
      if (e - q < n) return false;
      int v = 0;
      for (int i = 0; i < n; ++i) {
        if (!IsDigit(q[i])) return false;
        v = v * 10 + (q[i] - '0');
      }
      q += n;
      *out = v;
      return true;
    };
    auto bad = [&](std::string_view why) {
      return Error(s, "invalid timestamp: " + std::string(why));
    };
    Timestamp ts;
    int v = 0;
    if (!digits(4, &v)) return bad("year");
    ts.year = v;
    auto finish = [&]() -> Result<Value> {
      if (q != e) return bad("unexpected characters");
      Status st = ts.Validate();
      if (!st.ok()) return bad(st.message());
      return Value::Time(std::move(ts));
    };
    if (q < e && *q == 'T') {
      ++q;
      ts.precision = Timestamp::Precision::kYear;
      return finish();
    }
    if (q >= e || *q != '-') return bad("expected '-' after year");
    ++q;
    if (!digits(2, &v)) return bad("month");
    ts.month = static_cast<uint8_t>(v);
    if (q < e && *q == 'T') {
      ++q;
      ts.precision = Timestamp::Precision::kMonth;
      return finish();
    }
    if (q >= e || *q != '-') return bad("expected 'T' or '-' after month");
    ++q;
    if (!digits(2, &v)) return bad("day");
    ts.day = static_cast<uint8_t>(v);
    ts.precision = Timestamp::Precision::kDay;
    if (q == e) return finish();
    if (*q != 'T') return bad("expected 'T' after day");
    ++q;
    if (q == e) return finish();
    if (!digits(2, &v)) return bad("hour");
    ts.hour = static_cast<uint8_t>(v);
    if (q >= e || *q != ':') return bad("hour without minutes");
    ++q;
    if (!digits(2, &v)) return bad("minute");
    ts.minute = static_cast<uint8_t>(v);
    ts.precision = Timestamp::Precision::kMinute;
    if (q < e && *q == ':') {
      ++q;
      if (!digits(2, &v)) return bad("second");
      ts.second = static_cast<uint8_t>(v);
      ts.precision = Timestamp::Precision::kSecond;
      if (q < e && *q == '.') {
        ++q;
        const char* ds = q;
        while (q < e && IsDigit(*q)) ++q;
        if (q == ds) return bad("no digits after '.'");
        if (q - ds > kMaxTimestampFractionDigits) return bad("fraction too long");
        Result<Int> c = Int::Parse(std::string_view(ds, static_cast<size_t>(q - ds)), 10);
        if (!c.ok()) return bad("fraction");
        ts.fraction.coefficient = std::move(*c);
        ts.fraction.exponent = -static_cast<int32_t>(q - ds);
        ts.precision = Timestamp::Precision::kFraction;
      }
    }
    if (q >= e) return bad("a time needs an offset");
    if (*q == 'Z') {
      ++q;
      ts.offset_minutes = 0;
    } else if (*q == '+' || *q == '-') {
      bool minus = *q == '-';
      ++q;
      int oh = 0, om = 0;
      if (!digits(2, &oh)) return bad("offset hours");
      if (q >= e || *q != ':') return bad("offset needs minutes");
      ++q;
      if (!digits(2, &om)) return bad("offset minutes");
      if (oh > 23 || om > 59) return bad("offset out of range");
      if (minus && oh == 0 && om == 0) {
        ts.offset_minutes.reset();
      } else {
        int off = oh * 60 + om;
        ts.offset_minutes = static_cast<int16_t>(minus ? -off : off);
      }
    } else {
      return bad("invalid offset");
    }
    return finish();
  }

  // ---- values -------------------------------------------------------------------------------

  // Parses an optionally annotated value at p_ (after whitespace). `form` reports how a symbol
  // value was spelled.
  Result<Value> ParseValue(Ctx ctx, int depth, SymbolForm* form) {
    std::vector<Symbol> anns;
    const char* first = p_;
    for (;;) {
      FOLIO_TRY(SkipWs());
      if (p_ >= end_) {
        return Error(anns.empty() ? p_ : first,
                     anns.empty() ? "expected a value" : "annotation without a value");
      }
      const char* start = p_;
      char c = *p_;
      Value v;
      *form = SymbolForm::kNone;
      if (c == '\'') {
        if (At("'''")) {
          FOLIO_ASSIGN_OR_RETURN(std::string s, ParseLongStrings());
          FOLIO_ASSIGN_OR_RETURN(bool colon, ConsumeDoubleColon());
          if (colon) return Error(start, "a string cannot be an annotation");
          v = Value::String(std::move(s));
        } else {
          std::string s;
          FOLIO_TRY(ParseShortLiteral(s, TextKind::kString));
          FOLIO_ASSIGN_OR_RETURN(bool colon, ConsumeDoubleColon());
          if (colon) {
            anns.emplace_back(std::move(s));
            continue;
          }
          v = Value::Sym(Symbol(std::move(s)));
          *form = SymbolForm::kQuoted;
        }
      } else if (c == '"') {
        std::string s;
        FOLIO_TRY(ParseShortLiteral(s, TextKind::kString));
        FOLIO_ASSIGN_OR_RETURN(bool colon, ConsumeDoubleColon());
        if (colon) return Error(start, "a string cannot be an annotation");
        v = Value::String(std::move(s));
      } else if (c == '{') {
        if (At("{{")) {
          p_ += 2;
          FOLIO_ASSIGN_OR_RETURN(v, ParseLob(start));
        } else {
          FOLIO_ASSIGN_OR_RETURN(v, ParseStruct(depth + 1));
        }
      } else if (c == '[') {
        FOLIO_ASSIGN_OR_RETURN(v, ParseSequence(Ctx::kList, depth + 1));
      } else if (c == '(') {
        FOLIO_ASSIGN_OR_RETURN(v, ParseSequence(Ctx::kSexp, depth + 1));
      } else if (IsDigit(c) || (c == '-' && p_ + 1 < end_ && IsDigit(p_[1])) ||
                 (c == '+' && ctx != Ctx::kSexp && p_ + 1 < end_ && IsDigit(p_[1]))) {
        if (c == '+' && ctx != Ctx::kSexp) return Error(start, "a number cannot start with '+'");
        const char* e = p_;
        while (!AtStop(e)) ++e;
        FOLIO_ASSIGN_OR_RETURN(v, ParseNumber(p_, e));
        p_ = e;
      } else if ((c == '+' || c == '-') && At(c == '+' ? "+inf" : "-inf") &&
                 (AtStop(p_ + 4) || (ctx == Ctx::kSexp && IsOperatorChar(p_[4])))) {
        p_ += 4;
        v = Value::Float(c == '+' ? HUGE_VAL : -HUGE_VAL);
      } else if (IsIdentStart(c)) {
        std::string_view id = ScanIdentifier();
        if (!(id == "null" && p_ < end_ && *p_ == '.')) FOLIO_TRY(CheckIdentifierEnd(ctx));
        if (id == "null") {
          Type type = Type::kNull;
          if (p_ < end_ && *p_ == '.') {
            ++p_;
            std::string_view tn = ScanIdentifier();
            bool found = false;
            for (Type t : {Type::kNull, Type::kBool, Type::kInt, Type::kFloat, Type::kDecimal,
                           Type::kTimestamp, Type::kSymbol, Type::kString, Type::kClob, Type::kBlob,
                           Type::kList, Type::kSexp, Type::kStruct}) {
              if (TypeName(t) == tn) {
                type = t;
                found = true;
              }
            }
            if (!found) return Error(start, "invalid typed null");
            FOLIO_TRY(CheckIdentifierEnd(ctx));
          }
          v = Value::Null(type);
        } else if (id == "true" || id == "false") {
          v = Value::Bool(id == "true");
        } else if (id == "nan") {
          v = Value::Float(std::numeric_limits<double>::quiet_NaN());
        } else {
          Symbol sym;
          if (IsSidText(id)) {
            FOLIO_ASSIGN_OR_RETURN(sym, ResolveSid(start, id.substr(1)));
            *form = SymbolForm::kSid;
          } else {
            sym = Symbol(std::string(id));
            *form = SymbolForm::kIdentifier;
          }
          FOLIO_ASSIGN_OR_RETURN(bool colon, ConsumeDoubleColon());
          if (colon) {
            anns.push_back(std::move(sym));
            continue;
          }
          v = Value::Sym(std::move(sym));
        }
        if (v.type() != Type::kSymbol) {
          const char* after = p_;
          FOLIO_ASSIGN_OR_RETURN(bool colon, ConsumeDoubleColon());
          if (colon) return Error(start, "a keyword cannot be an annotation");
          p_ = after;
        }
      } else if (ctx == Ctx::kSexp && IsOperatorChar(c)) {
        while (p_ < end_ && IsOperatorChar(*p_) &&
               !(*p_ == '/' && p_ + 1 < end_ && (p_[1] == '/' || p_[1] == '*'))) {
          ++p_;
        }
        std::string op(start, static_cast<size_t>(p_ - start));
        const char* after = p_;
        FOLIO_ASSIGN_OR_RETURN(bool colon, ConsumeDoubleColon());
        if (colon) return Error(start, "an operator cannot be an annotation");
        p_ = after;
        v = Value::Sym(Symbol(std::move(op)));
        *form = SymbolForm::kOperator;
      } else {
        if (!anns.empty()) return Error(start, "annotation without a value");
        if (static_cast<uint8_t>(c) >= 0x80)
          return Error(start, "non-ASCII character outside text");
        return Error(start, std::string("unexpected '") + c + "'");
      }
      if (!anns.empty()) v.Annotate(std::move(anns));
      return v;
    }
  }

  // After an identifier or keyword: the next character must end the token.
  Status CheckIdentifierEnd(Ctx ctx) {
    if (AtStop(p_) || *p_ == ':') return Status::OK();
    if (ctx == Ctx::kSexp && IsOperatorChar(*p_)) return Status::OK();
    return Error(p_, "invalid character after an identifier");
  }

  Result<Value> ParseSequence(Ctx ctx, int depth) {
    const char* start = p_;
    if (depth > kMaxDepth) return Error(start, "nesting deeper than the maximum depth");
    char close = ctx == Ctx::kList ? ']' : ')';
    ++p_;
    Value::Elements elems;
    for (;;) {
      FOLIO_TRY(SkipWs());
      if (p_ >= end_) return Error(start, "unterminated container");
      if (*p_ == close) {
        ++p_;
        break;
      }
      SymbolForm form;
      FOLIO_ASSIGN_OR_RETURN(Value v, ParseValue(ctx, depth, &form));
      elems.push_back(std::move(v));
      if (ctx == Ctx::kList) {
        FOLIO_TRY(SkipWs());
        if (p_ >= end_) return Error(start, "unterminated list");
        if (*p_ == ',') {
          ++p_;
        } else if (*p_ != ']') {
          return Error(p_, "expected ',' or ']' in a list");
        }
      }
    }
    return ctx == Ctx::kList ? Value::List(std::move(elems)) : Value::Sexp(std::move(elems));
  }

  Result<Symbol> ParseFieldName() {
    const char* start = p_;
    char c = *p_;
    if (c == '"') {
      std::string s;
      FOLIO_TRY(ParseShortLiteral(s, TextKind::kString));
      return Symbol(std::move(s));
    }
    if (c == '\'') {
      if (At("'''")) {
        FOLIO_ASSIGN_OR_RETURN(std::string s, ParseLongStrings());
        return Symbol(std::move(s));
      }
      std::string s;
      FOLIO_TRY(ParseShortLiteral(s, TextKind::kString));
      return Symbol(std::move(s));
    }
    if (IsIdentStart(c)) {
      std::string_view id = ScanIdentifier();
      if (IsKeyword(id)) return Error(start, "a keyword cannot be a field name");
      if (IsSidText(id)) return ResolveSid(start, id.substr(1));
      return Symbol(std::string(id));
    }
    return Error(start, "expected a field name");
  }

  Result<Value> ParseStruct(int depth) {
    const char* start = p_;
    if (depth > kMaxDepth) return Error(start, "nesting deeper than the maximum depth");
    ++p_;
    Value::Fields fields;
    for (;;) {
      FOLIO_TRY(SkipWs());
      if (p_ >= end_) return Error(start, "unterminated struct");
      if (*p_ == '}') {
        ++p_;
        break;
      }
      FOLIO_ASSIGN_OR_RETURN(Symbol name, ParseFieldName());
      FOLIO_TRY(SkipWs());
      if (p_ >= end_ || *p_ != ':' || At("::")) return Error(p_, "expected ':' after a field name");
      ++p_;
      SymbolForm form;
      FOLIO_ASSIGN_OR_RETURN(Value v, ParseValue(Ctx::kStruct, depth, &form));
      fields.push_back(Field{std::move(name), std::move(v)});
      FOLIO_TRY(SkipWs());
      if (p_ >= end_) return Error(start, "unterminated struct");
      if (*p_ == ',') {
        ++p_;
      } else if (*p_ != '}') {
        return Error(p_, "expected ',' or '}' in a struct");
      }
    }
    return Value::Struct(std::move(fields));
  }

  // ---- local symbol tables ------------------------------------------------------------------

  Status ProcessSymbolTable(const Value& lst) {
    if (lst.is_null()) {
      ResetSymbols();
      return Status::OK();
    }
    const Value* imports = nullptr;
    const Value* symbols = nullptr;
    for (const Field& f : lst.fields()) {
      if (!f.name.has_text) continue;
      if (f.name.text == "imports") {
        if (imports) return Status::InvalidArgument("repeated 'imports' in a local symbol table");
        imports = &f.value;
      } else if (f.name.text == "symbols") {
        if (symbols) return Status::InvalidArgument("repeated 'symbols' in a local symbol table");
        symbols = &f.value;
      }
    }
    bool append = imports && imports->type() == Type::kSymbol && !imports->is_null() &&
                  imports->as_symbol().has_text && imports->as_symbol().text == "$ion_symbol_table";
    if (!append) {
      std::vector<std::pair<std::string, int64_t>> ranges;
      if (imports && imports->type() == Type::kList && !imports->is_null()) {
        for (const Value& imp : imports->elements()) {
          if (imp.type() != Type::kStruct || imp.is_null()) continue;
          const Value* name = imp.Get("name");
          if (!name || name->type() != Type::kString || name->is_null() ||
              name->as_string().empty() || name->as_string() == "$ion") {
            continue;
          }
          const Value* max_id = imp.Get("max_id");
          std::optional<int64_t> count;
          if (max_id && max_id->type() == Type::kInt && !max_id->is_null()) {
            std::optional<int64_t> m = max_id->as_int().ToInt64();
            if (!m || *m > kMaxImportMaxId) {
              return Status::InvalidArgument("import max_id too large");
            }
            if (*m >= 0) count = *m;
          }
          // There is no catalog, so an import without a valid max_id cannot be resolved.
          if (!count) {
            return Status::InvalidArgument("import of '" + name->as_string() +
                                           "' has no valid max_id and is not in the catalog");
          }
          ranges.emplace_back(name->as_string(), *count);
        }
      }
      ResetSymbols();
      for (auto& [name, count] : ranges) {
        FOLIO_TRY(symtab_.AddImport(std::move(name), static_cast<uint64_t>(count)));
      }
    }
    if (symbols && symbols->type() == Type::kList && !symbols->is_null()) {
      for (const Value& s : symbols->elements()) {
        if (s.type() == Type::kString && !s.is_null()) {
          symbol_texts_.push_back(s.as_string());
          symtab_.AddSymbol(symbol_texts_.back());
        } else {
          symtab_.AddGap();
        }
      }
    }
    return Status::OK();
  }

  void ResetSymbols() {
    symtab_.Reset();
    symbol_texts_.clear();
  }

  std::string_view text_;
  const char* p_;
  const char* end_;
  SymbolTable symtab_;
  // Owns the text of local symbols; symtab_ holds views into it (deque: stable addresses).
  std::deque<std::string> symbol_texts_;
};

}  // namespace

Result<std::vector<Value>> ReadText(std::string_view text) { return Reader(text).ReadAll(); }

}  // namespace folio::ion
