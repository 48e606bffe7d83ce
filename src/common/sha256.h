// SHA-256 (OpenSSL) and HMAC-SHA256. The 32-byte digest type Hash256 is used for every
// journal, revision, statement and commit hash.
#pragma once

#include <array>
#include <cstdint>
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

Hash256 Sha256Digest(std::span<const uint8_t> data);
inline Hash256 Sha256Digest(std::string_view data) {
  return Sha256Digest({reinterpret_cast<const uint8_t*>(data.data()), data.size()});
}
Hash256 HmacSha256(std::span<const uint8_t> key, std::string_view message);

}  // namespace folio
