#include "server/sigv4.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <mutex>
#include <unordered_map>

#include "common/bytes.h"
#include "protocol/control_api.h"

namespace folio::server {
namespace {

using protocol::AuthErrorKind;

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
constexpr std::string_view kSignatureMismatch =
    "The request signature we calculated does not match the signature you provided. Check your "
    "AWS Secret Access Key and signing method. Consult the service documentation for details.";
constexpr std::string_view kInvalidToken = "The security token included in the request is invalid.";

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Trims and collapses runs of spaces into one.
std::string CanonicalHeaderValue(std::string_view v) {
  v = Trim(v);
  std::string out;
  out.reserve(v.size());
  bool space = false;
  for (char c : v) {
    if (c == ' ' || c == '\t') {
      if (!space) out += ' ';
      space = true;
    } else {
      out += c;
      space = false;
    }
  }
  return out;
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  while (true) {
    size_t p = s.find(sep);
    out.push_back(s.substr(0, p));
    if (p == std::string_view::npos) break;
    s.remove_prefix(p + 1);
  }
  return out;
}

std::optional<std::chrono::system_clock::time_point> ParseAmzDate(std::string_view d) {
  if (d.size() != 16 || d[8] != 'T' || d[15] != 'Z') return std::nullopt;
  for (size_t i = 0; i < 15; ++i) {
    if (i != 8 && !std::isdigit(static_cast<unsigned char>(d[i]))) return std::nullopt;
  }
  auto num = [&](size_t pos, size_t len) {
    int v = 0;
    for (size_t i = 0; i < len; ++i) v = v * 10 + (d[pos + i] - '0');
    return v;
  };
  std::tm tm{};
  tm.tm_year = num(0, 4) - 1900;
  tm.tm_mon = num(4, 2) - 1;
  tm.tm_mday = num(6, 2);
  tm.tm_hour = num(9, 2);
  tm.tm_min = num(11, 2);
  tm.tm_sec = num(13, 2);
  if (tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 ||
      tm.tm_min > 59 || tm.tm_sec > 60) {
    return std::nullopt;
  }
  time_t t = timegm(&tm);
  return std::chrono::system_clock::from_time_t(t);
}

std::string HashHex(std::string_view data) { return HexEncode(Sha256Digest(data)); }

std::string HmacHex(const Hash256& key, std::string_view msg) {
  return HexEncode(HmacSha256(key, msg));
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

AuthOutcome Fail(AuthErrorKind kind, std::string message) {
  return AuthOutcome{std::nullopt, AuthFailure{kind, std::move(message)}};
}

// The parts of a signature, from the Authorization header or the presigned query.
struct SignatureParts {
  std::string access_key_id;
  std::string scope_date, scope_region, scope_service, scope_terminal;
  std::string signed_headers;
  std::string signature;
  std::string amz_date;
  std::optional<std::string> security_token;
  std::optional<int64_t> expires;  // presigned only
  bool presigned = false;
};

std::optional<AuthFailure> ParseCredential(std::string_view cred, SignatureParts& p) {
  auto parts = Split(cred, '/');
  if (parts.size() != 5) {
    return AuthFailure{AuthErrorKind::kIncompleteSignature,
                       "Credential should be scoped to a valid region, not a malformed "
                       "Credential=" + std::string(cred.substr(0, 200)) +
                           " (expected <access key>/<yyyymmdd>/<region>/<service>/aws4_request)"};
  }
  p.access_key_id = parts[0];
  p.scope_date = parts[1];
  p.scope_region = parts[2];
  p.scope_service = parts[3];
  p.scope_terminal = parts[4];
  return std::nullopt;
}

std::optional<AuthFailure> ParseAuthorizationHeader(std::string_view value, SignatureParts& p) {
  value = Trim(value);
  size_t sp = value.find(' ');
  std::string_view algorithm = value.substr(0, sp);
  if (algorithm != kAlgorithm) {
    return AuthFailure{AuthErrorKind::kIncompleteSignature,
                       "Unsupported AWS 'algorithm': '" + std::string(algorithm.substr(0, 64)) +
                           "' (only AWS4-HMAC-SHA256 is supported)"};
  }
  std::string_view rest = sp == std::string_view::npos ? "" : value.substr(sp + 1);
  std::optional<std::string_view> credential, signed_headers, signature;
  for (std::string_view item : Split(rest, ',')) {
    item = Trim(item);
    size_t eq = item.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view k = Trim(item.substr(0, eq)), v = Trim(item.substr(eq + 1));
    if (k == "Credential") credential = v;
    if (k == "SignedHeaders") signed_headers = v;
    if (k == "Signature") signature = v;
  }
  std::string missing;
  if (!credential) missing += " Authorization header requires 'Credential' parameter.";
  if (!signed_headers) missing += " Authorization header requires 'SignedHeaders' parameter.";
  if (!signature) missing += " Authorization header requires 'Signature' parameter.";
  if (!missing.empty()) {
    return AuthFailure{AuthErrorKind::kIncompleteSignature, std::string(Trim(missing))};
  }
  p.signed_headers = *signed_headers;
  p.signature = *signature;
  return ParseCredential(*credential, p);
}

}  // namespace

CredentialStore::CredentialStore(std::vector<Credential> credentials) {
  for (auto& c : credentials) Add(std::move(c));
}

void CredentialStore::Add(Credential c) {
  std::string key = c.access_key_id;
  by_key_[key] = std::move(c);
}

const Credential* CredentialStore::Find(std::string_view access_key_id) const {
  auto it = by_key_.find(access_key_id);
  return it == by_key_.end() ? nullptr : &it->second;
}

std::string UriEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

std::string CanonicalUri(std::string_view raw_path) {
  if (raw_path.empty()) return "/";
  std::string out;
  bool first = true;
  for (std::string_view seg : Split(raw_path, '/')) {
    if (!first) out += '/';
    first = false;
    out += UriEncode(seg);
  }
  return out;
}

Result<std::string> CanonicalQuery(std::string_view raw_query, std::string_view exclude) {
  std::vector<std::pair<std::string, std::string>> pairs;
  if (!raw_query.empty()) {
    for (std::string_view item : Split(raw_query, '&')) {
      if (item.empty()) continue;
      size_t eq = item.find('=');
      FOLIO_ASSIGN_OR_RETURN(std::string k, protocol::PercentDecode(item.substr(0, eq)));
      std::string v;
      if (eq != std::string_view::npos) {
        FOLIO_ASSIGN_OR_RETURN(v, protocol::PercentDecode(item.substr(eq + 1)));
      }
      if (!exclude.empty() && k == exclude) continue;
      pairs.emplace_back(UriEncode(k), UriEncode(v));
    }
  }
  std::sort(pairs.begin(), pairs.end());
  std::string out;
  for (const auto& [k, v] : pairs) {
    if (!out.empty()) out += '&';
    out += k;
    out += '=';
    out += v;
  }
  return out;
}

Hash256 SigningKey(std::string_view secret, std::string_view date, std::string_view region,
                   std::string_view service) {
  std::string k0 = "AWS4" + std::string(secret);
  Hash256 k = HmacSha256(AsSpan(k0), date);
  k = HmacSha256(k, region);
  k = HmacSha256(k, service);
  return HmacSha256(k, "aws4_request");
}

namespace {

// SigningKey is four HMACs (~5 us each with OpenSSL 3's one-shot HMAC) and changes only with the
// date, so verification caches it per (secret, date, region, service). Bounded: cleared when it
// grows past kMaxEntries (many credentials or long uptimes).
class SigningKeyCache {
 public:
  Hash256 Get(std::string_view secret, std::string_view date, std::string_view region,
              std::string_view service) {
    std::string id;
    id.reserve(secret.size() + date.size() + region.size() + service.size() + 3);
    id.append(secret).push_back('\0');
    id.append(date).push_back('\0');
    id.append(region).push_back('\0');
    id.append(service);
    {
      std::lock_guard lock(mu_);
      if (auto it = keys_.find(id); it != keys_.end()) return it->second;
    }
    Hash256 key = SigningKey(secret, date, region, service);
    std::lock_guard lock(mu_);
    if (keys_.size() >= kMaxEntries) keys_.clear();
    keys_.emplace(std::move(id), key);
    return key;
  }

 private:
  static constexpr size_t kMaxEntries = 1024;
  std::mutex mu_;
  std::unordered_map<std::string, Hash256> keys_;  // GUARDED_BY(mu_)
};

SigningKeyCache& VerifierKeys() {
  static SigningKeyCache* cache = new SigningKeyCache();
  return *cache;
}

}  // namespace

std::optional<std::string> FindHeader(const HeaderList& headers, std::string_view name) {
  std::optional<std::string> out;
  for (const auto& [k, v] : headers) {
    if (!EqualsIgnoreAsciiCase(k, name)) continue;
    if (out) {
      *out += ',';
      *out += v;
    } else {
      out = v;
    }
  }
  return out;
}

std::string FormatAmzDate(std::chrono::system_clock::time_point t) {
  time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

namespace {

// Builds the canonical request; nullopt-like failure when a signed header is missing.
Result<std::string> BuildCanonicalRequest(const SignedRequestView& r,
                                          std::string_view signed_headers,
                                          std::string_view payload_hash, bool presigned) {
  std::string_view path = r.target, query;
  if (size_t q = r.target.find('?'); q != std::string_view::npos) {
    path = r.target.substr(0, q);
    query = r.target.substr(q + 1);
  }
  FOLIO_ASSIGN_OR_RETURN(std::string cquery,
                         CanonicalQuery(query, presigned ? "X-Amz-Signature" : ""));
  std::string creq;
  creq.reserve(512 + r.target.size());
  creq += r.method;
  creq += '\n';
  creq += CanonicalUri(path);
  creq += '\n';
  creq += cquery;
  creq += '\n';
  for (std::string_view name : Split(signed_headers, ';')) {
    auto v = FindHeader(*r.headers, name);
    if (!v) {
      return Status::Unauthenticated("The signed header '" + std::string(name) +
                                     "' is missing from the request");
    }
    creq += AsciiLower(name);
    creq += ':';
    creq += CanonicalHeaderValue(*v);
    creq += '\n';
  }
  creq += '\n';
  creq += signed_headers;
  creq += '\n';
  creq += payload_hash;
  return creq;
}

std::string StringToSign(std::string_view amz_date, std::string_view scope,
                         std::string_view canonical_request) {
  std::string sts(kAlgorithm);
  sts += '\n';
  sts += amz_date;
  sts += '\n';
  sts += scope;
  sts += '\n';
  sts += HashHex(canonical_request);
  return sts;
}

std::optional<std::string> QueryParam(std::string_view raw_query, std::string_view name) {
  for (std::string_view item : Split(raw_query, '&')) {
    size_t eq = item.find('=');
    if (item.substr(0, eq) != name) continue;
    if (eq == std::string_view::npos) return std::string();
    auto v = protocol::PercentDecode(item.substr(eq + 1));
    if (!v.ok()) return std::nullopt;
    return *v;
  }
  return std::nullopt;
}

}  // namespace

std::string SignForTest(const SignedRequestView& request, const Credential& credential,
                        std::string_view signed_headers, std::string_view amz_date,
                        std::string_view region, std::string_view service) {
  std::string payload_hash = HashHex(request.body);
  auto creq = BuildCanonicalRequest(request, signed_headers, payload_hash, false);
  if (!creq.ok()) return "";
  std::string date(amz_date.substr(0, 8));
  std::string scope = date + "/" + std::string(region) + "/" + std::string(service) + "/aws4_request";
  Hash256 key = SigningKey(credential.secret_access_key, date, region, service);
  std::string sig = HmacHex(key, StringToSign(amz_date, scope, *creq));
  return std::string(kAlgorithm) + " Credential=" + credential.access_key_id + "/" + scope +
         ", SignedHeaders=" + std::string(signed_headers) + ", Signature=" + sig;
}

AuthOutcome VerifySigV4(const SignedRequestView& r, const CredentialStore& store,
                        std::chrono::system_clock::time_point now, const VerifyOptions& options) {
  SignatureParts p;
  std::string_view raw_query;
  if (size_t q = r.target.find('?'); q != std::string_view::npos) raw_query = r.target.substr(q + 1);

  auto authorization = FindHeader(*r.headers, "authorization");
  auto query_algorithm = QueryParam(raw_query, "X-Amz-Algorithm");
  if (authorization) {
    if (auto f = ParseAuthorizationHeader(*authorization, p)) return Fail(f->kind, f->message);
    auto date = FindHeader(*r.headers, "x-amz-date");
    if (!date) {
      return Fail(AuthErrorKind::kIncompleteSignature,
                  "Authorization header requires existence of the 'X-Amz-Date' header.");
    }
    p.amz_date = *date;
    p.security_token = FindHeader(*r.headers, "x-amz-security-token");
  } else if (query_algorithm) {
    p.presigned = true;
    if (*query_algorithm != kAlgorithm) {
      return Fail(AuthErrorKind::kIncompleteSignature,
                  "Unsupported AWS 'algorithm': '" + query_algorithm->substr(0, 64) + "'");
    }
    auto credential = QueryParam(raw_query, "X-Amz-Credential");
    auto signed_headers = QueryParam(raw_query, "X-Amz-SignedHeaders");
    auto signature = QueryParam(raw_query, "X-Amz-Signature");
    auto date = QueryParam(raw_query, "X-Amz-Date");
    auto expires = QueryParam(raw_query, "X-Amz-Expires");
    if (!credential || !signed_headers || !signature || !date || !expires) {
      return Fail(AuthErrorKind::kIncompleteSignature,
                  "Presigned requests require the X-Amz-Credential, X-Amz-SignedHeaders, "
                  "X-Amz-Signature, X-Amz-Date and X-Amz-Expires query parameters.");
    }
    if (auto f = ParseCredential(*credential, p)) return Fail(f->kind, f->message);
    p.signed_headers = *signed_headers;
    p.signature = *signature;
    p.amz_date = *date;
    p.security_token = QueryParam(raw_query, "X-Amz-Security-Token");
    bool digits = !expires->empty() && expires->size() <= 7 &&
                  expires->find_first_not_of("0123456789") == std::string::npos;
    int64_t e = digits ? std::stoll(*expires) : -1;
    if (e < 1 || e > 604800) {
      return Fail(AuthErrorKind::kIncompleteSignature,
                  "X-Amz-Expires must be a number of seconds between 1 and 604800.");
    }
    p.expires = e;
  } else {
    return Fail(AuthErrorKind::kMissingAuthenticationToken, "Missing Authentication Token");
  }

  if (p.scope_terminal != "aws4_request") {
    return Fail(AuthErrorKind::kIncompleteSignature,
                "Credential should be scoped with a valid terminator: 'aws4_request', not '" +
                    p.scope_terminal.substr(0, 64) + "'.");
  }
  if (p.scope_service != options.service) {
    return Fail(AuthErrorKind::kInvalidSignature,
                "Credential should be scoped to correct service: '" + options.service + "'.");
  }
  if (options.region && p.scope_region != *options.region) {
    return Fail(AuthErrorKind::kInvalidSignature,
                "Credential should be scoped to a valid region, not '" +
                    p.scope_region.substr(0, 64) + "'.");
  }
  auto request_time = ParseAmzDate(p.amz_date);
  if (!request_time) {
    return Fail(AuthErrorKind::kIncompleteSignature,
                "X-Amz-Date must be in the ISO8601 basic format yyyyMMdd'T'HHmmss'Z', got '" +
                    p.amz_date.substr(0, 64) + "'.");
  }
  if (p.scope_date != p.amz_date.substr(0, 8)) {
    return Fail(AuthErrorKind::kInvalidSignature,
                "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date "
                "from HTTP: '" + p.scope_date.substr(0, 16) + "' != '" + p.amz_date.substr(0, 8) +
                    "'.");
  }
  std::vector<std::string_view> names = Split(p.signed_headers, ';');
  bool has_host = std::find(names.begin(), names.end(), "host") != names.end();
  bool has_date = std::find(names.begin(), names.end(), "x-amz-date") != names.end();
  if (!has_host || (!p.presigned && !has_date)) {
    return Fail(AuthErrorKind::kInvalidSignature,
                p.presigned ? "'Host' must be a signed header."
                            : "'Host' and 'X-Amz-Date' must be signed headers.");
  }

  // Clock checks, in AWS's wording.
  std::string now_s = FormatAmzDate(now);
  if (p.presigned) {
    if (*request_time > now + options.max_skew) {
      return Fail(AuthErrorKind::kInvalidSignature,
                  "Signature not yet current: " + p.amz_date + " is still later than " +
                      FormatAmzDate(now + options.max_skew) + " (" + now_s + " + 5 min.)");
    }
    if (now > *request_time + std::chrono::seconds(*p.expires)) {
      return Fail(AuthErrorKind::kInvalidSignature,
                  "Signature expired: " + p.amz_date + " is now earlier than " +
                      FormatAmzDate(now - std::chrono::seconds(*p.expires)) + " (" + now_s +
                      " - " + std::to_string(*p.expires) + " sec.)");
    }
  } else {
    if (*request_time < now - options.max_skew) {
      return Fail(AuthErrorKind::kInvalidSignature,
                  "Signature expired: " + p.amz_date + " is now earlier than " +
                      FormatAmzDate(now - options.max_skew) + " (" + now_s + " - 5 min.)");
    }
    if (*request_time > now + options.max_skew) {
      return Fail(AuthErrorKind::kInvalidSignature,
                  "Signature not yet current: " + p.amz_date + " is still later than " +
                      FormatAmzDate(now + options.max_skew) + " (" + now_s + " + 5 min.)");
    }
  }

  const Credential* cred = store.Find(p.access_key_id);
  if (cred == nullptr) return Fail(AuthErrorKind::kUnrecognizedClient, std::string(kInvalidToken));
  if (!cred->session_token.empty() || p.security_token) {
    if (!p.security_token || cred->session_token.empty() ||
        !ConstantTimeEquals(*p.security_token, cred->session_token)) {
      return Fail(AuthErrorKind::kUnrecognizedClient, std::string(kInvalidToken));
    }
  }

  std::string payload_hash = HashHex(r.body);
  std::optional<std::string> claimed = FindHeader(*r.headers, "x-amz-content-sha256");
  if (!claimed && p.presigned) claimed = QueryParam(raw_query, "X-Amz-Content-Sha256");
  if (claimed && *claimed != payload_hash) {
    if (p.presigned && *claimed == "UNSIGNED-PAYLOAD") {
      payload_hash = "UNSIGNED-PAYLOAD";
    } else {
      return Fail(AuthErrorKind::kInvalidSignature,
                  "The provided 'x-amz-content-sha256' header does not match what was computed.");
    }
  }

  auto creq = BuildCanonicalRequest(r, p.signed_headers, payload_hash, p.presigned);
  if (!creq.ok()) return Fail(AuthErrorKind::kInvalidSignature, creq.status().message());
  std::string scope =
      p.scope_date + "/" + p.scope_region + "/" + p.scope_service + "/aws4_request";
  Hash256 key =
      VerifierKeys().Get(cred->secret_access_key, p.scope_date, p.scope_region, p.scope_service);
  std::string expected = HmacHex(key, StringToSign(p.amz_date, scope, *creq));
  if (!ConstantTimeEquals(expected, AsciiLower(p.signature))) {
    return Fail(AuthErrorKind::kInvalidSignature, std::string(kSignatureMismatch));
  }
  return AuthOutcome{p.access_key_id, std::nullopt};
}

}  // namespace folio::server
