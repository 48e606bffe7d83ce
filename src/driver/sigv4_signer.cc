#include "driver/sigv4_signer.h"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <map>

#include "common/bytes.h"
#include "common/sha256.h"

namespace folio::driver {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Trims and collapses runs of spaces, as the canonical header value requires.
std::string CanonicalValue(std::string_view v) {
  std::string out;
  bool space = false;
  for (char c : v) {
    if (c == ' ' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Lenient percent-decoding: a malformed escape is kept literally.
std::string PercentDecodeLenient(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && HexValue(s[i + 1]) >= 0 && HexValue(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::string HashHex(std::string_view s) { return HexEncode(Sha256Digest(s)); }

std::string Hmac(std::string_view key, std::string_view msg) {
  Hash256 h = HmacSha256(AsSpan(key), msg);
  return std::string(reinterpret_cast<const char*>(h.data()), h.size());
}

}  // namespace

std::string AmzDate(std::chrono::system_clock::time_point t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

std::string UriEncode(std::string_view s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string CanonicalRequest(const RequestToSign& request) {
  std::string_view target = request.target;
  std::string_view path = target.substr(0, target.find('?'));
  std::string_view query =
      target.find('?') == std::string_view::npos ? "" : target.substr(target.find('?') + 1);
  if (path.empty()) path = "/";

  std::string canonical_uri;
  size_t start = 0;
  while (true) {
    size_t slash = path.find('/', start);
    canonical_uri += UriEncode(path.substr(start, slash - start));
    if (slash == std::string_view::npos) break;
    canonical_uri += '/';
    start = slash + 1;
  }

  std::vector<std::string> pairs;
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view kv = query.substr(0, amp);
    if (!kv.empty()) {
      size_t eq = kv.find('=');
      std::string k = PercentDecodeLenient(kv.substr(0, eq));
      std::string v = eq == std::string_view::npos ? "" : PercentDecodeLenient(kv.substr(eq + 1));
      pairs.push_back(UriEncode(k) + "=" + UriEncode(v));
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  std::sort(pairs.begin(), pairs.end());
  std::string canonical_query;
  for (const auto& p : pairs) {
    if (!canonical_query.empty()) canonical_query += '&';
    canonical_query += p;
  }

  std::map<std::string, std::string> headers;  // sorted by lower-case name
  for (const auto& [name, value] : request.headers) {
    std::string key = Lower(name);
    std::string v = CanonicalValue(value);
    auto [it, inserted] = headers.emplace(key, v);
    if (!inserted) it->second += "," + v;
  }
  std::string canonical_headers, signed_headers;
  for (const auto& [name, value] : headers) {
    canonical_headers += name + ":" + value + "\n";
    if (!signed_headers.empty()) signed_headers += ';';
    signed_headers += name;
  }
  return request.method + "\n" + canonical_uri + "\n" + canonical_query + "\n" + canonical_headers +
         "\n" + signed_headers + "\n" + HashHex(request.body);
}

std::string StringToSign(std::string_view amz_date, std::string_view region,
                         std::string_view service, std::string_view creq) {
  std::string scope = std::string(amz_date.substr(0, 8)) + "/" + std::string(region) + "/" +
                      std::string(service) + "/aws4_request";
  return "AWS4-HMAC-SHA256\n" + std::string(amz_date) + "\n" + scope + "\n" + HashHex(creq);
}

void SignRequest(RequestToSign& request, const Credentials& credentials, std::string_view region,
                 std::string_view service, std::chrono::system_clock::time_point now) {
  auto drop = [&](std::string_view name) {
    std::erase_if(request.headers, [&](const auto& h) { return Lower(h.first) == name; });
  };
  drop("authorization");
  drop("x-amz-date");
  drop("x-amz-security-token");
  std::string amz_date = AmzDate(now);
  request.headers.emplace_back("X-Amz-Date", amz_date);
  if (!credentials.session_token.empty()) {
    request.headers.emplace_back("X-Amz-Security-Token", credentials.session_token);
  }
  std::string creq = CanonicalRequest(request);
  std::string sts = StringToSign(amz_date, region, service, creq);
  std::string k = Hmac("AWS4" + credentials.secret_access_key, amz_date.substr(0, 8));
  k = Hmac(k, region);
  k = Hmac(k, service);
  k = Hmac(k, "aws4_request");
  std::string signature = HexEncode(AsSpan(Hmac(k, sts)));
  // The signed header list is the last-but-one line of the canonical request.
  size_t end = creq.rfind('\n');
  size_t begin = creq.rfind('\n', end - 1) + 1;
  std::string signed_headers = creq.substr(begin, end - begin);
  request.headers.emplace_back(
      "Authorization", "AWS4-HMAC-SHA256 Credential=" + credentials.access_key_id + "/" +
                           amz_date.substr(0, 8) + "/" + std::string(region) + "/" +
                           std::string(service) + "/aws4_request, SignedHeaders=" + signed_headers +
                           ", Signature=" + signature);
}

}  // namespace folio::driver
