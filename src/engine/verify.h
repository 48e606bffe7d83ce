// Full verification of a ledger: replays the journal from block 0 (every hash, the chain and
// the Merkle nodes; journal/verify.h), then checks that indexed storage is exactly what the
// replay implies: every history entry, every current document, every index entry and every
// table definition. Reports the first inconsistency as kCorruption.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "common/status.h"
#include "journal/verify.h"
#include "kv/kv.h"

namespace folio::engine {

struct LedgerVerifyReport {
  journal::VerifyReport journal;
  uint64_t documents = 0;        // live documents checked
  uint64_t revisions = 0;        // history entries checked
  uint64_t index_entries = 0;    // index entries checked
  uint64_t tables = 0;
};

// Verifies the ledger stored in `store` (a ledger's own kv store). Safe while the ledger is
// open (reads one snapshot), but meant for offline use.
Result<LedgerVerifyReport> VerifyLedgerStore(
    kv::Store& store, const std::function<void(uint64_t, uint64_t)>& progress = {});

struct DataDirVerifyReport {
  std::vector<std::pair<std::string, LedgerVerifyReport>> ledgers;  // (name, report)
};

// Verifies every ledger of a data directory written by Engine. The server must not be running
// (RocksDB allows one process per store).
Result<DataDirVerifyReport> VerifyDataDir(
    const std::string& data_dir,
    const std::function<void(const std::string& ledger, uint64_t, uint64_t)>& progress = {});

}  // namespace folio::engine
