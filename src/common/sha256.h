// SHA-256 (OpenSSL) and HMAC-SHA256. The 32-byte digest type Hash256 is used for every
// journal, revision, statement and commit hash.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string_view>

namespace folio {

using Hash256 = std::array<uint8_t, 32>;

// Incremental SHA-256. Not thread-safe; cheap to construct.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Update(std::span<const uint8_t> data);
  void Update(std::string_view data) {
    Update({reinterpret_cast<const uint8_t*>(data.data()), data.size()});
  }
  // Returns the digest and resets the object for reuse.
  Hash256 Finish();

 private:
  void* ctx_;  // EVP_MD_CTX
};

// One-shot digests run on a per-thread context with SHA-256 fetched once (OpenSSL's one-shot
// functions allocate a context and look the algorithm up on every call).
Hash256 Sha256Digest(std::span<const uint8_t> data);
inline Hash256 Sha256Digest(std::string_view data) {
  return Sha256Digest({reinterpret_cast<const uint8_t*>(data.data()), data.size()});
}
// SHA-256 of the concatenation of `parts`.
Hash256 Sha256Concat(std::initializer_list<std::string_view> parts);
// HMAC-SHA256 (RFC 2104).
Hash256 HmacSha256(std::span<const uint8_t> key, std::string_view message);
inline Hash256 HmacSha256(std::string_view key, std::string_view message) {
  return HmacSha256({reinterpret_cast<const uint8_t*>(key.data()), key.size()}, message);
}

}  // namespace folio
