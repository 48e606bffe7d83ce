#include "partiql/date_format.h"

#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "partiql/value_util.h"

namespace folio::partiql::internal {
namespace {

using ion::Timestamp;
using P = ion::Timestamp::Precision;

constexpr const char* kMonthNames[] = {"January", "February", "March",     "April",
                                       "May",     "June",     "July",      "August",
                                       "September", "October", "November", "December"};

struct Token {
  char letter = 0;  // 0 for literal text
  int count = 0;
  std::string literal;
};

bool IsAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

Result<std::vector<Token>> Tokenize(std::string_view pattern, std::string_view who) {
  std::vector<Token> tokens;
  auto add_literal = [&](std::string_view s) {
    if (tokens.empty() || tokens.back().letter != 0) tokens.push_back(Token{});
    tokens.back().literal.append(s);
  };
  size_t i = 0;
  while (i < pattern.size()) {
    char c = pattern[i];
    if (c == '\'') {
      if (i + 1 < pattern.size() && pattern[i + 1] == '\'') {
        add_literal("'");
        i += 2;
        continue;
      }
      size_t j = i + 1;
      std::string lit;
      bool closed = false;
      while (j < pattern.size()) {
        if (pattern[j] == '\'') {
          if (j + 1 < pattern.size() && pattern[j + 1] == '\'') {
            lit.push_back('\'');
            j += 2;
            continue;
          }
          closed = true;
          break;
        }
        lit.push_back(pattern[j++]);
      }
      if (!closed) {
        return Status::InvalidArgument(std::string(who) + ": unterminated quote in pattern");
      }
      add_literal(lit);
      i = j + 1;
    } else if (IsAsciiLetter(c)) {
      size_t j = i;
      while (j < pattern.size() && pattern[j] == c) ++j;
      int count = static_cast<int>(j - i);
      static const std::string_view kLetters = "yMdahHmsSnXx";
      if (kLetters.find(c) == std::string_view::npos) {
        return Status::InvalidArgument(std::string(who) + ": unsupported pattern letter '" +
                                       std::string(1, c) + "'");
      }
      int max = 2;
      switch (c) {
        case 'y': max = 19; break;
        case 'M': max = 5; break;
        case 'a': max = 1; break;
        case 'S': max = 9; break;
        case 'n': max = 19; break;
        case 'X':
        case 'x': max = 5; break;
        default: break;
      }
      if (count > max) {
        return Status::InvalidArgument(std::string(who) + ": too many pattern letters '" +
                                       std::string(static_cast<size_t>(count), c) + "'");
      }
      Token t;
      t.letter = c;
      t.count = count;
      tokens.push_back(std::move(t));
      i = j;
    } else if (c == '[' || c == ']' || c == '{' || c == '}' || c == '#') {
      return Status::InvalidArgument(std::string(who) + ": unsupported pattern character '" +
                                     std::string(1, c) + "'");
    } else {
      add_literal(std::string_view(&pattern[i], 1));
      ++i;
    }
  }
  return tokens;
}

std::string Pad(int64_t v, int width) {
  std::string s = std::to_string(v < 0 ? -v : v);
  if (static_cast<int>(s.size()) < width) s.insert(0, static_cast<size_t>(width) - s.size(), '0');
  return v < 0 ? "-" + s : s;
}

// Nanoseconds of the fraction, truncated.
int64_t FractionNanos(const Timestamp& ts) {
  if (ts.precision != P::kFraction || ts.fraction.is_zero()) return 0;
  int64_t e = int64_t(ts.fraction.exponent) + 9;
  mpz_class c = ts.fraction.coefficient.ToMpz();
  if (e >= 0) {
    c *= Pow10(static_cast<uint64_t>(e));
  } else if (e < -40) {
    return 0;
  } else {
    c /= Pow10(static_cast<uint64_t>(-e));
  }
  return c.get_si();
}

std::string FormatOffset(int offset, int count, bool z_for_zero) {
  if (offset == 0 && z_for_zero) return "Z";
  std::string s = offset < 0 ? "-" : "+";
  int a = std::abs(offset);
  int h = a / 60, m = a % 60;
  s += Pad(h, 2);
  switch (count) {
    case 1:
      if (m != 0) s += Pad(m, 2);
      break;
    case 2:
    case 4: s += Pad(m, 2); break;
    default: s += ":" + Pad(m, 2); break;
  }
  return s;
}

}  // namespace

Result<std::string> FormatTimestamp(const Timestamp& ts, std::string_view pattern) {
  FOLIO_ASSIGN_OR_RETURN(std::vector<Token> tokens, Tokenize(pattern, "TO_STRING"));
  std::string out;
  int offset = ts.offset_minutes.value_or(0);
  for (const Token& t : tokens) {
    if (t.letter == 0) {
      out += t.literal;
      continue;
    }
    int n = t.count;
    switch (t.letter) {
      case 'y':
        if (n == 2) {
          out += Pad(ts.year % 100, 2);
        } else {
          out += Pad(ts.year, n);
        }
        break;
      case 'M':
        if (n <= 2) {
          out += Pad(ts.month, n);
        } else if (n == 3) {
          out += std::string(kMonthNames[ts.month - 1]).substr(0, 3);
        } else if (n == 4) {
          out += kMonthNames[ts.month - 1];
        } else {
          out += kMonthNames[ts.month - 1][0];
        }
        break;
      case 'd': out += Pad(ts.day, n); break;
      case 'H': out += Pad(ts.hour, n); break;
      case 'h': out += Pad(ts.hour % 12 == 0 ? 12 : ts.hour % 12, n); break;
      case 'a': out += ts.hour < 12 ? "AM" : "PM"; break;
      case 'm': out += Pad(ts.minute, n); break;
      case 's': out += Pad(ts.second, n); break;
      case 'S': {
        std::string nanos = Pad(FractionNanos(ts), 9);
        out += nanos.substr(0, static_cast<size_t>(n));
        break;
      }
      case 'n': out += Pad(FractionNanos(ts), n); break;
      case 'X': out += FormatOffset(offset, n, true); break;
      case 'x': out += FormatOffset(offset, n, false); break;
      default: return Status::Internal("TO_STRING: unhandled pattern letter");
    }
  }
  return out;
}

namespace {

class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}
  bool done() const { return pos_ >= s_.size(); }
  size_t pos() const { return pos_; }
  // Reads between min and max ASCII digits.
  std::optional<int64_t> Digits(int min, int max, std::string* raw = nullptr) {
    size_t start = pos_;
    while (pos_ < s_.size() && static_cast<int>(pos_ - start) < max && s_[pos_] >= '0' &&
           s_[pos_] <= '9') {
      ++pos_;
    }
    int n = static_cast<int>(pos_ - start);
    if (n < min) {
      pos_ = start;
      return std::nullopt;
    }
    int64_t v = 0;
    for (size_t i = start; i < pos_; ++i) {
      if (v > (INT64_MAX - 9) / 10) return std::nullopt;
      v = v * 10 + (s_[i] - '0');
    }
    if (raw) raw->assign(s_.substr(start, pos_ - start));
    return v;
  }
  bool Consume(std::string_view lit) {
    if (s_.substr(pos_, lit.size()) != lit) return false;
    pos_ += lit.size();
    return true;
  }
  bool Peek(char c) const { return pos_ < s_.size() && s_[pos_] == c; }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

// Parses an offset in one of the X/x shapes; returns minutes.
std::optional<int> ParseOffset(Scanner* sc, char letter, int count) {
  if (letter == 'X' && sc->Consume("Z")) return 0;
  int sign;
  if (sc->Consume("+")) {
    sign = 1;
  } else if (sc->Consume("-")) {
    sign = -1;
  } else {
    return std::nullopt;
  }
  auto h = sc->Digits(2, 2);
  if (!h) return std::nullopt;
  int64_t m = 0, s = 0;
  switch (count) {
    case 1: {
      auto mm = sc->Digits(2, 2);
      if (mm) m = *mm;
      break;
    }
    case 2:
    case 4: {
      auto mm = sc->Digits(2, 2);
      if (!mm) return std::nullopt;
      m = *mm;
      if (count == 4) {
        auto ss = sc->Digits(2, 2);
        if (ss) s = *ss;
      }
      break;
    }
    default: {
      if (!sc->Consume(":")) return std::nullopt;
      auto mm = sc->Digits(2, 2);
      if (!mm) return std::nullopt;
      m = *mm;
      if (count == 5 && sc->Peek(':')) {
        sc->Consume(":");
        auto ss = sc->Digits(2, 2);
        if (!ss) return std::nullopt;
        s = *ss;
      }
      break;
    }
  }
  if (*h > 18 || m > 59 || s > 59 || (*h == 18 && (m != 0 || s != 0))) return std::nullopt;
  if (s != 0) return std::nullopt;  // Ion offsets have minute resolution
  return sign * static_cast<int>(*h * 60 + m);
}

Status ParseError(std::string_view text, std::string_view pattern, std::string_view why) {
  return Status::InvalidArgument("TO_TIMESTAMP: cannot parse '" + std::string(text) +
                                 "' with pattern '" + std::string(pattern) + "': " +
                                 std::string(why));
}

}  // namespace

Result<Timestamp> ParseTimestampPattern(std::string_view text, std::string_view pattern) {
  FOLIO_ASSIGN_OR_RETURN(std::vector<Token> tokens, Tokenize(pattern, "TO_TIMESTAMP"));
  // Which fields the pattern has decides the precision, before looking at the text.
  bool has[128] = {};
  for (const Token& t : tokens) {
    if (t.letter == 0) continue;
    char key = t.letter;
    if (key == 'x') key = 'X';
    if (key == 'n') key = 'S';
    if (has[static_cast<int>(key)]) {
      return Status::InvalidArgument("TO_TIMESTAMP: pattern field '" + std::string(1, t.letter) +
                                     "' appears twice");
    }
    has[static_cast<int>(key)] = true;
    if (t.letter == 'M' && t.count == 5) {
      return Status::InvalidArgument("TO_TIMESTAMP: pattern 'MMMMM' cannot be parsed");
    }
  }
  if (has['h'] && has['H']) {
    return Status::InvalidArgument("TO_TIMESTAMP: pattern has both 'h' and 'H'");
  }
  bool hour = has['h'] || has['H'];
  auto incomplete = [&](std::string_view why) {
    return Status::InvalidArgument("TO_TIMESTAMP: incomplete pattern '" + std::string(pattern) +
                                   "': " + std::string(why));
  };
  if (!has['y']) return incomplete("no year field");
  if (has['d'] && !has['M']) return incomplete("day without month");
  if (hour && !has['d']) return incomplete("hour without day");
  if (has['h'] && !has['a']) return incomplete("'h' needs an am/pm field 'a'");
  if (has['a'] && !has['h']) return incomplete("am/pm field without 'h'");
  if (has['m'] && !hour) return incomplete("minute without hour");
  if (has['s'] && !has['m']) return incomplete("second without minute");
  if (has['S'] && !has['s']) return incomplete("fraction without second");
  if (has['X'] && !hour) return incomplete("offset without a time");

  Scanner sc(text);
  int64_t year = 0, month = 1, day = 1, hh = 0, minute = 0, second = 0;
  std::optional<int> offset;
  bool pm = false;
  std::string frac_digits;
  for (const Token& t : tokens) {
    if (t.letter == 0) {
      if (!sc.Consume(t.literal)) return ParseError(text, pattern, "literal text does not match");
      continue;
    }
    std::optional<int64_t> v;
    switch (t.letter) {
      case 'y':
        if (t.count == 2) {
          v = sc.Digits(2, 2);
          if (v) v = *v + (*v >= 70 ? 1900 : 2000);
        } else {
          std::string raw;
          v = sc.Digits(t.count, 19, &raw);
          // As java.time's strict EXCEEDS_PAD: digits beyond the pad width need no zero pad.
          if (v && t.count > 1 && static_cast<int>(raw.size()) > t.count && raw[0] == '0') {
            v = std::nullopt;
          }
        }
        if (!v) return ParseError(text, pattern, "bad year");
        year = *v;
        break;
      case 'M':
        if (t.count <= 2) {
          v = sc.Digits(t.count, 2);
          if (!v) return ParseError(text, pattern, "bad month");
          month = *v;
        } else {
          bool found = false;
          for (int i = 0; i < 12 && !found; ++i) {
            std::string name = kMonthNames[i];
            if (t.count == 3) name = name.substr(0, 3);
            if (sc.Consume(name)) {
              month = i + 1;
              found = true;
            }
          }
          if (!found) return ParseError(text, pattern, "bad month name");
        }
        break;
      case 'd':
      case 'H':
      case 'h':
      case 'm':
      case 's':
        v = sc.Digits(t.count, 2);
        if (!v) return ParseError(text, pattern, "bad number");
        if (t.letter == 'd') day = *v;
        if (t.letter == 'H' || t.letter == 'h') hh = *v;
        if (t.letter == 'm') minute = *v;
        if (t.letter == 's') second = *v;
        break;
      case 'a':
        if (sc.Consume("AM")) {
          pm = false;
        } else if (sc.Consume("PM")) {
          pm = true;
        } else {
          return ParseError(text, pattern, "expected AM or PM");
        }
        break;
      case 'S': {
        std::string raw;
        if (!sc.Digits(t.count, t.count, &raw)) return ParseError(text, pattern, "bad fraction");
        frac_digits = raw;
        break;
      }
      case 'n': {
        auto nanos = sc.Digits(1, 19);
        if (!nanos || *nanos > 999999999) return ParseError(text, pattern, "bad nanoseconds");
        frac_digits = Pad(*nanos, 9);
        break;
      }
      case 'X':
      case 'x':
        offset = ParseOffset(&sc, t.letter, t.count);
        if (!offset) return ParseError(text, pattern, "bad offset");
        break;
      default: return Status::Internal("TO_TIMESTAMP: unhandled pattern letter");
    }
  }
  if (!sc.done()) return ParseError(text, pattern, "trailing text");
  if (year < 1 || year > 9999) return ParseError(text, pattern, "year out of range");
  if (month < 1 || month > 12) return ParseError(text, pattern, "month out of range");
  if (day < 1 || day > DaysInMonth(year, static_cast<int>(month))) {
    return ParseError(text, pattern, "day out of range");
  }
  if (has['h']) {
    if (hh < 1 || hh > 12) return ParseError(text, pattern, "clock hour out of range");
    hh = hh % 12 + (pm ? 12 : 0);
  }
  if (hh > 23) return ParseError(text, pattern, "hour out of range");
  if (minute > 59) return ParseError(text, pattern, "minute out of range");
  if (second > 59) return ParseError(text, pattern, "second out of range");

  Timestamp ts;
  ts.year = static_cast<int32_t>(year);
  ts.month = static_cast<uint8_t>(month);
  ts.day = static_cast<uint8_t>(day);
  ts.hour = static_cast<uint8_t>(hh);
  ts.minute = static_cast<uint8_t>(minute);
  ts.second = static_cast<uint8_t>(second);
  if (has['S']) {
    while (!frac_digits.empty() && frac_digits.back() == '0') frac_digits.pop_back();
    if (frac_digits.empty()) {
      ts.precision = P::kSecond;
    } else {
      ts.precision = P::kFraction;
      ts.fraction.coefficient = ion::Int(mpz_class(frac_digits, 10));
      ts.fraction.exponent = -static_cast<int32_t>(frac_digits.size());
    }
  } else if (has['s']) {
    ts.precision = P::kSecond;
  } else if (hour) {
    ts.precision = P::kMinute;
  } else if (has['d']) {
    ts.precision = P::kDay;
  } else if (has['M']) {
    ts.precision = P::kMonth;
  } else {
    ts.precision = P::kYear;
  }
  if (ts.precision >= P::kMinute) ts.offset_minutes = offset;
  return ts;
}

Result<Timestamp> ParseIonTimestamp(std::string_view text) {
  auto bad = [&]() {
    return Status::InvalidArgument("invalid timestamp text '" + std::string(text) + "'");
  };
  Scanner sc(text);
  Timestamp ts;
  auto y = sc.Digits(4, 4);
  if (!y) return bad();
  ts.year = static_cast<int32_t>(*y);
  if (sc.Consume("T")) {
    ts.precision = P::kYear;
  } else {
    if (!sc.Consume("-")) return bad();
    auto mo = sc.Digits(2, 2);
    if (!mo) return bad();
    ts.month = static_cast<uint8_t>(*mo);
    if (sc.Consume("T")) {
      ts.precision = P::kMonth;
    } else {
      if (!sc.Consume("-")) return bad();
      auto d = sc.Digits(2, 2);
      if (!d) return bad();
      ts.day = static_cast<uint8_t>(*d);
      ts.precision = P::kDay;
      if (sc.Consume("T") && !sc.done()) {
        auto h = sc.Digits(2, 2);
        if (!h || !sc.Consume(":")) return bad();
        auto mi = sc.Digits(2, 2);
        if (!mi) return bad();
        ts.hour = static_cast<uint8_t>(*h);
        ts.minute = static_cast<uint8_t>(*mi);
        ts.precision = P::kMinute;
        if (sc.Consume(":")) {
          auto s = sc.Digits(2, 2);
          if (!s) return bad();
          ts.second = static_cast<uint8_t>(*s);
          ts.precision = P::kSecond;
          if (sc.Consume(".")) {
            std::string raw;
            if (!sc.Digits(1, 1000, &raw)) return bad();
            ts.precision = P::kFraction;
            ts.fraction.coefficient = ion::Int(mpz_class(raw, 10));
            ts.fraction.exponent = -static_cast<int32_t>(raw.size());
          }
        }
        if (sc.Consume("Z")) {
          ts.offset_minutes = 0;
        } else {
          int sign = sc.Consume("+") ? 1 : (sc.Consume("-") ? -1 : 0);
          if (sign == 0) return bad();
          auto oh = sc.Digits(2, 2);
          if (!oh || !sc.Consume(":")) return bad();
          auto om = sc.Digits(2, 2);
          if (!om || *oh > 23 || *om > 59) return bad();
          int off = static_cast<int>(*oh * 60 + *om);
          if (sign < 0 && off == 0) {
            ts.offset_minutes = std::nullopt;  // -00:00: unknown offset
          } else {
            ts.offset_minutes = static_cast<int16_t>(sign * off);
          }
        }
      }
    }
  }
  if (!sc.done()) return bad();
  Status st = ts.Validate();
  if (!st.ok()) return bad();
  return ts;
}

}  // namespace folio::partiql::internal
