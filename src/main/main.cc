#include <CLI/CLI.hpp>

#include "main/commands.h"

namespace folio::cli {
int& ExitCode() {
  static int code = 0;
  return code;
}
}  // namespace folio::cli

int main(int argc, char** argv) {
  CLI::App app{"Folio: a self-hosted ledger database compatible with Amazon QLDB"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "folio 0.1.0");
  folio::cli::RegisterServeCommand(app);
  folio::cli::RegisterShellCommand(app);
  folio::cli::RegisterLedgerCommand(app);
  folio::cli::RegisterVerifyCommand(app);
  folio::cli::RegisterBenchCommand(app);
  CLI11_PARSE(app, argc, argv);
  return folio::cli::ExitCode();
}
