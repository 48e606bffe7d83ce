// The HTTP(S) listener: Boost.Beast over Asio with a small I/O thread pool and a separate pool
// of handler threads. It only reads requests, calls Service::HandleAsync inline (a session
// commit answers later from the engine's writer thread, posted back to the connection's thread)
// or, for control-plane requests that may block (Service::MayBlock), Service::Handle on a
// handler thread, writes responses and manages connections: keep-alive, a body size limit
// (413, then the connection closes; the server keeps serving), read/idle timeouts, optional TLS,
// a periodic session sweep, structured log lines and graceful shutdown (stop accepting, finish
// in-flight requests, close idle connections).
//
// Thread safety: Start() once, then Run() from one thread; Stop() from any thread or a signal.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "common/status.h"
#include "server/handlers.h"

namespace folio::server {

struct TlsFiles {
  std::string cert_chain_pem;  // path
  std::string private_key_pem; // path
};

struct ListenerOptions {
  std::string address = "127.0.0.1";               // Default: loopback only
  uint16_t port = 8777;                             // Default: 8777; 0 picks a free port
  // I/O threads; each runs its own event loop for the connections it accepted. Default: 0,
  // one per CPU core and at least 2 (measured at 32 clients on 2 cores: 2 threads beat 1 and 4).
  int threads = 0;
  // Threads that run Service::Handle for requests that may block (Service::MayBlock: the
  // control plane, e.g. creating or deleting a ledger), off the I/O threads. Session commits
  // never block a thread (they complete asynchronously). 0 runs every handler inline on the
  // I/O threads.
  int handler_threads = 64;                         // Default: 64
  size_t max_body_bytes = 2 * 1024 * 1024;          // Default: 2 MiB
  std::chrono::seconds read_timeout{30};            // Default: 30 s to receive a request
  std::chrono::seconds idle_timeout{120};           // Default: 120 s between keep-alive requests
  std::chrono::seconds shutdown_grace{20};          // Default: 20 s for in-flight requests
  std::chrono::seconds sweep_interval{5};           // Default: expired sessions swept every 5 s
  std::optional<TlsFiles> tls;                      // Default: plain HTTP
  bool log_requests = true;                         // Default: one line per request on stderr
};

class HttpServer {
 public:
  HttpServer(Service* service, Metrics* metrics, ListenerOptions options);
  ~HttpServer();

  // Binds and listens. kInvalidArgument for a bad address or TLS files, kIOError if the port
  // cannot be bound.
  Status Start();
  // The bound port (after Start).
  uint16_t port() const;
  // Serves until Stop() or SIGINT/SIGTERM (when `handle_signals`), then drains and returns.
  void Run(bool handle_signals);
  // Begins a graceful shutdown. Thread-safe; idempotent.
  void Stop();

  struct Impl;  // opaque; public only so the connection template in listener.cc can name it

 private:
  std::unique_ptr<Impl> impl_;
};

// Writes a self-signed certificate (EC P-256, CN=localhost, SAN localhost/127.0.0.1/::1, valid
// 10 years) and its key to the given paths unless both exist already. The key file is 0600.
Status EnsureSelfSignedCertificate(const std::string& cert_path, const std::string& key_path);

// Random UUID v4 text, for x-amzn-RequestId.
std::string NewRequestId();

}  // namespace folio::server
