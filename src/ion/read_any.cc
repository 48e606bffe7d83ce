// ReadAny / ReadOne: dispatch on the binary version marker.
#include <cstring>

#include "ion/ion.h"

namespace folio::ion {

namespace {
constexpr uint8_t kIvm[4] = {0xE0, 0x01, 0x00, 0xEA};
}  // namespace

Result<std::vector<Value>> ReadAny(std::span<const uint8_t> data) {
  if (data.size() >= 4 && std::memcmp(data.data(), kIvm, 4) == 0) return ReadBinary(data);
  return ReadText(AsStringView(data));
}

Result<Value> ReadOne(std::span<const uint8_t> data) {
  FOLIO_ASSIGN_OR_RETURN(std::vector<Value> values, ReadAny(data));
  if (values.size() != 1) {
    return Status::InvalidArgument("expected exactly one Ion value, found " +
                                   std::to_string(values.size()));
  }
  return std::move(values.front());
}

}  // namespace folio::ion
