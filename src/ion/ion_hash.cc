#include "ion/ion_hash.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "ion/binary_reader.h"
#include "ion/binary_writer.h"
#include "ion/ion.h"
#include "ion/ion_hash_sha.h"

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

// Prefetches the cache lines of an array of `bytes` bytes (at most the first 4 KiB).
inline void PrefetchArray(const void* data, size_t bytes) {
  const char* p = static_cast<const char*>(data);
  const size_t n = std::min<size_t>(bytes, 4096);
  for (size_t off = 0; off < n; off += 64) __builtin_prefetch(p + off);
}

// Starts loading the memory that hashing `v` reads beyond the Value itself (string bytes, a
// container's array of children), so a DOM that is not in cache streams in while the previous
// sibling is hashed.
inline void PrefetchPayload(const Value& v) {
  if (v.is_null()) return;
  switch (v.type()) {
    case Type::kString:
      __builtin_prefetch(v.as_string().data());
      break;
    case Type::kClob:
    case Type::kBlob:
      __builtin_prefetch(v.as_bytes().data());
      break;
    case Type::kList:
    case Type::kSexp:
      PrefetchArray(v.elements().data(), v.elements().size() * sizeof(Value));
      break;
    case Type::kStruct:
      PrefetchArray(v.fields().data(), v.fields().size() * sizeof(Field));
      break;
    default:
      break;
  }
}

// Children whose payloads a container prefetches when the walk enters it: their loads are
// independent, so their misses overlap instead of being paid one child at a time.
constexpr size_t kPrefetchChildren = 32;

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
        {
          const Value::Elements& es = v.elements();
          PrefetchArray(es.data(), es.size() * sizeof(Value));
          for (size_t i = 0; i < es.size() && i < kPrefetchChildren; ++i) PrefetchPayload(es[i]);
          for (const class Value& e : es) FOLIO_TRY(Walk(sink, e));
        }
        sink.Update(kEnd);
        break;
      case Type::kStruct: {
        sink.Update(kBegin);
        sink.Update(0xD0);
        auto fields = sink.BeginFields();
        const Value::Fields& fs = v.fields();
        PrefetchArray(fs.data(), fs.size() * sizeof(Field));
        for (size_t i = 0; i < fs.size() && i < kPrefetchChildren; ++i) {
          __builtin_prefetch(fs[i].name.text.data());
          PrefetchPayload(fs[i].value);
        }
        for (const Field& f : fs) {
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

// A growable byte buffer written through raw pointers: no zero-fill, one capacity check per
// scalar instead of one per byte.
class ByteBuf {
 public:
  void clear() { size_ = 0; }
  size_t size() const { return size_; }
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
// buffer of the next nesting level, each followed by its SHA-256 padding; when the struct
// ends, its field messages are digested in place (two at a time with SHA extensions), sorted
// and escaped into the struct's own buffer, and the field level is truncated back. ---

// One nesting level of struct fields: the padded field messages of the structs open there.
struct Level {
  ByteBuf buf;
  std::vector<uint32_t> blocks;  // 64-byte block count of each message in buf, in order
};

struct ShaShared {
  std::vector<std::unique_ptr<Level>> levels;  // owned one by one: pointers stay valid
  std::vector<Hash256> digests;                // structs with many fields

  Level* At(size_t depth) {
    while (levels.size() <= depth) levels.push_back(std::make_unique<Level>());
    return levels[depth].get();
  }
  // Empties every level (a failed walk can leave fields of unfinished structs behind).
  void Reset() {
    for (auto& l : levels) {
      l->buf.clear();
      l->blocks.clear();
    }
  }
};

class ShaSink {
 public:
  // Writes into level `depth` of `shared` (its buffer is appended to as it is).
  ShaSink(ShaShared* shared, size_t depth) : shared_(shared), depth_(depth), cur_(shared->At(depth)) {}

  std::span<const uint8_t> buffer() const { return cur_->buf.view(); }
  ByteBuf& buf() { return cur_->buf; }

  void Update(uint8_t b) {
    uint8_t* w = cur_->buf.Room(1);
    *w++ = b;
    cur_->buf.Commit(w);
  }
  void UpdateEscaped(std::span<const uint8_t> s) {
    cur_->buf.Commit(WriteEscaped(cur_->buf.Room(2 * s.size()), s));
  }
  void Scalar(uint8_t tq, std::span<const uint8_t> repr) {
    uint8_t* w = cur_->buf.Room(2 * repr.size() + 3);
    *w++ = kBegin;
    *w++ = tq;
    w = WriteEscaped(w, repr);
    *w++ = kEnd;
    cur_->buf.Commit(w);
  }

  struct FieldsMark {
    size_t start;      // where the struct's fields begin in the field level's buffer
    size_t first_msg;  // index of the struct's first field in the field level's blocks
  };
  FieldsMark BeginFields() {
    Level* f = shared_->At(depth_ + 1);
    return FieldsMark{f->buf.size(), f->blocks.size()};
  }
  // Serializes one field through fn(*this) into the field level, then pads it.
  template <class F>
  void Field(FieldsMark, F&& fn) {
    Level* const parent = cur_;
    Level* const f = shared_->At(depth_ + 1);
    const size_t start = f->buf.size();
    cur_ = f;
    ++depth_;
    fn(*this);
    --depth_;
    cur_ = parent;
    const size_t len = f->buf.size() - start;
    f->buf.Commit(hash_internal::WriteSha256Padding(f->buf.Room(hash_internal::kSha256PadRoom), len));
    f->blocks.push_back(static_cast<uint32_t>(hash_internal::Sha256PaddedSize(len) / 64));
  }
  void EndFields(FieldsMark m) {
    Level* const f = shared_->At(depth_ + 1);
    const size_t n = f->blocks.size() - m.first_msg;
    constexpr size_t kInline = 32;
    Hash256 inline_digests[kInline];
    Hash256* digests = inline_digests;
    if (n > kInline) {
      shared_->digests.resize(n);
      digests = shared_->digests.data();
    }
    hash_internal::Sha256PaddedMessages(f->buf.view().data() + m.start,
                                        f->blocks.data() + m.first_msg, n, digests);
    hash_internal::SortDigests(digests, n);
    uint8_t* w = cur_->buf.Room(2 * sizeof(Hash256) * n);
    for (size_t i = 0; i < n; ++i) w = WriteEscaped(w, digests[i]);
    cur_->buf.Commit(w);
    f->buf.Truncate(m.start);
    f->blocks.resize(m.first_msg);
  }

  // SHA-256 of this level's buffer from `start` to its end (padded in place; the buffer's
  // size is restored).
  Hash256 DigestFrom(size_t start) {
    ByteBuf& b = cur_->buf;
    const size_t size = b.size();
    const size_t len = size - start;
    hash_internal::WriteSha256Padding(b.Room(hash_internal::kSha256PadRoom), len);
    const Hash256 h = hash_internal::Sha256Padded(b.view().data() + start,
                                                  hash_internal::Sha256PaddedSize(len) / 64);
    return h;
  }

 private:
  ShaShared* shared_;
  size_t depth_;
  Level* cur_;
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
        if (!c_.status().ok()) return c_.status();  // no copy of an OK status
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
        if (!c_.status().ok()) return c_.status();  // no copy of an OK status
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
  ShaSink sink(&shared, 0);
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
  ShaSink sink(&shared, 0);
  Walker<ShaSink> w(&scratch);
  FOLIO_TRY(w.Walk(sink, value));
  return sink.DigestFrom(0);
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
  ShaSink sink(&shared, 0);
  CursorWalker w(&c, &scratch);
  FOLIO_TRY(w.Walk(sink));
  if (c.Next()) return Status::InvalidArgument("ion hash: the binary stream holds more than one value");
  FOLIO_TRY(c.status());
  return sink.DigestFrom(0);
}

std::unique_ptr<HasherFactory> NewSha256HasherFactory() { return std::make_unique<Sha256Factory>(); }

}  // namespace folio::ion
