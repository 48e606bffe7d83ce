// The `folio` command line: each subcommand registers itself on the root CLI11 app from its own
// source file (serve_command.cc, and later shell, ledger, verify, bench).
#pragma once

#include <CLI/CLI.hpp>

namespace folio::cli {

// Exit status of the subcommand that ran; subcommand callbacks set it.
int& ExitCode();

// `folio serve`: the QLDB-compatible network server (src/main/serve_command.cc).
void RegisterServeCommand(CLI::App& app);

// Client subcommands over the driver: `folio shell`, `folio ledger ...` (shell_command.cc,
// ledger_command.cc) and offline `folio verify <data-dir>` (verify_command.cc).
void RegisterShellCommand(CLI::App& app);
void RegisterLedgerCommand(CLI::App& app);
void RegisterVerifyCommand(CLI::App& app);

// `folio bench`: the whole-server load generator (bench_command.cc, loadgen.h).
void RegisterBenchCommand(CLI::App& app);

}  // namespace folio::cli
