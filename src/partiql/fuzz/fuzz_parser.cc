// libFuzzer target: any input must parse or fail with a Status, never crash; accepted
// statements are also evaluated against an empty in-memory catalog.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "partiql/partiql.h"
#include "partiql/testing/memory_catalog.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto st = folio::partiql::Parse(text);
  if (!st.ok() || (*st)->param_count != 0) return 0;
  folio::partiql::testing::MemoryDatabase db;
  auto txn = db.Begin();
  auto r = folio::partiql::Execute(**st, *txn, {});
  (void)r.ok();
  return 0;
}
