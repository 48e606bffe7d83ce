// QLDB-style identifiers: 22 uniformly random Base62 characters (131 bits; document, table,
// index, strand and transaction ids). Clients treat them as opaque.
#pragma once

#include <string>
#include <string_view>

namespace folio::engine {

inline constexpr size_t kIdLength = 22;

// A fresh random id (UniqueRandom64: unique, not secret). Thread-safe.
std::string NewId();
// True when `id` is 22 characters of [0-9A-Za-z].
bool IsValidId(std::string_view id);

}  // namespace folio::engine
