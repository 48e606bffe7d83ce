#include "protocol/json_util.h"

#include <rapidjson/error/en.h>

#include <set>

namespace folio::protocol {

Status ParseJson(std::string_view body, rapidjson::Document& doc) {
  constexpr unsigned kFlags = rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag;
  doc.Parse<kFlags>(body.data(), body.size());
  if (doc.HasParseError()) {
    return Status::InvalidArgument(std::string("Malformed JSON request body at offset ") +
                                   std::to_string(doc.GetErrorOffset()) + ": " +
                                   rapidjson::GetParseError_En(doc.GetParseError()));
  }
  return Status::OK();
}

Status CheckNoDuplicateMembers(const rapidjson::Value& obj, std::string_view where) {
  std::set<std::string_view> seen;
  for (auto it = obj.MemberBegin(); it != obj.MemberEnd(); ++it) {
    std::string_view name(it->name.GetString(), it->name.GetStringLength());
    if (!seen.insert(name).second) {
      return Status::InvalidArgument("Duplicate member '" + std::string(name) + "' in " +
                                     std::string(where));
    }
  }
  return Status::OK();
}

Result<std::optional<std::string>> OptionalString(const rapidjson::Value& obj, const char* name,
                                                  std::string_view where) {
  auto it = obj.FindMember(name);
  if (it == obj.MemberEnd() || it->value.IsNull()) return std::optional<std::string>();
  if (!it->value.IsString()) {
    return Status::InvalidArgument(std::string(where) + "." + name + " must be a string");
  }
  return std::optional<std::string>(
      std::string(it->value.GetString(), it->value.GetStringLength()));
}

size_t Utf8Length(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string SerializeErrorBody(const WireError& e, std::string_view type_prefix) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  w.Key("__type");
  WriteString(w, std::string(type_prefix) + std::string(e.type));
  w.Key("Message");
  WriteString(w, e.message);
  if (!e.code.empty()) {
    w.Key("Code");
    WriteString(w, e.code);
  }
  for (const auto& [k, v] : e.members) {
    WriteString(w, k);
    WriteString(w, v);
  }
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace folio::protocol
