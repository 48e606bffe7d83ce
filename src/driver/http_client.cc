#include "driver/http_client.h"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <climits>
#include <filesystem>
#include <sstream>
#include <mutex>
#include <optional>
#include <vector>

namespace folio::driver {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr size_t kMaxResponseBytes = 256u << 20;

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

bool IsIpLiteral(const std::string& host) {
  boost::system::error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

// One keep-alive connection with its own io_context, so that a request runs its asynchronous
// operations (which honour tcp_stream timeouts) to completion on the calling thread.
struct Connection {
  asio::io_context ioc;
  std::optional<beast::tcp_stream> tcp;
  std::optional<beast::ssl_stream<beast::tcp_stream>> tls;
  beast::flat_buffer buffer;  // response bytes read but not yet parsed
  std::string wire;           // the request being sent; its capacity is reused

  beast::tcp_stream& lowest() { return tls ? beast::get_lowest_layer(*tls) : *tcp; }

  // Runs the queued operation; `ec` is set by its handler.
  void Run() {
    ioc.restart();
    ioc.run();
  }
};


using Clock = std::chrono::steady_clock;

// Waits until `fd` is ready for `events` (POLLIN or POLLOUT) or `deadline` passes.
boost::system::error_code WaitReady(int fd, short events, Clock::time_point deadline) {
  while (true) {
    auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return beast::error::timeout;
    pollfd p{fd, events, 0};
    int r = ::poll(&p, 1, left > INT_MAX ? INT_MAX : static_cast<int>(left));
    if (r > 0) return {};  // readable, writable, or an error/hang-up the next call reports
    if (r < 0 && errno != EINTR) return {errno, boost::system::system_category()};
  }
}

// Sends all of `data` on the non-blocking socket `fd` by `deadline`.
boost::system::error_code SendAll(int fd, std::string_view data, Clock::time_point deadline) {
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n >= 0) {
      data.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return {errno, boost::system::system_category()};
    if (auto ec = WaitReady(fd, POLLOUT, deadline)) return ec;
  }
  return {};
}

// A Beast SyncReadStream over a non-blocking socket that gives up at a deadline. With
// `wait_first` the first read polls before receiving (the caller expects no data yet), which
// saves a receive that would only report EAGAIN.
class DeadlineReadStream {
 public:
  DeadlineReadStream(int fd, Clock::time_point deadline, bool wait_first)
      : fd_(fd), deadline_(deadline), wait_(wait_first) {}

  template <class MutableBufferSequence>
  size_t read_some(const MutableBufferSequence& buffers, boost::system::error_code& ec) {
    iovec iov[8];
    int count = 0;
    for (auto it = asio::buffer_sequence_begin(buffers);
         it != asio::buffer_sequence_end(buffers) && count < 8; ++it) {
      asio::mutable_buffer b(*it);
      if (b.size() == 0) continue;
      iov[count++] = {b.data(), b.size()};
    }
    ec = {};
    if (count == 0) return 0;
    while (true) {
      if (wait_) {
        ec = WaitReady(fd_, POLLIN, deadline_);
        if (ec) return 0;
        wait_ = false;
      }
      ssize_t n = ::readv(fd_, iov, count);
      if (n > 0) return static_cast<size_t>(n);
      if (n == 0) {
        ec = asio::error::eof;
        return 0;
      }
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) {
        ec = {errno, boost::system::system_category()};
        return 0;
      }
      wait_ = true;
    }
  }

  // The throwing form the SyncReadStream concept names; Beast's error_code overloads never call
  // it.
  template <class MutableBufferSequence>
  size_t read_some(const MutableBufferSequence& buffers) {
    boost::system::error_code ec;
    size_t n = read_some(buffers, ec);
    if (ec) BOOST_THROW_EXCEPTION(boost::system::system_error(ec));
    return n;
  }

 private:
  int fd_;
  Clock::time_point deadline_;
  bool wait_;
};

bool IsKnownMethod(std::string_view m) {
  return m == "GET" || m == "POST" || m == "PUT" || m == "DELETE" || m == "HEAD" ||
         m == "PATCH" || m == "OPTIONS";
}

std::string_view TrimOws(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  return v;
}

// The message Send built with Beast before requests were serialized directly; the reference for
// SerializeRequest and its fallback for inputs the direct path does not model.
http::request<http::string_body> BeastRequest(std::string_view method, std::string_view target,
                                              std::string_view host_header,
                                              const HeaderList& headers, std::string_view body) {
  http::request<http::string_body> req;
  req.method_string(beast::string_view(method.data(), method.size()));
  req.target(beast::string_view(target.data(), target.size()));
  req.version(11);
  req.set(http::field::host, beast::string_view(host_header.data(), host_header.size()));
  req.set(http::field::user_agent, "folio-driver/0.1");
  for (const auto& [name, value] : headers) {
    if (IEquals(name, "host")) continue;
    req.insert(beast::string_view(name.data(), name.size()),
               beast::string_view(value.data(), value.size()));
  }
  req.body() = std::string(body);
  req.keep_alive(true);
  req.prepare_payload();
  return req;
}

}  // namespace

void SerializeRequest(std::string_view method, std::string_view target,
                      std::string_view host_header, const HeaderList& headers,
                      std::string_view body, std::string& out) {
  // Beast's model of the message: fields in list order, an inserted field placed after the last
  // one of the same name, set() replacing every field of its name and appending. Headers that
  // keep_alive/prepare_payload would rewrite (Connection, Content-Length, Transfer-Encoding),
  // unknown methods and oversized fields are left to Beast itself.
  bool direct = IsKnownMethod(method) && host_header.size() < 0x8000;
  std::vector<std::pair<std::string_view, std::string_view>> fields;
  fields.reserve(headers.size() + 3);
  fields.emplace_back("Host", host_header);
  fields.emplace_back("User-Agent", "folio-driver/0.1");
  for (const auto& [name, value] : headers) {
    if (!direct) break;
    if (IEquals(name, "host")) continue;
    if (IEquals(name, "connection") || IEquals(name, "content-length") ||
        IEquals(name, "transfer-encoding") || name.size() >= 0x8000 || value.size() >= 0x8000) {
      direct = false;
      break;
    }
    size_t pos = fields.size();
    for (size_t i = fields.size(); i-- > 0;) {
      if (IEquals(fields[i].first, name)) {
        pos = i + 1;
        break;
      }
    }
    fields.emplace(fields.begin() + static_cast<std::ptrdiff_t>(pos), name, TrimOws(value));
  }
  if (!direct) {
    std::ostringstream os;
    os << BeastRequest(method, target, host_header, headers, body);
    out += os.str();
    return;
  }
  char length[24];
  std::string_view content_length;
  if (!body.empty() || method == "POST" || method == "PUT" || method == "OPTIONS") {
    auto [end, ec] = std::to_chars(length, length + sizeof(length), body.size());
    content_length = std::string_view(length, static_cast<size_t>(end - length));
    fields.emplace_back("Content-Length", content_length);
  }
  size_t size = method.size() + target.size() + 13 + body.size();
  for (const auto& [n, v] : fields) size += n.size() + v.size() + 4;
  out.reserve(out.size() + size);
  out.append(method);
  out.push_back(' ');
  out.append(target);
  out.append(" HTTP/1.1\r\n");
  for (const auto& [n, v] : fields) {
    out.append(n);
    out.append(": ");
    out.append(v);
    out.append("\r\n");
  }
  out.append("\r\n");
  out.append(body);
}

std::string Endpoint::HostHeader() const {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (port != (tls ? 443 : 80)) h += ":" + std::to_string(port);
  return h;
}

std::string Endpoint::ToString() const {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return std::string(tls ? "https" : "http") + "://" + h + ":" + std::to_string(port);
}

Result<Endpoint> ParseEndpoint(std::string_view url) {
  Endpoint e;
  auto bad = [&] {
    return Status::InvalidArgument(
        "endpoint must look like http://HOST[:PORT] or "
        "https://HOST[:PORT], got '" +
        std::string(url) + "'");
  };
  std::string_view rest;
  if (url.starts_with("http://")) {
    rest = url.substr(7);
  } else if (url.starts_with("https://")) {
    e.tls = true;
    rest = url.substr(8);
  } else {
    return bad();
  }
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  if (rest.empty() || rest.find('/') != std::string_view::npos) return bad();
  e.port = e.tls ? 443 : 80;
  std::string_view port_text;
  if (rest.front() == '[') {
    size_t close = rest.find(']');
    if (close == std::string_view::npos) return bad();
    e.host = std::string(rest.substr(1, close - 1));
    std::string_view after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return bad();
      port_text = after.substr(1);
    }
  } else {
    size_t colon = rest.rfind(':');
    e.host = std::string(rest.substr(0, colon));
    if (colon != std::string_view::npos) port_text = rest.substr(colon + 1);
  }
  if (e.host.empty()) return bad();
  if (!port_text.empty() || rest.find(':') != std::string_view::npos) {
    if (port_text.empty() || port_text.size() > 5 ||
        port_text.find_first_not_of("0123456789") != std::string_view::npos) {
      return bad();
    }
    int port = std::stoi(std::string(port_text));
    if (port < 1 || port > 65535) return bad();
    e.port = static_cast<uint16_t>(port);
  }
  return e;
}

std::string HttpResponse::Header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (IEquals(n, name)) return v;
  }
  return "";
}

struct HttpClient::Impl {
  Endpoint endpoint;
  std::string host_header;  // endpoint.HostHeader()
  HttpOptions options;
  std::optional<asio::ssl::context> ssl_ctx;
  std::mutex mu;
  std::vector<std::unique_ptr<Connection>> idle;  // GUARDED_BY(mu)

  Result<std::unique_ptr<Connection>> Connect() {
    auto c = std::make_unique<Connection>();
    boost::system::error_code ec;
    tcp::resolver resolver(c->ioc);
    tcp::resolver::results_type results;
    resolver.async_resolve(endpoint.host, std::to_string(endpoint.port),
                           [&](boost::system::error_code e, tcp::resolver::results_type r) {
                             ec = e;
                             results = std::move(r);
                           });
    c->Run();
    if (ec) return Status::IOError("cannot resolve " + endpoint.host + ": " + ec.message());
    if (endpoint.tls) {
      c->tls.emplace(c->ioc, *ssl_ctx);
    } else {
      c->tcp.emplace(c->ioc);
    }
    c->lowest().expires_after(options.timeout);
    c->lowest().async_connect(results, [&](boost::system::error_code e, const auto&) { ec = e; });
    c->Run();
    if (ec) {
      return Status::IOError("cannot connect to " + endpoint.ToString() + ": " + ec.message());
    }
    c->lowest().socket().set_option(tcp::no_delay(true), ec);
    if (!endpoint.tls) {
      // Plain exchanges use the descriptor directly (see Exchange).
      c->lowest().socket().non_blocking(true, ec);
      if (ec) return Status::IOError("cannot make the socket non-blocking: " + ec.message());
    }
    if (endpoint.tls) {
      SSL* ssl = c->tls->native_handle();
      if (!IsIpLiteral(endpoint.host)) SSL_set_tlsext_host_name(ssl, endpoint.host.c_str());
      if (!options.insecure) {
        X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
        int ok = IsIpLiteral(endpoint.host)
                     ? X509_VERIFY_PARAM_set1_ip_asc(param, endpoint.host.c_str())
                     : X509_VERIFY_PARAM_set1_host(param, endpoint.host.c_str(), 0);
        if (ok != 1) return Status::IOError("cannot set TLS host verification");
      }
      c->lowest().expires_after(options.timeout);
      c->tls->async_handshake(asio::ssl::stream_base::client,
                              [&](boost::system::error_code e) { ec = e; });
      c->Run();
      if (ec) {
        return Status::IOError("TLS handshake with " + endpoint.ToString() +
                               " failed: " + ec.message());
      }
    }
    return c;
  }

  // One exchange of the request in `c.wire` on `c`. `response_started` tells whether any
  // response byte was read.
  Result<HttpResponse> Exchange(Connection& c, bool& response_started, bool& keep_alive) {
    boost::system::error_code ec;
    http::response_parser<http::string_body> parser;
    parser.body_limit(kMaxResponseBytes);
    parser.header_limit(64 * 1024);
    size_t before = c.buffer.size();
    if (c.tls) {
      c.lowest().expires_after(options.timeout);
      asio::async_write(*c.tls, asio::buffer(c.wire),
                        [&](boost::system::error_code e, size_t) { ec = e; });
      c.Run();
      if (ec) return Status::IOError("sending the request failed: " + ec.message());
      c.lowest().expires_after(options.timeout);
      before = c.buffer.size();
      http::async_read(*c.tls, c.buffer, parser,
                       [&](boost::system::error_code e, size_t) { ec = e; });
      c.Run();
    } else {
      int fd = c.tcp->socket().native_handle();
      ec = SendAll(fd, c.wire, Clock::now() + options.timeout);
      if (ec) return Status::IOError("sending the request failed: " + ec.message());
      DeadlineReadStream stream(fd, Clock::now() + options.timeout, /*wait_first=*/before == 0);
      http::read(stream, c.buffer, parser, ec);
    }
    response_started = parser.got_some() || c.buffer.size() > before;
    if (ec) {
      if (ec == beast::error::timeout) {
        return Status::IOError("timed out after " + std::to_string(options.timeout.count()) +
                               " ms waiting for " + endpoint.ToString());
      }
      return Status::IOError("reading the response failed: " + ec.message());
    }
    auto msg = parser.release();
    HttpResponse out;
    out.status = static_cast<int>(msg.result_int());
    for (const auto& field : msg) {
      out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    out.body = std::move(msg.body());
    keep_alive = msg.keep_alive();
    return out;
  }
};

HttpClient::HttpClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpClient::~HttpClient() = default;

const Endpoint& HttpClient::endpoint() const { return impl_->endpoint; }

Result<std::unique_ptr<HttpClient>> HttpClient::Create(std::string_view endpoint,
                                                       HttpOptions options) {
  auto impl = std::make_unique<Impl>();
  FOLIO_ASSIGN_OR_RETURN(impl->endpoint, ParseEndpoint(endpoint));
  impl->host_header = impl->endpoint.HostHeader();
  impl->options = options;
  if (impl->endpoint.tls) {
    impl->ssl_ctx.emplace(asio::ssl::context::tls_client);
    boost::system::error_code ec;
    if (options.insecure) {
      impl->ssl_ctx->set_verify_mode(asio::ssl::verify_none, ec);
    } else {
      impl->ssl_ctx->set_verify_mode(asio::ssl::verify_peer, ec);
      impl->ssl_ctx->set_default_verify_paths(ec);
      if (!options.ca_file.empty()) {
        if (!std::filesystem::exists(options.ca_file)) {
          return Status::InvalidArgument("CA file " + options.ca_file + " does not exist");
        }
        impl->ssl_ctx->load_verify_file(options.ca_file, ec);
        if (ec) {
          return Status::InvalidArgument("cannot load CA file " + options.ca_file + ": " +
                                         ec.message());
        }
      }
    }
  }
  return std::unique_ptr<HttpClient>(new HttpClient(std::move(impl)));
}

Result<HttpResponse> HttpClient::Send(std::string_view method, std::string_view target,
                                      const HeaderList& headers, std::string_view body) {
  const std::string& host_header = impl_->host_header;
  for (int attempt = 0; attempt < 2; ++attempt) {
    std::unique_ptr<Connection> conn;
    bool reused = false;
    if (attempt == 0) {
      std::lock_guard<std::mutex> lock(impl_->mu);
      if (!impl_->idle.empty()) {
        conn = std::move(impl_->idle.back());
        impl_->idle.pop_back();
        reused = true;
      }
    }
    if (!conn) {
      FOLIO_ASSIGN_OR_RETURN(conn, impl_->Connect());
    }
    conn->wire.clear();
    SerializeRequest(method, target, host_header, headers, body, conn->wire);
    bool started = false, keep_alive = false;
    auto response = impl_->Exchange(*conn, started, keep_alive);
    if (!response.ok()) {
      if (reused && !started) continue;  // a stale keep-alive connection: try a fresh one
      return response.status();
    }
    if (keep_alive) {
      std::lock_guard<std::mutex> lock(impl_->mu);
      if (impl_->idle.size() < impl_->options.max_idle_connections) {
        impl_->idle.push_back(std::move(conn));
      }
    }
    return response;
  }
  return Status::IOError("request to " + impl_->endpoint.ToString() + " failed");
}

}  // namespace folio::driver
