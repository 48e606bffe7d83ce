#include "ion/ion_hash.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <memory>
#include <limits>
#include <vector>

#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

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
//   template <class F> Digest HashField(F&& serialize_into_subsink);
//   using Digest = <a sortable byte sequence>; std::span<const uint8_t> View(const Digest&).
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
                                     s.import_name + "', offset " +
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
        auto& digests = sink.DigestList();
        digests.clear();
        digests.reserve(v.fields().size());
        for (const Field& f : v.fields()) {
          Status st;
          digests.push_back(sink.HashField([&](Sink& sub) {
            st = SymbolScalar(sub, f.name);
            if (st.ok()) st = Walk(sub, f.value);
          }));
          FOLIO_TRY(st);
        }
        std::sort(digests.begin(), digests.end(),
                  [](const auto& a, const auto& b) { return DigestLess(a, b); });
        for (const auto& d : digests) sink.UpdateEscaped(Sink::View(d));
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
  using Digest = Bytes;
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
  template <class F>
  Digest HashField(F&& fn) {
    std::unique_ptr<Hasher> sub = f_->NewHasher();
    GenericSink s(sub.get(), f_);
    fn(s);
    return sub->Digest();
  }
  std::vector<Digest>& DigestList() { return digests_; }
  static std::span<const uint8_t> View(const Digest& d) { return d; }

 private:
  Hasher* h_;
  HasherFactory* f_;
  Bytes escaped_;
  std::vector<Digest> digests_;
};

// SHA-256 for the hot path. Struct fields are short (tens of bytes), so per-digest overhead
// dominates: OpenSSL's EVP layer costs more than the compression itself for such inputs, so
// this uses the low-level SHA256_* functions (deprecated in OpenSSL 3 in favour of EVP, still
// provided, and using the same SHA-NI/AVX code). Cross-checked against folio::Sha256 (EVP) by
// the unit and conformance tests.
class FastSha256 {
 public:
  FastSha256() { SHA256_Init(&ctx_); }
  void Update(std::span<const uint8_t> b) { SHA256_Update(&ctx_, b.data(), b.size()); }
  // Returns the digest and resets for reuse.
  Hash256 Finish() {
    Hash256 out;
    SHA256_Final(out.data(), &ctx_);
    SHA256_Init(&ctx_);
    return out;
  }

 private:
  SHA256_CTX ctx_;
};

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

// Writes escape(s) at w; w must have room for 2 * s.size() bytes. Words with no byte below
// 0x10 (the escapable bytes are 0x0B, 0x0C, 0x0E) are copied whole.
inline uint8_t* WriteEscaped(uint8_t* w, std::span<const uint8_t> s) {
  const uint8_t* p = s.data();
  size_t n = s.size();
  while (n >= 8) {
    uint64_t x;
    std::memcpy(&x, p, 8);
    if (((x - 0x1010101010101010ull) & ~x & 0x8080808080808080ull) == 0) {
      std::memcpy(w, p, 8);
      w += 8;
    } else {
      for (int i = 0; i < 8; ++i) {
        if (NeedsEscape(p[i])) *w++ = kEsc;
        *w++ = p[i];
      }
    }
    p += 8;
    n -= 8;
  }
  for (size_t i = 0; i < n; ++i) {
    if (NeedsEscape(p[i])) *w++ = kEsc;
    *w++ = p[i];
  }
  return w;
}


// --- Buffered SHA-256 sink. Each nesting level of struct fields serializes into its own
// reusable buffer; a field's buffer is digested once when the field is complete. ---
struct ShaShared {
  FastSha256 sha;
  // Per field level. Deques: growing them keeps references to existing levels valid.
  std::deque<ByteBuf> buffers;
  std::deque<std::vector<Hash256>> digests;
};

class ShaSink {
 public:
  using Digest = Hash256;
  ShaSink(ShaShared* shared, size_t level) : shared_(shared), level_(level) {
    if (shared_->buffers.size() <= level_) {
      shared_->buffers.resize(level_ + 1);
      shared_->digests.resize(level_ + 1);
    }
    buf_ = &shared_->buffers[level_];
    buf_->clear();
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
  template <class F>
  Digest HashField(F&& fn) {
    ShaSink sub(shared_, level_ + 1);
    fn(sub);
    shared_->sha.Update(sub.buffer());
    return shared_->sha.Finish();
  }
  std::vector<Digest>& DigestList() { return shared_->digests[level_]; }
  static std::span<const uint8_t> View(const Digest& d) { return d; }

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
  ShaSink sink(&shared, 0);
  Bytes scratch;
  Walker<ShaSink> w(&scratch);
  FOLIO_TRY(w.Walk(sink, value));
  return Bytes(sink.buffer().begin(), sink.buffer().end());
}

Result<Hash256> IonHashSha256(const Value& value) {
  // Per-thread reusable state: buffers and the SHA context survive across calls.
  thread_local ShaShared shared;
  thread_local Bytes scratch;
  ShaSink sink(&shared, 0);
  Walker<ShaSink> w(&scratch);
  FOLIO_TRY(w.Walk(sink, value));
  shared.sha.Update(sink.buffer());
  return shared.sha.Finish();
}

std::unique_ptr<HasherFactory> NewSha256HasherFactory() { return std::make_unique<Sha256Factory>(); }

}  // namespace folio::ion
