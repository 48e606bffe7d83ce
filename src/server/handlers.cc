#include "server/handlers.h"

#include <ctime>
#include <optional>
#include <variant>

#include "common/await.h"
#include "common/bytes.h"
#include "ion/ion.h"
#include "protocol/control_api.h"
#include "protocol/session_api.h"

namespace folio::server {

using protocol::WireError;

namespace {

constexpr std::string_view kLedgerResource = "LEDGER";

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

int64_t MillisSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               start)
      .count();
}

protocol::LedgerDescription Describe(const engine::LedgerInfo& info) {
  return {info.name,
          info.arn,
          info.state,
          info.creation_epoch_seconds,
          info.permissions_mode,
          info.deletion_protection};
}

std::string TipIonText(const engine::BlockAddress& a) {
  return "{strandId:\"" + a.strand_id + "\",sequenceNo:" + std::to_string(a.sequence_no) + "}";
}

// Parses `{strandId:"...", sequenceNo:N}` from client-supplied Ion text.
Result<engine::BlockAddress> ParseBlockAddress(std::string_view text, std::string_view member) {
  auto v = ion::ReadOneText(text);
  if (!v.ok()) {
    return Status::InvalidArgument(std::string(member) + " is not valid Ion text: " +
                                   v.status().message());
  }
  if (v->type() != ion::Type::kStruct || v->is_null()) {
    return Status::InvalidArgument(std::string(member) +
                                   " must be an Ion struct {strandId:\"...\", sequenceNo:N}");
  }
  const ion::Value* strand = v->Get("strandId");
  const ion::Value* seq = v->Get("sequenceNo");
  if (strand == nullptr || strand->is_null() || !strand->is_text()) {
    return Status::InvalidArgument(std::string(member) + ".strandId must be a string");
  }
  if (seq == nullptr || seq->is_null() || seq->type() != ion::Type::kInt) {
    return Status::InvalidArgument(std::string(member) + ".sequenceNo must be an integer");
  }
  auto n = seq->as_int().ToInt64();
  if (!n || *n < 0) {
    return Status::InvalidArgument(std::string(member) + ".sequenceNo must be a non-negative integer");
  }
  engine::BlockAddress a;
  a.strand_id = std::string(strand->text());
  a.sequence_no = static_cast<uint64_t>(*n);
  return a;
}

std::string ProofIonText(const std::vector<Hash256>& proof) {
  ion::Value::Elements elements;
  elements.reserve(proof.size());
  for (const Hash256& h : proof) elements.push_back(ion::Value::Blob(Bytes(h.begin(), h.end())));
  return ion::WriteText(ion::Value::List(std::move(elements)));
}

Result<std::vector<ion::Value>> DecodeParameters(
    const std::vector<protocol::IonParameter>& params) {
  std::vector<ion::Value> out;
  out.reserve(params.size());
  for (size_t i = 0; i < params.size(); ++i) {
    const auto& p = params[i];
    std::string where = "ExecuteStatement.Parameters[" + std::to_string(i) + "]";
    Result<std::vector<ion::Value>> values =
        p.ion_binary ? ion::ReadBinary(*p.ion_binary) : ion::ReadText(*p.ion_text);
    if (!values.ok()) {
      return Status::InvalidArgument(where + (p.ion_binary ? ".IonBinary" : ".IonText") +
                                     " is not valid Ion: " + values.status().message());
    }
    if (values->size() != 1) {
      return Status::InvalidArgument(where + " must hold exactly one Ion value (got " +
                                     std::to_string(values->size()) + ")");
    }
    out.push_back(std::move(values->front()));
  }
  return out;
}

protocol::ResultPage EncodePage(PageOut& page) {
  protocol::ResultPage out;
  out.values.reserve(page.values.size());
  for (const ion::Value& v : page.values) out.values.push_back(ion::WriteBinary(v));
  out.next_page_token = std::move(page.next_page_token);
  return out;
}

}  // namespace

std::string HttpDate(std::chrono::system_clock::time_point t) {
  time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday],
                tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buf;
}

Service::Service(engine::Engine* engine, ServiceOptions options, Metrics* metrics,
                 std::function<std::chrono::system_clock::time_point()> wall_clock,
                 Clock steady_clock)
    : engine_(engine),
      options_(std::move(options)),
      metrics_(metrics),
      wall_clock_(wall_clock ? std::move(wall_clock)
                             : [] { return std::chrono::system_clock::now(); }),
      sessions_(engine, options_.sessions, steady_clock) {
  if (options_.max_session_requests_per_second > 0) {
    rate_limiter_ = std::make_unique<RateLimiter>(options_.max_session_requests_per_second,
                                                  options_.max_session_requests_per_second,
                                                  std::move(steady_clock));
  }
}

HttpResponse Service::SessionError(const WireError& e, std::string_view operation) {
  HttpResponse r;
  r.status = e.http_status;
  r.headers.emplace_back("Content-Type", std::string(protocol::kSessionContentType));
  r.headers.emplace_back("x-amzn-ErrorType", std::string(e.type));
  r.body = protocol::SerializeSessionError(e);
  r.operation = std::string(operation);
  r.error_type = std::string(e.type);
  return r;
}

HttpResponse Service::ControlError(const WireError& e, std::string_view operation) {
  HttpResponse r;
  r.status = e.http_status;
  r.headers.emplace_back("Content-Type", "application/json");
  r.headers.emplace_back("x-amzn-ErrorType", std::string(e.type));
  r.body = protocol::SerializeControlError(e);
  r.operation = std::string(operation);
  r.error_type = std::string(e.type);
  return r;
}

HttpResponse Service::Handle(const HttpRequest& request, std::string_view request_id) {
  // A commit completes on an engine thread: wait for it here (a handler-pool thread).
  return AwaitCallback<HttpResponse>(
      [&](auto deliver) { HandleAsync(request, request_id, std::move(deliver)); });
}

void Service::HandleAsync(const HttpRequest& request, std::string_view request_id,
                          ResponseCallback done) {
  auto start = std::chrono::steady_clock::now();
  auto finish = [this, start, request_id = std::string(request_id),
                 done = std::move(done)](HttpResponse response) mutable {
    response.headers.emplace_back("x-amzn-RequestId", std::move(request_id));
    response.headers.emplace_back("Date", HttpDate(wall_clock_()));
    metrics_->ObserveRequest(response.operation, response.status, SecondsSince(start));
    done(std::move(response));
  };
  std::string_view path = std::string_view(request.target).substr(0, request.target.find('?'));
  auto amz_target = FindHeader(request.headers, "x-amz-target");

  if (path == "/metrics" && request.method == "GET" && !amz_target) {
    HttpResponse response;
    response.operation = "Metrics";
    response.headers.emplace_back("Content-Type", "text/plain; version=0.0.4");
    response.body = metrics_->Render(sessions_.active_sessions());
    finish(std::move(response));
    return;
  }
  bool rest_json = !amz_target.has_value();
  std::string caller;
  if (options_.auth_enabled) {
    SignedRequestView view{request.method, request.target, &request.headers, request.body};
    AuthOutcome outcome = VerifySigV4(view, options_.credentials, wall_clock_(), options_.verify);
    if (outcome.failure) {
      WireError e = protocol::AuthError(outcome.failure->kind, outcome.failure->message, rest_json);
      finish(rest_json ? ControlError(e, "Auth") : SessionError(e, "Auth"));
      return;
    }
    caller = outcome.access_key_id.value_or("");
  }
  if (!rest_json && rate_limiter_ && !rate_limiter_->TryAcquire(caller)) {
    finish(SessionError(protocol::SessionRateExceeded("Rate exceeded"), "SendCommand"));
    return;
  }
  if (rest_json) {
    finish(HandleControl(request));
  } else {
    HandleSession(request, std::move(finish));
  }
}

bool Service::MayBlock(const HttpRequest& request) {
  if (FindHeader(request.headers, "x-amz-target")) return false;  // commits complete async
  return !(request.method == "GET" && request.target.rfind("/metrics", 0) == 0);
}

void Service::HandleSession(const HttpRequest& request, ResponseCallback done) {
  auto start = std::chrono::steady_clock::now();
  auto target = FindHeader(request.headers, "x-amz-target");
  if (request.method != "POST" || *target != protocol::kSessionTarget) {
    done(SessionError(protocol::UnknownOperation("Unknown operation: X-Amz-Target '" +
                                                     target->substr(0, 100) + "' with " +
                                                     request.method +
                                                     " (expected POST QLDBSession.SendCommand)",
                                                 false),
                      "Unknown"));
    return;
  }
  auto parsed = protocol::ParseSendCommand(request.body);
  if (!parsed.ok()) {
    done(SessionError(protocol::SessionErrorFor(parsed.status()), "SendCommand"));
    return;
  }
  HandleSessionCommand(*parsed, start, std::move(done));
}

void Service::HandleSessionCommand(protocol::SendCommandRequest& req,
                                   std::chrono::steady_clock::time_point start,
                                   ResponseCallback done) {
  std::string_view op = protocol::CommandName(req.command);

  if (req.command != protocol::Command::kStartSession && !req.session_token) {
    return done(SessionError(protocol::SessionErrorFor(Status::InvalidArgument(
                                 "SessionToken is required for " + std::string(op))),
                             op));
  }
  const std::string& token = req.session_token ? *req.session_token : std::string();
  auto fail = [this, command = req.command, op](const Status& st) {
    if (st.code() == StatusCode::kLimitExceeded &&
        (command == protocol::Command::kStartSession ||
         command == protocol::Command::kStartTransaction)) {
      return SessionError(protocol::SessionLimitExceeded(st.message()), op);
    }
    if (st.code() == StatusCode::kConflict) metrics_->CountOccConflict();
    return SessionError(protocol::SessionErrorFor(st), op);
  };
  auto succeed = [start, op](protocol::SendCommandResult& result) {
    result.processing_time_ms = MillisSince(start);
    HttpResponse response;
    response.operation = std::string(op);
    response.headers.emplace_back("Content-Type", std::string(protocol::kSessionContentType));
    response.body = protocol::SerializeSendCommandResult(result);
    return response;
  };

  protocol::SendCommandResult result;
  result.command = req.command;
  switch (req.command) {
    case protocol::Command::kStartSession: {
      auto r = sessions_.StartSession(req.ledger_name);
      if (!r.ok()) return done(fail(r.status()));
      result.session_token = *std::move(r);
      break;
    }
    case protocol::Command::kStartTransaction: {
      auto r = sessions_.StartTransaction(token);
      if (!r.ok()) return done(fail(r.status()));
      result.transaction_id = *std::move(r);
      break;
    }
    case protocol::Command::kExecuteStatement: {
      auto params = DecodeParameters(req.parameters);
      if (!params.ok()) return done(fail(params.status()));
      auto r = sessions_.ExecuteStatement(token, req.transaction_id, req.statement, *params);
      if (!r.ok()) return done(fail(r.status()));
      result.page = EncodePage(*r);
      result.read_ios = r->read_ios;
      result.write_ios = r->write_ios;
      break;
    }
    case protocol::Command::kFetchPage: {
      auto r = sessions_.FetchPage(token, req.transaction_id, req.next_page_token);
      if (!r.ok()) return done(fail(r.status()));
      result.page = EncodePage(*r);
      break;
    }
    case protocol::Command::kCommitTransaction: {
      // Answered later, from the engine's writer thread; the committed transaction (in
      // keep_alive) travels with the response to the I/O thread that writes it.
      result.transaction_id = req.transaction_id;
      return sessions_.CommitTransactionAsync(
          token, req.transaction_id, req.commit_digest,
          [this, fail, succeed, result = std::move(result), done = std::move(done)](
              Result<engine::CommitResult> r, std::shared_ptr<void> keep_alive) mutable {
            HttpResponse response;
            if (!r.ok()) {
              response = fail(r.status());
            } else {
              metrics_->CountCommit();
              result.commit_digest = r->commit_digest;
              result.read_ios = r->read_ios;
              result.write_ios = r->write_ios;
              response = succeed(result);
            }
            response.keep_alive = std::move(keep_alive);
            done(std::move(response));
          });
    }
    case protocol::Command::kAbortTransaction: {
      Status st = sessions_.AbortTransaction(token);
      if (!st.ok()) return done(fail(st));
      break;
    }
    case protocol::Command::kEndSession: {
      Status st = sessions_.EndSession(token);
      if (!st.ok()) return done(fail(st));
      break;
    }
  }
  done(succeed(result));
}

HttpResponse Service::HandleControl(const HttpRequest& request) {
  auto parsed = protocol::ParseControlRequest(request.method, request.target, request.body);
  if (auto* e = std::get_if<WireError>(&parsed)) return ControlError(*e, "Unknown");
  const protocol::ControlRequest& req = std::get<protocol::ControlRequest>(parsed);
  std::string_view op = protocol::ControlOpName(req.op);
  auto fail = [&](const Status& st, std::string_view name) {
    return ControlError(protocol::ControlErrorFor(st, kLedgerResource, name), op);
  };
  auto ok = [&](std::string body) {
    HttpResponse r;
    r.operation = std::string(op);
    r.headers.emplace_back("Content-Type", "application/json");
    r.body = std::move(body);
    return r;
  };
  auto check_kms = [&]() -> std::optional<HttpResponse> {
    if (req.kms_key && *req.kms_key != protocol::kAwsOwnedKmsKey) {
      return ControlError(protocol::InvalidParameter(
                              "Customer managed KMS keys need AWS KMS, which this server does not "
                              "provide; omit KmsKey or use AWS_OWNED_KMS_KEY",
                              "KmsKey"),
                          op);
    }
    return std::nullopt;
  };

  if (protocol::NeedsAwsService(req.op)) {
    bool kinesis = req.op >= protocol::ControlOp::kStreamJournalToKinesis;
    return ControlError(
        protocol::InvalidParameter(
            std::string(op) + " is not supported: it needs " +
                (kinesis ? "Amazon Kinesis Data Streams" : "Amazon S3") +
                ", which this server does not provide. Use GetBlock/GetRevision/GetDigest or "
                "the history() function to read the journal.",
            ""),
        op);
  }

  switch (req.op) {
    case protocol::ControlOp::kCreateLedger: {
      if (auto e = check_kms()) return *e;
      engine::CreateLedgerParams params;
      params.name = req.name;
      params.permissions_mode = req.permissions_mode;
      params.deletion_protection = req.deletion_protection.value_or(true);
      params.tags = req.tags;
      auto r = engine_->CreateLedger(params);
      if (!r.ok()) return fail(r.status(), req.name);
      return ok(protocol::SerializeCreateLedger(Describe(*r)));
    }
    case protocol::ControlOp::kDescribeLedger: {
      auto r = engine_->DescribeLedger(req.name);
      if (!r.ok()) return fail(r.status(), req.name);
      return ok(protocol::SerializeDescribeLedger(Describe(*r)));
    }
    case protocol::ControlOp::kListLedgers: {
      std::vector<engine::LedgerInfo> all = engine_->ListLedgers();
      std::string after;
      if (req.next_token) {
        auto decoded = Base64Decode(*req.next_token);
        if (!decoded.ok()) {
          return ControlError(protocol::InvalidParameter("Invalid NextToken", "NextToken"), op);
        }
        after = std::string(AsStringView(*decoded));
      }
      size_t limit = static_cast<size_t>(req.max_results.value_or(100));
      std::vector<protocol::LedgerDescription> page;
      std::optional<std::string> next;
      for (const auto& info : all) {
        if (!after.empty() && info.name <= after) continue;
        if (page.size() == limit) {
          next = Base64Encode(AsSpan(page.back().name));
          break;
        }
        page.push_back(Describe(info));
      }
      return ok(protocol::SerializeListLedgers(page, next));
    }
    case protocol::ControlOp::kUpdateLedger: {
      if (auto e = check_kms()) return *e;
      auto r = engine_->UpdateLedger(req.name, req.deletion_protection);
      if (!r.ok()) return fail(r.status(), req.name);
      return ok(protocol::SerializeUpdateLedger(Describe(*r)));
    }
    case protocol::ControlOp::kUpdateLedgerPermissionsMode: {
      auto r = engine_->DescribeLedger(req.name);
      if (!r.ok()) return fail(r.status(), req.name);
      if (r->permissions_mode != req.permissions_mode) {
        return ControlError(
            protocol::InvalidParameter("Changing the permissions mode of an existing ledger is not "
                                       "supported by this server (ledger " + req.name + " is " +
                                           r->permissions_mode + ")",
                                       "PermissionsMode"),
            op);
      }
      return ok(protocol::SerializeUpdateLedgerPermissionsMode(Describe(*r)));
    }
    case protocol::ControlOp::kDeleteLedger: {
      Status st = engine_->DeleteLedger(req.name);
      if (!st.ok()) return fail(st, req.name);
      return ok("");
    }
    case protocol::ControlOp::kGetDigest: {
      auto r = engine_->GetDigest(req.name);
      if (!r.ok()) return fail(r.status(), req.name);
      return ok(protocol::SerializeGetDigest(r->digest, TipIonText(r->tip)));
    }
    case protocol::ControlOp::kGetBlock:
    case protocol::ControlOp::kGetRevision: {
      auto address = ParseBlockAddress(req.block_address, "BlockAddress");
      if (!address.ok()) {
        return ControlError(protocol::InvalidParameter(address.status().message(), "BlockAddress"),
                            op);
      }
      std::optional<engine::BlockAddress> tip;
      if (req.digest_tip) {
        auto t = ParseBlockAddress(*req.digest_tip, "DigestTipAddress");
        if (!t.ok()) {
          return ControlError(
              protocol::InvalidParameter(t.status().message(), "DigestTipAddress"), op);
        }
        tip = *t;
      }
      bool block = req.op == protocol::ControlOp::kGetBlock;
      auto r = block ? engine_->GetBlock(req.name, *address, tip)
                     : engine_->GetRevision(req.name, *address, req.document_id, tip);
      if (!r.ok()) return fail(r.status(), req.name);
      std::optional<std::string> proof;
      if (r->proof) proof = ProofIonText(*r->proof);
      return ok(protocol::SerializeProvenValue(block ? "Block" : "Revision",
                                               ion::WriteText(r->value), proof));
    }
    case protocol::ControlOp::kTagResource: {
      Status st = engine_->TagResource(req.resource_arn, req.tags);
      if (!st.ok()) return fail(st, req.resource_arn);
      return ok("{}");
    }
    case protocol::ControlOp::kUntagResource: {
      Status st = engine_->UntagResource(req.resource_arn, req.tag_keys);
      if (!st.ok()) return fail(st, req.resource_arn);
      return ok("{}");
    }
    case protocol::ControlOp::kListTagsForResource: {
      auto r = engine_->ListTags(req.resource_arn);
      if (!r.ok()) return fail(r.status(), req.resource_arn);
      return ok(protocol::SerializeTags(*r));
    }
    default:
      break;
  }
  return ControlError(protocol::UnknownOperation("Unsupported operation", true), op);
}

}  // namespace folio::server
