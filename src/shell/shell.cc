#include "shell/shell.h"

#include <editline/readline.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "common/bytes.h"
#include "driver/errors.h"
#include "driver/verifier.h"
#include "ion/ion.h"
#include "shell/statement_splitter.h"

namespace folio::shell {
namespace {

constexpr const char* kHelp =
    "Statements end with ';' or an empty line. Autocommit is on unless BEGIN was run.\n"
    "  BEGIN | START TRANSACTION     open an explicit transaction\n"
    "  COMMIT                        commit it\n"
    "  ABORT | ROLLBACK              abort it\n"
    "  \\tables                       list the active tables\n"
    "  \\history <table> <id>         every revision of a document\n"
    "  \\digest                       the ledger digest and its tip address\n"
    "  \\verify <table> <id>          verify the document's latest revision against a digest\n"
    "  \\help                         this text\n"
    "  \\quit                         leave (also: quit, exit, Ctrl-D)\n";

const std::vector<std::string>& Keywords() {
  static const std::vector<std::string> k = {"SELECT",      "VALUE",
                                             "FROM",        "WHERE",
                                             "AND",         "OR",
                                             "NOT",         "IN",
                                             "IS",          "NULL",
                                             "MISSING",     "INSERT",
                                             "INTO",        "UPDATE",
                                             "SET",         "REMOVE",
                                             "DELETE",      "CREATE",
                                             "TABLE",       "INDEX",
                                             "ON",          "DROP",
                                             "UNDROP",      "AS",
                                             "AT",          "BY",
                                             "BETWEEN",     "LIKE",
                                             "ESCAPE",      "ORDER",
                                             "LIMIT",       "EXISTS",
                                             "BEGIN",       "COMMIT",
                                             "ABORT",       "ROLLBACK",
                                             "history",     "information_schema",
                                             "user_tables", "metadata",
                                             "data",        "blockAddress",
                                             "TRUE",        "FALSE",
                                             "COUNT",       "SIZE"};
  return k;
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool IsIdentifier(std::string_view s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

std::vector<std::string> Words(std::string_view s) {
  std::istringstream in{std::string(s)};
  std::vector<std::string> w;
  for (std::string x; in >> x;) w.push_back(x);
  return w;
}

bool IsDdl(std::string_view stmt) {
  std::string u = Upper(stmt.substr(0, 16));
  return u.starts_with("CREATE") || u.starts_with("DROP") || u.starts_with("UNDROP");
}

Shell* g_completion_shell = nullptr;
std::vector<std::string> g_candidates;

char* CompletionGenerator(const char* text, int state) {
  static size_t index;
  if (state == 0) {
    index = 0;
    g_candidates.clear();
    std::string prefix = Upper(text);
    auto consider = [&](const std::string& word) {
      if (Upper(word).starts_with(prefix)) g_candidates.push_back(word);
    };
    if (text[0] == '\\') {
      for (const char* c : {"\\tables", "\\history", "\\digest", "\\verify", "\\help", "\\quit"}) {
        consider(c);
      }
    } else {
      if (g_completion_shell) {
        for (const auto& t : g_completion_shell->table_names()) {
          consider(t);
          consider("_ql_committed_" + t);
        }
      }
      for (const auto& k : Keywords()) consider(k);
    }
  }
  if (index < g_candidates.size()) return strdup(g_candidates[index++].c_str());
  return nullptr;
}

char** Complete(const char* text, int, int) {
  rl_attempted_completion_over = 1;
  return rl_completion_matches(text, CompletionGenerator);
}

}  // namespace

Shell::Shell(ShellOptions options, std::ostream& out, std::ostream& err, bool interactive)
    : options_(std::move(options)), out_(out), err_(err), interactive_(interactive) {}

Shell::~Shell() {
  if (txn_) txn_->Abort().IgnoreError();
  if (txn_session_) txn_session_->End().IgnoreError();
  if (driver_) driver_->Close();
}

std::ostream& Shell::info() { return interactive_ ? out_ : err_; }

Status Shell::Report(Status st) {
  if (!st.ok()) err_ << "error: " << st.message() << std::endl;
  return st;
}

Status Shell::Connect() {
  driver::DriverOptions d;
  d.service = options_.service;
  d.ledger = options_.ledger;
  FOLIO_ASSIGN_OR_RETURN(driver_, driver::Driver::Create(d));
  FOLIO_ASSIGN_OR_RETURN(control_, driver::ControlClient::Create(options_.service));
  // A first session right away reports a wrong endpoint, credentials or ledger.
  FOLIO_ASSIGN_OR_RETURN(auto probe,
                         driver::Session::Start(driver_->session_client(), options_.ledger));
  probe->End().IgnoreError();
  if (interactive_) RefreshTables();
  return Status::OK();
}

void Shell::RefreshTables() {
  auto names = driver_->ListTableNames();
  if (names.ok()) tables_ = std::move(*names);
}

void Shell::PrintValues(const std::vector<ion::Value>& values) {
  for (const auto& v : values) {
    out_ << (options_.format == OutputFormat::kJson ? FormatJson(v) : FormatIon(v)) << "\n";
  }
  out_.flush();
}

void Shell::PrintStats(size_t count, double elapsed_ms, const driver::IoUsage& usage) {
  if (options_.quiet) return;
  char ms[32];
  std::snprintf(ms, sizeof(ms), "%.1f", elapsed_ms);
  info() << count << (count == 1 ? " document" : " documents") << " in " << ms << " ms (server "
         << usage.processing_time_ms << " ms, read IOs " << usage.read_ios << ", write IOs "
         << usage.write_ios << ")" << std::endl;
}

Status Shell::RunText(const std::string& text) {
  std::istringstream in(text);
  return RunStream(in);
}

Status Shell::RunStream(std::istream& in) {
  StatementSplitter splitter;
  std::string line;
  while (!quit_ && std::getline(in, line)) {
    for (const auto& unit : splitter.AddLine(line)) {
      FOLIO_TRY(RunUnit(unit));
      if (quit_) return Status::OK();
    }
  }
  std::string rest = splitter.Flush();
  if (!rest.empty() && !quit_) FOLIO_TRY(RunUnit(rest));
  if (txn_) {
    return Report(Status::FailedPrecondition(
        "input ended inside a transaction; it was aborted (end it with COMMIT or ABORT)"));
  }
  return Status::OK();
}

Status Shell::RunUnit(const std::string& unit) {
  if (unit.empty()) return Status::OK();
  if (unit[0] == '\\') return RunCommand(unit);
  std::string u = Upper(Trim(unit));
  if (u == "QUIT" || u == "EXIT") {
    quit_ = true;
    return Status::OK();
  }
  if (u == "BEGIN" || u == "START TRANSACTION" || u == "BEGIN TRANSACTION") return Begin();
  if (u == "COMMIT" || u == "COMMIT TRANSACTION") return Commit();
  if (u == "ABORT" || u == "ROLLBACK" || u == "ABORT TRANSACTION") return Abort();
  return RunStatement(unit);
}

Status Shell::Begin() {
  if (txn_) return Report(Status::FailedPrecondition("a transaction is already open"));
  auto session = driver::Session::Start(driver_->session_client(), options_.ledger);
  if (!session.ok()) return Report(session.status());
  auto txn = (*session)->StartTransaction();
  if (!txn.ok()) {
    (*session)->End().IgnoreError();
    return Report(txn.status());
  }
  txn_session_ = std::move(*session);
  txn_ = std::move(*txn);
  if (!options_.quiet) info() << "transaction " << txn_->id() << " started" << std::endl;
  return Status::OK();
}

Status Shell::Commit() {
  if (!txn_) return Report(Status::FailedPrecondition("no transaction is open (use BEGIN)"));
  auto start = std::chrono::steady_clock::now();
  Status st = txn_->Commit();
  double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  std::string id = txn_->id();
  if (!st.ok() && !txn_->closed()) txn_->Abort().IgnoreError();
  txn_.reset();
  txn_session_->End().IgnoreError();
  txn_session_.reset();
  if (!st.ok()) return Report(st);
  if (!options_.quiet) {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%.1f", ms);
    info() << "transaction " << id << " committed in " << buf << " ms" << std::endl;
  }
  if (interactive_) RefreshTables();
  return Status::OK();
}

Status Shell::Abort() {
  if (!txn_) return Report(Status::FailedPrecondition("no transaction is open"));
  Status st = txn_->Abort();
  txn_.reset();
  txn_session_->End().IgnoreError();
  txn_session_.reset();
  if (!st.ok()) return Report(st);
  if (!options_.quiet) info() << "transaction aborted" << std::endl;
  return Status::OK();
}

Status Shell::RunStatement(const std::string& statement) {
  auto start = std::chrono::steady_clock::now();
  std::vector<ion::Value> values;
  driver::IoUsage usage;
  Status st;
  if (txn_) {
    auto r = txn_->Execute(statement);
    if (r.ok()) {
      values = std::move(r->values);
      usage = r->usage;
    } else {
      st = r.status();
      if (txn_->closed() || txn_session_->dead()) {
        txn_.reset();
        txn_session_.reset();
        Report(st).IgnoreError();
        err_ << "the transaction was closed by the server" << std::endl;
        return st;
      }
    }
  } else {
    driver::ExecuteStats stats;
    st = driver_->Execute(
        [&](driver::Transaction& txn) -> Status {
          values.clear();
          FOLIO_ASSIGN_OR_RETURN(driver::StatementResult r, txn.Execute(statement));
          values = std::move(r.values);
          return Status::OK();
        },
        &stats);
    usage = stats.usage;
  }
  if (!st.ok()) return Report(st);
  double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  PrintValues(values);
  PrintStats(values.size(), ms, usage);
  if (!txn_ && interactive_ && IsDdl(statement)) RefreshTables();
  return Status::OK();
}

Status Shell::RunCommand(const std::string& line) {
  std::vector<std::string> w = Words(line);
  const std::string& cmd = w[0];
  if (cmd == "\\q" || cmd == "\\quit" || cmd == "\\exit") {
    quit_ = true;
    return Status::OK();
  }
  if (cmd == "\\help" || cmd == "\\h" || cmd == "\\?") {
    out_ << kHelp;
    return Status::OK();
  }
  if (cmd == "\\tables" || cmd == "\\dt") {
    if (w.size() != 1) return Report(Status::InvalidArgument("usage: \\tables"));
    return ShowTables();
  }
  if (cmd == "\\digest") {
    if (w.size() != 1) return Report(Status::InvalidArgument("usage: \\digest"));
    return ShowDigest();
  }
  if (cmd == "\\history" || cmd == "\\verify") {
    if (w.size() != 3) return Report(Status::InvalidArgument("usage: " + cmd + " <table> <id>"));
    if (!IsIdentifier(w[1])) {
      return Report(Status::InvalidArgument("not a table name: " + w[1]));
    }
    return cmd == "\\history" ? ShowHistory(w[1], w[2]) : VerifyDocument(w[1], w[2]);
  }
  return Report(Status::InvalidArgument("unknown command " + cmd + " (try \\help)"));
}

Status Shell::ShowTables() {
  auto names = driver_->ListTableNames();
  if (!names.ok()) return Report(names.status());
  tables_ = *names;
  std::sort(tables_.begin(), tables_.end());
  for (const auto& t : tables_) out_ << t << "\n";
  out_.flush();
  return Status::OK();
}

Status Shell::ShowHistory(const std::string& table, const std::string& id) {
  std::vector<ion::Value> values;
  auto start = std::chrono::steady_clock::now();
  driver::ExecuteStats stats;
  Status st = driver_->Execute(
      [&](driver::Transaction& txn) -> Status {
        FOLIO_ASSIGN_OR_RETURN(
            driver::StatementResult r,
            txn.Execute("SELECT * FROM history(" + table + ") AS h WHERE h.metadata.id = ?",
                        {ion::Value::String(id)}));
        values = std::move(r.values);
        return Status::OK();
      },
      &stats);
  if (!st.ok()) return Report(st);
  PrintValues(values);
  PrintStats(
      values.size(),
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count(),
      stats.usage);
  return Status::OK();
}

Status Shell::ShowDigest() {
  auto d = control_->GetDigest(options_.ledger);
  if (!d.ok()) return Report(d.status());
  out_ << "digest:     " << Base64Encode(d->digest) << "\n"
       << "digest hex: " << HexEncode(d->digest) << "\n"
       << "tip:        " << d->tip_ion_text << std::endl;
  return Status::OK();
}

Status Shell::VerifyDocument(const std::string& table, const std::string& id) {
  // The digest first, then the revision's address, then the proof against that digest's tip
  // (the order of the AWS samples).
  auto digest = control_->GetDigest(options_.ledger);
  if (!digest.ok()) return Report(digest.status());
  std::optional<ion::Value> address;
  Status st = driver_->Execute([&](driver::Transaction& txn) -> Status {
    FOLIO_ASSIGN_OR_RETURN(driver::StatementResult r,
                           txn.Execute("SELECT blockAddress, metadata.id FROM _ql_committed_" +
                                           table + " WHERE metadata.id = ?",
                                       {ion::Value::String(id)}));
    address.reset();
    for (const auto& v : r.values) {
      if (v.type() == ion::Type::kStruct && !v.is_null() && v.Get("blockAddress") != nullptr) {
        address = *v.Get("blockAddress");
      }
    }
    return Status::OK();
  });
  if (!st.ok()) return Report(st);
  if (!address) {
    return Report(Status::NotFound("no document " + id + " in table " + table));
  }
  std::string address_text = ion::WriteText(*address);
  auto revision = control_->GetRevision(options_.ledger, address_text, id, digest->tip_ion_text);
  if (!revision.ok()) return Report(revision.status());
  Status verified =
      driver::VerifyRevision(revision->ion_text, revision->proof_ion_text, digest->digest);
  if (!verified.ok()) {
    out_ << "FAILED: document " << id << " at " << address_text << ": " << verified.message()
         << std::endl;
    return Status::Corruption("verification failed: " + verified.message());
  }
  auto proof = driver::ParseProof(revision->proof_ion_text);
  out_ << "OK: document " << id << " at " << address_text << " is proven by "
       << (proof.ok() ? proof->size() : 0) << " hashes against digest "
       << Base64Encode(digest->digest) << " at " << digest->tip_ion_text << std::endl;
  return Status::OK();
}

void Shell::RunInteractive() {
  if (!options_.quiet) {
    out_ << "folio shell: ledger '" << options_.ledger << "' at " << options_.service.endpoint
         << ". Type \\help for help." << std::endl;
  }
  std::string history = options_.history_file;
  if (history.empty() && std::getenv("HOME") != nullptr) {
    history = std::string(std::getenv("HOME")) + "/.folio_history";
  }
  rl_readline_name = const_cast<char*>("folio");
  rl_attempted_completion_function = Complete;
  // Backslash is not a word break, so "\ta<TAB>" completes the command.
  rl_basic_word_break_characters = " \t\n\"'`@$><=;|&{(),";
  g_completion_shell = this;
  stifle_history(1000);
  if (!history.empty()) read_history(history.c_str());
  StatementSplitter splitter;
  std::string entry;
  while (!quit_) {
    const char* prompt = splitter.pending() ? "   ...> " : txn_ ? "folio*> " : "folio> ";
    char* raw = readline(prompt);
    if (raw == nullptr) {
      out_ << std::endl;
      break;
    }
    std::string line(raw);
    free(raw);
    // History holds whole statements: the lines of a multi-line statement become one entry.
    if (!Trim(line).empty()) entry += (entry.empty() ? "" : " ") + Trim(line);
    auto units = splitter.AddLine(line);
    if (!splitter.pending() && !entry.empty()) {
      add_history(entry.c_str());
      entry.clear();
    }
    for (const auto& unit : units) {
      RunUnit(unit).IgnoreError();  // already printed; the loop goes on
      if (quit_) break;
    }
  }
  if (!history.empty()) write_history(history.c_str());
  g_completion_shell = nullptr;
}

int RunShell(const ShellOptions& options) {
  bool interactive = !options.command && !options.script && isatty(STDIN_FILENO);
  Shell shell(options, std::cout, std::cerr, interactive);
  if (Status st = shell.Connect(); !st.ok()) {
    std::cerr << "error: cannot connect to ledger '" << options.ledger << "' at "
              << options.service.endpoint << ": " << st.message() << std::endl;
    return 1;
  }
  if (options.command) return shell.RunText(*options.command).ok() ? 0 : 1;
  if (options.script) {
    std::ifstream in(*options.script);
    if (!in) {
      std::cerr << "error: cannot read " << *options.script << std::endl;
      return 1;
    }
    return shell.RunStream(in).ok() ? 0 : 1;
  }
  if (!interactive) return shell.RunStream(std::cin).ok() ? 0 : 1;
  shell.RunInteractive();
  return 0;
}

}  // namespace folio::shell
