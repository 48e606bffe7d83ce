// `folio shell`: an interactive PartiQL shell over the driver (never the engine).
//
// Input is split into statements (';' or an empty line ends one) and backslash commands.
// Statements run in autocommit mode (one driver transaction each, retried by the driver's
// rules) unless BEGIN opened an explicit transaction, which COMMIT or ABORT ends. Results are
// printed as pretty Ion (or JSON), followed by a line with the document count, elapsed time
// and IO figures (on stdout when interactive, stderr otherwise).
//
// Commands: \tables, \history <table> <id>, \digest, \verify <table> <id>, \help, \quit.
//
// Thread safety: a Shell is used by one thread.
#pragma once

#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "driver/control_client.h"
#include "driver/driver.h"
#include "shell/format.h"

namespace folio::shell {

struct ShellOptions {
  driver::ServiceConfig service;
  std::string ledger = "default";
  OutputFormat format = OutputFormat::kIon;
  std::optional<std::string> command;  // -c: run this input and exit
  std::optional<std::string> script;   // run this file and exit
  bool quiet = false;                  // no banner and no statistics lines
  std::string history_file;            // Default: $HOME/.folio_history
};

class Shell {
 public:
  Shell(ShellOptions options, std::ostream& out, std::ostream& err, bool interactive);
  ~Shell();

  // Creates the clients and opens a first session (so a bad endpoint, credentials or ledger is
  // reported at once). Errors: as driver::Driver::Create and StartSession.
  Status Connect();

  // Runs one complete unit from StatementSplitter (a statement or a backslash command) and
  // prints its output. Returns the error it printed, if any.
  Status RunUnit(const std::string& unit);

  // Runs every unit in `text` (as lines), stopping at the first error.
  Status RunText(const std::string& text);
  // Runs `in` line by line, stopping at the first error.
  Status RunStream(std::istream& in);
  // The interactive loop over libedit; returns at \quit or end of input.
  void RunInteractive();

  bool quit_requested() const { return quit_; }
  bool in_transaction() const { return txn_ != nullptr; }
  // Table names for completion (cached; refreshed after DDL and by \tables).
  const std::vector<std::string>& table_names() const { return tables_; }

 private:
  Status RunStatement(const std::string& statement);
  Status RunCommand(const std::string& line);
  Status Begin();
  Status Commit();
  Status Abort();
  Status ShowTables();
  Status ShowHistory(const std::string& table, const std::string& id);
  Status ShowDigest();
  Status VerifyDocument(const std::string& table, const std::string& id);
  void RefreshTables();
  void PrintValues(const std::vector<ion::Value>& values);
  void PrintStats(size_t count, double elapsed_ms, const driver::IoUsage& usage);
  std::ostream& info();
  Status Report(Status st);

  ShellOptions options_;
  std::ostream& out_;
  std::ostream& err_;
  bool interactive_;
  bool quit_ = false;
  std::unique_ptr<driver::Driver> driver_;
  std::unique_ptr<driver::ControlClient> control_;
  std::unique_ptr<driver::Session> txn_session_;  // the explicit transaction's session
  std::unique_ptr<driver::Transaction> txn_;
  std::vector<std::string> tables_;
};

// Runs the shell in the mode the options and stdin select (-c, script, piped stdin or
// interactive) and returns the process exit code: 0, or 1 after any error.
int RunShell(const ShellOptions& options);

}  // namespace folio::shell
