// pqt: runs .pqt golden files (or every .pqt under given directories) against a backend.
//   pqt [--backend memory] <file-or-dir>...
// Exit status 0 when every record of every non-skipped file passes.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <unistd.h>

#include "tests/golden/engine_backend.h"
#include "tests/golden/pqt_runner.h"

int main(int argc, char** argv) {
  std::vector<std::string> files;
  std::string backend = "memory";
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--backend" && i + 1 < argc) {
      backend = argv[++i];
      continue;
    }
    std::filesystem::path p(a);
    if (std::filesystem::is_directory(p)) {
      for (const auto& e : std::filesystem::recursive_directory_iterator(p)) {
        if (e.path().extension() == ".pqt") files.push_back(e.path().string());
      }
    } else {
      files.push_back(a);
    }
  }
  std::function<std::unique_ptr<folio::golden::Backend>()> make;
  if (backend == "memory") {
    make = folio::golden::MakeMemoryBackend;
  } else if (backend == "engine") {
    std::string dir = (std::filesystem::temp_directory_path() /
                       ("folio_pqt_" + std::to_string(::getpid()))).string();
    make = [dir] { return folio::golden::MakeEngineBackend(dir); };
  } else {
    std::fprintf(stderr, "unknown backend '%s' (available: memory, engine)\n", backend.c_str());
    return 2;
  }
  std::sort(files.begin(), files.end());
  int passed = 0, failed = 0, skipped = 0;
  for (const auto& f : files) {
    auto rep = folio::golden::RunFile(f, make);
    if (rep.skipped) {
      ++skipped;
      std::printf("SKIP %s (%s)\n", f.c_str(), rep.skip_reason.c_str());
      continue;
    }
    passed += rep.passed;
    failed += rep.failed;
    std::printf("%s %s: %d passed, %d failed\n", rep.failed ? "FAIL" : "ok  ", f.c_str(),
                rep.passed, rep.failed);
    for (const auto& m : rep.failures) std::printf("  %s\n", m.c_str());
  }
  std::printf("pqt: %d records passed, %d failed, %d files skipped\n", passed, failed, skipped);
  return failed == 0 && !files.empty() ? 0 : 1;
}
