#include "common/sha256.h"

#include <openssl/evp.h>

#include <cstdlib>
#include <cstring>

namespace folio {
namespace {

// SHA-256 fetched once: EVP_sha256() makes OpenSSL 3 look the implementation up (under a lock)
// on every init and digest.
const EVP_MD* Sha256Md() {
  static EVP_MD* md = [] {
    EVP_MD* m = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    if (m == nullptr) std::abort();  // no SHA-256 provider: nothing sensible to do.
    return m;
  }();
  return md;
}

}  // namespace

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
  if (ctx_ == nullptr || EVP_DigestInit_ex(static_cast<EVP_MD_CTX*>(ctx_), Sha256Md(), nullptr) != 1) {
    std::abort();  // OpenSSL cannot allocate a digest context: nothing sensible to do.
  }
}

Sha256::~Sha256() { EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(ctx_)); }

void Sha256::Update(std::span<const uint8_t> data) {
  EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(ctx_), data.data(), data.size());
}

Hash256 Sha256::Finish() {
  Hash256 out;
  unsigned int len = 0;
  auto* ctx = static_cast<EVP_MD_CTX*>(ctx_);
  EVP_DigestFinal_ex(ctx, out.data(), &len);
  EVP_DigestInit_ex(ctx, Sha256Md(), nullptr);
  return out;
}

namespace {

struct ThreadDigestContext {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~ThreadDigestContext() { EVP_MD_CTX_free(ctx); }
};

EVP_MD_CTX* ThreadContext() {
  thread_local ThreadDigestContext t;
  if (t.ctx == nullptr || EVP_DigestInit_ex2(t.ctx, Sha256Md(), nullptr) != 1) {
    std::abort();  // OpenSSL cannot provide SHA-256: nothing sensible to do.
  }
  return t.ctx;
}

Hash256 FinishThreadContext(EVP_MD_CTX* ctx) {
  Hash256 out;
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx, out.data(), &len);
  return out;
}

}  // namespace

Hash256 Sha256Digest(std::span<const uint8_t> data) {
  EVP_MD_CTX* ctx = ThreadContext();
  EVP_DigestUpdate(ctx, data.data(), data.size());
  return FinishThreadContext(ctx);
}

Hash256 Sha256Concat(std::initializer_list<std::string_view> parts) {
  EVP_MD_CTX* ctx = ThreadContext();
  for (std::string_view p : parts) EVP_DigestUpdate(ctx, p.data(), p.size());
  return FinishThreadContext(ctx);
}

Hash256 HmacSha256(std::span<const uint8_t> key, std::string_view message) {
  uint8_t block[64] = {};
  if (key.size() > sizeof(block)) {
    Hash256 k = Sha256Digest(key);
    std::memcpy(block, k.data(), k.size());
  } else if (!key.empty()) {
    std::memcpy(block, key.data(), key.size());
  }
  char ipad[64], opad[64];
  for (size_t i = 0; i < sizeof(block); ++i) {
    ipad[i] = static_cast<char>(block[i] ^ 0x36);
    opad[i] = static_cast<char>(block[i] ^ 0x5c);
  }
  Hash256 inner = Sha256Concat({std::string_view(ipad, 64), message});
  return Sha256Concat({std::string_view(opad, 64),
                       std::string_view(reinterpret_cast<const char*>(inner.data()), inner.size())});
}

}  // namespace folio
