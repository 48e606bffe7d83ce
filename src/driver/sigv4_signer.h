// AWS Signature Version 4 signing of outgoing requests (header auth, `AWS4-HMAC-SHA256`).
//
// The canonical URI is the path as sent (already percent-encoded) URI-encoded again, segment by
// segment, as every non-S3 AWS service expects (spec/wire-and-drivers.md section 3). The query
// is decoded, re-encoded and sorted. Every header passed in is signed. Pure functions and a
// thread-safe signing-key cache.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/sha256.h"

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

// The SigV4 signing key
//   HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")
// for `date` = "yyyymmdd".
Hash256 DeriveSigningKey(std::string_view secret_access_key, std::string_view date,
                         std::string_view region, std::string_view service);

// Remembers the last signing key derived, keyed by (secret, date, region, service), so that a
// client signing many requests derives it once a day (four HMACs) instead of per request, as the
// AWS SDKs do. Get always returns exactly what DeriveSigningKey would. Thread-safe.
class SigningKeyCache {
 public:
  Hash256 Get(std::string_view secret_access_key, std::string_view date, std::string_view region,
              std::string_view service);
  // How many keys Get has derived (misses). For tests.
  int64_t derivations() const;

 private:
  mutable std::mutex mu_;
  bool valid_ = false;       // GUARDED_BY(mu_)
  std::string secret_;       // GUARDED_BY(mu_)
  std::string date_;         // GUARDED_BY(mu_)
  std::string region_;       // GUARDED_BY(mu_)
  std::string service_;      // GUARDED_BY(mu_)
  Hash256 key_{};            // GUARDED_BY(mu_)
  int64_t derivations_ = 0;  // GUARDED_BY(mu_)
};

// Signs the request given by its parts: adds X-Amz-Date (from `now`), X-Amz-Security-Token
// (when the credentials carry one) and Authorization to `headers`, replacing headers named like
// them; `headers` must include Host. `cache` (optional) supplies the signing key. The result is
// byte-identical to SignRequest on the same request.
void SignHeaders(std::string_view method, std::string_view target, HeaderList& headers,
                 std::string_view body, const Credentials& credentials, std::string_view region,
                 std::string_view service, std::chrono::system_clock::time_point now,
                 SigningKeyCache* cache = nullptr);

// Adds X-Amz-Date (from `now`), X-Amz-Security-Token (when the credentials carry one) and
// Authorization to `request.headers`. Headers named like the added ones are replaced.
void SignRequest(RequestToSign& request, const Credentials& credentials, std::string_view region,
                 std::string_view service, std::chrono::system_clock::time_point now);

}  // namespace folio::driver
