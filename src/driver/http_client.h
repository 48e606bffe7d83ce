// A small HTTP/1.1 client over Boost.Beast for the driver: plain TCP or TLS, keep-alive
// connections reused across requests, and a per-request timeout.
//
// Plain-TCP exchanges run on the calling thread with non-blocking send/recv and poll(2) for the
// deadline (a handful of system calls per request); TLS exchanges run Beast's asynchronous
// operations on the connection's own io_context. Both put the same bytes on the wire.
//
// Thread safety: HttpClient is safe to use from many threads at once; each request takes an
// idle pooled connection (or opens one) for its whole exchange.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "driver/sigv4_signer.h"

namespace folio::driver {

struct Endpoint {
  bool tls = false;
  std::string host;  // without brackets for IPv6
  uint16_t port = 80;
  // The Host header value: host, plus ":port" unless it is the scheme's default.
  std::string HostHeader() const;
  std::string ToString() const;  // "http://host:port"
};

// Parses "http://host[:port]" or "https://host[:port]" (an optional trailing '/').
// Errors: kInvalidArgument for any other form.
Result<Endpoint> ParseEndpoint(std::string_view url);

struct HttpOptions {
  std::chrono::milliseconds timeout{30000};  // Default: 30 s per request (connect to last byte)
  std::string ca_file;                       // Default: system trust store only
  bool insecure = false;                     // Default: verify the server certificate and name
  size_t max_idle_connections = 16;          // Default: 16
};

struct HttpResponse {
  int status = 0;
  HeaderList headers;
  std::string body;
  // The first header named `name` (case-insensitive), or "".
  std::string Header(std::string_view name) const;
};

// Appends to `out` the request Send puts on the wire: "<method> <target> HTTP/1.1", Host
// (`host_header`), User-Agent, `headers` (any named Host skipped; values trimmed of spaces and
// tabs; equal names kept together), Content-Length (when the body is non-empty or the method is
// POST, PUT or OPTIONS), a blank line and the body -- byte for byte what Boost.Beast serializes
// for the message Send used to build. Exposed for tests.
void SerializeRequest(std::string_view method, std::string_view target,
                      std::string_view host_header, const HeaderList& headers,
                      std::string_view body, std::string& out);

// Reads HTTP/1.1 responses from bytes the caller receives itself (folio bench's event loop),
// with the parser and limits HttpClient uses. Not thread-safe.
class HttpResponseReader {
 public:
  HttpResponseReader();
  ~HttpResponseReader();
  HttpResponseReader(const HttpResponseReader&) = delete;
  HttpResponseReader& operator=(const HttpResponseReader&) = delete;

  // Parses what it can of `bytes` (the unconsumed bytes received so far) and returns how many
  // it consumed; feed the rest again with whatever arrives next until done().
  // Errors: kIOError for a malformed or oversized response.
  Result<size_t> Feed(std::string_view bytes);
  bool done() const;
  // Whether the connection may carry another request (valid once done()).
  bool keep_alive() const;
  // The finished response; the reader then starts on the next one.
  HttpResponse Take();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

class HttpClient {
 public:
  // Errors: kInvalidArgument for a bad endpoint or an unreadable CA file.
  static Result<std::unique_ptr<HttpClient>> Create(std::string_view endpoint,
                                                    HttpOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends one request (Host, Content-Length and User-Agent are added) and reads the response.
  // A request that fails on a reused idle connection before any response byte arrives is sent
  // once more on a fresh connection (the server may have closed the idle one).
  // Errors: kIOError for connection, TLS, timeout or malformed-response failures.
  Result<HttpResponse> Send(std::string_view method, std::string_view target,
                            const HeaderList& headers, std::string_view body);

  const Endpoint& endpoint() const;

 private:
  struct Impl;
  explicit HttpClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace folio::driver
