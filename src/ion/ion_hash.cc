#include "ion/ion_hash.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <limits>
#include <memory>
#include <optional>
#include <vector>

#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#include <immintrin.h>
#endif

#include "ion/binary_reader.h"
#include "ion/binary_writer.h"
#include "ion/ion.h"

namespace folio::ion {

namespace {

constexpr uint8_t kBegin = 0x0B;
constexpr uint8_t kEnd = 0x0E;
constexpr uint8_t kEsc = 0x0C;

inline bool NeedsEscape(uint8_t b) { return b == kBegin || b == kEnd || b == kEsc; }

void AppendEscaped(std::span<const uint8_t> s, Bytes* out) {
  const uint8_t* p = s.data();
  const uint8_t* end = p + s.size();
  out->reserve(out->size() + s.size());
  while (p < end) {
    // Copy runs of bytes that need no escape in one go.
    const uint8_t* q = p;
    while (q < end && !NeedsEscape(*q)) ++q;
    out->insert(out->end(), p, q);
    if (q == end) break;
    out->push_back(kEsc);
    out->push_back(*q);
    p = q + 1;
  }
}

// Unsigned lexicographic order of digests; the first 8 bytes decide almost always.
inline bool DigestLess(const Hash256& a, const Hash256& b) {
  uint64_t x, y;
  std::memcpy(&x, a.data(), 8);
  std::memcpy(&y, b.data(), 8);
  if (x != y) return __builtin_bswap64(x) < __builtin_bswap64(y);
  return std::memcmp(a.data() + 8, b.data() + 8, 24) < 0;
}
inline bool DigestLess(const Bytes& a, const Bytes& b) { return a < b; }

// The hashing walk, generic over a Sink:
//   void Update(uint8_t); void UpdateEscaped(std::span<const uint8_t>);
//   void Scalar(uint8_t tq, std::span<const uint8_t> repr);  // 0x0B TQ escape(repr) 0x0E
//   FieldsMark BeginFields();  // then, per struct field:
//   template <class F> void Field(FieldsMark, F&& serialize_into_subsink);
//   void EndFields(FieldsMark);  // digests the fields, sorts, appends escape(digest) each
template <class Sink>
class Walker {
 public:
  explicit Walker(Bytes* scratch) : repr_(scratch) {}

  Status Walk(Sink& sink, const class Value& v) {
    if (v.annotations().empty()) return Bare(sink, v);
    sink.Update(kBegin);
    sink.Update(0xE0);
    for (const Symbol& a : v.annotations()) FOLIO_TRY(SymbolScalar(sink, a));
    FOLIO_TRY(Bare(sink, v));
    sink.Update(kEnd);
    return Status::OK();
  }

 private:
  void Scalar(Sink& sink, uint8_t tq, std::span<const uint8_t> repr) { sink.Scalar(tq, repr); }

  Status SymbolScalar(Sink& sink, const Symbol& s) {
    if (s.has_text) {
      Scalar(sink, 0x70, AsSpan(s.text));
      return Status::OK();
    }
    if (!s.import_name.empty()) {
      return Status::InvalidArgument("ion hash: symbol with unknown text (import '" +
                                     s.import_name.str() + "', offset " +
                                     std::to_string(s.import_offset) + ") cannot be hashed");
    }
    Scalar(sink, 0x71, {});
    return Status::OK();
  }

  Status Bare(Sink& sink, const class Value& v) {
    static constexpr uint8_t kTid[] = {0x0, 0x1, 0x2, 0x4, 0x5, 0x6, 0x7,
                                       0x8, 0x9, 0xA, 0xB, 0xC, 0xD};
    const uint8_t tid = kTid[static_cast<int>(v.type())];
    if (v.is_null()) {
      Scalar(sink, static_cast<uint8_t>(tid << 4 | 0x0F), {});
      return Status::OK();
    }
    switch (v.type()) {
      case Type::kNull:
        Scalar(sink, 0x0F, {});
        break;
      case Type::kBool:
        Scalar(sink, v.as_bool() ? 0x11 : 0x10, {});
        break;
      case Type::kInt:
        repr_->clear();
        AppendMagnitude(v.as_int(), repr_);
        Scalar(sink, v.as_int().sign() < 0 ? 0x30 : 0x20, *repr_);
        break;
      case Type::kFloat: {
        double d = v.as_float();
        if (std::isnan(d)) d = std::numeric_limits<double>::quiet_NaN();  // 7FF8000000000000
        repr_->clear();
        AppendFloatRepr(d, repr_);
        Scalar(sink, 0x40, *repr_);
        break;
      }
      case Type::kDecimal:
        repr_->clear();
        AppendDecimalRepr(v.as_decimal(), repr_);
        Scalar(sink, 0x50, *repr_);
        break;
      case Type::kTimestamp:
        repr_->clear();
        AppendTimestampRepr(v.as_timestamp(), repr_);
        Scalar(sink, 0x60, *repr_);
        break;
      case Type::kSymbol:
        return SymbolScalar(sink, v.as_symbol());
      case Type::kString:
        Scalar(sink, 0x80, AsSpan(v.as_string()));
        break;
      case Type::kClob:
        Scalar(sink, 0x90, v.as_bytes());
        break;
      case Type::kBlob:
        Scalar(sink, 0xA0, v.as_bytes());
        break;
      case Type::kList:
      case Type::kSexp:
        sink.Update(kBegin);
        sink.Update(static_cast<uint8_t>(tid << 4));
        for (const class Value& e : v.elements()) FOLIO_TRY(Walk(sink, e));
        sink.Update(kEnd);
        break;
      case Type::kStruct: {
        sink.Update(kBegin);
        sink.Update(0xD0);
        auto fields = sink.BeginFields();
        for (const Field& f : v.fields()) {
          Status st;
          sink.Field(fields, [&](Sink& sub) {
            st = SymbolScalar(sub, f.name);
            if (st.ok()) st = Walk(sub, f.value);
          });
          FOLIO_TRY(st);
        }
        sink.EndFields(fields);
        sink.Update(kEnd);
        break;
      }
    }
    return Status::OK();
  }

  Bytes* repr_;
};

// --- Generic sink over Hasher/HasherFactory. ---
class GenericSink {
 public:
  GenericSink(Hasher* h, HasherFactory* f) : h_(h), f_(f) {}
  void Update(uint8_t b) { h_->Update({&b, 1}); }
  void UpdateEscaped(std::span<const uint8_t> s) {
    escaped_.clear();
    AppendEscaped(s, &escaped_);
    h_->Update(escaped_);
  }
  void Scalar(uint8_t tq, std::span<const uint8_t> repr) {
    Update(kBegin);
    Update(tq);
    if (!repr.empty()) UpdateEscaped(repr);
    Update(kEnd);
  }
  struct FieldsMark {
    size_t first;  // index of the struct's first digest in digests_
  };
  FieldsMark BeginFields() { return FieldsMark{digests_.size()}; }
  template <class F>
  void Field(FieldsMark, F&& fn) {
    std::unique_ptr<Hasher> sub = f_->NewHasher();
    GenericSink s(sub.get(), f_);
    fn(s);
    digests_.push_back(sub->Digest());
  }
  void EndFields(FieldsMark m) {
    auto first = digests_.begin() + static_cast<ptrdiff_t>(m.first);
    std::sort(first, digests_.end());
    for (auto it = first; it != digests_.end(); ++it) UpdateEscaped(*it);
    digests_.erase(first, digests_.end());
  }

 private:
  Hasher* h_;
  HasherFactory* f_;
  Bytes escaped_;
  std::vector<Bytes> digests_;
};

// SHA-256 of whole in-memory messages for the hot path. Struct fields are short (tens of
// bytes), so per-digest overhead matters and the compression is latency-bound: with the x86
// SHA extensions, two independent messages are compressed in one interleaved instruction
// stream (about twice the throughput of one). Without them, OpenSSL's low-level SHA256()
// (no EVP fetch per call). Cross-checked against folio::Sha256 (EVP) by the tests.
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define FOLIO_ION_SHA_NI 1

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
constexpr uint32_t kSha256Iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

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

// Compresses one 64-byte block into each of N states (N independent messages, interleaved).
// States are in the standard word order a..h.
template <int N>
__attribute__((target("sha,sse4.1,ssse3"))) inline void ShaNiCompress(uint32_t* const* states,
                                                                      const uint8_t* const* blocks) {
  const __m128i kMask = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
  __m128i abef[N], cdgh[N], abef_save[N], cdgh_save[N], w[N][4];
  for (int l = 0; l < N; ++l) {
    __m128i dcba = _mm_loadu_si128(reinterpret_cast<const __m128i*>(states[l]));
    __m128i hgfe = _mm_loadu_si128(reinterpret_cast<const __m128i*>(states[l] + 4));
    dcba = _mm_shuffle_epi32(dcba, 0xB1);  // CDAB
    hgfe = _mm_shuffle_epi32(hgfe, 0x1B);  // EFGH
    abef[l] = _mm_alignr_epi8(dcba, hgfe, 8);
    cdgh[l] = _mm_blend_epi16(hgfe, dcba, 0xF0);
    abef_save[l] = abef[l];
    cdgh_save[l] = cdgh[l];
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
    const __m128i a = _mm_add_epi32(abef[l], abef_save[l]);
    const __m128i c = _mm_add_epi32(cdgh[l], cdgh_save[l]);
    const __m128i feba = _mm_shuffle_epi32(a, 0x1B);
    const __m128i dchg = _mm_shuffle_epi32(c, 0xB1);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(states[l]), _mm_blend_epi16(feba, dchg, 0xF0));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(states[l] + 4), _mm_alignr_epi8(dchg, feba, 8));
  }
}

// One message as a sequence of 64-byte blocks: its full blocks in place, then one or two
// padded tail blocks (message tail, 0x80, zeros, 64-bit big-endian bit length).
struct ShaLane {
  explicit ShaLane(std::span<const uint8_t> m) : data(m.data()), full(m.size() / 64) {
    static constexpr uint8_t kZero[sizeof(tail)] = {};
    const size_t rem = m.size() % 64;
    std::memcpy(tail, kZero, sizeof(tail));  // fixed size: vector stores, no `rep stos`
    if (rem > 0) std::memcpy(tail, m.data() + full * 64, rem);
    tail[rem] = 0x80;
    tail_blocks = rem < 56 ? 1 : 2;
    const uint64_t bits = static_cast<uint64_t>(m.size()) * 8;
    for (int i = 0; i < 8; ++i) tail[tail_blocks * 64 - 1 - i] = static_cast<uint8_t>(bits >> (8 * i));
    std::memcpy(state, kSha256Iv, sizeof(state));
  }
  size_t blocks() const { return full + tail_blocks; }
  const uint8_t* block(size_t k) const { return k < full ? data + 64 * k : tail + 64 * (k - full); }
  void Out(Hash256* out) const {
    for (int i = 0; i < 8; ++i) {
      (*out)[4 * i] = static_cast<uint8_t>(state[i] >> 24);
      (*out)[4 * i + 1] = static_cast<uint8_t>(state[i] >> 16);
      (*out)[4 * i + 2] = static_cast<uint8_t>(state[i] >> 8);
      (*out)[4 * i + 3] = static_cast<uint8_t>(state[i]);
    }
  }

  const uint8_t* data;
  size_t full;
  size_t tail_blocks;
  uint8_t tail[128];
  uint32_t state[8];
};

void ShaNiRun(ShaLane& l, size_t from) {
  uint32_t* st[1] = {l.state};
  for (size_t k = from; k < l.blocks(); ++k) {
    const uint8_t* b[1] = {l.block(k)};
    ShaNiCompress<1>(st, b);
  }
}
#endif  // x86-64

void Sha256Once(std::span<const uint8_t> m, Hash256* out) {
#ifdef FOLIO_ION_SHA_NI
  if (CpuHasShaNi()) {
    ShaLane l(m);
    ShaNiRun(l, 0);
    l.Out(out);
    return;
  }
#endif
  SHA256(m.data(), m.size(), out->data());
}

// Digests of `count` messages: message i is bytes [ends[i-1], ends[i]) of `base` (the first
// starts at `start`). With SHA extensions two lanes stream through the messages, each taking
// the next message when its current one is done, so a long message pairs with several short.
void Sha256Many(const uint8_t* base, size_t start, const size_t* ends, size_t count, Hash256* out) {
#ifdef FOLIO_ION_SHA_NI
  if (CpuHasShaNi() && count > 1) {
    std::optional<ShaLane> lane[2];
    size_t lane_msg[2] = {0, 0}, lane_block[2] = {0, 0};
    size_t next = 0, begin = start;
    auto load = [&](int l) {
      if (next >= count) return;
      lane[l].emplace(std::span<const uint8_t>(base + begin, ends[next] - begin));
      begin = ends[next];
      lane_msg[l] = next++;
      lane_block[l] = 0;
    };
    load(0);
    load(1);
    for (;;) {
      for (int l = 0; l < 2; ++l) {
        if (lane[l] && lane_block[l] == lane[l]->blocks()) {
          lane[l]->Out(&out[lane_msg[l]]);
          lane[l].reset();
          load(l);
        }
      }
      if (lane[0] && lane[1]) {
        uint32_t* st[2] = {lane[0]->state, lane[1]->state};
        const uint8_t* blk[2] = {lane[0]->block(lane_block[0]++), lane[1]->block(lane_block[1]++)};
        ShaNiCompress<2>(st, blk);
      } else if (lane[0] || lane[1]) {
        const int l = lane[0] ? 0 : 1;
        uint32_t* st[1] = {lane[l]->state};
        const uint8_t* blk[1] = {lane[l]->block(lane_block[l]++)};
        ShaNiCompress<1>(st, blk);
      } else {
        return;
      }
    }
  }
#endif
  for (size_t i = 0; i < count; ++i) {
    Sha256Once({base + start, ends[i] - start}, &out[i]);
    start = ends[i];
  }
}

// A growable byte buffer written through raw pointers: no zero-fill, one capacity check per
// scalar instead of one per byte.
class ByteBuf {
 public:
  void clear() { size_ = 0; }
  std::span<const uint8_t> view() const { return {buf_.get(), size_}; }
  // Room for at least n more bytes; write through the pointer, then Commit(end).
  uint8_t* Room(size_t n) {
    if (cap_ - size_ < n) Grow(n);
    return buf_.get() + size_;
  }
  void Commit(uint8_t* end) { size_ = static_cast<size_t>(end - buf_.get()); }
  void Truncate(size_t n) { size_ = n; }  // n <= size()

 private:
  void Grow(size_t n) {
    size_t cap = std::max({cap_ * 2, size_ + n, size_t{256}});
    auto b = std::make_unique_for_overwrite<uint8_t[]>(cap);
    if (size_ > 0) std::memcpy(b.get(), buf_.get(), size_);
    buf_ = std::move(b);
    cap_ = cap;
  }
  std::unique_ptr<uint8_t[]> buf_;
  size_t size_ = 0;
  size_t cap_ = 0;
};

// Writes escape(s) at w; w must have room for 2 * s.size() bytes. Blocks holding none of the
// escapable bytes (0x0B, 0x0C, 0x0E) are copied whole: 16 bytes at a time with SSE2, else 8
// with a SWAR zero-byte test per escapable value.
inline uint8_t* WriteEscapedSlow(uint8_t* w, const uint8_t* p, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (NeedsEscape(p[i])) *w++ = kEsc;
    *w++ = p[i];
  }
  return w;
}

inline uint8_t* WriteEscaped(uint8_t* w, std::span<const uint8_t> s) {
  const uint8_t* p = s.data();
  size_t n = s.size();
#if defined(__SSE2__)
  const __m128i b = _mm_set1_epi8(static_cast<char>(kBegin));
  const __m128i c = _mm_set1_epi8(static_cast<char>(kEsc));
  const __m128i e = _mm_set1_epi8(static_cast<char>(kEnd));
  while (n >= 16) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i hit =
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, b), _mm_cmpeq_epi8(x, c)), _mm_cmpeq_epi8(x, e));
    if (_mm_movemask_epi8(hit) == 0) {
      _mm_storeu_si128(reinterpret_cast<__m128i*>(w), x);
      w += 16;
    } else {
      w = WriteEscapedSlow(w, p, 16);
    }
    p += 16;
    n -= 16;
  }
#endif
  constexpr uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
  auto has_zero = [](uint64_t v) { return (v - kOnes) & ~v & kHigh; };
  while (n >= 8) {
    uint64_t x;
    std::memcpy(&x, p, 8);
    if ((has_zero(x ^ (kOnes * kBegin)) | has_zero(x ^ (kOnes * kEsc)) | has_zero(x ^ (kOnes * kEnd))) == 0) {
      std::memcpy(w, p, 8);
      w += 8;
    } else {
      w = WriteEscapedSlow(w, p, 8);
    }
    p += 8;
    n -= 8;
  }
  // Tail (< 8 bytes): one branch-free scan, then a plain copy when nothing needs escaping.
  bool any = false;
  for (size_t i = 0; i < n; ++i) any |= NeedsEscape(p[i]);
  if (any) return WriteEscapedSlow(w, p, n);
  for (size_t i = 0; i < n; ++i) w[i] = p[i];
  return w + n;
}

// --- Buffered SHA-256 sink. A struct's fields are serialized one after another into the
// buffer of the next nesting level; when the struct ends, the field serializations are
// digested (two at a time when the CPU has SHA extensions), sorted and escaped into the
// struct's own buffer, and the field level is truncated back. ---
struct ShaShared {
  // Per nesting level of struct fields. Deques: growing keeps existing levels in place.
  std::deque<ByteBuf> buffers;
  std::deque<std::vector<size_t>> field_ends;  // end offset of each field in buffers[level]
  std::vector<Hash256> digests;

  // Empties every level (a failed walk can leave fields of unfinished structs behind).
  void Reset() {
    for (ByteBuf& b : buffers) b.clear();
    for (std::vector<size_t>& e : field_ends) e.clear();
  }
};

class ShaSink {
 public:
  // `fresh`: start the level's buffer empty (else append to it).
  ShaSink(ShaShared* shared, size_t level, bool fresh) : shared_(shared), level_(level) {
    if (shared_->buffers.size() <= level_) {
      shared_->buffers.resize(level_ + 1);
      shared_->field_ends.resize(level_ + 1);
    }
    buf_ = &shared_->buffers[level_];
    if (fresh) {
      buf_->clear();
      shared_->field_ends[level_].clear();
    }
  }
  std::span<const uint8_t> buffer() const { return buf_->view(); }
  void Update(uint8_t b) {
    uint8_t* w = buf_->Room(1);
    *w++ = b;
    buf_->Commit(w);
  }
  void UpdateEscaped(std::span<const uint8_t> s) {
    buf_->Commit(WriteEscaped(buf_->Room(2 * s.size()), s));
  }
  void Scalar(uint8_t tq, std::span<const uint8_t> repr) {
    uint8_t* w = buf_->Room(2 * repr.size() + 3);
    *w++ = kBegin;
    *w++ = tq;
    w = WriteEscaped(w, repr);
    *w++ = kEnd;
    buf_->Commit(w);
  }

  struct FieldsMark {
    size_t start;       // where the struct's fields begin in the field level's buffer
    size_t first_end;   // index of the first field's end in field_ends
  };
  FieldsMark BeginFields() {
    ShaSink probe(shared_, level_ + 1, false);
    return FieldsMark{probe.buffer().size(), shared_->field_ends[level_ + 1].size()};
  }
  template <class F>
  void Field(FieldsMark, F&& fn) {
    ShaSink sub(shared_, level_ + 1, false);
    fn(sub);
    shared_->field_ends[level_ + 1].push_back(sub.buffer().size());
  }
  void EndFields(FieldsMark m) {
    ByteBuf& fb = shared_->buffers[level_ + 1];
    std::vector<size_t>& ends = shared_->field_ends[level_ + 1];
    const uint8_t* base = fb.view().data();
    std::vector<Hash256>& digests = shared_->digests;
    const size_t n = ends.size() - m.first_end;
    digests.resize(n);
    Sha256Many(base, m.start, ends.data() + m.first_end, n, digests.data());
    std::sort(digests.begin(), digests.end(),
              [](const Hash256& a, const Hash256& b) { return DigestLess(a, b); });
    uint8_t* w = buf_->Room(2 * sizeof(Hash256) * n);
    for (const Hash256& d : digests) w = WriteEscaped(w, d);
    buf_->Commit(w);
    fb.Truncate(m.start);
    ends.resize(m.first_end);
  }

 private:
  ShaShared* shared_;
  size_t level_;
  ByteBuf* buf_;
};

class Sha256Hasher : public Hasher {
 public:
  void Update(std::span<const uint8_t> bytes) override { sha_.Update(bytes); }
  Bytes Digest() override {
    Hash256 h = sha_.Finish();
    return Bytes(h.begin(), h.end());
  }

 private:
  Sha256 sha_;
};

class Sha256Factory : public HasherFactory {
 public:
  std::unique_ptr<Hasher> NewHasher() override { return std::make_unique<Sha256Hasher>(); }
};

// Ion Hash straight from a binary cursor, with no DOM: the same serialization as
// Walker<ShaSink>, scalars decoded by the cursor (so non-minimal encodings hash like their
// minimal form) and text, lobs and symbol text hashed in place from the input.
class CursorWalker {
 public:
  CursorWalker(BinaryCursor* c, Bytes* scratch) : c_(*c), repr_(scratch) {}

  Status Walk(ShaSink& sink) {
    const size_t n = c_.annotation_count();
    if (n == 0) return Bare(sink);
    sink.Update(kBegin);
    sink.Update(0xE0);
    for (size_t i = 0; i < n; ++i) FOLIO_TRY(SymbolScalar(sink, c_.annotation(i)));
    FOLIO_TRY(Bare(sink));
    sink.Update(kEnd);
    return Status::OK();
  }

 private:
  static Status SymbolScalar(ShaSink& sink, const SymbolRef& s) {
    if (s.has_text) {
      sink.Scalar(0x70, AsSpan(s.text));
      return Status::OK();
    }
    if (!s.import_name.empty()) {
      return Status::InvalidArgument("ion hash: symbol with unknown text (import '" +
                                     std::string(s.import_name) + "', offset " +
                                     std::to_string(s.import_offset) + ") cannot be hashed");
    }
    sink.Scalar(0x71, {});
    return Status::OK();
  }

  Status Bare(ShaSink& sink) {
    static constexpr uint8_t kTid[] = {0x0, 0x1, 0x2, 0x4, 0x5, 0x6, 0x7,
                                       0x8, 0x9, 0xA, 0xB, 0xC, 0xD};
    const Type t = c_.type();
    const uint8_t tid = kTid[static_cast<int>(t)];
    if (c_.is_null()) {
      sink.Scalar(static_cast<uint8_t>(tid << 4 | 0x0F), {});
      return Status::OK();
    }
    switch (t) {
      case Type::kNull:
        sink.Scalar(0x0F, {});
        break;
      case Type::kBool: {
        bool b;
        FOLIO_TRY(c_.ReadBool(&b));
        sink.Scalar(b ? 0x11 : 0x10, {});
        break;
      }
      case Type::kInt: {
        FOLIO_TRY(c_.ReadInt(&int_));
        repr_->clear();
        AppendMagnitude(int_, repr_);
        sink.Scalar(int_.sign() < 0 ? 0x30 : 0x20, *repr_);
        break;
      }
      case Type::kFloat: {
        double d;
        FOLIO_TRY(c_.ReadFloat(&d));
        if (std::isnan(d)) d = std::numeric_limits<double>::quiet_NaN();
        repr_->clear();
        AppendFloatRepr(d, repr_);
        sink.Scalar(0x40, *repr_);
        break;
      }
      case Type::kDecimal: {
        FOLIO_TRY(c_.ReadDecimal(&decimal_));
        repr_->clear();
        AppendDecimalRepr(decimal_, repr_);
        sink.Scalar(0x50, *repr_);
        break;
      }
      case Type::kTimestamp: {
        FOLIO_TRY(c_.ReadTimestamp(&timestamp_));
        repr_->clear();
        AppendTimestampRepr(timestamp_, repr_);
        sink.Scalar(0x60, *repr_);
        break;
      }
      case Type::kSymbol: {
        SymbolRef s;
        FOLIO_TRY(c_.ReadSymbol(&s));
        return SymbolScalar(sink, s);
      }
      case Type::kString: {
        std::string_view s;
        FOLIO_TRY(c_.ReadString(&s));
        sink.Scalar(0x80, AsSpan(s));
        break;
      }
      case Type::kClob:
      case Type::kBlob: {
        std::span<const uint8_t> b;
        FOLIO_TRY(c_.ReadLob(&b));
        sink.Scalar(static_cast<uint8_t>(tid << 4), b);
        break;
      }
      case Type::kList:
      case Type::kSexp:
        sink.Update(kBegin);
        sink.Update(static_cast<uint8_t>(tid << 4));
        FOLIO_TRY(c_.StepIn());
        while (c_.Next()) FOLIO_TRY(Walk(sink));
        FOLIO_TRY(c_.status());
        FOLIO_TRY(c_.StepOut());
        sink.Update(kEnd);
        break;
      case Type::kStruct: {
        sink.Update(kBegin);
        sink.Update(0xD0);
        auto fields = sink.BeginFields();
        FOLIO_TRY(c_.StepIn());
        while (c_.Next()) {
          Status st;
          sink.Field(fields, [&](ShaSink& sub) {
            st = SymbolScalar(sub, c_.field_name());
            if (st.ok()) st = Walk(sub);
          });
          FOLIO_TRY(st);
        }
        FOLIO_TRY(c_.status());
        FOLIO_TRY(c_.StepOut());
        sink.EndFields(fields);
        sink.Update(kEnd);
        break;
      }
    }
    return Status::OK();
  }

  BinaryCursor& c_;
  Bytes* repr_;
  Int int_;
  Decimal decimal_;
  Timestamp timestamp_;
};

}  // namespace

Result<Bytes> IonHash(const Value& value, HasherFactory& factory) {
  std::unique_ptr<Hasher> h = factory.NewHasher();
  GenericSink sink(h.get(), &factory);
  Bytes scratch;
  Walker<GenericSink> w(&scratch);
  FOLIO_TRY(w.Walk(sink, value));
  return h->Digest();
}

Result<Bytes> IonHashSerializeSha256(const Value& value) {
  ShaShared shared;
  ShaSink sink(&shared, 0, true);
  Bytes scratch;
  Walker<ShaSink> w(&scratch);
  FOLIO_TRY(w.Walk(sink, value));
  return Bytes(sink.buffer().begin(), sink.buffer().end());
}

Result<Hash256> IonHashSha256(const Value& value) {
  // Per-thread reusable state: buffers survive across calls.
  thread_local ShaShared shared;
  thread_local Bytes scratch;
  shared.Reset();
  ShaSink sink(&shared, 0, true);
  Walker<ShaSink> w(&scratch);
  FOLIO_TRY(w.Walk(sink, value));
  Hash256 out;
  Sha256Once(sink.buffer(), &out);
  return out;
}

Result<Hash256> IonHashSha256Binary(std::span<const uint8_t> data) {
  thread_local ShaShared shared;
  thread_local Bytes scratch;
  shared.Reset();
  BinaryCursor c(data);
  if (!c.Next()) {
    FOLIO_TRY(c.status());
    return Status::InvalidArgument("ion hash: the binary stream holds no value");
  }
  ShaSink sink(&shared, 0, true);
  CursorWalker w(&c, &scratch);
  FOLIO_TRY(w.Walk(sink));
  if (c.Next()) return Status::InvalidArgument("ion hash: the binary stream holds more than one value");
  FOLIO_TRY(c.status());
  Hash256 out;
  Sha256Once(sink.buffer(), &out);
  return out;
}

std::unique_ptr<HasherFactory> NewSha256HasherFactory() { return std::make_unique<Sha256Factory>(); }

}  // namespace folio::ion
