#include "driver/session_client.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "common/bytes.h"
#include "driver/qldb_hash.h"
#include "ion/ion.h"

namespace folio::driver {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void Str(Writer& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

Status Malformed(std::string_view what) {
  return Status::Corruption("malformed QLDB Session response: " + std::string(what));
}

int64_t IntMember(const rapidjson::Value& obj, const char* name, const char* inner) {
  if (!obj.IsObject() || !obj.HasMember(name) || !obj[name].IsObject()) return 0;
  const auto& o = obj[name];
  if (!o.HasMember(inner) || !o[inner].IsNumber()) return 0;
  return o[inner].IsInt64() ? o[inner].GetInt64() : static_cast<int64_t>(o[inner].GetDouble());
}

IoUsage UsageOf(const rapidjson::Value& result) {
  IoUsage u;
  u.read_ios = IntMember(result, "ConsumedIOs", "ReadIOs");
  u.write_ios = IntMember(result, "ConsumedIOs", "WriteIOs");
  u.processing_time_ms = IntMember(result, "TimingInformation", "ProcessingTimeMilliseconds");
  return u;
}

Result<Page> ParsePage(std::string_view json, const char* page_member) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) return Malformed("not a JSON object");
  if (!doc.HasMember(page_member) || !doc[page_member].IsObject()) {
    return Malformed(std::string(page_member) + " is missing");
  }
  const auto& page = doc[page_member];
  Page out;
  out.usage = UsageOf(doc);
  if (!page.HasMember("Values") || !page["Values"].IsArray()) return Malformed("Values is missing");
  for (const auto& holder : page["Values"].GetArray()) {
    if (!holder.IsObject()) return Malformed("a ValueHolder is not an object");
    if (holder.HasMember("IonBinary") && holder["IonBinary"].IsString()) {
      FOLIO_ASSIGN_OR_RETURN(Bytes bytes,
                             Base64Decode(std::string_view(holder["IonBinary"].GetString(),
                                                           holder["IonBinary"].GetStringLength())));
      auto v = ion::ReadOne(bytes);
      if (!v.ok()) return Malformed("IonBinary value: " + v.status().message());
      out.values.push_back(std::move(*v));
    } else if (holder.HasMember("IonText") && holder["IonText"].IsString()) {
      auto v = ion::ReadOneText(holder["IonText"].GetString());
      if (!v.ok()) return Malformed("IonText value: " + v.status().message());
      out.values.push_back(std::move(*v));
    } else {
      return Malformed("a ValueHolder has neither IonBinary nor IonText");
    }
  }
  if (page.HasMember("NextPageToken") && page["NextPageToken"].IsString() &&
      page["NextPageToken"].GetStringLength() > 0) {
    out.next_page_token = page["NextPageToken"].GetString();
  }
  return out;
}

Result<std::string> StringMember(std::string_view json, const char* name) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) return Malformed("not a JSON object");
  if (!doc.HasMember(name) || !doc[name].IsString()) {
    return Malformed(std::string(name) + " is missing");
  }
  return std::string(doc[name].GetString(), doc[name].GetStringLength());
}

}  // namespace

Result<std::string> SessionClient::Send(std::string_view session_token, std::string_view command,
                                        std::string_view command_json) {
  std::string body = "{";
  if (!session_token.empty()) {
    rapidjson::StringBuffer sb;
    Writer w(sb);
    Str(w, session_token);
    body += "\"SessionToken\":" + std::string(sb.GetString()) + ",";
  }
  body += "\"" + std::string(command) + "\":" + std::string(command_json) + "}";
  HeaderList headers = {{"Content-Type", "application/x-amz-json-1.0"},
                        {"X-Amz-Target", "QLDBSession.SendCommand"}};
  FOLIO_ASSIGN_OR_RETURN(std::string resp, service_->Call("POST", "/", std::move(headers), body));
  rapidjson::Document doc;
  doc.Parse(resp.data(), resp.size());
  if (doc.HasParseError() || !doc.IsObject()) return Malformed("not a JSON object");
  std::string member(command);
  if (!doc.HasMember(member.c_str()) || !doc[member.c_str()].IsObject()) {
    return Malformed("the " + member + " result member is missing");
  }
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  doc[member.c_str()].Accept(w);
  return std::string(sb.GetString(), sb.GetSize());
}

Result<std::string> SessionClient::StartSession(std::string_view ledger) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  w.Key("LedgerName");
  Str(w, ledger);
  w.EndObject();
  FOLIO_ASSIGN_OR_RETURN(std::string r, Send("", "StartSession", sb.GetString()));
  return StringMember(r, "SessionToken");
}

Result<std::string> SessionClient::StartTransaction(std::string_view session_token) {
  FOLIO_ASSIGN_OR_RETURN(std::string r, Send(session_token, "StartTransaction", "{}"));
  return StringMember(r, "TransactionId");
}

Result<Page> SessionClient::ExecuteStatement(std::string_view session_token,
                                             std::string_view transaction_id,
                                             std::string_view statement,
                                             std::span<const ion::Value> parameters) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  w.Key("Statement");
  Str(w, statement);
  w.Key("TransactionId");
  Str(w, transaction_id);
  w.Key("Parameters");
  w.StartArray();
  for (const ion::Value& p : parameters) {
    w.StartObject();
    w.Key("IonBinary");
    Str(w, Base64Encode(ion::WriteBinary(p)));
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  FOLIO_ASSIGN_OR_RETURN(std::string r, Send(session_token, "ExecuteStatement", sb.GetString()));
  return ParsePage(r, "FirstPage");
}

Result<Page> SessionClient::FetchPage(std::string_view session_token,
                                      std::string_view transaction_id,
                                      std::string_view next_page_token) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  w.Key("TransactionId");
  Str(w, transaction_id);
  w.Key("NextPageToken");
  Str(w, next_page_token);
  w.EndObject();
  FOLIO_ASSIGN_OR_RETURN(std::string r, Send(session_token, "FetchPage", sb.GetString()));
  return ParsePage(r, "Page");
}

Result<Hash256> SessionClient::CommitTransaction(std::string_view session_token,
                                                 std::string_view transaction_id,
                                                 const Hash256& digest) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  w.Key("TransactionId");
  Str(w, transaction_id);
  w.Key("CommitDigest");
  Str(w, Base64Encode(digest));
  w.EndObject();
  FOLIO_ASSIGN_OR_RETURN(std::string r, Send(session_token, "CommitTransaction", sb.GetString()));
  auto echoed = StringMember(r, "CommitDigest");
  if (!echoed.ok()) return Malformed("CommitTransaction returned no CommitDigest");
  auto bytes = Base64Decode(*echoed);
  if (!bytes.ok()) return Malformed("CommitDigest is not base64");
  auto h = ToHash256(*bytes, "CommitDigest");
  if (!h.ok()) return Malformed(h.status().message());
  return *h;
}

Status SessionClient::AbortTransaction(std::string_view session_token) {
  return Send(session_token, "AbortTransaction", "{}").status();
}

Status SessionClient::EndSession(std::string_view session_token) {
  return Send(session_token, "EndSession", "{}").status();
}

}  // namespace folio::driver
