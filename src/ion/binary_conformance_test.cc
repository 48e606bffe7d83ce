// Binary half of the ion-tests vectors (testdata/ion-tests/iontestdata, Ion 1.0): every
// good/**/*.10n file must read fully and round-trip through WriteBinary with data-model
// equality; every bad/**/*.10n file must fail. Equivalence groups of binary files are
// checked by the text/binary conformance runner; this one pins the binary reader alone.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "ion/ion.h"

namespace folio::ion {
namespace {

namespace fs = std::filesystem;

const fs::path kRoot = fs::path(FOLIO_TESTDATA_DIR) / "ion-tests" / "iontestdata";

// Files skipped on purpose, with the reason.
const std::map<std::string, std::string> kSkips = {};

Bytes ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::vector<fs::path> Files(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().extension() == ".10n") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(IonTestsBinary, GoodFilesReadAndRoundTrip) {
  ASSERT_TRUE(fs::exists(kRoot)) << kRoot;
  int passed = 0, failed = 0, skipped = 0;
  for (const fs::path& p : Files(kRoot / "good")) {
    std::string rel = fs::relative(p, kRoot).string();
    if (auto it = kSkips.find(rel); it != kSkips.end()) {
      std::cout << "skip " << rel << ": " << it->second << "\n";
      ++skipped;
      continue;
    }
    Bytes data = ReadFile(p);
    auto r = ReadBinary(data);
    if (!r.ok()) {
      ADD_FAILURE() << rel << ": " << r.status().ToString();
      ++failed;
      continue;
    }
    Bytes again = WriteBinary(*r);
    auto r2 = ReadBinary(again);
    if (!r2.ok()) {
      ADD_FAILURE() << rel << ": re-read failed: " << r2.status().ToString();
      ++failed;
      continue;
    }
    if (*r2 != *r) {
      ADD_FAILURE() << rel << ": round trip changed the values";
      ++failed;
      continue;
    }
    ++passed;
  }
  std::cout << "ion-tests binary good: " << passed << " passed, " << failed << " failed, "
            << skipped << " skipped\n";
  EXPECT_GT(passed, 50);
}

// good/equivs/*.10n: every top-level value is a group whose members must all be equal.
TEST(IonTestsBinary, EquivalenceGroups) {
  int groups = 0;
  for (const fs::path& p : Files(kRoot / "good" / "equivs")) {
    std::string rel = fs::relative(p, kRoot).string();
    Bytes data = ReadFile(p);
    auto r = ReadBinary(data);
    ASSERT_TRUE(r.ok()) << rel << ": " << r.status().ToString();
    for (const Value& g : *r) {
      ASSERT_TRUE(g.is_sequence() && !g.is_null()) << rel;
      ASSERT_TRUE(g.annotations().empty()) << rel << ": embedded documents are not binary";
      const auto& m = g.elements();
      for (size_t i = 0; i < m.size(); ++i) {
        for (size_t j = 0; j < m.size(); ++j) {
          EXPECT_TRUE(m[i] == m[j]) << rel << ": group " << groups << " members " << i << ", " << j;
        }
      }
      ++groups;
    }
  }
  std::cout << "ion-tests binary equivs: " << groups << " groups checked\n";
  EXPECT_GT(groups, 10);
}

TEST(IonTestsBinary, BadFilesFail) {
  int passed = 0, failed = 0;
  for (const fs::path& p : Files(kRoot / "bad")) {
    std::string rel = fs::relative(p, kRoot).string();
    Bytes data = ReadFile(p);
    auto r = ReadBinary(data);
    if (r.ok()) {
      ADD_FAILURE() << rel << ": expected an error, read " << r->size() << " values";
      ++failed;
      continue;
    }
    EXPECT_NE(r.status().message().find("offset"), std::string::npos) << rel;
    ++passed;
  }
  std::cout << "ion-tests binary bad: " << passed << " passed, " << failed << " failed\n";
  EXPECT_GT(passed, 50);
}

}  // namespace
}  // namespace folio::ion
