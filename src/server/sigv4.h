// AWS Signature Version 4 verification for incoming requests: header auth (`Authorization:
// AWS4-HMAC-SHA256 ...`) and presigned query auth (`X-Amz-Algorithm=...&X-Amz-Signature=...`).
//
// Rules (spec/wire-and-drivers.md section 3): the canonical URI is the received path
// URI-encoded again (double encoding); the payload hash is computed from the body (boto3 sends
// no x-amz-content-sha256; if the header is present it must match); the request time must be
// within the allowed skew (default +-5 min); signatures are compared in constant time; a
// credential with a session token requires a matching x-amz-security-token.
//
// Thread safety: CredentialStore is immutable after construction and safe to share; the free
// functions are pure.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/sha256.h"
#include "common/status.h"
#include "protocol/errors.h"

namespace folio::server {

struct Credential {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty: requests must not carry x-amz-security-token
};

class CredentialStore {
 public:
  CredentialStore() = default;
  explicit CredentialStore(std::vector<Credential> credentials);
  void Add(Credential c);
  const Credential* Find(std::string_view access_key_id) const;
  bool empty() const { return by_key_.empty(); }
  const std::map<std::string, Credential, std::less<>>& all() const { return by_key_; }

 private:
  std::map<std::string, Credential, std::less<>> by_key_;
};

// Header names as received (any case); values as received. Repeated names are joined with ','
// in order for the canonical form.
using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct SignedRequestView {
  std::string_view method;
  std::string_view target;  // raw request target: path plus optional '?query', as received
  const HeaderList* headers = nullptr;
  std::string_view body;
};

struct VerifyOptions {
  std::string service = "qldb";                       // Default: qldb
  std::optional<std::string> region;                  // Default: any region is accepted
  std::chrono::seconds max_skew{300};                 // Default: 5 minutes
};

struct AuthFailure {
  protocol::AuthErrorKind kind;
  std::string message;
};

// Returns the verified access key id, or the failure to report.
struct AuthOutcome {
  std::optional<std::string> access_key_id;
  std::optional<AuthFailure> failure;
  bool ok() const { return !failure.has_value(); }
};

AuthOutcome VerifySigV4(const SignedRequestView& request, const CredentialStore& store,
                        std::chrono::system_clock::time_point now,
                        const VerifyOptions& options = {});

// Building blocks, exposed for tests and for clients that sign (the e2e helpers).
// URI-encodes every byte except A-Z a-z 0-9 - _ . ~ (a space becomes %20); '/' too.
std::string UriEncode(std::string_view s);
// "/".join(UriEncode(segment)) over the raw path (without query).
std::string CanonicalUri(std::string_view raw_path);
// Pairs percent-decoded, re-encoded, sorted by key then value; `exclude` names are dropped.
Result<std::string> CanonicalQuery(std::string_view raw_query, std::string_view exclude = {});
// HMAC chain: "AWS4"+secret -> date -> region -> service -> "aws4_request".
Hash256 SigningKey(std::string_view secret, std::string_view date, std::string_view region,
                   std::string_view service);
// Value of the first header named `name` (case-insensitive), all occurrences joined by ','.
std::optional<std::string> FindHeader(const HeaderList& headers, std::string_view name);
// Signs `request` (adds nothing; returns the Authorization header value) with the given
// credential for `signed_headers` (lower-case, ';'-separated, sorted), at `amz_date`
// (yyyymmddThhmmssZ), for `region`/`service`. The payload hash is sha256(body).
std::string SignForTest(const SignedRequestView& request, const Credential& credential,
                        std::string_view signed_headers, std::string_view amz_date,
                        std::string_view region, std::string_view service);

// yyyymmddThhmmssZ for `t` (UTC).
std::string FormatAmzDate(std::chrono::system_clock::time_point t);

}  // namespace folio::server
