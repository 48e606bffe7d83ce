// AWS Signature Version 4 signing of outgoing requests (header auth, `AWS4-HMAC-SHA256`).
//
// The canonical URI is the path as sent (already percent-encoded) URI-encoded again, segment by
// segment, as every non-S3 AWS service expects (spec/wire-and-drivers.md section 3). The query
// is decoded, re-encoded and sorted. Every header passed in is signed. Pure functions;
// thread-safe.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace folio::driver {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // optional; sent and signed as x-amz-security-token
};

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct RequestToSign {
  std::string method;  // "POST"
  std::string target;  // path plus optional "?query", percent-encoded as it goes on the wire
  HeaderList headers;  // must include Host; X-Amz-Date is added by SignRequest
  std::string body;
};

// "yyyymmddThhmmssZ" for `t` in UTC.
std::string AmzDate(std::chrono::system_clock::time_point t);

// RFC 3986 unreserved characters (A-Z a-z 0-9 - _ . ~) kept; every other byte becomes %XX.
std::string UriEncode(std::string_view s);

// The canonical request text (the SigV4 "creq") for `request`, which must already carry
// x-amz-date. Exposed for tests.
std::string CanonicalRequest(const RequestToSign& request);

// The string to sign for `creq` at `amz_date` in `region`/`service`. Exposed for tests.
std::string StringToSign(std::string_view amz_date, std::string_view region,
                         std::string_view service, std::string_view creq);

// Adds X-Amz-Date (from `now`), X-Amz-Security-Token (when the credentials carry one) and
// Authorization to `request.headers`. Headers named like the added ones are replaced.
void SignRequest(RequestToSign& request, const Credentials& credentials, std::string_view region,
                 std::string_view service, std::chrono::system_clock::time_point now);

}  // namespace folio::driver
