// QLDB-style identifiers: 128 random bits, Base62-encoded into exactly 22 characters
// (document, table, index, strand and transaction ids). Clients treat them as opaque.
#pragma once

#include <string>
#include <string_view>

namespace folio::engine {

inline constexpr size_t kIdLength = 22;

// A fresh random id from OpenSSL's CSPRNG. Thread-safe.
std::string NewId();
// True when `id` is 22 characters of [0-9A-Za-z].
bool IsValidId(std::string_view id);

}  // namespace folio::engine
