// libFuzzer target for the request parsers that read untrusted bytes from the network: the
// QLDB Session JSON body and the control-plane route/query/body. Any input must parse or fail
// with an error value; never crash, hang or allocate without bound.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "protocol/control_api.h"
#include "protocol/session_api.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto session = folio::protocol::ParseSendCommand(input);
  (void)session.ok();
  // Control plane: the first line is "METHOD TARGET", the rest is the body.
  size_t nl = input.find('\n');
  std::string_view head = input.substr(0, nl == std::string_view::npos ? input.size() : nl);
  std::string_view body = nl == std::string_view::npos ? std::string_view() : input.substr(nl + 1);
  size_t sp = head.find(' ');
  std::string_view method = head.substr(0, sp == std::string_view::npos ? head.size() : sp);
  std::string_view target = sp == std::string_view::npos ? "/" : head.substr(sp + 1);
  auto control = folio::protocol::ParseControlRequest(method, target, body);
  (void)control.index();
  return 0;
}
