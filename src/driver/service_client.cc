#include "driver/service_client.h"

#include "driver/errors.h"

namespace folio::driver {

Result<std::shared_ptr<ServiceClient>> ServiceClient::Create(const ServiceConfig& config) {
  FOLIO_ASSIGN_OR_RETURN(auto http, HttpClient::Create(config.endpoint, config.http));
  return std::shared_ptr<ServiceClient>(new ServiceClient(config, std::move(http)));
}

Result<std::string> ServiceClient::Call(std::string_view method, std::string_view target,
                                        HeaderList headers, std::string_view body) {
  headers.emplace_back("Host", host_header_);
  auto now = clock_ ? clock_() : std::chrono::system_clock::now();
  SignHeaders(method, target, headers, body, config_.credentials, config_.region, "qldb", now,
              &signing_keys_);
  FOLIO_ASSIGN_OR_RETURN(HttpResponse resp, http_->Send(method, target, headers, body));
  if (resp.status >= 200 && resp.status < 300) return std::move(resp.body);
  return ParseServiceError(resp.status, resp.Header("x-amzn-ErrorType"), resp.body).ToStatus();
}

}  // namespace folio::driver
