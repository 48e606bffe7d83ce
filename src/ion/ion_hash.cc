#include "ion/ion_hash.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <deque>
#include <limits>
#include <vector>

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

// The hashing walk, generic over a Sink:
//   void Update(uint8_t); void UpdateEscaped(std::span<const uint8_t>);
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
  void Scalar(Sink& sink, uint8_t tq, std::span<const uint8_t> repr) {
    sink.Update(kBegin);
    sink.Update(tq);
    if (!repr.empty()) sink.UpdateEscaped(repr);
    sink.Update(kEnd);
  }

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
        std::sort(digests.begin(), digests.end());
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

// --- Buffered SHA-256 sink. Each nesting level of struct fields serializes into its own
// reusable buffer; a field's buffer is digested once when the field is complete. ---
struct ShaShared {
  Sha256 sha;
  // Per field level. Deques: growing them keeps references to existing levels valid.
  std::deque<Bytes> buffers;
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
    shared_->buffers[level_].clear();
  }
  Bytes& buffer() { return shared_->buffers[level_]; }
  void Update(uint8_t b) { shared_->buffers[level_].push_back(b); }
  void UpdateEscaped(std::span<const uint8_t> s) { AppendEscaped(s, &shared_->buffers[level_]); }
  template <class F>
  Digest HashField(F&& fn) {
    ShaSink sub(shared_, level_ + 1);
    fn(sub);
    shared_->sha.Update(shared_->buffers[level_ + 1]);
    return shared_->sha.Finish();
  }
  std::vector<Digest>& DigestList() { return shared_->digests[level_]; }
  static std::span<const uint8_t> View(const Digest& d) { return d; }

 private:
  ShaShared* shared_;
  size_t level_;
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
  return std::move(sink.buffer());
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
