// `folio bench`: the whole-server load generator (src/main/loadgen.h) against --endpoint, or
// against a `folio serve` it starts itself on a temporary data dir and a free port
// (--start-server).
#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "main/client_flags.h"
#include "main/commands.h"
#include "main/loadgen.h"

namespace folio::cli {
namespace {

namespace fs = std::filesystem;

struct BenchFlags {
  ClientFlags client;
  std::string ledger = "default";
  std::string table = "Vehicle";
  int clients = 8;
  int threads = 0;
  double duration_seconds = 10;
  double warmup_seconds = 1;
  int64_t transactions = 0;
  double read_ratio = 0;
  int64_t preload = 200;
  uint64_t seed = 0;
  bool json = false;
  bool no_create = false;
  bool start_server = false;
  std::string server_args;
  bool keep_server_dir = false;
  std::string commit_log;
};

// A `folio serve` child process on a temporary data dir; stopped (SIGTERM) and its data dir
// removed on destruction.
class LocalServer {
 public:
  // Starts `<this executable> serve --data-dir <tmp> --listen 127.0.0.1:0 --quiet <extra>` and
  // reads the endpoint and credentials from its banner. Errors: kIOError when it cannot be
  // started or does not print its banner within 30 s.
  static Result<std::unique_ptr<LocalServer>> Start(const std::vector<std::string>& extra,
                                                    bool keep_dir) {
    auto server = std::unique_ptr<LocalServer>(new LocalServer());
    server->keep_dir_ = keep_dir;
    std::string tmpl = (fs::temp_directory_path() / "folio-bench-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) return Status::IOError("cannot create a temp dir");
    server->dir_ = tmpl;
    std::string exe = fs::read_symlink("/proc/self/exe").string();
    std::vector<std::string> args = {exe,        "serve",       "--data-dir", server->dir_,
                                     "--listen", "127.0.0.1:0", "--quiet"};
    args.insert(args.end(), extra.begin(), extra.end());
    std::string log = (fs::path(server->dir_) / "server.log").string();

    int fds[2];
    if (::pipe(fds) != 0) return Status::IOError("pipe failed");
    pid_t pid = ::fork();
    if (pid < 0) return Status::IOError("fork failed");
    if (pid == 0) {
      ::dup2(fds[1], STDOUT_FILENO);
      int err = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (err >= 0) ::dup2(err, STDERR_FILENO);
      ::close(fds[0]);
      ::close(fds[1]);
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(exe.c_str(), argv.data());
      ::_exit(127);
    }
    ::close(fds[1]);
    server->pid_ = pid;
    server->out_fd_ = fds[0];
    FOLIO_TRY(server->ReadBanner(log));
    return server;
  }

  ~LocalServer() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
    if (out_fd_ >= 0) ::close(out_fd_);
    if (!dir_.empty() && !keep_dir_) {
      std::error_code ec;
      fs::remove_all(dir_, ec);
    }
  }

  const std::string& endpoint() const { return endpoint_; }
  const std::string& access_key() const { return access_key_; }
  const std::string& secret_key() const { return secret_key_; }
  const std::string& dir() const { return dir_; }

 private:
  LocalServer() = default;

  static std::string After(const std::string& line, std::string_view label) {
    auto pos = line.find(label);
    if (pos == std::string::npos) return "";
    std::string rest = line.substr(pos + label.size());
    rest.erase(0, rest.find_first_not_of(' '));
    return rest.substr(0, rest.find_first_of(" \r\n"));
  }

  Status ReadBanner(const std::string& log) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    std::string text;
    while (true) {
      // The banner is complete once its "metrics:" line (after the credentials) has arrived.
      if (size_t m = text.find("metrics:");
          m != std::string::npos && text.find('\n', m) != std::string::npos) {
        break;
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                      deadline - std::chrono::steady_clock::now())
                      .count();
      if (left <= 0) return Status::IOError("folio serve printed no banner in 30 s; see " + log);
      pollfd p{out_fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left)) <= 0) continue;
      char buf[4096];
      ssize_t n = ::read(out_fd_, buf, sizeof(buf));
      if (n <= 0) {
        return Status::IOError("folio serve exited before serving; see " + log);
      }
      text.append(buf, static_cast<size_t>(n));
    }
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
      // The first occurrences are the "  label:  value" lines; later ones are code examples.
      if (endpoint_.empty() && line.find("endpoint:") != std::string::npos) {
        endpoint_ = After(line, "endpoint:");
      }
      if (access_key_.empty() && line.find("access key id:") != std::string::npos) {
        access_key_ = After(line, "access key id:");
      }
      if (secret_key_.empty() && line.find("secret access key:") != std::string::npos) {
        secret_key_ = After(line, "secret access key:");
      }
    }
    if (endpoint_.empty()) return Status::IOError("no endpoint in the folio serve banner");
    return Status::OK();
  }

  pid_t pid_ = -1;
  int out_fd_ = -1;
  std::string dir_;
  bool keep_dir_ = false;
  std::string endpoint_, access_key_, secret_key_;
};

std::vector<std::string> SplitWords(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> out;
  std::string w;
  while (in >> w) out.push_back(w);
  return out;
}

int RunBench(const BenchFlags& f) {
  auto fail = [](const Status& st) {
    std::cerr << "folio bench: " << st.message() << std::endl;
    return 1;
  };
  if (f.duration_seconds <= 0 && f.transactions <= 0) {
    return fail(Status::InvalidArgument("--duration must be positive"));
  }
  if (f.warmup_seconds < 0) return fail(Status::InvalidArgument("--warmup must be >= 0"));

  std::unique_ptr<LocalServer> server;
  ClientFlags client = f.client;
  if (f.start_server) {
    auto started = LocalServer::Start(SplitWords(f.server_args), f.keep_server_dir);
    if (!started.ok()) return fail(started.status());
    server = std::move(*started);
    client.endpoint = server->endpoint();
    client.access_key = server->access_key();
    client.secret_key = server->secret_key();
    if (!f.json) {
      std::cout << "started folio serve at " << server->endpoint() << " (data dir " << server->dir()
                << ")" << std::endl;
    }
  }
  auto service = ToServiceConfig(client);
  if (!service.ok()) return fail(service.status());

  LoadOptions o;
  o.service = *service;
  o.ledger = f.ledger;
  o.table = f.table;
  o.clients = f.clients;
  o.threads = f.threads;
  o.duration = std::chrono::milliseconds(static_cast<int64_t>(f.duration_seconds * 1000));
  o.warmup = std::chrono::milliseconds(
      f.transactions > 0 ? 0 : static_cast<int64_t>(f.warmup_seconds * 1000));
  o.transactions = f.transactions;
  o.read_ratio = f.read_ratio;
  o.preload = f.preload;
  o.seed = f.seed;

  if (!f.no_create) {
    if (Status st = PrepareSchema(o); !st.ok()) return fail(st.WithContext("preparing the table"));
  }
  auto report = RunLoad(o);
  if (!report.ok()) return fail(report.status());
  if (!f.commit_log.empty()) {
    if (Status st = WriteCommitLog(f.commit_log, *report); !st.ok()) return fail(st);
  }
  if (f.json) {
    std::cout << FormatReportJson(*report) << std::endl;
  } else {
    std::cout << FormatReport(*report) << std::flush;
  }
  // Non-OCC errors mean the measurement is not trustworthy.
  return report->errors > 0 ? 3 : 0;
}

}  // namespace

void RegisterBenchCommand(CLI::App& app) {
  auto flags = std::make_shared<BenchFlags>();
  CLI::App* cmd = app.add_subcommand(
      "bench", "Load-test a server: concurrent single-document transactions (see docs/perf)");
  AddClientFlags(*cmd, flags->client);
  cmd->add_option("--ledger", flags->ledger, "Ledger name")->capture_default_str();
  cmd->add_option("--table", flags->table, "Table (created with an index on VIN if missing)")
      ->capture_default_str();
  cmd->add_option("--clients", flags->clients, "Concurrent sessions, one connection each")
      ->check(CLI::Range(1, 4096))
      ->capture_default_str();
  cmd->add_option("--threads", flags->threads,
                  "Event-loop threads the sessions share (0: one per 64 sessions; plain HTTP "
                  "only, TLS runs a thread per session)")
      ->check(CLI::Range(0, 256))
      ->capture_default_str();
  cmd->add_option("--duration", flags->duration_seconds, "Measured seconds")->capture_default_str();
  cmd->add_option("--warmup", flags->warmup_seconds, "Unmeasured seconds of load before --duration")
      ->capture_default_str();
  cmd->add_option("--transactions", flags->transactions,
                  "Run this many transactions in total instead of --duration");
  cmd->add_option("--read-ratio", flags->read_ratio,
                  "Fraction of transactions that are indexed reads (0..1)")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  cmd->add_option("--preload", flags->preload,
                  "Documents inserted before the run when --read-ratio > 0")
      ->capture_default_str();
  cmd->add_option("--seed", flags->seed, "Random seed (0: random)");
  cmd->add_option(
      "--commit-log", flags->commit_log,
      "Write every measured commit to this file: CLOCK_MONOTONIC microseconds when "
      "its answer arrived, then its latency in microseconds (scripts/commit_stalls.py)");
  cmd->add_flag("--json", flags->json, "Print one JSON line instead of the text report");
  cmd->add_flag("--no-create", flags->no_create, "Do not create the table and index");
  cmd->add_flag("--start-server", flags->start_server,
                "Start a local `folio serve` on a temp data dir and a free port");
  cmd->add_option("--server-args", flags->server_args,
                  "Extra `folio serve` flags for --start-server, e.g. \"--threads 8\"");
  cmd->add_flag("--keep-server-dir", flags->keep_server_dir,
                "Keep the --start-server data dir (and its server.log)");
  cmd->callback([flags] { ExitCode() = RunBench(*flags); });
}

}  // namespace folio::cli
