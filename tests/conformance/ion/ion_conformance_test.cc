// The ion-tests (Ion 1.0) conformance runner. Rules: shared/testdata/README.md section 1.
//
// Every file under testdata/ion-tests/iontestdata is put in exactly one class:
//   bad                        every file must fail to read (the reader materialises everything);
//   good/equivs                each top-level group's members must all be equal (all pairs);
//   good/non-equivs            each group's distinct members must all differ (and equal
//   themselves); good/timestamp/equivTimeline  each group's timestamps must denote the same
//   instant; good (the rest)            must read.
// Every good-class file is also round-tripped: text, binary, text->binary->text and
// binary->text->binary, each compared with Ion data-model equality against the first read.
// Groups annotated `embedded_documents` hold strings that are whole Ion documents; their parsed
// user-value streams are compared instead.
//
// Prints per-class counts, each skip with its reason, and the exact total line
//   "ion-tests: N passed, M failed, K skipped".
// With FOLIO_ION_CONFORMANCE_DOC=<path>, the result table replaces the text between the
// `<!-- results:begin -->` and `<!-- results:end -->` markers of that file.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "ion/ion.h"

namespace folio::ion {
namespace {

namespace fs = std::filesystem;

// Files skipped on purpose; testdata/README.md allows exactly these.
const std::map<std::string, std::string>& SkipList() {
  static const std::map<std::string, std::string> kSkips = {
      {"good/utf16.ion", "encoded as UTF-16BE; Ion text must be UTF-8"},
      {"good/utf32.ion", "encoded as UTF-32BE; Ion text must be UTF-8"},
  };
  return kSkips;
}

enum class Class { kBad, kEquivs, kNonEquivs, kTimeline, kGood };
constexpr Class kClasses[] = {Class::kBad, Class::kEquivs, Class::kNonEquivs, Class::kTimeline,
                              Class::kGood};

const char* ClassName(Class c) {
  switch (c) {
    case Class::kBad:
      return "bad";
    case Class::kEquivs:
      return "good/equivs";
    case Class::kNonEquivs:
      return "good/non-equivs";
    case Class::kTimeline:
      return "good/timestamp/equivTimeline";
    case Class::kGood:
      return "good";
  }
  return "?";
}

Class Classify(const std::string& rel) {
  auto starts = [&](std::string_view p) { return rel.rfind(p, 0) == 0; };
  if (starts("bad/")) return Class::kBad;
  if (starts("good/equivs/")) return Class::kEquivs;
  if (starts("good/non-equivs/")) return Class::kNonEquivs;
  if (starts("good/timestamp/equivTimeline/")) return Class::kTimeline;
  return Class::kGood;
}

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

[[maybe_unused]] bool IsBinary(std::string_view data) {
  return data.size() >= 4 && static_cast<uint8_t>(data[0]) == 0xE0 && data[1] == 0x01 &&
         data[2] == 0x00 && static_cast<uint8_t>(data[3]) == 0xEA;
}

Result<std::vector<Value>> Read(std::string_view data) {
#if FOLIO_ION_HAS_BINARY
  return ReadAny(AsSpan(data));
#else
  if (IsBinary(data)) return Status::Unimplemented("binary reader not built");
  return ReadText(data);
#endif
}

std::string Show(const std::vector<Value>& vs) {
  std::string s = WriteText(vs);
  if (s.size() > 300) s = s.substr(0, 300) + "...";
  return s;
}

// Round trips; returns an empty string on success, else what went wrong.
std::string RoundTrips(const std::vector<Value>& values) {
  auto check = [&](const char* what, const Result<std::vector<Value>>& r) -> std::string {
    if (!r.ok()) return std::string(what) + ": re-read failed: " + r.status().ToString();
    if (*r != values) return std::string(what) + ": not equal after round trip: " + Show(*r);
    return "";
  };
  Result<std::vector<Value>> t = ReadText(WriteText(values));
  if (std::string e = check("text", t); !e.empty()) return e;
  if (std::string e = check("pretty text", ReadText(WriteText(values, TextStyle::kPretty)));
      !e.empty()) {
    return e;
  }
#if FOLIO_ION_HAS_BINARY
  Result<std::vector<Value>> b = ReadBinary(WriteBinary(values));
  if (std::string e = check("binary", b); !e.empty()) return e;
  if (std::string e =
          check("text->binary->text", ReadText(WriteText(*ReadBinary(WriteBinary(*t)))));
      !e.empty()) {
    return e;
  }
  if (std::string e =
          check("binary->text->binary", ReadBinary(WriteBinary(*ReadText(WriteText(*b)))));
      !e.empty()) {
    return e;
  }
#endif
  return "";
}

// The members of one group: plain values, or (embedded_documents) one sexp per document
// holding its user values.
Result<std::vector<Value>> GroupMembers(const Value& group) {
  if (!group.is_sequence() || group.is_null()) {
    return Status::InvalidArgument("top-level value is not a list or sexp: " + group.ToString());
  }
  if (!group.HasAnnotation("embedded_documents")) return group.elements();
  std::vector<Value> docs;
  for (const Value& e : group.elements()) {
    if (e.type() != Type::kString || e.is_null()) {
      return Status::InvalidArgument("embedded document is not a string");
    }
    FOLIO_ASSIGN_OR_RETURN(std::vector<Value> vs, ReadText(e.as_string()));
    docs.push_back(Value::Sexp(std::move(vs)));
  }
  return docs;
}

std::string CheckGroups(Class cls, const std::vector<Value>& groups) {
  for (size_t g = 0; g < groups.size(); ++g) {
    Result<std::vector<Value>> members = GroupMembers(groups[g]);
    if (!members.ok()) return "group " + std::to_string(g) + ": " + members.status().ToString();
    const std::vector<Value>& m = *members;
    for (size_t i = 0; i < m.size(); ++i) {
      for (size_t j = 0; j < m.size(); ++j) {
        std::string where = "group " + std::to_string(g) + " members " + std::to_string(i) + "," +
                            std::to_string(j) + ": ";
        if (cls == Class::kTimeline) {
          if (m[i].type() != Type::kTimestamp || m[i].is_null() ||
              m[j].type() != Type::kTimestamp || m[j].is_null()) {
            return where + "not timestamps";
          }
          if (m[i].as_timestamp().CompareInstant(m[j].as_timestamp()) != 0) {
            return where + "different instants " + m[i].ToString() + " vs " + m[j].ToString();
          }
        } else if (cls == Class::kEquivs || i == j) {
          if (m[i] != m[j])
            return where + "not equal: " + m[i].ToString() + " vs " + m[j].ToString();
        } else if (m[i] == m[j]) {
          return where + "equal but must differ: " + m[i].ToString() + " vs " + m[j].ToString();
        }
      }
    }
  }
  return "";
}

struct Counts {
  int passed = 0, failed = 0, skipped = 0;
};

TEST(IonConformance, IonTests) {
  fs::path root = fs::path(FOLIO_TESTDATA_DIR) / "ion-tests" / "iontestdata";
  ASSERT_TRUE(fs::is_directory(root)) << root;
  std::vector<std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file()) continue;
    std::string ext = entry.path().extension().string();
    if (ext != ".ion" && ext != ".10n") continue;
    files.push_back(fs::relative(entry.path(), root).generic_string());
  }
  std::sort(files.begin(), files.end());
  ASSERT_GT(files.size(), 500u);

  std::map<Class, Counts> counts;
  std::vector<std::string> failures;
  std::vector<std::string> skips;
  for (const std::string& rel : files) {
    Class cls = Classify(rel);
    Counts& c = counts[cls];
    if (auto it = SkipList().find(rel); it != SkipList().end()) {
      ++c.skipped;
      skips.push_back(rel + ": " + it->second);
      continue;
    }
    std::string data = ReadFile(root / rel);
    Result<std::vector<Value>> values = Read(data);
    std::string error;
    if (!values.ok() && values.status().code() == StatusCode::kUnimplemented) {
      ++c.skipped;
      skips.push_back(rel + ": " + values.status().message());
      continue;
    }
    if (cls == Class::kBad) {
      if (values.ok()) error = "read succeeded: " + Show(*values);
    } else if (!values.ok()) {
      error = "read failed: " + values.status().ToString();
    } else {
      error = RoundTrips(*values);
      if (error.empty() && cls != Class::kGood) error = CheckGroups(cls, *values);
    }
    if (error.empty()) {
      ++c.passed;
    } else {
      ++c.failed;
      failures.push_back(rel + ": " + error);
    }
  }

  Counts total;
  std::string table = "| class | passed | failed | skipped |\n|---|---|---|---|\n";
  for (Class cls : kClasses) {
    const Counts& c = counts[cls];
    std::printf("%-30s %4d passed, %3d failed, %3d skipped\n", ClassName(cls), c.passed, c.failed,
                c.skipped);
    table += "| " + std::string(ClassName(cls)) + " | " + std::to_string(c.passed) + " | " +
             std::to_string(c.failed) + " | " + std::to_string(c.skipped) + " |\n";
    total.passed += c.passed;
    total.failed += c.failed;
    total.skipped += c.skipped;
  }
  table += "| **total** | " + std::to_string(total.passed) + " | " + std::to_string(total.failed) +
           " | " + std::to_string(total.skipped) + " |\n";
  for (const std::string& s : skips) std::printf("skipped %s\n", s.c_str());
  for (const std::string& f : failures) std::printf("FAILED %s\n", f.c_str());
  std::printf("ion-tests: %d passed, %d failed, %d skipped\n", total.passed, total.failed,
              total.skipped);

  if (const char* doc = std::getenv("FOLIO_ION_CONFORMANCE_DOC")) {
    std::string text = ReadFile(doc);
    const std::string begin = "<!-- results:begin -->", end = "<!-- results:end -->";
    size_t b = text.find(begin), e = text.find(end);
    ASSERT_TRUE(b != std::string::npos && e != std::string::npos && b < e) << doc;
    std::string body = "\n" + table + "\nSkipped:\n\n";
    for (const std::string& s : skips)
      body += "- `" + s.substr(0, s.find(':')) + "`" + s.substr(s.find(':')) + "\n";
    body += "\n`ion-tests: " + std::to_string(total.passed) + " passed, " +
            std::to_string(total.failed) + " failed, " + std::to_string(total.skipped) +
            " skipped`\n";
    text.replace(b + begin.size(), e - b - begin.size(), body);
    std::ofstream(doc, std::ios::binary) << text;
  }

  EXPECT_EQ(total.failed, 0) << "see FAILED lines above";
  EXPECT_LE(total.skipped, static_cast<int>(SkipList().size()));
}

}  // namespace
}  // namespace folio::ion
