// Golden test runner for .pqt files (STYLE-ANCHORS.md section 8): a sqllogictest dialect whose
// results are Ion. The runner is generic over a Backend so the same files can run against the
// in-memory catalog (MemoryBackend, here) and the real engine (added by the engine).
//
// File format, records separated by blank lines:
//   # name: / # description: / # group: headers; `# backend: engine` limits a file to the
//     named backend (others skip it).
//   statement ok|error [sN]       SQL lines, then `? <ion>` parameter lines; for `error`,
//                                 `----` then `<QLDB exception name>[: <regex>]`.
//   query bag|list [sN] [+ensure:index_lookup|scan]
//                                 SQL, `? ` parameters, `----`, expected Ion stream (one value
//                                 per row). `$any::null` matches anything, `$bind::x` captures
//                                 a value, `${x}` substitutes it later (statement text: as a
//                                 PartiQL literal; parameters/results: as Ion text).
//   begin sN | commit sN [error <Exception>[: regex]] | abort sN | restart | verify
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "ion/value.h"

namespace folio::golden {

struct BackendResult {
  std::vector<ion::Value> rows;
  // "scan", "index_lookup" or "none" (no table read); empty if the backend cannot tell.
  std::string plan;
};

// One ledger under test. Session "" means autocommit (one transaction per statement).
class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::string_view name() const = 0;
  virtual Status Begin(const std::string& session) = 0;
  virtual Result<BackendResult> Execute(const std::string& session, const std::string& statement,
                                        const std::vector<ion::Value>& params) = 0;
  virtual Status Commit(const std::string& session) = 0;
  virtual Status Abort(const std::string& session) = 0;
  // Closes and reopens the ledger; open sessions are dropped.
  virtual Status Restart() = 0;
  // Checks the ledger's internal consistency.
  virtual Status Verify() = 0;
};

// A backend over partiql::testing::MemoryDatabase.
std::unique_ptr<Backend> MakeMemoryBackend();

struct FileReport {
  std::string path;
  bool skipped = false;
  std::string skip_reason;
  int passed = 0;
  int failed = 0;
  std::vector<std::string> failures;  // "<file>:<line>: <what>"
};

// Runs one .pqt file against a fresh backend from `make_backend`.
FileReport RunFile(const std::string& path,
                   const std::function<std::unique_ptr<Backend>()>& make_backend);

// Parses and runs `text` (the content of `path`) — exposed for tests of the runner itself.
FileReport RunText(const std::string& path, std::string_view text, Backend& backend);

// Compares an actual row against an expected pattern, extending `binds`.
bool MatchValue(const ion::Value& expected, const ion::Value& actual,
                std::map<std::string, ion::Value>& binds);

}  // namespace folio::golden
