// A golden-test Backend over the real engine (one ledger in a temporary data directory), so
// every .pqt file also runs against journal, OCC, restart and verification.
#pragma once

#include <memory>
#include <string>

#include "tests/golden/pqt_runner.h"

namespace folio::golden {

// `data_dir` is created and removed by the backend.
std::unique_ptr<Backend> MakeEngineBackend(const std::string& data_dir);

}  // namespace folio::golden
