// `folio serve`: opens the engine, makes sure ledger "default" exists, and serves the QLDB
// Session API and control plane over HTTP(S) until SIGINT/SIGTERM.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include <fmt/format.h>

#include "engine/engine.h"
#include "main/commands.h"
#include "server/handlers.h"
#include "server/listener.h"
#include "server/metrics.h"
#include "server/session_manager.h"

namespace folio::cli {
namespace {

namespace fs = std::filesystem;

struct ServeFlags {
  std::string data_dir = "./.folio-data";
  std::string listen = "127.0.0.1:8777";
  std::string region = "us-east-1";
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;
  std::string credentials_file;
  std::string tls_cert;
  std::string tls_key;
  bool tls_self_signed = false;
  int threads = 0;  // one per CPU core, at least 2
  int handler_threads = 64;
  bool no_auth = false;
  size_t max_body_bytes = 2 * 1024 * 1024;
  bool no_fsync = false;
  bool quiet = false;
  std::string default_ledger = "default";
  int transaction_timeout_ms = 30000;
  size_t max_sessions_per_ledger = 3000;
  double max_session_rps = 0;
  size_t max_pending_commits = 0;
};

Status ParseListen(const std::string& listen, std::string& host, uint16_t& port) {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos) return Status::InvalidArgument("--listen must be HOST:PORT");
  host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  std::string p = listen.substr(colon + 1);
  if (p.empty() || p.size() > 5 || p.find_first_not_of("0123456789") != std::string::npos ||
      std::stoi(p) > 65535) {
    return Status::InvalidArgument("--listen port must be a number 0-65535");
  }
  port = static_cast<uint16_t>(std::stoi(p));
  return Status::OK();
}

// Reads "ACCESS_KEY_ID SECRET_ACCESS_KEY [SESSION_TOKEN]" lines ('#' starts a comment).
Status ReadCredentialsFile(const std::string& path, server::CredentialStore& store) {
  std::ifstream in(path);
  if (!in) return Status::InvalidArgument("cannot read credentials file " + path);
  std::string line;
  int n = 0, lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    if (auto hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    std::istringstream fields(line);
    server::Credential c;
    if (!(fields >> c.access_key_id)) continue;
    if (!(fields >> c.secret_access_key)) {
      return Status::InvalidArgument(fmt::format("{}:{}: expected ACCESS_KEY_ID SECRET [TOKEN]",
                                                 path, lineno));
    }
    fields >> c.session_token;
    store.Add(std::move(c));
    ++n;
  }
  if (n == 0) return Status::InvalidArgument("credentials file " + path + " has no credentials");
  return Status::OK();
}

// The local default pair: generated once into <data-dir>/credentials (mode 0600) and reused.
Result<server::Credential> LocalCredential(const std::string& data_dir) {
  std::string path = (fs::path(data_dir) / "credentials").string();
  server::CredentialStore existing;
  if (fs::exists(path)) {
    FOLIO_TRY(ReadCredentialsFile(path, existing));
    return existing.all().begin()->second;
  }
  server::Credential c{"FOLIO" + server::NewBase62Id(15), server::NewBase62Id(40), ""};
  for (char& ch : c.access_key_id) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) return Status::IOError("cannot create " + path);
  std::string text = "# Local credentials for `folio serve` (generated on first start).\n" +
                     c.access_key_id + " " + c.secret_access_key + "\n";
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::close(fd);
  if (!ok) return Status::IOError("cannot write " + path);
  return c;
}

void PrintBanner(const ServeFlags& f, const std::string& endpoint, const server::Credential* cred,
                 bool tls_self_signed_cert, const std::string& cert_path) {
  std::string akid = cred ? cred->access_key_id : "any";
  std::string secret = cred ? cred->secret_access_key : "any";
  std::string out;
  out += "Folio (QLDB-compatible) is serving\n";
  out += fmt::format("  endpoint:          {}\n", endpoint);
  out += fmt::format("  region:            {}\n", f.region);
  out += fmt::format("  ledger:            {}\n", f.default_ledger);
  out += fmt::format("  data dir:          {}\n", fs::absolute(f.data_dir).lexically_normal().string());
  if (cred) {
    out += fmt::format("  access key id:     {}\n", akid);
    out += fmt::format("  secret access key: {}\n", secret);
  } else {
    out += "  authentication:    DISABLED (--no-auth): any credentials are accepted\n";
  }
  out += fmt::format("  metrics:           {}/metrics\n", endpoint);
  if (tls_self_signed_cert) {
    out += fmt::format("  TLS certificate:   {} (self-signed; Node.js: NODE_EXTRA_CA_CERTS={})\n",
                       cert_path, cert_path);
  }
  out += "\nNode.js (amazon-qldb-driver-nodejs 3.1.0, @aws-sdk/client-qldb-session 3.918.0):\n";
  out += fmt::format(
      "  const {{ QldbDriver }} = require(\"amazon-qldb-driver-nodejs\");\n"
      "  const driver = new QldbDriver(\"{}\", {{ region: \"{}\", endpoint: \"{}\",\n"
      "    credentials: {{ accessKeyId: \"{}\", secretAccessKey: \"{}\" }} }});\n"
      "  await driver.executeLambda(async (txn) => (await txn.execute(\"SELECT * FROM information_schema.user_tables\")).getResultList());\n",
      f.default_ledger, f.region, endpoint, akid, secret);
  out += "\nPython (boto3 with a botocore that still ships QLDB, e.g. Debian python3-boto3):\n";
  out += fmt::format(
      "  import boto3\n"
      "  session = boto3.client(\"qldb-session\", region_name=\"{}\", endpoint_url=\"{}\",\n"
      "      aws_access_key_id=\"{}\", aws_secret_access_key=\"{}\")\n"
      "  token = session.send_command(StartSession={{\"LedgerName\": \"{}\"}})[\"StartSession\"][\"SessionToken\"]\n"
      "  ledgers = boto3.client(\"qldb\", region_name=\"{}\", endpoint_url=\"{}\",\n"
      "      aws_access_key_id=\"{}\", aws_secret_access_key=\"{}\").list_ledgers()\n",
      f.region, endpoint, akid, secret, f.default_ledger, f.region, endpoint, akid, secret);
  std::fputs(out.c_str(), stdout);
  std::fflush(stdout);
}

int RunServe(const ServeFlags& f) {
  auto fail = [](const Status& st) {
    std::fprintf(stderr, "folio serve: %s\n", st.ToString().c_str());
    return 1;
  };
  std::string host;
  uint16_t port = 0;
  if (Status st = ParseListen(f.listen, host, port); !st.ok()) return fail(st);
  if (f.threads < 0 || f.threads > 256) {
    return fail(Status::InvalidArgument("--threads must be between 0 and 256"));
  }
  if (f.handler_threads < 0 || f.handler_threads > 4096) {
    return fail(Status::InvalidArgument("--handler-threads must be between 0 and 4096"));
  }
  if (f.tls_cert.empty() != f.tls_key.empty()) {
    return fail(Status::InvalidArgument("--tls-cert and --tls-key must be given together"));
  }
  if (!f.tls_cert.empty() && f.tls_self_signed) {
    return fail(Status::InvalidArgument("--tls-self-signed conflicts with --tls-cert/--tls-key"));
  }
  std::error_code ec;
  fs::create_directories(f.data_dir, ec);
  if (ec) return fail(Status::IOError("cannot create data dir " + f.data_dir + ": " + ec.message()));

  server::ServiceOptions service_options;
  service_options.region = f.region;
  service_options.auth_enabled = !f.no_auth;
  if (f.transaction_timeout_ms < 100) {
    return fail(Status::InvalidArgument("--transaction-timeout-ms must be at least 100"));
  }
  service_options.sessions.transaction_timeout = std::chrono::milliseconds(f.transaction_timeout_ms);
  service_options.sessions.max_sessions_per_ledger = f.max_sessions_per_ledger;
  if (!(f.max_session_rps >= 0) || f.max_session_rps > 1e9) {
    return fail(Status::InvalidArgument("--max-session-rps must be between 0 and 1e9"));
  }
  service_options.max_session_requests_per_second = f.max_session_rps;
  service_options.sessions.max_pending_commits_per_ledger = f.max_pending_commits;
  std::optional<server::Credential> shown;
  if (!f.access_key_id.empty() || !f.secret_access_key.empty()) {
    if (f.access_key_id.empty() || f.secret_access_key.empty()) {
      return fail(Status::InvalidArgument(
          "--access-key-id and --secret-access-key must be given together"));
    }
    shown = server::Credential{f.access_key_id, f.secret_access_key, f.session_token};
    service_options.credentials.Add(*shown);
  }
  if (!f.credentials_file.empty()) {
    if (Status st = ReadCredentialsFile(f.credentials_file, service_options.credentials); !st.ok()) {
      return fail(st);
    }
    if (!shown) shown = service_options.credentials.all().begin()->second;
  }
  if (service_options.credentials.empty() && !f.no_auth) {
    auto local = LocalCredential(f.data_dir);
    if (!local.ok()) return fail(local.status());
    shown = *local;
    service_options.credentials.Add(*local);
  }

  engine::EngineOptions engine_options;
  engine_options.data_dir = (fs::path(f.data_dir) / "ledgers").string();
  engine_options.region = f.region;
  engine_options.sync_commits = !f.no_fsync;
  auto engine = engine::Engine::Open(engine_options);
  if (!engine.ok()) return fail(engine.status().WithContext("opening the engine"));
  auto described = (*engine)->DescribeLedger(f.default_ledger);
  if (!described.ok() && described.status().code() == StatusCode::kNotFound) {
    engine::CreateLedgerParams params;
    params.name = f.default_ledger;
    params.deletion_protection = false;
    auto created = (*engine)->CreateLedger(params);
    if (!created.ok()) return fail(created.status().WithContext("creating ledger default"));
  } else if (!described.ok()) {
    return fail(described.status());
  }

  server::ListenerOptions listener_options;
  listener_options.address = host;
  listener_options.port = port;
  listener_options.threads = f.threads;
  listener_options.handler_threads = f.handler_threads;
  listener_options.max_body_bytes = f.max_body_bytes;
  listener_options.log_requests = !f.quiet;
  std::string cert_path;
  if (f.tls_self_signed) {
    cert_path = (fs::path(f.data_dir) / "tls" / "cert.pem").string();
    std::string key_path = (fs::path(f.data_dir) / "tls" / "key.pem").string();
    if (Status st = server::EnsureSelfSignedCertificate(cert_path, key_path); !st.ok()) {
      return fail(st);
    }
    listener_options.tls = server::TlsFiles{cert_path, key_path};
  } else if (!f.tls_cert.empty()) {
    listener_options.tls = server::TlsFiles{f.tls_cert, f.tls_key};
  }

  server::Metrics metrics;
  server::Service service(engine->get(), std::move(service_options), &metrics);
  server::HttpServer http(&service, &metrics, listener_options);
  if (Status st = http.Start(); !st.ok()) return fail(st);
  std::string shown_host = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  std::string endpoint = fmt::format("{}://{}:{}", listener_options.tls ? "https" : "http",
                                     shown_host, http.port());
  PrintBanner(f, endpoint, f.no_auth ? nullptr : &*shown, f.tls_self_signed, cert_path);
  http.Run(/*handle_signals=*/true);
  return 0;
}

}  // namespace

void RegisterServeCommand(CLI::App& app) {
  auto flags = std::make_shared<ServeFlags>();
  CLI::App* serve = app.add_subcommand("serve", "Run the QLDB-compatible server");
  serve->set_config("--config", "", "Read flags from a TOML/INI file (key = value per flag)");
  serve->add_option("--data-dir", flags->data_dir, "Data directory")->capture_default_str();
  serve->add_option("--listen", flags->listen, "HOST:PORT to listen on (port 0: any free port)")
      ->capture_default_str();
  serve->add_option("--region", flags->region, "Region shown in ARNs and examples")
      ->capture_default_str();
  serve->add_option("--access-key-id", flags->access_key_id, "Accepted AWS access key id");
  serve->add_option("--secret-access-key", flags->secret_access_key, "Its secret access key");
  serve->add_option("--session-token", flags->session_token,
                    "Require this x-amz-security-token with that key");
  serve->add_option("--credentials-file", flags->credentials_file,
                    "File of 'ACCESS_KEY_ID SECRET [SESSION_TOKEN]' lines");
  serve->add_option("--tls-cert", flags->tls_cert, "PEM certificate chain (enables HTTPS)");
  serve->add_option("--tls-key", flags->tls_key, "PEM private key for --tls-cert");
  serve->add_flag("--tls-self-signed", flags->tls_self_signed,
                  "Serve HTTPS with a self-signed certificate kept in <data-dir>/tls");
  serve->add_option("--threads", flags->threads,
                    "I/O threads, each serving its share of the connections (0: one per CPU core, "
                    "at least 2)")
      ->capture_default_str();
  serve->add_option("--handler-threads", flags->handler_threads,
                    "Threads for control-plane requests that may block, e.g. ledger creation "
                    "(0: handle on the I/O threads; session commits never block a thread)")
      ->capture_default_str();
  serve->add_flag("--no-auth", flags->no_auth, "Accept requests without verifying SigV4");
  serve->add_option("--max-body-bytes", flags->max_body_bytes, "Largest accepted request body")
      ->capture_default_str();
  serve->add_flag("--no-fsync", flags->no_fsync,
                  "Do not fsync commits (faster; a crash may lose recent commits)");
  serve->add_option("--transaction-timeout-ms", flags->transaction_timeout_ms,
                    "Transaction lifetime (QLDB: 30000; lower it only for tests)")
      ->capture_default_str();
  serve->add_option("--max-sessions-per-ledger", flags->max_sessions_per_ledger,
                    "Sessions per ledger that may run transactions (QLDB quota: 3000)")
      ->capture_default_str();
  serve->add_option("--max-session-rps", flags->max_session_rps,
                    "Session API requests per second per access key, over which requests get "
                    "RateExceededException (0: no limit)")
      ->capture_default_str();
  serve->add_option("--max-pending-commits", flags->max_pending_commits,
                    "Commits in progress per ledger, over which a commit gets "
                    "CapacityExceededException (HTTP 503, retried by the drivers; 0: no limit)")
      ->capture_default_str();
  serve->add_flag("--quiet", flags->quiet, "Do not log one line per request");
  serve->callback([flags] { ExitCode() = RunServe(*flags); });
}

}  // namespace folio::cli
