#include "ion/ion_hash_sha.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <memory>

#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#include <immintrin.h>
#define FOLIO_ION_SHA_NI 1
#endif

namespace folio::ion::hash_internal {

namespace {

constexpr uint32_t kSha256Iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

inline void StateToDigest(const uint32_t* state, Hash256* out) {
  for (int i = 0; i < 8; ++i) {
    const uint32_t be = __builtin_bswap32(state[i]);
    std::memcpy(out->data() + 4 * i, &be, 4);
  }
}

// Portable path: OpenSSL's block function over the padded blocks.
void PortableDigest(const uint8_t* p, size_t blocks, Hash256* out) {
  SHA256_CTX ctx;
  SHA256_Init(&ctx);
  for (size_t k = 0; k < blocks; ++k) SHA256_Transform(&ctx, p + 64 * k);
  uint32_t st[8];
  for (int i = 0; i < 8; ++i) st[i] = ctx.h[i];
  StateToDigest(st, out);
}

#ifdef FOLIO_ION_SHA_NI

alignas(16) constexpr uint32_t kSha256K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

bool CpuHasShaNi() {
  static const bool has = [] {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return false;
    const bool ssse3 = (c >> 9) & 1, sse41 = (c >> 19) & 1;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return false;
    const bool sha = (b >> 29) & 1;
    return ssse3 && sse41 && sha;
  }();
  return has;
}

std::atomic<bool> g_sha_ni_enabled{true};

inline bool UseShaNi() {
  return g_sha_ni_enabled.load(std::memory_order_relaxed) && CpuHasShaNi();
}

// SHA-256 working state of one lane in the SHA-extension register layout (ABEF, CDGH).
struct NiState {
  __m128i abef, cdgh;
};

__attribute__((target("sha,sse4.1,ssse3"))) inline NiState NiInit() {
  const __m128i dcba = _mm_shuffle_epi32(
      _mm_loadu_si128(reinterpret_cast<const __m128i*>(kSha256Iv)), 0xB1);  // CDAB
  const __m128i hgfe = _mm_shuffle_epi32(
      _mm_loadu_si128(reinterpret_cast<const __m128i*>(kSha256Iv + 4)), 0x1B);  // EFGH
  return NiState{_mm_alignr_epi8(dcba, hgfe, 8), _mm_blend_epi16(hgfe, dcba, 0xF0)};
}

__attribute__((target("sha,sse4.1,ssse3"))) inline void NiOut(const NiState& s, Hash256* out) {
  const __m128i feba = _mm_shuffle_epi32(s.abef, 0x1B);
  const __m128i dchg = _mm_shuffle_epi32(s.cdgh, 0xB1);
  const __m128i dcba = _mm_blend_epi16(feba, dchg, 0xF0);
  const __m128i hgfe = _mm_alignr_epi8(dchg, feba, 8);
  // Words to big-endian bytes.
  const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(out->data()), _mm_shuffle_epi8(dcba, bswap));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(out->data() + 16), _mm_shuffle_epi8(hgfe, bswap));
}

// Compresses one 64-byte block into each of N lanes' states (N independent messages,
// interleaved so the rounds of one lane fill the latency of the other's).
template <int N>
__attribute__((target("sha,sse4.1,ssse3"))) inline void NiCompress(NiState* const* lanes,
                                                                  const uint8_t* const* blocks) {
  const __m128i kMask = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
  __m128i abef[N], cdgh[N], w[N][4];
  for (int l = 0; l < N; ++l) {
    abef[l] = lanes[l]->abef;
    cdgh[l] = lanes[l]->cdgh;
  }
#pragma GCC unroll 16
  for (int q = 0; q < 16; ++q) {
    const __m128i k = _mm_load_si128(reinterpret_cast<const __m128i*>(kSha256K + 4 * q));
#pragma GCC unroll 2
    for (int l = 0; l < N; ++l) {
      __m128i m;
      if (q < 4) {
        m = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(blocks[l] + 16 * q)),
                             kMask);
      } else {
        // W[t] = s1(W[t-2]) + W[t-7] + s0(W[t-15]) + W[t-16], four words at a time.
        const __m128i& w4 = w[l][q % 4];  // words t-16..t-13
        const __m128i& w3 = w[l][(q + 1) % 4];
        const __m128i& w2 = w[l][(q + 2) % 4];
        const __m128i& w1 = w[l][(q + 3) % 4];  // words t-4..t-1
        m = _mm_sha256msg2_epu32(
            _mm_add_epi32(_mm_sha256msg1_epu32(w4, w3), _mm_alignr_epi8(w1, w2, 4)), w1);
      }
      w[l][q % 4] = m;
      const __m128i mk = _mm_add_epi32(m, k);
      cdgh[l] = _mm_sha256rnds2_epu32(cdgh[l], abef[l], mk);
      abef[l] = _mm_sha256rnds2_epu32(abef[l], cdgh[l], _mm_shuffle_epi32(mk, 0x0E));
    }
  }
  for (int l = 0; l < N; ++l) {
    lanes[l]->abef = _mm_add_epi32(abef[l], lanes[l]->abef);
    lanes[l]->cdgh = _mm_add_epi32(cdgh[l], lanes[l]->cdgh);
  }
}

__attribute__((target("sha,sse4.1,ssse3"))) void NiDigestOne(const uint8_t* p, size_t blocks,
                                                            Hash256* out) {
  NiState s = NiInit();
  NiState* lane[1] = {&s};
  for (size_t k = 0; k < blocks; ++k) {
    const uint8_t* b[1] = {p + 64 * k};
    NiCompress<1>(lane, b);
  }
  NiOut(s, out);
}

// Two lanes take messages longest first (each lane takes the next when its own is done), so
// a long message runs beside the short ones instead of alone at the end.
__attribute__((target("sha,sse4.1,ssse3"))) void NiDigestMany(const uint8_t* base,
                                                             const uint32_t* blocks,
                                                             size_t count, Hash256* out) {
  constexpr size_t kInline = 64;
  uint32_t inline_order[kInline];
  const uint8_t* inline_start[kInline];
  std::unique_ptr<uint32_t[]> heap_order;
  std::unique_ptr<const uint8_t*[]> heap_start;
  uint32_t* order = inline_order;
  const uint8_t** start = inline_start;
  if (count > kInline) {
    heap_order = std::make_unique_for_overwrite<uint32_t[]>(count);
    heap_start = std::make_unique_for_overwrite<const uint8_t*[]>(count);
    order = heap_order.get();
    start = heap_start.get();
  }
  const uint8_t* p = base;
  for (size_t i = 0; i < count; ++i) {
    start[i] = p;
    p += 64 * size_t{blocks[i]};
    // Insertion by decreasing block count, stable (almost all messages are one block).
    size_t j = i;
    for (; j > 0 && blocks[order[j - 1]] < blocks[i]; --j) order[j] = order[j - 1];
    order[j] = static_cast<uint32_t>(i);
  }

  NiState st[2];
  const uint8_t* ptr[2];
  size_t left[2];  // blocks left in the lane's message
  size_t msg[2];   // the lane's message index
  size_t next = 0;
  for (int l = 0; l < 2; ++l) {
    const uint32_t m = order[next++];
    st[l] = NiInit();
    ptr[l] = start[m];
    left[l] = blocks[m];
    msg[l] = m;
  }
  NiState* lanes[2] = {&st[0], &st[1]};
  for (;;) {
    const size_t run = left[0] < left[1] ? left[0] : left[1];
    for (size_t k = 0; k < run; ++k) {
      const uint8_t* b[2] = {ptr[0], ptr[1]};
      NiCompress<2>(lanes, b);
      ptr[0] += 64;
      ptr[1] += 64;
    }
    left[0] -= run;
    left[1] -= run;
    int idle = -1;
    for (int l = 0; l < 2; ++l) {
      if (left[l] != 0) continue;
      NiOut(st[l], &out[msg[l]]);
      if (next < count) {
        const uint32_t m = order[next++];
        st[l] = NiInit();
        ptr[l] = start[m];
        left[l] = blocks[m];
        msg[l] = m;
      } else {
        idle = l;
      }
    }
    if (idle >= 0) {
      const int l = 1 - idle;
      if (left[l] != 0) {  // finish the other lane alone
        NiState* one[1] = {&st[l]};
        for (size_t k = 0; k < left[l]; ++k) {
          const uint8_t* b[1] = {ptr[l] + 64 * k};
          NiCompress<1>(one, b);
        }
        NiOut(st[l], &out[msg[l]]);
      }
      return;
    }
  }
}

#endif  // FOLIO_ION_SHA_NI

}  // namespace

void Sha256PaddedMessages(const uint8_t* base, const uint32_t* blocks, size_t count,
                          Hash256* out) {
  if (count == 0) return;
#ifdef FOLIO_ION_SHA_NI
  if (UseShaNi()) {
    if (count == 1) {
      NiDigestOne(base, blocks[0], out);
    } else {
      NiDigestMany(base, blocks, count, out);
    }
    return;
  }
#endif
  for (size_t i = 0; i < count; ++i) {
    PortableDigest(base, blocks[i], &out[i]);
    base += 64 * size_t{blocks[i]};
  }
}

Hash256 Sha256Padded(const uint8_t* base, size_t blocks) {
  Hash256 out;
#ifdef FOLIO_ION_SHA_NI
  if (UseShaNi()) {
    NiDigestOne(base, blocks, &out);
    return out;
  }
#endif
  PortableDigest(base, blocks, &out);
  return out;
}

namespace {

// Digest order: the first 8 bytes as a big-endian integer decide unless they are equal.
inline bool DigestLess(const Hash256& a, const Hash256& b) {
  uint64_t x, y;
  std::memcpy(&x, a.data(), 8);
  std::memcpy(&y, b.data(), 8);
  if (x != y) return __builtin_bswap64(x) < __builtin_bswap64(y);
  return std::memcmp(a.data() + 8, b.data() + 8, 24) < 0;
}

}  // namespace

void SortDigests(Hash256* digests, size_t n) {
  constexpr size_t kRankMax = 24;
  if (n <= 1) return;
  if (n <= kRankMax) {
    // Branch-free ranking by the first 4 bytes (big-endian, sign-flipped so a signed 32-bit
    // compare orders them unsigned; the counting loop vectorizes): comparisons of random
    // digests are unpredictable, so counting beats a sort's mispredicted branches. Any tie
    // (repeated fields hash alike) goes to the full comparison below.
    int32_t key[kRankMax];
    for (size_t i = 0; i < n; ++i) {
      uint32_t x;
      std::memcpy(&x, digests[i].data(), 4);
      key[i] = static_cast<int32_t>(__builtin_bswap32(x) ^ 0x80000000u);
    }
    uint32_t rank[kRankMax];
    uint32_t ties = 0;
    for (size_t i = 0; i < n; ++i) {
      const int32_t k = key[i];
      uint32_t r = 0, eq = 0;
      for (size_t j = 0; j < n; ++j) {
        r += key[j] < k;
        eq += key[j] == k;
      }
      rank[i] = r;
      ties |= eq - 1;
    }
    if (ties == 0) {  // distinct keys: the ranks are a permutation
      Hash256 sorted[kRankMax];
      for (size_t i = 0; i < n; ++i) sorted[rank[i]] = digests[i];
      std::memcpy(digests, sorted, n * sizeof(Hash256));
      return;
    }
  }
  // Equal prefixes (repeated fields hash alike) or many digests.
  std::sort(digests, digests + n, DigestLess);
}

bool Sha256UsesShaNi() {
#ifdef FOLIO_ION_SHA_NI
  return UseShaNi();
#else
  return false;
#endif
}

void SetSha256ShaNiEnabledForTesting(bool enabled) {
#ifdef FOLIO_ION_SHA_NI
  g_sha_ni_enabled.store(enabled, std::memory_order_relaxed);
#else
  (void)enabled;
#endif
}

}  // namespace folio::ion::hash_internal
