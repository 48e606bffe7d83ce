#include "tests/golden/pqt_runner.h"

#include <fstream>
#include <regex>
#include <sstream>

#include "fmt/format.h"
#include "ion/ion.h"
#include "partiql/partiql.h"
#include "partiql/testing/memory_catalog.h"
#include "protocol/errors.h"

namespace folio::golden {
namespace {

using partiql::testing::MemoryCatalog;
using partiql::testing::MemoryDatabase;

class MemoryBackend : public Backend {
 public:
  MemoryBackend() : db_(std::make_unique<MemoryDatabase>()) {}
  std::string_view name() const override { return "memory"; }

  Status Begin(const std::string& session) override {
    if (sessions_.count(session)) return Status::FailedPrecondition("Transaction already open");
    sessions_[session] = db_->Begin();
    return Status::OK();
  }

  Result<BackendResult> Execute(const std::string& session, const std::string& statement,
                                const std::vector<ion::Value>& params) override {
    std::unique_ptr<MemoryCatalog> autocommit;
    MemoryCatalog* txn;
    if (session.empty()) {
      autocommit = db_->Begin();
      txn = autocommit.get();
    } else {
      auto it = sessions_.find(session);
      if (it == sessions_.end()) return Status::FailedPrecondition("No open transaction");
      txn = it->second.get();
    }
    FOLIO_ASSIGN_OR_RETURN(partiql::QueryResult r,
                           partiql::ExecuteText(statement, *txn, params));
    if (autocommit) db_->Commit(*autocommit);
    return BackendResult{std::move(r.values), std::string(r.PlanSummary())};
  }

  Status Commit(const std::string& session) override {
    auto it = sessions_.find(session);
    if (it == sessions_.end()) return Status::FailedPrecondition("No open transaction");
    db_->Commit(*it->second);
    sessions_.erase(it);
    return Status::OK();
  }

  Status Abort(const std::string& session) override {
    if (sessions_.erase(session) == 0) return Status::FailedPrecondition("No open transaction");
    return Status::OK();
  }

  Status Restart() override {
    // Reopen from the committed state only: open transactions are lost.
    sessions_.clear();
    partiql::testing::MemState state = db_->Snapshot();
    db_ = std::make_unique<MemoryDatabase>();
    auto txn = db_->Begin();
    txn->state() = std::move(state);
    db_->Commit(*txn);
    return Status::OK();
  }

  Status Verify() override {
    partiql::testing::MemState st = db_->Snapshot();
    for (const auto& [tid, t] : st.tables) {
      if (tid != t.id) return Status::Corruption(fmt::format("table key {} != id {}", tid, t.id));
      for (const auto& [id, doc] : t.docs) {
        for (size_t i = 0; i < doc.revisions.size(); ++i) {
          const auto& r = doc.revisions[i];
          if (r.version != static_cast<int64_t>(i)) {
            return Status::Corruption(fmt::format("document {} revision {} has version {}", id,
                                                  i, r.version));
          }
          if (!r.deleted && !r.data && !r.data_hash) {
            return Status::Corruption(fmt::format("document {} revision {} has no data", id, i));
          }
          if (r.deleted && i + 1 != doc.revisions.size()) {
            return Status::Corruption(fmt::format("document {} continues after delete", id));
          }
        }
      }
    }
    return Status::OK();
  }

 private:
  std::unique_ptr<MemoryDatabase> db_;
  std::map<std::string, std::unique_ptr<MemoryCatalog>> sessions_;
};

std::vector<std::string> SplitWords(std::string_view line) {
  std::vector<std::string> out;
  std::istringstream in{std::string(line)};
  std::string w;
  while (in >> w) out.push_back(w);
  return out;
}

std::string Trim(std::string_view s) {
  size_t a = s.find_first_not_of(" \t\r");
  if (a == std::string_view::npos) return "";
  size_t b = s.find_last_not_of(" \t\r");
  return std::string(s.substr(a, b - a + 1));
}

// `${x}` substitution. In statement text a string becomes a PartiQL string literal and other
// values backtick Ion; in Ion text the value's Ion text.
Result<std::string> Substitute(std::string_view text, const std::map<std::string, ion::Value>& b,
                               bool partiql) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '$' && i + 1 < text.size() && text[i + 1] == '{') {
      size_t end = text.find('}', i);
      if (end == std::string_view::npos) return Status::InvalidArgument("unterminated ${");
      std::string name(text.substr(i + 2, end - i - 2));
      auto it = b.find(name);
      if (it == b.end()) return Status::InvalidArgument(fmt::format("unbound ${{{}}}", name));
      const ion::Value& v = it->second;
      bool in_quotes = i > 0 && (text[i - 1] == '"' || text[i - 1] == '\'');
      if (partiql && in_quotes && v.is_text() && !v.is_null()) {
        out += std::string(v.text());  // inside a quoted identifier or string literal
      } else if (partiql && v.type() == ion::Type::kString && !v.is_null()) {
        std::string s;
        for (char c : v.as_string()) {
          s += c;
          if (c == '\'') s += '\'';
        }
        out += "'" + s + "'";
      } else if (partiql) {
        out += "`" + ion::WriteText(v) + "`";
      } else {
        out += ion::WriteText(v);
      }
      i = end + 1;
      continue;
    }
    out += text[i++];
  }
  return out;
}

bool HasAnn(const ion::Value& v, std::string_view a) {
  return v.annotations().size() == 1 && v.annotations()[0].has_text &&
         v.annotations()[0].text == a;
}

// Matches an unordered multiset of patterns against values (backtracking on binds).
bool MatchBag(const std::vector<ion::Value>& expected, const std::vector<ion::Value>& actual,
              std::map<std::string, ion::Value>& binds) {
  if (expected.size() != actual.size()) return false;
  std::vector<bool> used(actual.size(), false);
  std::function<bool(size_t)> go = [&](size_t i) -> bool {
    if (i == expected.size()) return true;
    for (size_t j = 0; j < actual.size(); ++j) {
      if (used[j]) continue;
      auto saved = binds;
      if (MatchValue(expected[i], actual[j], binds)) {
        used[j] = true;
        if (go(i + 1)) return true;
        used[j] = false;
      }
      binds = std::move(saved);
    }
    return false;
  };
  return go(0);
}

struct Record {
  int line = 0;
  std::vector<std::string> header;  // words of the first line
  std::vector<std::string> sql;
  std::vector<std::string> params;
  std::vector<std::string> expected;  // after ----
  bool has_separator = false;
};

std::vector<Record> ParseRecords(std::string_view text, std::map<std::string, std::string>& meta) {
  std::vector<Record> out;
  std::istringstream in{std::string(text)};
  std::string line;
  int n = 0;
  Record cur;
  bool in_record = false;
  auto flush = [&] {
    if (in_record) out.push_back(std::move(cur));
    cur = Record();
    in_record = false;
  };
  while (std::getline(in, line)) {
    ++n;
    std::string t = Trim(line);
    if (!in_record) {
      if (t.empty()) continue;
      if (t[0] == '#') {
        size_t colon = t.find(':');
        if (colon != std::string::npos) {
          meta[Trim(t.substr(1, colon - 1))] = Trim(t.substr(colon + 1));
        }
        continue;
      }
      in_record = true;
      cur.line = n;
      cur.header = SplitWords(t);
      continue;
    }
    if (t.empty()) {
      flush();
      continue;
    }
    if (cur.has_separator) {
      cur.expected.push_back(line);
    } else if (t == "----") {
      cur.has_separator = true;
    } else if (t.rfind("? ", 0) == 0 || t == "?") {
      cur.params.push_back(t.size() > 2 ? t.substr(2) : "");
    } else if (t[0] == '#' ) {
      continue;
    } else {
      cur.sql.push_back(line);
    }
  }
  flush();
  return out;
}

std::string Join(const std::vector<std::string>& lines) {
  std::string s;
  for (const auto& l : lines) {
    if (!s.empty()) s += "\n";
    s += l;
  }
  return s;
}

// "<Exception>[: regex]" check of an error status.
bool ErrorMatches(const Status& st, const std::string& spec, std::string* why) {
  protocol::WireError w = protocol::SessionErrorFor(st);
  std::string name = spec, regex;
  size_t colon = spec.find(':');
  if (colon != std::string::npos) {
    name = Trim(spec.substr(0, colon));
    regex = Trim(spec.substr(colon + 1));
  }
  name = Trim(name);
  if (!name.empty() && name != w.type) {
    *why = fmt::format("expected {} but got {}: {}", name, w.type, st.message());
    return false;
  }
  if (!regex.empty()) {
    try {
      if (!std::regex_search(st.message(), std::regex(regex))) {
        *why = fmt::format("error message '{}' does not match /{}/", st.message(), regex);
        return false;
      }
    } catch (const std::regex_error&) {
      *why = fmt::format("bad regex /{}/", regex);
      return false;
    }
  }
  return true;
}

}  // namespace

bool MatchValue(const ion::Value& expected, const ion::Value& actual,
                std::map<std::string, ion::Value>& binds) {
  if (HasAnn(expected, "$any")) return true;
  if (HasAnn(expected, "$bind")) {
    std::string name = expected.is_text() && !expected.is_null() ? std::string(expected.text())
                                                                 : std::string();
    auto it = binds.find(name);
    if (it != binds.end()) return it->second == actual;
    binds[name] = actual;
    return true;
  }
  if (HasAnn(expected, "$bag")) {
    if (expected.is_null() || !expected.is_sequence() || actual.is_null() ||
        !actual.is_sequence()) {
      return false;
    }
    return MatchBag(expected.elements(), actual.elements(), binds);
  }
  if (expected.is_null() || actual.is_null() || expected.type() != actual.type() ||
      !expected.annotations().empty() || !actual.annotations().empty()) {
    return expected == actual;
  }
  if (expected.is_sequence()) {
    const auto& e = expected.elements();
    const auto& a = actual.elements();
    if (e.size() != a.size()) return false;
    for (size_t i = 0; i < e.size(); ++i) {
      if (!MatchValue(e[i], a[i], binds)) return false;
    }
    return true;
  }
  if (expected.type() == ion::Type::kStruct) {
    const auto& e = expected.fields();
    const auto& a = actual.fields();
    if (e.size() != a.size()) return false;
    std::vector<bool> used(a.size(), false);
    for (const auto& f : e) {
      bool found = false;
      for (size_t j = 0; j < a.size(); ++j) {
        if (used[j] || !(a[j].name == f.name)) continue;
        auto saved = binds;
        if (MatchValue(f.value, a[j].value, binds)) {
          used[j] = found = true;
          break;
        }
        binds = std::move(saved);
      }
      if (!found) return false;
    }
    return true;
  }
  return expected == actual;
}

std::unique_ptr<Backend> MakeMemoryBackend() { return std::make_unique<MemoryBackend>(); }

FileReport RunText(const std::string& path, std::string_view text, Backend& backend) {
  FileReport rep;
  rep.path = path;
  std::map<std::string, std::string> meta;
  std::vector<Record> records = ParseRecords(text, meta);
  auto it = meta.find("backend");
  if (it != meta.end() && it->second != backend.name()) {
    rep.skipped = true;
    rep.skip_reason = fmt::format("requires backend '{}'", it->second);
    return rep;
  }
  std::map<std::string, ion::Value> binds;
  auto fail = [&](const Record& r, const std::string& what) {
    ++rep.failed;
    rep.failures.push_back(fmt::format("{}:{}: {}", path, r.line, what));
  };
  for (const Record& r : records) {
    const std::string& kind = r.header[0];
    std::string session;
    auto session_arg = [&](size_t i) -> std::string {
      return r.header.size() > i && r.header[i].rfind("+", 0) != 0 &&
                     r.header[i] != "error"
                 ? r.header[i]
                 : "";
    };
    if (kind == "begin" || kind == "abort") {
      Status st = kind == "begin" ? backend.Begin(session_arg(1)) : backend.Abort(session_arg(1));
      if (st.ok()) ++rep.passed;
      else fail(r, fmt::format("{} failed: {}", kind, st.ToString()));
      continue;
    }
    if (kind == "commit") {
      Status st = backend.Commit(session_arg(1));
      auto e = std::find(r.header.begin(), r.header.end(), "error");
      if (e != r.header.end()) {
        std::string spec;
        for (auto w = e + 1; w != r.header.end(); ++w) spec += (spec.empty() ? "" : " ") + *w;
        std::string why;
        if (st.ok()) fail(r, "commit succeeded but an error was expected");
        else if (!ErrorMatches(st, spec, &why)) fail(r, why);
        else ++rep.passed;
      } else if (st.ok()) {
        ++rep.passed;
      } else {
        fail(r, fmt::format("commit failed: {}", st.ToString()));
      }
      continue;
    }
    if (kind == "restart" || kind == "verify") {
      Status st = kind == "restart" ? backend.Restart() : backend.Verify();
      if (st.ok()) ++rep.passed;
      else fail(r, fmt::format("{} failed: {}", kind, st.ToString()));
      continue;
    }
    if (kind != "statement" && kind != "query") {
      fail(r, fmt::format("unknown record '{}'", kind));
      continue;
    }
    bool expect_error = kind == "statement" && r.header.size() > 1 && r.header[1] == "error";
    bool ordered = kind == "query" && r.header.size() > 1 && r.header[1] == "list";
    std::string ensure;
    for (size_t i = 2; i < r.header.size(); ++i) {
      if (r.header[i].rfind("+ensure:", 0) == 0) {
        ensure = r.header[i].substr(8);
      } else {
        session = r.header[i];
      }
    }
    auto sql = Substitute(Join(r.sql), binds, true);
    if (!sql.ok()) {
      fail(r, sql.status().message());
      continue;
    }
    std::vector<ion::Value> params;
    bool bad = false;
    for (const auto& p : r.params) {
      auto text = Substitute(p, binds, false);
      auto v = text.ok() ? ion::ReadText(*text) : Result<std::vector<ion::Value>>(text.status());
      if (!v.ok() || v->size() != 1) {
        fail(r, fmt::format("bad parameter '{}'", p));
        bad = true;
        break;
      }
      params.push_back(std::move((*v)[0]));
    }
    if (bad) continue;
    auto res = backend.Execute(session, *sql, params);
    if (expect_error) {
      std::string why;
      if (res.ok()) fail(r, fmt::format("statement succeeded but an error was expected: {}", *sql));
      else if (!ErrorMatches(res.status(), Trim(Join(r.expected)), &why)) fail(r, why);
      else ++rep.passed;
      continue;
    }
    if (!res.ok()) {
      fail(r, fmt::format("{} failed: {}", *sql, res.status().ToString()));
      continue;
    }
    if (kind == "statement") {
      ++rep.passed;
      continue;
    }
    if (!ensure.empty() && !res->plan.empty() && res->plan != ensure) {
      fail(r, fmt::format("expected plan {} but got {}: {}", ensure, res->plan, *sql));
      continue;
    }
    auto exp_text = Substitute(Join(r.expected), binds, false);
    auto expected = exp_text.ok() ? ion::ReadText(*exp_text)
                                  : Result<std::vector<ion::Value>>(exp_text.status());
    if (!expected.ok()) {
      fail(r, fmt::format("bad expected Ion: {}", expected.status().message()));
      continue;
    }
    std::map<std::string, ion::Value> trial = binds;
    bool ok;
    if (ordered) {
      ok = expected->size() == res->rows.size();
      for (size_t i = 0; ok && i < expected->size(); ++i) {
        ok = MatchValue((*expected)[i], res->rows[i], trial);
      }
    } else {
      ok = MatchBag(*expected, res->rows, trial);
    }
    if (!ok) {
      fail(r, fmt::format("{}\n  expected: {}\n  actual:   {}", *sql, ion::WriteText(*expected),
                          ion::WriteText(res->rows)));
      continue;
    }
    binds = std::move(trial);
    ++rep.passed;
  }
  return rep;
}

FileReport RunFile(const std::string& path,
                   const std::function<std::unique_ptr<Backend>()>& make_backend) {
  std::ifstream in(path);
  if (!in) {
    FileReport rep;
    rep.path = path;
    rep.failed = 1;
    rep.failures.push_back(path + ": cannot open");
    return rep;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  auto backend = make_backend();
  if (backend == nullptr) {
    FileReport rep;
    rep.path = path;
    rep.failed = 1;
    rep.failures.push_back(path + ": the backend could not start");
    return rep;
  }
  return RunText(path, ss.str(), *backend);
}

}  // namespace folio::golden
