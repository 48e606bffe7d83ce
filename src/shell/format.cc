#include "shell/format.h"

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cmath>

#include "common/bytes.h"
#include "ion/ion.h"

namespace folio::shell {
namespace {

std::string DecimalJson(const ion::Decimal& d) {
  // coefficient * 10^exponent as a JSON number "c" or "ce<exp>" (exact, no rounding).
  std::string c = d.coefficient.ToString();
  if (d.negative_zero) c = "-0";
  if (d.exponent == 0) return c;
  return c + "e" + std::to_string(d.exponent);
}

template <typename W>
void Write(W& w, const ion::Value& v) {
  using ion::Type;
  auto str = [&](std::string_view s) {
    w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  };
  if (v.is_null()) {
    w.Null();
    return;
  }
  switch (v.type()) {
    case Type::kNull:
      w.Null();
      return;
    case Type::kBool:
      w.Bool(v.as_bool());
      return;
    case Type::kInt: {
      if (auto i = v.as_int().ToInt64()) {
        w.Int64(*i);
      } else {
        std::string s = v.as_int().ToString();
        w.RawValue(s.data(), s.size(), rapidjson::kNumberType);
      }
      return;
    }
    case Type::kFloat: {
      double d = v.as_float();
      if (std::isfinite(d)) {
        w.Double(d);
      } else {
        str(std::isnan(d) ? "nan" : d > 0 ? "+inf" : "-inf");
      }
      return;
    }
    case Type::kDecimal: {
      std::string s = DecimalJson(v.as_decimal());
      w.RawValue(s.data(), s.size(), rapidjson::kNumberType);
      return;
    }
    case Type::kTimestamp:
      str(v.as_timestamp().ToString());
      return;
    case Type::kSymbol:
    case Type::kString:
      str(v.text());
      return;
    case Type::kClob:
    case Type::kBlob:
      str(Base64Encode(v.as_bytes()));
      return;
    case Type::kList:
    case Type::kSexp:
      w.StartArray();
      for (const auto& e : v.elements()) Write(w, e);
      w.EndArray();
      return;
    case Type::kStruct:
      w.StartObject();
      for (const auto& f : v.fields()) {
        str(f.name.text);
        Write(w, f.value);
      }
      w.EndObject();
      return;
  }
}

}  // namespace

std::string FormatIon(const ion::Value& v) {
  std::string s = ion::WriteText(v, ion::TextStyle::kPretty);
  while (!s.empty() && s.back() == '\n') s.pop_back();
  return s;
}

std::string FormatJson(const ion::Value& v, bool pretty) {
  rapidjson::StringBuffer sb;
  if (pretty) {
    rapidjson::PrettyWriter<rapidjson::StringBuffer> w(sb);
    w.SetIndent(' ', 2);
    Write(w, v);
  } else {
    rapidjson::Writer<rapidjson::StringBuffer> w(sb);
    Write(w, v);
  }
  return std::string(sb.GetString(), sb.GetSize());
}

}  // namespace folio::shell
