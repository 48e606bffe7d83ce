#include "main/client_flags.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace folio::cli {

void AddClientFlags(CLI::App& app, ClientFlags& f) {
  app.add_option("--endpoint", f.endpoint, "Server URL (http:// or https://)")
      ->capture_default_str();
  app.add_option("--region", f.region, "Signing region")->capture_default_str();
  app.add_option("--access-key,--access-key-id", f.access_key, "AWS access key id");
  app.add_option("--secret-key,--secret-access-key", f.secret_key, "AWS secret access key");
  app.add_option("--session-token", f.session_token, "AWS session token (temporary credentials)");
  app.add_option("--data-dir", f.data_dir,
                 "Local server data dir whose 'credentials' file is the default key pair")
      ->capture_default_str();
  app.add_option("--ca-file", f.ca_file, "PEM CA bundle to trust for https:// endpoints");
  app.add_flag("--insecure", f.insecure, "Do not verify the TLS certificate");
  app.add_option("--timeout", f.timeout_seconds, "Per-request timeout in seconds")
      ->capture_default_str();
}

Result<driver::ServiceConfig> ToServiceConfig(const ClientFlags& f) {
  driver::ServiceConfig c;
  c.endpoint = f.endpoint;
  c.region = f.region;
  c.http.ca_file = f.ca_file;
  c.http.insecure = f.insecure;
  if (f.timeout_seconds < 1) return Status::InvalidArgument("--timeout must be at least 1");
  c.http.timeout = std::chrono::seconds(f.timeout_seconds);
  if (f.access_key.empty() != f.secret_key.empty()) {
    return Status::InvalidArgument("--access-key and --secret-key must be given together");
  }
  if (!f.access_key.empty()) {
    c.credentials = {f.access_key, f.secret_key, f.session_token};
    return c;
  }
  const char* env_key = std::getenv("AWS_ACCESS_KEY_ID");
  const char* env_secret = std::getenv("AWS_SECRET_ACCESS_KEY");
  if (env_key != nullptr && env_secret != nullptr && *env_key && *env_secret) {
    const char* token = std::getenv("AWS_SESSION_TOKEN");
    c.credentials = {env_key, env_secret, token ? token : ""};
    return c;
  }
  std::filesystem::path file = std::filesystem::path(f.data_dir) / "credentials";
  if (std::filesystem::exists(file)) {
    std::ifstream in(file);
    if (!in) return Status::InvalidArgument("cannot read " + file.string());
    std::string line;
    while (std::getline(in, line)) {
      if (auto hash = line.find('#'); hash != std::string::npos) line.resize(hash);
      std::istringstream fields(line);
      driver::Credentials cred;
      if (fields >> cred.access_key_id >> cred.secret_access_key) {
        fields >> cred.session_token;
        c.credentials = cred;
        return c;
      }
    }
  }
  return c;
}

}  // namespace folio::cli
