// QLDB-style identifiers: 22 Base62 characters. Table, index, strand and transaction ids are
// uniformly random (131 bits); document ids start with an increasing stamp (NewDocumentId).
// Clients treat them as opaque.
#pragma once

#include <string>
#include <string_view>

namespace folio::engine {

inline constexpr size_t kIdLength = 22;

// A fresh random id (UniqueRandom64: unique, not secret). Thread-safe.
std::string NewId();
// A fresh document id whose first 11 characters are a process-wide strictly increasing 64-bit
// stamp (microseconds since the epoch, or the previous stamp + 1 when the clock has not moved
// on), fixed-width Base62 so that byte order is issue order, followed by 11 random characters
// (65 bits). Ids issued later sort after earlier ones, so the storage keys of new documents are
// appended at the end of their table's key range instead of at random places (cheap memtable
// inserts, no interleaved SST ranges). Unique: stamps never repeat within a process, and the
// random part makes a collision with an id of another run (clock set back) negligible; only
// the ordering is lost then. Thread-safe.
std::string NewDocumentId();
// True when `id` is 22 characters of [0-9A-Za-z].
bool IsValidId(std::string_view id);

}  // namespace folio::engine
