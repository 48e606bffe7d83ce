#include "partiql/compare.h"

#include <cmath>
#include <string>
#include <vector>

#include "partiql/pvalue.h"
#include "partiql/value_util.h"

namespace folio::partiql {
namespace {

using ion::Type;
using ion::Value;
namespace in = internal;

// Numeric three-way comparison across int, decimal and float. NaN sorts below every other
// number and equals itself.
int CompareNumbers(const Value& a, const Value& b) {
  Type ta = a.type(), tb = b.type();
  if (ta == Type::kInt && tb == Type::kInt) return a.as_int().Compare(b.as_int());
  if (ta == Type::kFloat || tb == Type::kFloat) {
    if (ta == Type::kFloat && tb == Type::kFloat) {
      double x = a.as_float(), y = b.as_float();
      bool nx = std::isnan(x), ny = std::isnan(y);
      if (nx || ny) return nx && ny ? 0 : (nx ? -1 : 1);
      return (x > y) - (x < y);
    }
    bool a_is_float = ta == Type::kFloat;
    double f = a_is_float ? a.as_float() : b.as_float();
    const Value& other = a_is_float ? b : a;
    int c;
    if (std::isnan(f)) {
      c = 1;  // other > NaN
    } else {
      ion::Decimal d = other.type() == Type::kInt ? in::IntToDecimal(other.as_int())
                                                  : other.as_decimal();
      c = in::CompareDecimalDouble(d, f);
    }
    return a_is_float ? -c : c;
  }
  ion::Decimal x = ta == Type::kInt ? in::IntToDecimal(a.as_int()) : a.as_decimal();
  ion::Decimal y = tb == Type::kInt ? in::IntToDecimal(b.as_int()) : b.as_decimal();
  return in::CompareDecimals(x, y);
}

bool TextEquals(const Value& a, const Value& b) {
  bool ka = a.type() != Type::kSymbol || a.as_symbol().has_text;
  bool kb = b.type() != Type::kSymbol || b.as_symbol().has_text;
  if (!ka || !kb) {
    return !ka && !kb && a.type() == b.type() && a.as_symbol() == b.as_symbol();
  }
  return a.text() == b.text();
}

bool FieldNameEquals(const ion::Symbol& a, const ion::Symbol& b) { return a == b; }

}  // namespace

bool PartiqlEquals(const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) {
    return a.is_null() && b.is_null() && IsMissing(a) == IsMissing(b);
  }
  if (IsBag(a) || IsBag(b)) {
    if (!IsBag(a) || !IsBag(b)) return false;
    const auto& x = a.elements();
    const auto& y = b.elements();
    if (x.size() != y.size()) return false;
    std::vector<bool> used(y.size(), false);
    for (const auto& e : x) {
      bool found = false;
      for (size_t j = 0; j < y.size() && !found; ++j) {
        if (!used[j] && PartiqlEquals(e, y[j])) used[j] = found = true;
      }
      if (!found) return false;
    }
    return true;
  }
  if (a.is_number() && b.is_number()) return CompareNumbers(a, b) == 0;
  if (a.is_text() && b.is_text()) return TextEquals(a, b);
  if (a.is_lob() && b.is_lob()) return a.as_bytes() == b.as_bytes();
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case Type::kBool: return a.as_bool() == b.as_bool();
    case Type::kTimestamp: return a.as_timestamp().CompareInstant(b.as_timestamp()) == 0;
    case Type::kList:
    case Type::kSexp: {
      const auto& x = a.elements();
      const auto& y = b.elements();
      if (x.size() != y.size()) return false;
      for (size_t i = 0; i < x.size(); ++i) {
        if (!PartiqlEquals(x[i], y[i])) return false;
      }
      return true;
    }
    case Type::kStruct: {
      const auto& x = a.fields();
      const auto& y = b.fields();
      if (x.size() != y.size()) return false;
      std::vector<bool> used(y.size(), false);
      for (const auto& f : x) {
        bool found = false;
        for (size_t j = 0; j < y.size(); ++j) {
          if (!used[j] && FieldNameEquals(f.name, y[j].name) && PartiqlEquals(f.value, y[j].value)) {
            used[j] = true;
            found = true;
            break;
          }
        }
        if (!found) return false;
      }
      return true;
    }
    default: return false;
  }
}

Result<int> CompareValues(const Value& a, const Value& b) {
  auto incomparable = [&]() {
    return Status::InvalidArgument("cannot compare " + std::string(ion::TypeName(a.type())) +
                                   (a.is_null() ? " null" : "") + " with " +
                                   std::string(ion::TypeName(b.type())) +
                                   (b.is_null() ? " null" : ""));
  };
  if (a.is_null() || b.is_null()) return incomparable();
  if (a.is_number() && b.is_number()) return CompareNumbers(a, b);
  if (a.is_text() && b.is_text()) {
    if ((a.type() == Type::kSymbol && !a.as_symbol().has_text) ||
        (b.type() == Type::kSymbol && !b.as_symbol().has_text)) {
      return Status::InvalidArgument("cannot compare a symbol with unknown text");
    }
    // UTF-8 byte order is code point order.
    int c = a.text().compare(b.text());
    return (c > 0) - (c < 0);
  }
  if (a.is_lob() && b.is_lob()) {
    const Bytes& x = a.as_bytes();
    const Bytes& y = b.as_bytes();
    if (x < y) return -1;
    return y < x ? 1 : 0;
  }
  if (a.type() != b.type()) return incomparable();
  switch (a.type()) {
    case Type::kBool: return int(a.as_bool()) - int(b.as_bool());
    case Type::kTimestamp: {
      int c = a.as_timestamp().CompareInstant(b.as_timestamp());
      return (c > 0) - (c < 0);
    }
    default: return incomparable();
  }
}

Result<bool> LikeMatch(std::string_view text, std::string_view pattern,
                       std::optional<char32_t> escape) {
  FOLIO_ASSIGN_OR_RETURN(std::u32string t, in::DecodeUtf8(text, "LIKE"));
  FOLIO_ASSIGN_OR_RETURN(std::u32string p, in::DecodeUtf8(pattern, "LIKE"));
  // Compile the pattern into tokens: kAny (%), kOne (_), or a literal code point.
  enum Kind : uint8_t { kLiteral, kOne, kAny };
  struct Token {
    Kind kind;
    char32_t c;
  };
  std::vector<Token> tokens;
  for (size_t i = 0; i < p.size(); ++i) {
    char32_t c = p[i];
    if (escape && c == *escape) {
      if (i + 1 >= p.size()) {
        return Status::InvalidArgument("LIKE: pattern ends with the escape character");
      }
      char32_t n = p[++i];
      if (n != U'%' && n != U'_' && n != *escape) {
        return Status::InvalidArgument(
            "LIKE: the escape character must be followed by %, _ or itself");
      }
      tokens.push_back({kLiteral, n});
    } else if (c == U'%') {
      if (tokens.empty() || tokens.back().kind != kAny) tokens.push_back({kAny, 0});
    } else if (c == U'_') {
      tokens.push_back({kOne, 0});
    } else {
      tokens.push_back({kLiteral, c});
    }
  }
  // Greedy wildcard matching with backtracking to the last %: O(|t| * |p|) worst case.
  size_t ti = 0, pi = 0;
  size_t star_p = SIZE_MAX, star_t = 0;
  while (ti < t.size()) {
    if (pi < tokens.size() && tokens[pi].kind != kAny &&
        (tokens[pi].kind == kOne || tokens[pi].c == t[ti])) {
      ++ti;
      ++pi;
    } else if (pi < tokens.size() && tokens[pi].kind == kAny) {
      star_p = pi++;
      star_t = ti;
    } else if (star_p != SIZE_MAX) {
      pi = star_p + 1;
      ti = ++star_t;
    } else {
      return false;
    }
  }
  while (pi < tokens.size() && tokens[pi].kind == kAny) ++pi;
  return pi == tokens.size();
}

}  // namespace folio::partiql
