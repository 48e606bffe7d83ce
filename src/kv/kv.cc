#include "kv/kv.h"

namespace folio::kv {

void WriteBatch::Append(const WriteBatch& other) {
  ops_.insert(ops_.end(), other.ops_.begin(), other.ops_.end());
  bytes_ += other.bytes_;
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
