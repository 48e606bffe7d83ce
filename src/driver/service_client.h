// The signed transport shared by the session and control-plane clients: signs each request
// with SigV4 (service "qldb") and turns non-2xx responses into DriverError statuses
// (driver/errors.h).
//
// Thread safety: ServiceClient is safe to share between threads.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "driver/http_client.h"
#include "driver/sigv4_signer.h"

namespace folio::driver {

inline constexpr std::string_view kDefaultEndpoint = "http://127.0.0.1:8777";

struct ServiceConfig {
  std::string endpoint{kDefaultEndpoint};  // Default: the local `folio serve`
  std::string region = "us-east-1";        // Default: us-east-1 (any region is accepted)
  Credentials credentials;                 // Default: empty (only for `folio serve --no-auth`)
  HttpOptions http;
};

class ServiceClient {
 public:
  // Errors: kInvalidArgument for a bad endpoint or CA file.
  static Result<std::shared_ptr<ServiceClient>> Create(const ServiceConfig& config);

  // Signs and sends; returns the body of a 2xx response. Errors: a DriverError status for a
  // service error, kIOError for transport failures.
  Result<std::string> Call(std::string_view method, std::string_view target, HeaderList headers,
                           std::string_view body);

  // Call's two halves, for callers that run their own transport (folio bench's event loop):
  // Sign adds Host, X-Amz-Date and the SigV4 Authorization to `headers`; ResponseBody reads a
  // response as Call does (the body of a 2xx, else the service's error as a DriverError).
  void Sign(std::string_view method, std::string_view target, HeaderList& headers,
            std::string_view body);
  static Result<std::string> ResponseBody(HttpResponse response);
  // The Host header value requests carry.
  const std::string& host_header() const { return host_header_; }

  const ServiceConfig& config() const { return config_; }

  // Test hook: the clock used for signing. Default: the system clock.
  void set_clock(std::function<std::chrono::system_clock::time_point()> clock) {
    clock_ = std::move(clock);
  }

 private:
  ServiceClient(ServiceConfig config, std::unique_ptr<HttpClient> http)
      : config_(std::move(config)),
        http_(std::move(http)),
        host_header_(http_->endpoint().HostHeader()) {}
  ServiceConfig config_;
  std::unique_ptr<HttpClient> http_;
  SigningKeyCache signing_keys_;
  std::string host_header_;  // http_->endpoint().HostHeader()
  std::function<std::chrono::system_clock::time_point()> clock_;
};

}  // namespace folio::driver
