#include "driver/service_client.h"

#include "driver/errors.h"

namespace folio::driver {

Result<std::shared_ptr<ServiceClient>> ServiceClient::Create(const ServiceConfig& config) {
  FOLIO_ASSIGN_OR_RETURN(auto http, HttpClient::Create(config.endpoint, config.http));
  return std::shared_ptr<ServiceClient>(new ServiceClient(config, std::move(http)));
}

void ServiceClient::Sign(std::string_view method, std::string_view target, HeaderList& headers,
                         std::string_view body) {
  headers.emplace_back("Host", host_header_);
  auto now = clock_ ? clock_() : std::chrono::system_clock::now();
  SignHeaders(method, target, headers, body, config_.credentials, config_.region, "qldb", now,
              &signing_keys_);
}

Result<std::string> ServiceClient::ResponseBody(HttpResponse response) {
  if (response.status >= 200 && response.status < 300) return std::move(response.body);
  return ParseServiceError(response.status, response.Header("x-amzn-ErrorType"), response.body)
      .ToStatus();
}

Result<std::string> ServiceClient::Call(std::string_view method, std::string_view target,
                                        HeaderList headers, std::string_view body) {
  Sign(method, target, headers, body);
  FOLIO_ASSIGN_OR_RETURN(HttpResponse resp, http_->Send(method, target, headers, body));
  return ResponseBody(std::move(resp));
}

}  // namespace folio::driver
