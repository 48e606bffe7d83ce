// libFuzzer target: ReadText on arbitrary bytes must return values or a Status (never crash,
// hang or leak), and accepted input must round-trip (fuzz_common.h).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ion/fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  folio::Result<std::vector<folio::ion::Value>> values =
      folio::ion::ReadText(std::string_view(reinterpret_cast<const char*>(data), size));
  if (values.ok()) folio::ion::fuzz::CheckRoundTrips(*values);
  return 0;
}
