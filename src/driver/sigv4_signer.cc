#include "driver/sigv4_signer.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <initializer_list>

namespace folio::driver {
namespace {

char LowerChar(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (LowerChar(a[i]) != LowerChar(b[i])) return false;
  }
  return true;
}

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

// SHA-256 through an algorithm fetched once and a per-thread digest context, which avoids the
// implicit fetch (a locked lookup) and the context allocation of OpenSSL's one-shot functions.
const EVP_MD* Sha256Md() {
  static const EVP_MD* md = [] {
    const EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    return fetched != nullptr ? fetched : EVP_sha256();
  }();
  return md;
}

struct ThreadDigestContext {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~ThreadDigestContext() { EVP_MD_CTX_free(ctx); }
};

Hash256 Sha256Of(std::initializer_list<std::string_view> parts) {
  thread_local ThreadDigestContext t;
  EVP_MD_CTX* ctx = t.ctx;
  if (ctx == nullptr || EVP_DigestInit_ex2(ctx, Sha256Md(), nullptr) != 1) {
    std::abort();  // OpenSSL cannot provide SHA-256: nothing sensible to do.
  }
  for (std::string_view p : parts) EVP_DigestUpdate(ctx, p.data(), p.size());
  Hash256 out;
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx, out.data(), &len);
  return out;
}

std::string_view View(const Hash256& h) {
  return {reinterpret_cast<const char*>(h.data()), h.size()};
}

// HMAC-SHA256 (RFC 2104, block size 64).
Hash256 Hmac(std::string_view key, std::string_view msg) {
  uint8_t block[64] = {};
  if (key.size() > sizeof(block)) {
    Hash256 k = Sha256Of({key});
    std::memcpy(block, k.data(), k.size());
  } else {
    std::memcpy(block, key.data(), key.size());
  }
  char ipad[64], opad[64];
  for (size_t i = 0; i < sizeof(block); ++i) {
    ipad[i] = static_cast<char>(block[i] ^ 0x36);
    opad[i] = static_cast<char>(block[i] ^ 0x5c);
  }
  Hash256 inner = Sha256Of({std::string_view(ipad, 64), msg});
  return Sha256Of({std::string_view(opad, 64), View(inner)});
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
    for (char& c : e.name) c = LowerChar(c);
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
  AppendHexLower(Sha256Of({body}), out);
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
  AppendHexLower(Sha256Of({creq}), out);
  return out;
}

Hash256 DeriveSigningKey(std::string_view secret_access_key, std::string_view date,
                         std::string_view region, std::string_view service) {
  std::string k0 = "AWS4";
  k0.append(secret_access_key);
  Hash256 k = Hmac(k0, date);
  k = Hmac(View(k), region);
  k = Hmac(View(k), service);
  return Hmac(View(k), "aws4_request");
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
    return IEquals(h.first, "authorization") || IEquals(h.first, "x-amz-date") ||
           IEquals(h.first, "x-amz-security-token");
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
  AppendHexLower(Hmac(View(key), sts), auth);
  headers.emplace_back("Authorization", std::move(auth));
}

void SignRequest(RequestToSign& request, const Credentials& credentials, std::string_view region,
                 std::string_view service, std::chrono::system_clock::time_point now) {
  SignHeaders(request.method, request.target, request.headers, request.body, credentials, region,
              service, now);
}

}  // namespace folio::driver
