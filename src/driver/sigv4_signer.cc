#include "driver/sigv4_signer.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "common/bytes.h"

namespace folio::driver {
namespace {

// Appends `v` trimmed, with inner runs of spaces and tabs collapsed to one space, as the
// canonical header value requires.
void AppendCanonicalValue(std::string_view v, std::string& out) {
  bool any = false, space = false;
  for (char c : v) {
    if (c == ' ' || c == '\t') {
      space = any;
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    any = true;
    out.push_back(c);
  }
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

bool IsUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '~';
}

void AppendUriEncoded(std::string_view s, std::string& out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (unsigned char c : s) {
    if (IsUnreserved(c)) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
}

void AppendHexLower(const Hash256& h, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (uint8_t b : h) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
}

void AppendTwoDigits(unsigned v, std::string& out) {
  out.push_back(static_cast<char>('0' + v / 10 % 10));
  out.push_back(static_cast<char>('0' + v % 10));
}

// Appends the canonical request of the given parts to `out` and returns the signed-header list
// ("host;x-amz-date") in `signed_headers`.
void AppendCanonicalRequest(std::string_view method, std::string_view target,
                            const HeaderList& headers, std::string_view body, std::string& out,
                            std::string& signed_headers) {
  size_t qmark = target.find('?');
  std::string_view path = target.substr(0, qmark);
  std::string_view query = qmark == std::string_view::npos ? "" : target.substr(qmark + 1);
  if (path.empty()) path = "/";

  out.append(method);
  out.push_back('\n');
  size_t start = 0;
  while (true) {
    size_t slash = path.find('/', start);
    AppendUriEncoded(path.substr(start, slash - start), out);
    if (slash == std::string_view::npos) break;
    out.push_back('/');
    start = slash + 1;
  }
  out.push_back('\n');

  if (!query.empty()) {
    std::vector<std::string> pairs;
    while (!query.empty()) {
      size_t amp = query.find('&');
      std::string_view kv = query.substr(0, amp);
      if (!kv.empty()) {
        size_t eq = kv.find('=');
        std::string pair;
        AppendUriEncoded(PercentDecodeLenient(kv.substr(0, eq)), pair);
        pair.push_back('=');
        if (eq != std::string_view::npos) {
          AppendUriEncoded(PercentDecodeLenient(kv.substr(eq + 1)), pair);
        }
        pairs.push_back(std::move(pair));
      }
      if (amp == std::string_view::npos) break;
      query.remove_prefix(amp + 1);
    }
    std::sort(pairs.begin(), pairs.end());
    for (size_t i = 0; i < pairs.size(); ++i) {
      if (i > 0) out.push_back('&');
      out.append(pairs[i]);
    }
  }
  out.push_back('\n');

  // Headers sorted by lower-case name; values of equal names joined with ',' in request order.
  struct Entry {
    std::string name;  // lower case
    std::string_view value;
  };
  std::vector<Entry> entries;
  entries.reserve(headers.size());
  for (const auto& [name, value] : headers) {
    Entry e{name, value};
    for (char& c : e.name) c = AsciiLower(c);
    entries.push_back(std::move(e));
  }
  std::stable_sort(entries.begin(), entries.end(),
                   [](const Entry& a, const Entry& b) { return a.name < b.name; });
  signed_headers.clear();
  for (size_t i = 0; i < entries.size(); ++i) {
    if (i > 0 && entries[i].name == entries[i - 1].name) {
      out.push_back(',');
    } else {
      if (i > 0) {
        out.push_back('\n');
        signed_headers.push_back(';');
      }
      out.append(entries[i].name);
      out.push_back(':');
      signed_headers.append(entries[i].name);
    }
    AppendCanonicalValue(entries[i].value, out);
  }
  if (!entries.empty()) out.push_back('\n');
  out.push_back('\n');
  out.append(signed_headers);
  out.push_back('\n');
  AppendHexLower(Sha256Digest(body), out);
}

}  // namespace

std::string AmzDate(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  auto secs = floor<seconds>(t);
  auto day = floor<days>(secs);
  year_month_day ymd{day};
  hh_mm_ss<seconds> hms{secs - day};
  std::string out;
  out.reserve(16);
  int y = static_cast<int>(ymd.year());
  AppendTwoDigits(static_cast<unsigned>(y / 100), out);
  AppendTwoDigits(static_cast<unsigned>(y % 100), out);
  AppendTwoDigits(static_cast<unsigned>(ymd.month()), out);
  AppendTwoDigits(static_cast<unsigned>(ymd.day()), out);
  out.push_back('T');
  AppendTwoDigits(static_cast<unsigned>(hms.hours().count()), out);
  AppendTwoDigits(static_cast<unsigned>(hms.minutes().count()), out);
  AppendTwoDigits(static_cast<unsigned>(hms.seconds().count()), out);
  out.push_back('Z');
  return out;
}

std::string UriEncode(std::string_view s) {
  std::string out;
  AppendUriEncoded(s, out);
  return out;
}

std::string CanonicalRequest(const RequestToSign& request) {
  std::string out, signed_headers;
  AppendCanonicalRequest(request.method, request.target, request.headers, request.body, out,
                         signed_headers);
  return out;
}

std::string StringToSign(std::string_view amz_date, std::string_view region,
                         std::string_view service, std::string_view creq) {
  std::string out = "AWS4-HMAC-SHA256\n";
  out.append(amz_date);
  out.push_back('\n');
  out.append(amz_date.substr(0, 8));
  out.push_back('/');
  out.append(region);
  out.push_back('/');
  out.append(service);
  out.append("/aws4_request\n");
  AppendHexLower(Sha256Digest(creq), out);
  return out;
}

Hash256 DeriveSigningKey(std::string_view secret_access_key, std::string_view date,
                         std::string_view region, std::string_view service) {
  std::string k0 = "AWS4";
  k0.append(secret_access_key);
  Hash256 k = HmacSha256(k0, date);
  k = HmacSha256(k, region);
  k = HmacSha256(k, service);
  return HmacSha256(k, "aws4_request");
}

Hash256 SigningKeyCache::Get(std::string_view secret_access_key, std::string_view date,
                             std::string_view region, std::string_view service) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!valid_ || date_ != date || secret_ != secret_access_key || region_ != region ||
      service_ != service) {
    key_ = DeriveSigningKey(secret_access_key, date, region, service);
    secret_.assign(secret_access_key);
    date_.assign(date);
    region_.assign(region);
    service_.assign(service);
    valid_ = true;
    ++derivations_;
  }
  return key_;
}

int64_t SigningKeyCache::derivations() const {
  std::lock_guard<std::mutex> lock(mu_);
  return derivations_;
}

void SignHeaders(std::string_view method, std::string_view target, HeaderList& headers,
                 std::string_view body, const Credentials& credentials, std::string_view region,
                 std::string_view service, std::chrono::system_clock::time_point now,
                 SigningKeyCache* cache) {
  std::erase_if(headers, [](const auto& h) {
    return EqualsIgnoreAsciiCase(h.first, "authorization") || EqualsIgnoreAsciiCase(h.first, "x-amz-date") ||
           EqualsIgnoreAsciiCase(h.first, "x-amz-security-token");
  });
  std::string amz_date = AmzDate(now);
  std::string_view date = std::string_view(amz_date).substr(0, 8);
  headers.emplace_back("X-Amz-Date", amz_date);
  if (!credentials.session_token.empty()) {
    headers.emplace_back("X-Amz-Security-Token", credentials.session_token);
  }
  std::string creq, signed_headers;
  creq.reserve(512);
  AppendCanonicalRequest(method, target, headers, body, creq, signed_headers);
  std::string sts = StringToSign(amz_date, region, service, creq);
  Hash256 key = cache != nullptr
                    ? cache->Get(credentials.secret_access_key, date, region, service)
                    : DeriveSigningKey(credentials.secret_access_key, date, region, service);
  std::string auth;
  auth.reserve(160 + credentials.access_key_id.size() + signed_headers.size());
  auth.append("AWS4-HMAC-SHA256 Credential=");
  auth.append(credentials.access_key_id);
  auth.push_back('/');
  auth.append(date);
  auth.push_back('/');
  auth.append(region);
  auth.push_back('/');
  auth.append(service);
  auth.append("/aws4_request, SignedHeaders=");
  auth.append(signed_headers);
  auth.append(", Signature=");
  AppendHexLower(HmacSha256(key, sts), auth);
  headers.emplace_back("Authorization", std::move(auth));
}

void SignRequest(RequestToSign& request, const Credentials& credentials, std::string_view region,
                 std::string_view service, std::chrono::system_clock::time_point now) {
  SignHeaders(request.method, request.target, request.headers, request.body, credentials, region,
              service, now);
}

}  // namespace folio::driver
