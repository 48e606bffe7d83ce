#include "protocol/session_api.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>

#include "protocol/json_util.h"

namespace folio::protocol {
namespace {

using rapidjson::Value;

struct CommandSpec {
  std::string_view name;
  Command command;
};
constexpr CommandSpec kCommands[] = {
    {"StartSession", Command::kStartSession},
    {"StartTransaction", Command::kStartTransaction},
    {"ExecuteStatement", Command::kExecuteStatement},
    {"FetchPage", Command::kFetchPage},
    {"CommitTransaction", Command::kCommitTransaction},
    {"AbortTransaction", Command::kAbortTransaction},
    {"EndSession", Command::kEndSession},
};

Status Bad(std::string m) { return Status::InvalidArgument(std::move(m)); }

Status CheckToken(std::string_view member, std::string_view v) {
  if (v.size() < kMinTokenLength || v.size() > kMaxTokenLength) {
    return Bad(std::string(member) + " must be between 4 and 1024 characters long");
  }
  if (!IsTokenAlphabet(v)) {
    return Bad(std::string(member) + " must match the pattern ^[A-Za-z-0-9+/=]+$");
  }
  return Status::OK();
}

Status CheckTransactionId(std::string_view member, std::string_view v) {
  if (v.size() != kTransactionIdLength || !IsIdAlphabet(v)) {
    return Bad(std::string(member) + " must be exactly 22 characters from [A-Za-z0-9-]");
  }
  return Status::OK();
}

// Every member of `obj` must be in `allowed`; a member whose value is null counts as absent.
Status CheckMembers(const Value& obj, std::string_view where,
                    std::initializer_list<std::string_view> allowed) {
  for (auto it = obj.MemberBegin(); it != obj.MemberEnd(); ++it) {
    std::string_view name(it->name.GetString(), it->name.GetStringLength());
    bool ok = false;
    for (auto a : allowed) ok = ok || a == name;
    if (!ok) return Bad("Unknown member '" + std::string(name) + "' in " + std::string(where));
  }
  return CheckNoDuplicateMembers(obj, where);
}

Result<std::string> RequiredString(const Value& obj, std::string_view cmd, const char* member) {
  FOLIO_ASSIGN_OR_RETURN(auto s, OptionalString(obj, member, cmd));
  if (!s) return Bad(std::string(cmd) + "." + member + " is required");
  return *std::move(s);
}

Status ParseParameters(const Value& cmd, SendCommandRequest& out) {
  auto it = cmd.FindMember("Parameters");
  if (it == cmd.MemberEnd() || it->value.IsNull()) return Status::OK();
  if (!it->value.IsArray()) return Bad("ExecuteStatement.Parameters must be a list");
  size_t index = 0;
  for (const Value& holder : it->value.GetArray()) {
    std::string where = "ExecuteStatement.Parameters[" + std::to_string(index++) + "]";
    if (!holder.IsObject()) return Bad(where + " must be a ValueHolder structure");
    FOLIO_TRY(CheckMembers(holder, where, {"IonBinary", "IonText"}));
    FOLIO_ASSIGN_OR_RETURN(auto binary, OptionalString(holder, "IonBinary", where));
    FOLIO_ASSIGN_OR_RETURN(auto text, OptionalString(holder, "IonText", where));
    if (binary.has_value() == text.has_value()) {
      return Bad(where + " must set exactly one of IonBinary or IonText");
    }
    IonParameter p;
    if (binary) {
      auto bytes = Base64Decode(*binary);
      if (!bytes.ok()) return Bad(where + ".IonBinary is not valid base64: " + bytes.status().message());
      if (bytes->empty() || bytes->size() > kMaxIonBinaryBytes) {
        return Bad(where + ".IonBinary must be between 1 and 131072 bytes");
      }
      p.ion_binary = *std::move(bytes);
    } else {
      size_t chars = Utf8Length(*text);
      if (chars < 1 || chars > kMaxIonTextChars) {
        return Bad(where + ".IonText must be between 1 and 1048576 characters");
      }
      p.ion_text = *std::move(text);
    }
    out.parameters.push_back(std::move(p));
  }
  return Status::OK();
}

Status ParseCommand(Command command, std::string_view name, const Value& cmd,
                    SendCommandRequest& out) {
  switch (command) {
    case Command::kStartSession: {
      FOLIO_TRY(CheckMembers(cmd, name, {"LedgerName"}));
      FOLIO_ASSIGN_OR_RETURN(out.ledger_name, RequiredString(cmd, name, "LedgerName"));
      if (!IsValidLedgerName(out.ledger_name)) {
        return Bad("StartSession.LedgerName '" + out.ledger_name +
                   "' is invalid: 1-32 characters from [A-Za-z0-9-], not all digits, no "
                   "leading, trailing or double '-'");
      }
      return Status::OK();
    }
    case Command::kStartTransaction:
    case Command::kAbortTransaction:
    case Command::kEndSession:
      return CheckMembers(cmd, name, {});
    case Command::kExecuteStatement: {
      FOLIO_TRY(CheckMembers(cmd, name, {"TransactionId", "Statement", "Parameters"}));
      FOLIO_ASSIGN_OR_RETURN(out.transaction_id, RequiredString(cmd, name, "TransactionId"));
      FOLIO_TRY(CheckTransactionId("ExecuteStatement.TransactionId", out.transaction_id));
      FOLIO_ASSIGN_OR_RETURN(out.statement, RequiredString(cmd, name, "Statement"));
      size_t chars = Utf8Length(out.statement);
      if (chars < 1 || chars > kMaxStatementLength) {
        return Bad("ExecuteStatement.Statement must be between 1 and 100000 characters (got " +
                   std::to_string(chars) + ")");
      }
      return ParseParameters(cmd, out);
    }
    case Command::kFetchPage: {
      FOLIO_TRY(CheckMembers(cmd, name, {"TransactionId", "NextPageToken"}));
      FOLIO_ASSIGN_OR_RETURN(out.transaction_id, RequiredString(cmd, name, "TransactionId"));
      FOLIO_TRY(CheckTransactionId("FetchPage.TransactionId", out.transaction_id));
      FOLIO_ASSIGN_OR_RETURN(out.next_page_token, RequiredString(cmd, name, "NextPageToken"));
      return CheckToken("FetchPage.NextPageToken", out.next_page_token);
    }
    case Command::kCommitTransaction: {
      FOLIO_TRY(CheckMembers(cmd, name, {"TransactionId", "CommitDigest"}));
      FOLIO_ASSIGN_OR_RETURN(out.transaction_id, RequiredString(cmd, name, "TransactionId"));
      FOLIO_TRY(CheckTransactionId("CommitTransaction.TransactionId", out.transaction_id));
      FOLIO_ASSIGN_OR_RETURN(auto digest64, RequiredString(cmd, name, "CommitDigest"));
      auto digest = Base64Decode(digest64);
      if (!digest.ok()) {
        return Bad("CommitTransaction.CommitDigest is not valid base64: " +
                   digest.status().message());
      }
      if (digest->size() != out.commit_digest.size()) {
        return Bad("CommitTransaction.CommitDigest must be 32 bytes (got " +
                   std::to_string(digest->size()) + ")");
      }
      std::copy(digest->begin(), digest->end(), out.commit_digest.begin());
      return Status::OK();
    }
  }
  return Bad("unknown command");
}

void WriteTiming(JsonWriter& w, int64_t ms) {
  w.Key("TimingInformation");
  w.StartObject();
  w.Key("ProcessingTimeMilliseconds");
  w.Int64(ms);
  w.EndObject();
}

void WriteIOs(JsonWriter& w, int64_t reads, int64_t writes) {
  w.Key("ConsumedIOs");
  w.StartObject();
  w.Key("ReadIOs");
  w.Int64(reads);
  w.Key("WriteIOs");
  w.Int64(writes);
  w.EndObject();
}

void WritePage(JsonWriter& w, const char* key, const ResultPage& page) {
  w.Key(key);
  w.StartObject();
  w.Key("Values");
  w.StartArray();
  for (const Bytes& v : page.values) {
    w.StartObject();
    w.Key("IonBinary");
    WriteString(w, Base64Encode(v));
    w.EndObject();
  }
  w.EndArray();
  if (page.next_page_token) {
    w.Key("NextPageToken");
    WriteString(w, *page.next_page_token);
  }
  w.EndObject();
}

}  // namespace

std::string_view CommandName(Command c) {
  for (const auto& spec : kCommands) {
    if (spec.command == c) return spec.name;
  }
  return "Unknown";
}

bool IsTokenAlphabet(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '+' || c == '/' || c == '=' || c == '-';
    if (!ok) return false;
  }
  return true;
}

bool IsIdAlphabet(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-';
    if (!ok) return false;
  }
  return true;
}

bool IsValidLedgerName(std::string_view name) {
  if (name.empty() || name.size() > kMaxLedgerNameLength) return false;
  bool all_digits = true;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alnum && c != '-') return false;
    if (c < '0' || c > '9') all_digits = false;
    if (c == '-' && i + 1 < name.size() && name[i + 1] == '-') return false;
  }
  return !all_digits && name.front() != '-' && name.back() != '-';
}

Result<SendCommandRequest> ParseSendCommand(std::string_view body) {
  rapidjson::Document doc;
  FOLIO_TRY(ParseJson(body, doc));
  if (!doc.IsObject()) return Bad("The request body must be a JSON object");
  FOLIO_TRY(CheckNoDuplicateMembers(doc, "SendCommand"));

  SendCommandRequest out;
  const CommandSpec* found = nullptr;
  for (auto it = doc.MemberBegin(); it != doc.MemberEnd(); ++it) {
    std::string_view name(it->name.GetString(), it->name.GetStringLength());
    if (name == "SessionToken") continue;
    const CommandSpec* spec = nullptr;
    for (const auto& s : kCommands) {
      if (s.name == name) spec = &s;
    }
    if (spec == nullptr) return Bad("Unknown member '" + std::string(name) + "' in SendCommand");
    if (it->value.IsNull()) continue;
    if (found != nullptr) {
      return Bad("SendCommand must contain exactly one command, got both " +
                 std::string(found->name) + " and " + std::string(name));
    }
    if (!it->value.IsObject()) return Bad(std::string(name) + " must be a structure");
    found = spec;
  }
  if (found == nullptr) {
    return Bad("SendCommand must contain exactly one command (StartSession, StartTransaction, "
               "ExecuteStatement, FetchPage, CommitTransaction, AbortTransaction or EndSession)");
  }
  FOLIO_ASSIGN_OR_RETURN(out.session_token, OptionalString(doc, "SessionToken", "SendCommand"));
  if (out.session_token) FOLIO_TRY(CheckToken("SessionToken", *out.session_token));
  out.command = found->command;
  const Value& cmd =
      doc.FindMember(rapidjson::StringRef(found->name.data(), found->name.size()))->value;
  FOLIO_TRY(ParseCommand(found->command, found->name, cmd, out));
  return out;
}

std::string SerializeSendCommandResult(const SendCommandResult& r) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  std::string_view name = CommandName(r.command);
  w.Key(name.data(), static_cast<rapidjson::SizeType>(name.size()));
  w.StartObject();
  switch (r.command) {
    case Command::kStartSession:
      w.Key("SessionToken");
      WriteString(w, r.session_token);
      break;
    case Command::kStartTransaction:
      w.Key("TransactionId");
      WriteString(w, r.transaction_id);
      break;
    case Command::kExecuteStatement:
      WritePage(w, "FirstPage", r.page);
      WriteIOs(w, r.read_ios, r.write_ios);
      break;
    case Command::kFetchPage:
      WritePage(w, "Page", r.page);
      WriteIOs(w, r.read_ios, r.write_ios);
      break;
    case Command::kCommitTransaction:
      w.Key("TransactionId");
      WriteString(w, r.transaction_id);
      w.Key("CommitDigest");
      WriteString(w, Base64Encode(r.commit_digest));
      WriteIOs(w, r.read_ios, r.write_ios);
      break;
    case Command::kAbortTransaction:
    case Command::kEndSession:
      break;
  }
  WriteTiming(w, r.processing_time_ms);
  w.EndObject();
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

std::string SerializeSessionError(const WireError& e) {
  return SerializeErrorBody(e, "com.amazonaws.qldbsession#");
}

}  // namespace folio::protocol
