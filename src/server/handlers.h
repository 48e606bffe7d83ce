// Request handling, independent of sockets: an HttpRequest in, an HttpResponse out.
//
// Dispatch: `GET /metrics` (Prometheus text, unauthenticated); requests carrying
// `X-Amz-Target` go to the QLDB Session API (AWS JSON 1.0, POST /); everything else is the
// control plane (rest-json under /ledgers, /tags, /journal-s3-exports). Every request except
// /metrics is SigV4-verified unless auth is disabled. Every response carries `Date` and
// `x-amzn-RequestId`; every error carries `x-amzn-ErrorType` plus a body `__type` and `Message`.
//
// Thread safety: Service::Handle is thread-safe (session state lives in SessionManager).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "engine/engine.h"
#include "protocol/errors.h"
#include "protocol/session_api.h"
#include "server/metrics.h"
#include "server/rate_limiter.h"
#include "server/session_manager.h"
#include "server/sigv4.h"

namespace folio::server {

struct HttpRequest {
  std::string method;   // "GET", "POST", ...
  std::string target;   // raw request target (path + optional query)
  HeaderList headers;
  std::string body;
};

struct HttpResponse {
  int status = 200;
  HeaderList headers;
  std::string body;
  std::string operation;   // for logs and metrics; not sent
  std::string error_type;  // set for errors; for logs
  // State that must be released on the I/O thread that writes the response (an asynchronously
  // committed transaction and its session), never on the engine thread that completed it.
  std::shared_ptr<void> keep_alive;
};

struct ServiceOptions {
  CredentialStore credentials;
  bool auth_enabled = true;      // Default: SigV4 required
  VerifyOptions verify;          // Default: service qldb, any region, +-5 min skew
  SessionOptions sessions;
  std::string region = "us-east-1";
  // Session API requests per second per caller (token bucket, burst of one second's worth);
  // over it: RateExceededException. 0: no limit.
  double max_session_requests_per_second = 0;  // Default: no limit
};

class Service {
 public:
  // `engine` and `metrics` must outlive the service. `wall_clock` (for SigV4 skew checks and
  // the Date header) defaults to system_clock::now; `steady_clock` drives session expiry.
  Service(engine::Engine* engine, ServiceOptions options, Metrics* metrics,
          std::function<std::chrono::system_clock::time_point()> wall_clock = {},
          Clock steady_clock = {});

  HttpResponse Handle(const HttpRequest& request, std::string_view request_id);

  // Handle without blocking on a commit: `done` runs exactly once, inline or (a session
  // CommitTransaction) later on an engine thread; it must hand the response to its own thread
  // (the response's keep_alive must not be released on the engine's thread).
  using ResponseCallback = std::function<void(HttpResponse)>;
  void HandleAsync(const HttpRequest& request, std::string_view request_id, ResponseCallback done);

  // Whether HandleAsync may block for long on durable I/O: control-plane requests (ledger
  // create/delete and the like). A cheap, conservative classification for the listener, which
  // runs these on its handler pool and everything else on its I/O threads (a session
  // CommitTransaction does not block: it completes on an engine thread).
  static bool MayBlock(const HttpRequest& request);

  SessionManager& sessions() { return sessions_; }

 private:
  void HandleSession(const HttpRequest& request, ResponseCallback done);
  void HandleSessionCommand(protocol::SendCommandRequest& req,
                            std::chrono::steady_clock::time_point start, ResponseCallback done);
  HttpResponse HandleControl(const HttpRequest& request);
  HttpResponse SessionError(const protocol::WireError& e, std::string_view operation);
  HttpResponse ControlError(const protocol::WireError& e, std::string_view operation);

  engine::Engine* engine_;
  ServiceOptions options_;
  Metrics* metrics_;
  std::function<std::chrono::system_clock::time_point()> wall_clock_;
  SessionManager sessions_;
  std::unique_ptr<RateLimiter> rate_limiter_;  // null: no limit
};

// RFC 7231 IMF-fixdate, e.g. "Sun, 06 Nov 1994 08:49:37 GMT".
std::string HttpDate(std::chrono::system_clock::time_point t);

}  // namespace folio::server
