// QLDB's quotas (spec/qldb-semantics.md section 1). Exceeding one is kLimitExceeded.
#pragma once

#include <chrono>
#include <cstddef>

namespace folio::engine {

inline constexpr size_t kMaxDocumentsPerTransaction = 40;
inline constexpr size_t kMaxDocumentBytes = 128 * 1024;           // Ion binary size
inline constexpr size_t kMaxTransactionBytes = 4 * 1024 * 1024;   // sum of document sizes
inline constexpr size_t kMaxActiveTables = 20;
inline constexpr size_t kMaxTotalTables = 40;                     // dropped tables count
inline constexpr size_t kMaxIndexesPerTable = 5;
inline constexpr size_t kMaxNameLength = 128;
inline constexpr auto kTransactionLifetime = std::chrono::seconds(30);

}  // namespace folio::engine
