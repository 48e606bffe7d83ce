#include "ion/text_writer.h"

#include <charconv>
#include <cmath>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/bytes.h"
#include "ion/ion.h"
#include "ion/value.h"

namespace folio::ion {

namespace {

bool IsIdentStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$';
}
bool IsIdentPart(char c) { return IsIdentStart(c) || (c >= '0' && c <= '9'); }

const char kHex[] = "0123456789ABCDEF";

void AppendHexEscape(std::string& out, uint8_t b) {
  out += "\\x";
  out.push_back(kHex[b >> 4]);
  out.push_back(kHex[b & 0xF]);
}

// Shared-import gaps that need a local symbol table: each import name in first-use order with
// the highest offset used; the SID of (name, offset) is base + offset.
struct ImportPlan {
  struct Entry {
    std::string name;
    int64_t max_offset = 0;
    int64_t base = 0;  // SID of offset 0 (offset 1 is base + 1)
  };
  std::vector<Entry> entries;
  std::unordered_map<std::string, size_t> index;  // import name -> position in entries

  void Note(const Symbol& s) {
    if (s.has_text || s.import_name.empty() || s.import_offset <= 0) return;
    auto [it, inserted] = index.try_emplace(s.import_name, entries.size());
    if (inserted) {
      entries.push_back(Entry{s.import_name, s.import_offset, 0});
    } else {
      Entry& e = entries[it->second];
      e.max_offset = std::max(e.max_offset, s.import_offset);
    }
  }
  void Collect(const Value& v) {
    for (const Symbol& a : v.annotations()) Note(a);
    if (v.is_null()) return;
    switch (v.type()) {
      case Type::kSymbol:
        Note(v.as_symbol());
        break;
      case Type::kList:
      case Type::kSexp:
        for (const Value& e : v.elements()) Collect(e);
        break;
      case Type::kStruct:
        for (const Field& f : v.fields()) {
          Note(f.name);
          Collect(f.value);
        }
        break;
      default:
        break;
    }
  }
  void AssignSids() {
    int64_t next = 10;
    for (Entry& e : entries) {
      e.base = next - 1;
      next += e.max_offset;
    }
  }
  int64_t SidOf(const Symbol& s) const {
    auto it = index.find(s.import_name);
    return it == index.end() ? 0 : entries[it->second].base + s.import_offset;
  }
};

class Writer {
 public:
  Writer(TextStyle style, const ImportPlan* plan)
      : pretty_(style == TextStyle::kPretty), plan_(plan) {}

  std::string& out() { return out_; }

  void WriteSymbolTable() {
    if (plan_->entries.empty()) return;
    out_ += "$ion_symbol_table::{imports:[";
    bool first = true;
    for (const ImportPlan::Entry& e : plan_->entries) {
      if (!first) out_ += ',';
      first = false;
      out_ += "{name:";
      AppendQuotedText(out_, e.name, '"');
      out_ += ",version:1,max_id:" + std::to_string(e.max_offset) + "}";
    }
    out_ += "]}";
    out_ += pretty_ ? '\n' : ' ';
  }

  void WriteValue(const Value& v, int indent) {
    for (const Symbol& a : v.annotations()) {
      WriteSymbol(a);
      out_ += "::";
    }
    if (v.is_null()) {
      out_ += v.type() == Type::kNull ? "null" : "null." + std::string(TypeName(v.type()));
      return;
    }
    switch (v.type()) {
      case Type::kNull:
        out_ += "null";
        break;
      case Type::kBool:
        out_ += v.as_bool() ? "true" : "false";
        break;
      case Type::kInt:
        out_ += v.as_int().ToString();
        break;
      case Type::kFloat:
        WriteFloat(v.as_float());
        break;
      case Type::kDecimal:
        out_ += v.as_decimal().ToString();
        break;
      case Type::kTimestamp:
        out_ += v.as_timestamp().ToString();
        break;
      case Type::kSymbol:
        WriteSymbol(v.as_symbol());
        break;
      case Type::kString:
        AppendQuotedText(out_, v.as_string(), '"');
        break;
      case Type::kClob:
        WriteClob(v.as_bytes());
        break;
      case Type::kBlob:
        out_ += "{{";
        out_ += Base64Encode(v.as_bytes());
        out_ += "}}";
        break;
      case Type::kList:
      case Type::kSexp:
        WriteSequence(v, indent);
        break;
      case Type::kStruct:
        WriteStruct(v, indent);
        break;
    }
  }

 private:
  void Newline(int indent) {
    out_ += '\n';
    out_.append(static_cast<size_t>(indent) * 2, ' ');
  }

  void WriteFloat(double d) {
    if (std::isnan(d)) {
      out_ += "nan";
      return;
    }
    if (std::isinf(d)) {
      out_ += d > 0 ? "+inf" : "-inf";
      return;
    }
    char buf[64];
    auto [ptr, ec] = std::to_chars(buf, buf + sizeof(buf), d);
    std::string_view s(buf, static_cast<size_t>(ptr - buf));
    out_ += s;
    if (s.find('e') == std::string_view::npos) out_ += "e0";
  }

  void WriteSymbol(const Symbol& s) {
    if (!s.has_text) {
      int64_t sid = s.import_name.empty() ? 0 : plan_->SidOf(s);
      out_ += '$';
      out_ += std::to_string(sid);
      return;
    }
    if (IsPlainIdentifier(s.text)) {
      out_ += s.text;
    } else {
      AppendQuotedText(out_, s.text, '\'');
    }
  }

  void WriteClob(const Bytes& b) {
    out_ += "{{\"";
    for (uint8_t c : b) {
      if (c == '"' || c == '\\') {
        out_ += '\\';
        out_ += static_cast<char>(c);
      } else if (c < 0x20 || c >= 0x7F) {
        AppendHexEscape(out_, c);
      } else {
        out_ += static_cast<char>(c);
      }
    }
    out_ += "\"}}";
  }

  void WriteSequence(const Value& v, int indent) {
    bool list = v.type() == Type::kList;
    out_ += list ? '[' : '(';
    const Value::Elements& elems = v.elements();
    for (size_t i = 0; i < elems.size(); ++i) {
      if (i > 0) out_ += list ? "," : (pretty_ ? "" : " ");
      if (pretty_) Newline(indent + 1);
      WriteValue(elems[i], indent + 1);
    }
    if (pretty_ && !elems.empty()) Newline(indent);
    out_ += list ? ']' : ')';
  }

  void WriteStruct(const Value& v, int indent) {
    out_ += '{';
    const Value::Fields& fields = v.fields();
    for (size_t i = 0; i < fields.size(); ++i) {
      if (i > 0) out_ += ',';
      if (pretty_) Newline(indent + 1);
      WriteSymbol(fields[i].name);
      out_ += pretty_ ? ": " : ":";
      WriteValue(fields[i].value, indent + 1);
    }
    if (pretty_ && !fields.empty()) Newline(indent);
    out_ += '}';
  }

  bool pretty_;
  const ImportPlan* plan_;
  std::string out_;
};

}  // namespace

bool IsPlainIdentifier(std::string_view text) {
  if (text.empty() || !IsIdentStart(text[0])) return false;
  for (char c : text) {
    if (!IsIdentPart(c)) return false;
  }
  if (text == "null" || text == "true" || text == "false" || text == "nan") return false;
  if (text[0] == '$') {
    // $<digits> is a symbol ID, and $ion_<n>_<n> may be read as a version marker.
    bool all_digits = text.size() > 1;
    for (size_t i = 1; i < text.size(); ++i)
      all_digits = all_digits && text[i] >= '0' && text[i] <= '9';
    if (all_digits) return false;
    if (text.substr(0, 5) == "$ion_") return false;
  }
  return true;
}

void AppendQuotedText(std::string& out, std::string_view text, char quote) {
  out += quote;
  for (char ch : text) {
    auto c = static_cast<uint8_t>(ch);
    if (ch == quote || ch == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20 || c == 0x7F) {
      switch (ch) {
        case '\n':
          out += "\\n";
          break;
        case '\t':
          out += "\\t";
          break;
        case '\r':
          out += "\\r";
          break;
        default:
          AppendHexEscape(out, c);
          break;
      }
    } else {
      out += ch;
    }
  }
  out += quote;
}

std::string WriteText(std::span<const Value> values, TextStyle style) {
  ImportPlan plan;
  for (const Value& v : values) plan.Collect(v);
  plan.AssignSids();
  Writer w(style, &plan);
  w.WriteSymbolTable();
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) w.out() += style == TextStyle::kPretty ? '\n' : ' ';
    w.WriteValue(values[i], 0);
  }
  if (style == TextStyle::kPretty && !values.empty()) w.out() += '\n';
  return std::move(w.out());
}

std::string WriteText(const Value& value, TextStyle style) {
  return WriteText(std::span<const Value>(&value, 1), style);
}

std::string Value::ToString() const { return WriteText(*this, TextStyle::kCompact); }

}  // namespace folio::ion
