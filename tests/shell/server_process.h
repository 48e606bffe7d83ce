// Test helper: runs `folio serve` (built from this tree) on a free loopback port in a fresh
// temporary data directory, and stops it (SIGTERM) on destruction.
#pragma once

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace folio::testing {

inline std::string MakeTempDir(const std::string& tag) {
  std::random_device rd;
  auto dir = std::filesystem::temp_directory_path() /
             ("folio-" + tag + "-" + std::to_string(getpid()) + "-" + std::to_string(rd()));
  std::filesystem::create_directories(dir);
  return dir.string();
}

class ServerProcess {
 public:
  static constexpr const char* kAccessKey = "AKIDFOLIOTEST";
  static constexpr const char* kSecretKey = "folio-test-secret-key";

  // Starts the server; `extra` flags are appended. Check ok() afterwards.
  explicit ServerProcess(std::string data_dir, std::vector<std::string> extra = {})
      : data_dir_(std::move(data_dir)) {
    int out[2];
    if (pipe(out) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      prctl(PR_SET_PDEATHSIG, SIGTERM);  // never outlive a killed test
      dup2(out[1], STDOUT_FILENO);
      close(out[0]);
      close(out[1]);
      std::vector<std::string> args = {
          FOLIO_BINARY,          "serve",   "--data-dir", data_dir_,         "--listen",
          "127.0.0.1:0",         "--quiet", "--no-fsync", "--access-key-id", kAccessKey,
          "--secret-access-key", kSecretKey};
      args.insert(args.end(), extra.begin(), extra.end());
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    close(out[1]);
    FILE* f = fdopen(out[0], "r");
    char line[4096];
    while (f != nullptr && fgets(line, sizeof(line), f) != nullptr) {
      std::string s(line);
      auto pos = s.find("endpoint:");
      if (pos != std::string::npos) {
        endpoint_ = s.substr(s.find_first_not_of(' ', pos + 9));
        while (!endpoint_.empty() && (endpoint_.back() == '\n' || endpoint_.back() == '\r')) {
          endpoint_.pop_back();
        }
        break;
      }
    }
    // Keep draining stdout in the background so the server never blocks on a full pipe.
    if (f != nullptr) {
      drain_ = std::thread([f] {
        char buf[4096];
        while (fgets(buf, sizeof(buf), f) != nullptr) {
        }
        fclose(f);
      });
    }
  }
  ~ServerProcess() { Stop(); }

  bool ok() const { return pid_ > 0 && !endpoint_.empty(); }
  const std::string& endpoint() const { return endpoint_; }
  const std::string& data_dir() const { return data_dir_; }

  // SIGTERM and wait (up to 10 s, then SIGKILL).
  void Stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    int status = 0;
    for (int i = 0; i < 1000; ++i) {
      if (waitpid(pid_, &status, WNOHANG) == pid_) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      if (i == 999) {
        kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
      }
    }
    pid_ = -1;
    if (drain_.joinable()) drain_.join();
  }

 private:
  std::string data_dir_;
  pid_t pid_ = -1;
  std::string endpoint_;
  std::thread drain_;
};

// Runs a shell command; returns (exit code, stdout).
inline std::pair<int, std::string> RunCommand(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return {-1, ""};
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) out.append(buf, n);
  int status = pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

}  // namespace folio::testing
