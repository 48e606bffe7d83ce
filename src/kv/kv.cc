#include "kv/kv.h"

#include <cassert>
#include <cstdint>

namespace folio::kv {

namespace {

constexpr char kTagDelete = 0x0;
constexpr char kTagPut = 0x1;

void AppendVarint32(std::string& out, uint32_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

void AppendLengthPrefixed(std::string& out, std::string_view bytes) {
  assert(bytes.size() <= UINT32_MAX);  // kv.h: keys and values are below 4 GiB
  AppendVarint32(out, static_cast<uint32_t>(bytes.size()));
  out.append(bytes);
}

// Reads a varint32-prefixed slice of `rep` at `pos`; the encoding is this file's own, so a
// malformed buffer is a bug.
std::string_view ReadLengthPrefixed(const std::string& rep, size_t& pos) {
  uint32_t length = 0;
  for (int shift = 0;; shift += 7) {
    auto byte = static_cast<uint8_t>(rep[pos++]);
    length |= static_cast<uint32_t>(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) break;
  }
  std::string_view out(rep.data() + pos, length);
  pos += length;
  return out;
}

}  // namespace

void WriteBatch::SetCount(size_t count) {
  count_ = count;
  auto n = static_cast<uint32_t>(count);
  for (int i = 0; i < 4; ++i) rep_[8 + i] = static_cast<char>((n >> (8 * i)) & 0xFF);
}

void WriteBatch::Put(std::string_view key, std::string_view value) {
  rep_.push_back(kTagPut);
  AppendLengthPrefixed(rep_, key);
  AppendLengthPrefixed(rep_, value);
  bytes_ += key.size() + value.size();
  SetCount(count_ + 1);
}

void WriteBatch::Delete(std::string_view key) {
  rep_.push_back(kTagDelete);
  AppendLengthPrefixed(rep_, key);
  bytes_ += key.size();
  SetCount(count_ + 1);
}

void WriteBatch::Clear() {
  rep_.assign(kHeaderSize, '\0');
  count_ = 0;
  bytes_ = 0;
}

void WriteBatch::Append(const WriteBatch& other) {
  rep_.append(other.rep_, kHeaderSize);
  bytes_ += other.bytes_;
  SetCount(count_ + other.count_);
}

bool WriteBatch::Next(size_t& pos, OpKind& kind, std::string_view& key,
                      std::string_view& value) const {
  if (pos >= rep_.size()) return false;
  char tag = rep_[pos++];
  key = ReadLengthPrefixed(rep_, pos);
  if (tag == kTagPut) {
    kind = OpKind::kPut;
    value = ReadLengthPrefixed(rep_, pos);
  } else {
    kind = OpKind::kDelete;
    value = {};
  }
  return true;
}

std::string PrefixUpperBound(std::string_view prefix) {
  std::string upper(prefix);
  while (!upper.empty()) {
    auto last = static_cast<unsigned char>(upper.back());
    if (last != 0xFF) {
      upper.back() = static_cast<char>(last + 1);
      return upper;
    }
    upper.pop_back();
  }
  return upper;
}

IteratorOptions PrefixRange(std::string_view prefix, const Snapshot* snapshot) {
  IteratorOptions o;
  o.lower = std::string(prefix);
  o.upper = PrefixUpperBound(prefix);
  o.snapshot = snapshot;
  return o;
}

}  // namespace folio::kv
