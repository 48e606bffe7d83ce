// Private helpers of the protocol module for RapidJSON: strict parsing, typed member access and
// writing. Not for use outside src/protocol.
#pragma once

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "protocol/errors.h"

namespace folio::protocol {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

// Parses `body` as one JSON document: UTF-8 validated, iterative (no recursion, so nesting depth
// cannot exhaust the stack), no trailing content. kInvalidArgument on failure.
Status ParseJson(std::string_view body, rapidjson::Document& doc);

// kInvalidArgument if an object member name occurs twice.
Status CheckNoDuplicateMembers(const rapidjson::Value& obj, std::string_view where);

// The string member `name` of `obj`: nullopt when absent or null, kInvalidArgument when present
// with another type.
Result<std::optional<std::string>> OptionalString(const rapidjson::Value& obj, const char* name,
                                                  std::string_view where);

// Number of Unicode code points in valid UTF-8.
size_t Utf8Length(std::string_view s);

inline void WriteString(JsonWriter& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

// `{"__type": prefix+type, "Message": ..., "Code": ... (if set), members...}`.
std::string SerializeErrorBody(const WireError& e, std::string_view type_prefix);

}  // namespace folio::protocol
