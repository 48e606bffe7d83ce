// `folio ledger create|list|describe|update|delete`: the control plane against a server.
#include <ctime>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "driver/control_client.h"
#include "main/client_flags.h"
#include "main/commands.h"

namespace folio::cli {
namespace {

struct LedgerFlags {
  ClientFlags client;
  std::string name;
  std::string permissions_mode = "ALLOW_ALL";
  std::string deletion_protection;  // "", "true" or "false"
};

std::string Time(int64_t epoch) {
  std::time_t t = static_cast<std::time_t>(epoch);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

void Print(const driver::LedgerInfo& l) {
  std::cout << "name:                " << l.name << "\n";
  if (!l.arn.empty()) std::cout << "arn:                 " << l.arn << "\n";
  std::cout << "state:               " << l.state << "\n";
  std::cout << "created:             " << Time(l.creation_epoch_seconds) << "\n";
  if (!l.permissions_mode.empty())
    std::cout << "permissions mode:    " << l.permissions_mode << "\n";
  if (l.deletion_protection) {
    std::cout << "deletion protection: " << (*l.deletion_protection ? "on" : "off") << "\n";
  }
  std::cout.flush();
}

int Fail(const Status& st) {
  std::cerr << "folio ledger: " << st.message() << std::endl;
  return 1;
}

std::optional<bool> Protection(const std::string& s) {
  if (s.empty()) return std::nullopt;
  return s == "true";
}

int Run(const std::string& op, const LedgerFlags& f) {
  auto config = ToServiceConfig(f.client);
  if (!config.ok()) return Fail(config.status());
  auto client = driver::ControlClient::Create(*config);
  if (!client.ok()) return Fail(client.status());
  driver::ControlClient& c = **client;
  if (op == "list") {
    auto ls = c.ListLedgers();
    if (!ls.ok()) return Fail(ls.status());
    for (const auto& l : *ls) {
      std::cout << l.name << "\t" << l.state << "\t" << Time(l.creation_epoch_seconds) << "\n";
    }
    std::cout.flush();
    return 0;
  }
  if (op == "create") {
    driver::CreateLedgerRequest req;
    req.name = f.name;
    req.permissions_mode = f.permissions_mode;
    req.deletion_protection = Protection(f.deletion_protection);
    auto l = c.CreateLedger(req);
    if (!l.ok()) return Fail(l.status());
    Print(*l);
    return 0;
  }
  if (op == "describe") {
    auto l = c.DescribeLedger(f.name);
    if (!l.ok()) return Fail(l.status());
    Print(*l);
    return 0;
  }
  if (op == "update") {
    auto l = c.UpdateLedger(f.name, Protection(f.deletion_protection));
    if (!l.ok()) return Fail(l.status());
    Print(*l);
    return 0;
  }
  Status st = c.DeleteLedger(f.name);
  if (!st.ok()) return Fail(st);
  std::cout << "ledger " << f.name << " deleted" << std::endl;
  return 0;
}

}  // namespace

void RegisterLedgerCommand(CLI::App& app) {
  CLI::App* ledger = app.add_subcommand("ledger", "Manage ledgers on a server");
  ledger->require_subcommand(1);
  struct Op {
    const char* name;
    const char* help;
  };
  for (Op op :
       {Op{"create", "Create a ledger"}, Op{"list", "List ledgers"},
        Op{"describe", "Describe a ledger"}, Op{"update", "Change a ledger's deletion protection"},
        Op{"delete", "Delete a ledger (deletion protection must be off)"}}) {
    auto flags = std::make_shared<LedgerFlags>();
    CLI::App* cmd = ledger->add_subcommand(op.name, op.help);
    AddClientFlags(*cmd, flags->client);
    std::string name = op.name;
    if (name != "list") cmd->add_option("name", flags->name, "Ledger name")->required();
    if (name == "create") {
      cmd->add_option("--permissions-mode", flags->permissions_mode, "ALLOW_ALL or STANDARD")
          ->check(CLI::IsMember({"ALLOW_ALL", "STANDARD"}))
          ->capture_default_str();
    }
    if (name == "create" || name == "update") {
      auto* opt =
          cmd->add_option("--deletion-protection", flags->deletion_protection, "true or false")
              ->check(CLI::IsMember({"true", "false"}));
      if (name == "update") opt->required();
    }
    cmd->callback([name, flags] { ExitCode() = Run(name, *flags); });
  }
}

}  // namespace folio::cli
