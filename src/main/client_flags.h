// Connection flags shared by the client subcommands (`folio shell`, `folio ledger`):
// --endpoint, --region, --access-key, --secret-key, --session-token, --ca-file, --insecure.
//
// Credentials come from the flags, else from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY /
// AWS_SESSION_TOKEN, else from the local server's generated file <data-dir>/credentials
// (default ./.folio-data/credentials), else none (for `folio serve --no-auth`).
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "common/status.h"
#include "driver/service_client.h"

namespace folio::cli {

struct ClientFlags {
  std::string endpoint{driver::kDefaultEndpoint};
  std::string region = "us-east-1";
  std::string access_key;
  std::string secret_key;
  std::string session_token;
  std::string data_dir = "./.folio-data";
  std::string ca_file;
  bool insecure = false;
  int timeout_seconds = 30;
};

void AddClientFlags(CLI::App& app, ClientFlags& flags);

// Resolves credentials as described above. Errors: kInvalidArgument when only one of the key
// pair is given or the credentials file is unreadable.
Result<driver::ServiceConfig> ToServiceConfig(const ClientFlags& flags);

}  // namespace folio::cli
