#include "driver/session_client.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstddef>

#include "common/bytes.h"
#include "driver/qldb_hash.h"
#include "ion/ion.h"

namespace folio::driver {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

// Responses are parsed in place (the response string is ours) into a document whose first
// allocations come from stack buffers.
using PoolAllocator = rapidjson::MemoryPoolAllocator<rapidjson::CrtAllocator>;
using Document = rapidjson::GenericDocument<rapidjson::UTF8<>, PoolAllocator, PoolAllocator>;

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

// `result` is the command's result member (an object).
Result<Page> ParsePage(const rapidjson::Value& result, const char* page_member) {
  if (!result.HasMember(page_member) || !result[page_member].IsObject()) {
    return Malformed(std::string(page_member) + " is missing");
  }
  const auto& page = result[page_member];
  Page out;
  out.usage = UsageOf(result);
  if (!page.HasMember("Values") || !page["Values"].IsArray()) return Malformed("Values is missing");
  out.values.reserve(page["Values"].Size());
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

Result<std::string> StringMember(const rapidjson::Value& result, const char* name) {
  if (!result.HasMember(name) || !result[name].IsString()) {
    return Malformed(std::string(name) + " is missing");
  }
  return std::string(result[name].GetString(), result[name].GetStringLength());
}

// {"SessionToken":..., "<command>": {...}} with the command's members written by `members`.
template <typename Members>
std::string CommandBody(std::string_view session_token, const char* command, Members members) {
  rapidjson::StringBuffer sb(nullptr, 1024);
  Writer w(sb);
  w.StartObject();
  if (!session_token.empty()) {
    w.Key("SessionToken");
    Str(w, session_token);
  }
  w.Key(command);
  w.StartObject();
  members(w);
  w.EndObject();
  w.EndObject();
  return std::string(sb.GetString(), sb.GetSize());
}

void NoMembers(Writer&) {}

// A SendCommand response body parsed in place; `Parse` returns the command's result member,
// which lives as long as the ResultDocument.
class ResultDocument {
 public:
  ResultDocument()
      : value_alloc_(value_buffer_, sizeof(value_buffer_)),
        stack_alloc_(stack_buffer_, sizeof(stack_buffer_)),
        doc_(&value_alloc_, sizeof(stack_buffer_), &stack_alloc_) {}

  Result<const rapidjson::Value*> Parse(std::string body, const char* command) {
    body_ = std::move(body);
    doc_.ParseInsitu(body_.data());
    if (doc_.HasParseError() || !doc_.IsObject()) return Malformed("not a JSON object");
    if (!doc_.HasMember(command) || !doc_[command].IsObject()) {
      return Malformed("the " + std::string(command) + " result member is missing");
    }
    return &doc_[command];
  }

 private:
  alignas(std::max_align_t) char value_buffer_[4096];
  alignas(std::max_align_t) char stack_buffer_[1024];
  PoolAllocator value_alloc_;
  PoolAllocator stack_alloc_;
  Document doc_;
  std::string body_;  // parsed in place: the document's strings point into it
};

}  // namespace

HeaderList SendCommandHeaders() {
  HeaderList headers;
  headers.reserve(6);
  headers.emplace_back("Content-Type", "application/x-amz-json-1.0");
  headers.emplace_back("X-Amz-Target", "QLDBSession.SendCommand");
  return headers;
}

std::string StartSessionRequest(std::string_view ledger) {
  return CommandBody("", "StartSession", [&](Writer& w) {
    w.Key("LedgerName");
    Str(w, ledger);
  });
}

std::string StartTransactionRequest(std::string_view session_token) {
  return CommandBody(session_token, "StartTransaction", NoMembers);
}

std::string ExecuteStatementRequest(std::string_view session_token,
                                    std::string_view transaction_id, std::string_view statement,
                                    std::span<const ion::Value> parameters) {
  return CommandBody(session_token, "ExecuteStatement", [&](Writer& w) {
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
  });
}

std::string FetchPageRequest(std::string_view session_token, std::string_view transaction_id,
                             std::string_view next_page_token) {
  return CommandBody(session_token, "FetchPage", [&](Writer& w) {
    w.Key("TransactionId");
    Str(w, transaction_id);
    w.Key("NextPageToken");
    Str(w, next_page_token);
  });
}

std::string CommitTransactionRequest(std::string_view session_token,
                                     std::string_view transaction_id, const Hash256& digest) {
  return CommandBody(session_token, "CommitTransaction", [&](Writer& w) {
    w.Key("TransactionId");
    Str(w, transaction_id);
    w.Key("CommitDigest");
    Str(w, Base64Encode(digest));
  });
}

std::string AbortTransactionRequest(std::string_view session_token) {
  return CommandBody(session_token, "AbortTransaction", NoMembers);
}

std::string EndSessionRequest(std::string_view session_token) {
  return CommandBody(session_token, "EndSession", NoMembers);
}

Result<std::string> ReadStartSessionResult(std::string body) {
  ResultDocument doc;
  FOLIO_ASSIGN_OR_RETURN(const rapidjson::Value* r, doc.Parse(std::move(body), "StartSession"));
  return StringMember(*r, "SessionToken");
}

Result<std::string> ReadStartTransactionResult(std::string body) {
  ResultDocument doc;
  FOLIO_ASSIGN_OR_RETURN(const rapidjson::Value* r,
                         doc.Parse(std::move(body), "StartTransaction"));
  return StringMember(*r, "TransactionId");
}

Result<Page> ReadExecuteStatementResult(std::string body) {
  ResultDocument doc;
  FOLIO_ASSIGN_OR_RETURN(const rapidjson::Value* r,
                         doc.Parse(std::move(body), "ExecuteStatement"));
  return ParsePage(*r, "FirstPage");
}

Result<Page> ReadFetchPageResult(std::string body) {
  ResultDocument doc;
  FOLIO_ASSIGN_OR_RETURN(const rapidjson::Value* r, doc.Parse(std::move(body), "FetchPage"));
  return ParsePage(*r, "Page");
}

Result<Hash256> ReadCommitTransactionResult(std::string body) {
  ResultDocument doc;
  FOLIO_ASSIGN_OR_RETURN(const rapidjson::Value* r,
                         doc.Parse(std::move(body), "CommitTransaction"));
  auto echoed = StringMember(*r, "CommitDigest");
  if (!echoed.ok()) return Malformed("CommitTransaction returned no CommitDigest");
  auto bytes = Base64Decode(*echoed);
  if (!bytes.ok()) return Malformed("CommitDigest is not base64");
  auto h = ToHash256(*bytes, "CommitDigest");
  if (!h.ok()) return Malformed(h.status().message());
  return *h;
}

Status ReadEmptyResult(std::string body, const char* command) {
  ResultDocument doc;
  return doc.Parse(std::move(body), command).status();
}

Result<std::string> SessionClient::Send(std::string body) {
  return service_->Call("POST", "/", SendCommandHeaders(), body);
}

Result<std::string> SessionClient::StartSession(std::string_view ledger) {
  FOLIO_ASSIGN_OR_RETURN(std::string body, Send(StartSessionRequest(ledger)));
  return ReadStartSessionResult(std::move(body));
}

Result<std::string> SessionClient::StartTransaction(std::string_view session_token) {
  FOLIO_ASSIGN_OR_RETURN(std::string body, Send(StartTransactionRequest(session_token)));
  return ReadStartTransactionResult(std::move(body));
}

Result<Page> SessionClient::ExecuteStatement(std::string_view session_token,
                                             std::string_view transaction_id,
                                             std::string_view statement,
                                             std::span<const ion::Value> parameters) {
  FOLIO_ASSIGN_OR_RETURN(
      std::string body,
      Send(ExecuteStatementRequest(session_token, transaction_id, statement, parameters)));
  return ReadExecuteStatementResult(std::move(body));
}

Result<Page> SessionClient::FetchPage(std::string_view session_token,
                                      std::string_view transaction_id,
                                      std::string_view next_page_token) {
  FOLIO_ASSIGN_OR_RETURN(std::string body,
                         Send(FetchPageRequest(session_token, transaction_id, next_page_token)));
  return ReadFetchPageResult(std::move(body));
}

Result<Hash256> SessionClient::CommitTransaction(std::string_view session_token,
                                                 std::string_view transaction_id,
                                                 const Hash256& digest) {
  FOLIO_ASSIGN_OR_RETURN(std::string body,
                         Send(CommitTransactionRequest(session_token, transaction_id, digest)));
  return ReadCommitTransactionResult(std::move(body));
}

Status SessionClient::AbortTransaction(std::string_view session_token) {
  FOLIO_ASSIGN_OR_RETURN(std::string body, Send(AbortTransactionRequest(session_token)));
  return ReadEmptyResult(std::move(body), "AbortTransaction");
}

Status SessionClient::EndSession(std::string_view session_token) {
  FOLIO_ASSIGN_OR_RETURN(std::string body, Send(EndSessionRequest(session_token)));
  return ReadEmptyResult(std::move(body), "EndSession");
}

}  // namespace folio::driver
