// libFuzzer target: ReadBinary on arbitrary bytes must return values or a Status (never crash,
// hang or leak), and accepted input must round-trip (fuzz_common.h).
#include <cstddef>
#include <cstdint>
#include <span>

#include "ion/fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  folio::Result<std::vector<folio::ion::Value>> values =
      folio::ion::ReadBinary(std::span<const uint8_t>(data, size));
  if (values.ok()) folio::ion::fuzz::CheckRoundTrips(*values);
  return 0;
}
