// SHA-256 primitives for Ion Hash's hot path (internal to src/ion; not part of ion.h).
//
// Ion Hash digests many short messages (one per struct field, typically under 56 bytes, so one
// 64-byte block). The serializer writes each message followed by its SHA-256 padding straight
// into its buffer (WriteSha256Padding), so a message is a run of whole blocks compressed in
// place: no copy into a hashing context, no per-message setup or finalization.
//
// With the x86 SHA extensions (detected at run time) independent messages are compressed two
// at a time in one interleaved instruction stream: SHA-256 rounds are latency-bound, so a pair
// costs about as much as one. Without them, OpenSSL's block function.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "common/sha256.h"

namespace folio::ion::hash_internal {

// Size of a message of `len` bytes once padded: the smallest multiple of 64 that holds the
// message, the 0x80 byte and the 8-byte length.
constexpr size_t Sha256PaddedSize(size_t len) { return (len + 9 + 63) & ~size_t{63}; }

// Bytes WriteSha256Padding may write past the message end: the padding itself (at most 72)
// rounded up for its fixed-size stores.
constexpr size_t kSha256PadRoom = 80;

// Writes the padding of a `len`-byte message that ends at `end` (0x80, zeros, the bit length
// big-endian) and returns the end of the padded message (`end` + Sha256PaddedSize(len) - len).
// Requires kSha256PadRoom writable bytes at `end`.
inline uint8_t* WriteSha256Padding(uint8_t* end, size_t len) {
  uint8_t* out = end + (Sha256PaddedSize(len) - len);
  std::memset(end, 0, kSha256PadRoom);  // fixed size: a few vector stores
  end[0] = 0x80;
  const uint64_t be_bits = __builtin_bswap64(static_cast<uint64_t>(len) * 8);
  std::memcpy(out - 8, &be_bits, 8);
  return out;
}

// Digests of `count` padded messages laid back to back from `base`: message i is the next
// `blocks[i]` 64-byte blocks (each at least 1). out[i] receives message i's digest.
void Sha256PaddedMessages(const uint8_t* base, const uint32_t* blocks, size_t count,
                          Hash256* out);

// SHA-256 of one padded message of `blocks` 64-byte blocks at `base`.
Hash256 Sha256Padded(const uint8_t* base, size_t blocks);

// Sorts digests as unsigned byte strings (Ion Hash's order of struct field digests).
void SortDigests(Hash256* digests, size_t n);

// Whether the SHA-extension path is in use (the CPU has it and it is not disabled).
bool Sha256UsesShaNi();

// Tests only: disables (false) or re-enables (true, when the CPU has them) the SHA-extension
// path so the portable path can be checked on the same machine. Not thread-safe with hashing.
void SetSha256ShaNiEnabledForTesting(bool enabled);

}  // namespace folio::ion::hash_internal
