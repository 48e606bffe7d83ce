// `folio shell`: the interactive PartiQL shell (src/shell), connected by the client flags.
#include <iostream>
#include <memory>

#include "main/client_flags.h"
#include "main/commands.h"
#include "shell/shell.h"

namespace folio::cli {
namespace {

struct ShellFlags {
  ClientFlags client;
  std::string ledger = "default";
  std::string format = "ion";
  std::string command;
  std::string script;
  bool quiet = false;
};

int RunShellCommand(const ShellFlags& f) {
  auto service = ToServiceConfig(f.client);
  if (!service.ok()) {
    std::cerr << "folio shell: " << service.status().message() << std::endl;
    return 2;
  }
  shell::ShellOptions o;
  o.service = *service;
  o.ledger = f.ledger;
  o.format = f.format == "json" ? shell::OutputFormat::kJson : shell::OutputFormat::kIon;
  if (!f.command.empty()) o.command = f.command;
  if (!f.script.empty()) o.script = f.script;
  o.quiet = f.quiet;
  return shell::RunShell(o);
}

}  // namespace

void RegisterShellCommand(CLI::App& app) {
  auto flags = std::make_shared<ShellFlags>();
  CLI::App* cmd = app.add_subcommand("shell", "Interactive PartiQL shell against a server");
  AddClientFlags(*cmd, flags->client);
  cmd->add_option("--ledger", flags->ledger, "Ledger name")->capture_default_str();
  cmd->add_option("--format", flags->format, "Result format")
      ->check(CLI::IsMember({"ion", "json"}))
      ->capture_default_str();
  cmd->add_option("-c,--command", flags->command, "Run these statements and exit");
  cmd->add_option("script", flags->script, "Run the statements in this file and exit");
  cmd->add_flag("-q,--quiet", flags->quiet, "No banner and no statistics lines");
  cmd->callback([flags] { ExitCode() = RunShellCommand(*flags); });
}

}  // namespace folio::cli
