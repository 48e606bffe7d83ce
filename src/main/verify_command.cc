// `folio verify <data-dir>`: offline verification of every ledger in a data directory
// (engine::VerifyDataDir), with a progress bar on stderr. Exit 0 when consistent, 1 on the
// first inconsistency (printed), 2 when the directory cannot be read.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "common/bytes.h"
#include "engine/verify.h"
#include "main/commands.h"

namespace folio::cli {
namespace {

namespace fs = std::filesystem;

// `folio serve --data-dir D` keeps the engine's files in D/ledgers; accept either directory.
std::string EngineDir(const std::string& dir) {
  if (fs::exists(fs::path(dir) / "registry")) return dir;
  if (fs::exists(fs::path(dir) / "ledgers" / "registry"))
    return (fs::path(dir) / "ledgers").string();
  return dir;
}

class ProgressBar {
 public:
  explicit ProgressBar(bool enabled) : enabled_(enabled) {}
  void Update(const std::string& ledger, uint64_t done, uint64_t total) {
    if (!enabled_) return;
    auto now = std::chrono::steady_clock::now();
    if (done != total && now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    int width = 30;
    int filled = total == 0 ? width : static_cast<int>(width * done / total);
    std::string bar(filled, '#');
    bar.resize(width, '.');
    std::fprintf(stderr, "\r%-20.20s [%s] %llu/%llu blocks", ledger.c_str(), bar.c_str(),
                 static_cast<unsigned long long>(done), static_cast<unsigned long long>(total));
    std::fflush(stderr);
    shown_ = true;
  }
  void Finish() {
    if (shown_) std::fputs("\n", stderr);
    shown_ = false;
  }

 private:
  bool enabled_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point last_{};
};

int RunVerify(const std::string& dir, bool quiet) {
  if (!fs::is_directory(dir)) {
    std::fprintf(stderr, "folio verify: %s is not a directory\n", dir.c_str());
    return 2;
  }
  ProgressBar bar(!quiet && isatty(STDERR_FILENO));
  auto report = engine::VerifyDataDir(
      EngineDir(dir), [&](const std::string& ledger, uint64_t done, uint64_t total) {
        bar.Update(ledger, done, total);
      });
  bar.Finish();
  if (!report.ok()) {
    const Status& st = report.status();
    if (st.code() == StatusCode::kCorruption) {
      std::printf("FAILED: %s\n", st.message().c_str());
      std::printf("The data directory %s is INCONSISTENT.\n", dir.c_str());
      return 1;
    }
    std::fprintf(stderr, "folio verify: %s\n", st.ToString().c_str());
    return st.code() == StatusCode::kNotFound ? 2 : 1;
  }
  for (const auto& [name, r] : report->ledgers) {
    std::printf("ledger %s: OK\n", name.c_str());
    std::printf("  blocks:          %llu (strand %s)\n",
                static_cast<unsigned long long>(r.journal.blocks),
                r.journal.strand_id.empty() ? "-" : r.journal.strand_id.c_str());
    std::printf("  revisions:       %llu user, %llu system\n",
                static_cast<unsigned long long>(r.journal.user_revisions),
                static_cast<unsigned long long>(r.journal.system_revisions));
    std::printf("  tables:          %llu\n", static_cast<unsigned long long>(r.tables));
    std::printf("  documents:       %llu current, %llu history entries\n",
                static_cast<unsigned long long>(r.documents),
                static_cast<unsigned long long>(r.revisions));
    std::printf("  index entries:   %llu\n", static_cast<unsigned long long>(r.index_entries));
    if (r.journal.digest) {
      std::printf("  digest:          %s\n", Base64Encode(*r.journal.digest).c_str());
    }
  }
  std::printf("verified %zu ledger%s: all consistent\n", report->ledgers.size(),
              report->ledgers.size() == 1 ? "" : "s");
  return 0;
}

}  // namespace

void RegisterVerifyCommand(CLI::App& app) {
  auto dir = std::make_shared<std::string>();
  auto quiet = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand(
      "verify", "Verify a data directory offline (the server must not be running)");
  cmd->add_option("data-dir", *dir, "The server's --data-dir (or its ledgers/ directory)")
      ->required();
  cmd->add_flag("-q,--quiet", *quiet, "No progress bar");
  cmd->callback([dir, quiet] { ExitCode() = RunVerify(*dir, *quiet); });
}

}  // namespace folio::cli
