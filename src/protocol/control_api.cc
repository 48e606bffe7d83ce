#include "protocol/control_api.h"

#include <rapidjson/document.h>

#include "common/bytes.h"
#include "protocol/json_util.h"
#include "protocol/session_api.h"

namespace folio::protocol {
namespace {

using rapidjson::Value;
using ParseResult = std::variant<ControlRequest, WireError>;

constexpr size_t kMinArnLength = 20;
constexpr size_t kMaxArnLength = 1600;
constexpr size_t kMaxTags = 200;

struct ParamError {
  std::string message;
  std::string parameter;
};

WireError ToWire(const ParamError& e) { return InvalidParameter(e.message, e.parameter); }

std::optional<ParamError> CheckLedgerName(std::string_view name, std::string_view parameter) {
  if (IsValidLedgerName(name)) return std::nullopt;
  return ParamError{"Invalid ledger name '" + std::string(name) +
                        "': 1-32 characters from [A-Za-z0-9-], not all digits, no leading, "
                        "trailing or double '-'",
                    std::string(parameter)};
}

std::optional<ParamError> CheckArn(std::string_view arn) {
  if (arn.size() < kMinArnLength || arn.size() > kMaxArnLength) {
    return ParamError{"ResourceArn must be between 20 and 1600 characters", "ResourceArn"};
  }
  return std::nullopt;
}

std::optional<ParamError> CheckTags(const std::map<std::string, std::string>& tags) {
  if (tags.size() > kMaxTags) return ParamError{"At most 200 tags are allowed", "Tags"};
  for (const auto& [k, v] : tags) {
    size_t kl = Utf8Length(k), vl = Utf8Length(v);
    if (kl < 1 || kl > 128) return ParamError{"Tag keys must be 1-128 characters", "Tags"};
    if (vl > 256) return ParamError{"Tag values must be at most 256 characters", "Tags"};
  }
  return std::nullopt;
}

// Reads an optional member of JSON type `kind` from the body object.
std::optional<ParamError> ReadTags(const Value& body, std::map<std::string, std::string>& out) {
  auto it = body.FindMember("Tags");
  if (it == body.MemberEnd() || it->value.IsNull()) return std::nullopt;
  if (!it->value.IsObject()) return ParamError{"Tags must be a map of strings", "Tags"};
  for (auto m = it->value.MemberBegin(); m != it->value.MemberEnd(); ++m) {
    if (!m->value.IsString() && !m->value.IsNull()) {
      return ParamError{"Tag values must be strings", "Tags"};
    }
    std::string key(m->name.GetString(), m->name.GetStringLength());
    std::string value = m->value.IsNull()
                            ? std::string()
                            : std::string(m->value.GetString(), m->value.GetStringLength());
    if (!out.emplace(key, value).second) {
      return ParamError{"Duplicate tag key '" + key + "'", "Tags"};
    }
  }
  return CheckTags(out);
}

std::optional<ParamError> ReadString(const Value& body, const char* member,
                                     std::optional<std::string>& out) {
  auto r = OptionalString(body, member, "request");
  if (!r.ok()) return ParamError{std::string(member) + " must be a string", member};
  out = *std::move(r);
  return std::nullopt;
}

std::optional<ParamError> ReadBool(const Value& body, const char* member,
                                   std::optional<bool>& out) {
  auto it = body.FindMember(member);
  if (it == body.MemberEnd() || it->value.IsNull()) return std::nullopt;
  if (!it->value.IsBool()) return ParamError{std::string(member) + " must be a boolean", member};
  out = it->value.GetBool();
  return std::nullopt;
}

std::optional<ParamError> CheckPermissionsMode(const std::optional<std::string>& mode) {
  if (!mode) return ParamError{"PermissionsMode is required", "PermissionsMode"};
  if (*mode != "ALLOW_ALL" && *mode != "STANDARD") {
    return ParamError{"PermissionsMode must be ALLOW_ALL or STANDARD", "PermissionsMode"};
  }
  return std::nullopt;
}

std::optional<ParamError> CheckKmsKey(const std::optional<std::string>& key) {
  if (key && key->size() > 1600) return ParamError{"KmsKey must be at most 1600 characters", "KmsKey"};
  return std::nullopt;
}

// Reads a ValueHolder member ({"IonText": "..."}) into `out`; `required` decides absence.
std::optional<ParamError> ReadValueHolder(const Value& body, const char* member, bool required,
                                          std::optional<std::string>& out) {
  auto it = body.FindMember(member);
  if (it == body.MemberEnd() || it->value.IsNull()) {
    if (required) return ParamError{std::string(member) + " is required", member};
    return std::nullopt;
  }
  if (!it->value.IsObject()) {
    return ParamError{std::string(member) + " must be a ValueHolder structure", member};
  }
  std::optional<std::string> text;
  if (auto e = ReadString(it->value, "IonText", text)) return ParamError{e->message, member};
  if (!text) return ParamError{std::string(member) + ".IonText is required", member};
  size_t n = Utf8Length(*text);
  if (n < 1 || n > kMaxIonTextChars) {
    return ParamError{std::string(member) + ".IonText must be between 1 and 1048576 characters",
                      member};
  }
  out = std::move(text);
  return std::nullopt;
}

struct Target {
  std::vector<std::string> segments;  // decoded, without the leading empty segment
  std::multimap<std::string, std::string> query;
};

Result<Target> SplitTarget(std::string_view target) {
  Target t;
  std::string_view path = target, query;
  if (auto q = target.find('?'); q != std::string_view::npos) {
    path = target.substr(0, q);
    query = target.substr(q + 1);
  }
  if (path.empty() || path.front() != '/') return Status::InvalidArgument("path must start with /");
  path.remove_prefix(1);
  while (!path.empty()) {
    size_t slash = path.find('/');
    std::string_view seg = path.substr(0, slash);
    FOLIO_ASSIGN_OR_RETURN(std::string decoded, PercentDecode(seg));
    t.segments.push_back(std::move(decoded));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
    if (path.empty()) t.segments.emplace_back();  // trailing slash
  }
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    if (!pair.empty()) {
      size_t eq = pair.find('=');
      FOLIO_ASSIGN_OR_RETURN(std::string k, PercentDecode(pair.substr(0, eq)));
      std::string v;
      if (eq != std::string_view::npos) {
        FOLIO_ASSIGN_OR_RETURN(v, PercentDecode(pair.substr(eq + 1)));
      }
      t.query.emplace(std::move(k), std::move(v));
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return t;
}

WireError NoRoute(std::string_view method, std::string_view target) {
  return UnknownOperation("No QLDB operation matches " + std::string(method) + " " +
                              std::string(target.substr(0, 200)),
                          /*rest_json=*/true);
}

// Parses the JSON body (empty means {}) into `doc`.
std::optional<ParamError> ParseBody(std::string_view body, rapidjson::Document& doc) {
  bool blank = body.find_first_not_of(" \t\r\n") == std::string_view::npos;
  if (blank) {
    doc.SetObject();
    return std::nullopt;
  }
  Status st = ParseJson(body, doc);
  if (!st.ok()) return ParamError{st.message(), ""};
  if (!doc.IsObject()) return ParamError{"The request body must be a JSON object", ""};
  st = CheckNoDuplicateMembers(doc, "request");
  if (!st.ok()) return ParamError{st.message(), ""};
  return std::nullopt;
}

std::optional<ParamError> ParseListQuery(const Target& t, ControlRequest& r) {
  if (auto it = t.query.find("max_results"); it != t.query.end()) {
    const std::string& v = it->second;
    bool digits = !v.empty() && v.size() <= 4 &&
                  v.find_first_not_of("0123456789") == std::string::npos;
    int n = digits ? std::stoi(v) : 0;
    if (!digits || n < 1 || n > 100) {
      return ParamError{"max_results must be an integer between 1 and 100", "MaxResults"};
    }
    r.max_results = n;
  }
  if (auto it = t.query.find("next_token"); it != t.query.end()) {
    const std::string& v = it->second;
    if (v.size() < 4 || v.size() > 1024 || !IsTokenAlphabet(v)) {
      return ParamError{"next_token must be 4-1024 characters from [A-Za-z0-9+/=-]", "NextToken"};
    }
    r.next_token = v;
  }
  return std::nullopt;
}

// Fills the operation-specific members of `r` from the body.
std::optional<ParamError> ParseOpBody(const Value& body, ControlRequest& r) {
  switch (r.op) {
    case ControlOp::kCreateLedger: {
      std::optional<std::string> name, mode;
      if (auto e = ReadString(body, "Name", name)) return e;
      if (!name) return ParamError{"Name is required", "Name"};
      if (auto e = CheckLedgerName(*name, "Name")) return e;
      r.name = *name;
      if (auto e = ReadString(body, "PermissionsMode", mode)) return e;
      if (auto e = CheckPermissionsMode(mode)) return e;
      r.permissions_mode = *mode;
      if (auto e = ReadBool(body, "DeletionProtection", r.deletion_protection)) return e;
      if (auto e = ReadString(body, "KmsKey", r.kms_key)) return e;
      if (auto e = CheckKmsKey(r.kms_key)) return e;
      return ReadTags(body, r.tags);
    }
    case ControlOp::kUpdateLedger:
      if (auto e = ReadBool(body, "DeletionProtection", r.deletion_protection)) return e;
      if (auto e = ReadString(body, "KmsKey", r.kms_key)) return e;
      return CheckKmsKey(r.kms_key);
    case ControlOp::kUpdateLedgerPermissionsMode: {
      std::optional<std::string> mode;
      if (auto e = ReadString(body, "PermissionsMode", mode)) return e;
      if (auto e = CheckPermissionsMode(mode)) return e;
      r.permissions_mode = *mode;
      return std::nullopt;
    }
    case ControlOp::kGetBlock:
    case ControlOp::kGetRevision: {
      std::optional<std::string> address;
      if (auto e = ReadValueHolder(body, "BlockAddress", true, address)) return e;
      r.block_address = *address;
      if (auto e = ReadValueHolder(body, "DigestTipAddress", false, r.digest_tip)) return e;
      if (r.op == ControlOp::kGetRevision) {
        std::optional<std::string> id;
        if (auto e = ReadString(body, "DocumentId", id)) return e;
        if (!id) return ParamError{"DocumentId is required", "DocumentId"};
        if (id->size() != 22 || !IsIdAlphabet(*id)) {
          return ParamError{"DocumentId must be exactly 22 characters from [A-Za-z0-9-]",
                            "DocumentId"};
        }
        r.document_id = *id;
      }
      return std::nullopt;
    }
    case ControlOp::kTagResource: {
      auto it = body.FindMember("Tags");
      if (it == body.MemberEnd() || it->value.IsNull()) {
        return ParamError{"Tags is required", "Tags"};
      }
      return ReadTags(body, r.tags);
    }
    default:
      return std::nullopt;
  }
}

}  // namespace

std::string_view ControlOpName(ControlOp op) {
  switch (op) {
    case ControlOp::kCreateLedger: return "CreateLedger";
    case ControlOp::kDescribeLedger: return "DescribeLedger";
    case ControlOp::kListLedgers: return "ListLedgers";
    case ControlOp::kUpdateLedger: return "UpdateLedger";
    case ControlOp::kUpdateLedgerPermissionsMode: return "UpdateLedgerPermissionsMode";
    case ControlOp::kDeleteLedger: return "DeleteLedger";
    case ControlOp::kGetDigest: return "GetDigest";
    case ControlOp::kGetBlock: return "GetBlock";
    case ControlOp::kGetRevision: return "GetRevision";
    case ControlOp::kTagResource: return "TagResource";
    case ControlOp::kUntagResource: return "UntagResource";
    case ControlOp::kListTagsForResource: return "ListTagsForResource";
    case ControlOp::kExportJournalToS3: return "ExportJournalToS3";
    case ControlOp::kDescribeJournalS3Export: return "DescribeJournalS3Export";
    case ControlOp::kListJournalS3Exports: return "ListJournalS3Exports";
    case ControlOp::kListJournalS3ExportsForLedger: return "ListJournalS3ExportsForLedger";
    case ControlOp::kStreamJournalToKinesis: return "StreamJournalToKinesis";
    case ControlOp::kDescribeJournalKinesisStream: return "DescribeJournalKinesisStream";
    case ControlOp::kListJournalKinesisStreamsForLedger:
      return "ListJournalKinesisStreamsForLedger";
    case ControlOp::kCancelJournalKinesisStream: return "CancelJournalKinesisStream";
  }
  return "Unknown";
}

bool NeedsAwsService(ControlOp op) { return op >= ControlOp::kExportJournalToS3; }

Result<std::string> PercentDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size()) return Status::InvalidArgument("truncated percent-escape");
    auto hex = HexDecode(s.substr(i + 1, 2));
    if (!hex.ok()) return Status::InvalidArgument("invalid percent-escape");
    out += static_cast<char>((*hex)[0]);
    i += 2;
  }
  return out;
}

std::variant<ControlRequest, WireError> ParseControlRequest(std::string_view method,
                                                            std::string_view target,
                                                            std::string_view body) {
  auto split = SplitTarget(target);
  if (!split.ok()) return InvalidParameter("Malformed request path: " + split.status().message(), "");
  const Target& t = *split;
  const auto& s = t.segments;
  ControlRequest r;
  bool routed = false;
  auto route = [&](ControlOp op) {
    r.op = op;
    routed = true;
  };

  if (!s.empty() && s[0] == "ledgers") {
    if (s.size() == 1) {
      if (method == "POST") route(ControlOp::kCreateLedger);
      if (method == "GET") route(ControlOp::kListLedgers);
    } else {
      r.name = s[1];
      if (s.size() == 2) {
        if (method == "GET") route(ControlOp::kDescribeLedger);
        if (method == "PATCH") route(ControlOp::kUpdateLedger);
        if (method == "DELETE") route(ControlOp::kDeleteLedger);
      } else if (s.size() == 3) {
        const std::string& sub = s[2];
        if (method == "PATCH" && sub == "permissions-mode") route(ControlOp::kUpdateLedgerPermissionsMode);
        if (method == "POST" && sub == "digest") route(ControlOp::kGetDigest);
        if (method == "POST" && sub == "block") route(ControlOp::kGetBlock);
        if (method == "POST" && sub == "revision") route(ControlOp::kGetRevision);
        if (method == "POST" && sub == "journal-s3-exports") route(ControlOp::kExportJournalToS3);
        if (method == "GET" && sub == "journal-s3-exports") route(ControlOp::kListJournalS3ExportsForLedger);
        if (method == "POST" && sub == "journal-kinesis-streams") route(ControlOp::kStreamJournalToKinesis);
        if (method == "GET" && sub == "journal-kinesis-streams") route(ControlOp::kListJournalKinesisStreamsForLedger);
      } else if (s.size() == 4) {
        const std::string& sub = s[2];
        if (method == "GET" && sub == "journal-s3-exports") route(ControlOp::kDescribeJournalS3Export);
        if (method == "GET" && sub == "journal-kinesis-streams") route(ControlOp::kDescribeJournalKinesisStream);
        if (method == "DELETE" && sub == "journal-kinesis-streams") route(ControlOp::kCancelJournalKinesisStream);
      }
    }
  } else if (s.size() == 1 && s[0] == "journal-s3-exports" && method == "GET") {
    route(ControlOp::kListJournalS3Exports);
  } else if (s.size() == 2 && s[0] == "tags") {
    r.resource_arn = s[1];
    if (method == "POST") route(ControlOp::kTagResource);
    if (method == "DELETE") route(ControlOp::kUntagResource);
    if (method == "GET") route(ControlOp::kListTagsForResource);
  }
  if (!routed) return NoRoute(method, target);
  if (NeedsAwsService(r.op)) return r;

  bool has_path_name = r.op != ControlOp::kCreateLedger && r.op != ControlOp::kListLedgers &&
                       r.op != ControlOp::kTagResource && r.op != ControlOp::kUntagResource &&
                       r.op != ControlOp::kListTagsForResource;
  if (has_path_name) {
    if (auto e = CheckLedgerName(r.name, "Name")) return ToWire(*e);
  }
  if (!r.resource_arn.empty() || r.op == ControlOp::kTagResource ||
      r.op == ControlOp::kUntagResource || r.op == ControlOp::kListTagsForResource) {
    if (auto e = CheckArn(r.resource_arn)) return ToWire(*e);
  }
  if (r.op == ControlOp::kListLedgers) {
    if (auto e = ParseListQuery(t, r)) return ToWire(*e);
  }
  if (r.op == ControlOp::kUntagResource) {
    auto [b, e] = t.query.equal_range("tagKeys");
    for (auto it = b; it != e; ++it) r.tag_keys.push_back(it->second);
    if (r.tag_keys.size() > kMaxTags) return InvalidParameter("At most 200 tag keys", "TagKeys");
    for (const auto& k : r.tag_keys) {
      size_t n = Utf8Length(k);
      if (n < 1 || n > 128) return InvalidParameter("Tag keys must be 1-128 characters", "TagKeys");
    }
  }
  rapidjson::Document doc;
  if (auto e = ParseBody(body, doc)) return ToWire(*e);
  if (auto e = ParseOpBody(doc, r)) return ToWire(*e);
  return r;
}

namespace {

void WriteEncryption(JsonWriter& w) {
  w.Key("EncryptionDescription");
  w.StartObject();
  w.Key("KmsKeyArn");
  WriteString(w, kAwsOwnedKmsKey);
  w.Key("EncryptionStatus");
  w.String("ENABLED");
  w.EndObject();
}

void WriteCommon(JsonWriter& w, const LedgerDescription& d) {
  w.Key("Name");
  WriteString(w, d.name);
  w.Key("Arn");
  WriteString(w, d.arn);
  w.Key("State");
  WriteString(w, d.state);
  w.Key("CreationDateTime");
  w.Int64(d.creation_epoch_seconds);
}

std::string Finish(rapidjson::StringBuffer& buf) { return std::string(buf.GetString(), buf.GetSize()); }

}  // namespace

std::string SerializeCreateLedger(const LedgerDescription& d) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  WriteCommon(w, d);
  w.Key("PermissionsMode");
  WriteString(w, d.permissions_mode);
  w.Key("DeletionProtection");
  w.Bool(d.deletion_protection);
  w.Key("KmsKeyArn");
  WriteString(w, kAwsOwnedKmsKey);
  w.EndObject();
  return Finish(buf);
}

std::string SerializeDescribeLedger(const LedgerDescription& d) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  WriteCommon(w, d);
  w.Key("PermissionsMode");
  WriteString(w, d.permissions_mode);
  w.Key("DeletionProtection");
  w.Bool(d.deletion_protection);
  WriteEncryption(w);
  w.EndObject();
  return Finish(buf);
}

std::string SerializeUpdateLedger(const LedgerDescription& d) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  WriteCommon(w, d);
  w.Key("DeletionProtection");
  w.Bool(d.deletion_protection);
  WriteEncryption(w);
  w.EndObject();
  return Finish(buf);
}

std::string SerializeUpdateLedgerPermissionsMode(const LedgerDescription& d) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  w.Key("Name");
  WriteString(w, d.name);
  w.Key("Arn");
  WriteString(w, d.arn);
  w.Key("PermissionsMode");
  WriteString(w, d.permissions_mode);
  w.EndObject();
  return Finish(buf);
}

std::string SerializeListLedgers(const std::vector<LedgerDescription>& ledgers,
                                 const std::optional<std::string>& next_token) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  w.Key("Ledgers");
  w.StartArray();
  for (const auto& d : ledgers) {
    w.StartObject();
    w.Key("Name");
    WriteString(w, d.name);
    w.Key("State");
    WriteString(w, d.state);
    w.Key("CreationDateTime");
    w.Int64(d.creation_epoch_seconds);
    w.EndObject();
  }
  w.EndArray();
  if (next_token) {
    w.Key("NextToken");
    WriteString(w, *next_token);
  }
  w.EndObject();
  return Finish(buf);
}

std::string SerializeGetDigest(const Hash256& digest, std::string_view tip_ion_text) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  w.Key("Digest");
  WriteString(w, Base64Encode(digest));
  w.Key("DigestTipAddress");
  w.StartObject();
  w.Key("IonText");
  WriteString(w, tip_ion_text);
  w.EndObject();
  w.EndObject();
  return Finish(buf);
}

std::string SerializeProvenValue(std::string_view value_member, std::string_view value_ion_text,
                                 const std::optional<std::string>& proof_ion_text) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  WriteString(w, value_member);
  w.StartObject();
  w.Key("IonText");
  WriteString(w, value_ion_text);
  w.EndObject();
  if (proof_ion_text) {
    w.Key("Proof");
    w.StartObject();
    w.Key("IonText");
    WriteString(w, *proof_ion_text);
    w.EndObject();
  }
  w.EndObject();
  return Finish(buf);
}

std::string SerializeTags(const std::map<std::string, std::string>& tags) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  w.Key("Tags");
  w.StartObject();
  for (const auto& [k, v] : tags) {
    WriteString(w, k);
    WriteString(w, v);
  }
  w.EndObject();
  w.EndObject();
  return Finish(buf);
}

std::string SerializeControlError(const WireError& error) {
  return SerializeErrorBody(error, "com.amazonaws.qldb#");
}

}  // namespace folio::protocol
