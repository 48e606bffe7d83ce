#include "driver/http_client.h"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cerrno>
#include <charconv>
#include <climits>
#include <filesystem>
#include <mutex>
#include <optional>
#include <sstream>
#include <vector>

#include "common/bytes.h"

namespace folio::driver {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr size_t kMaxResponseBytes = 256u << 20;

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
  int rcv_timeout_ms = 0;     // plain connections: SO_RCVTIMEO now set (0 = none yet)
  int snd_timeout_ms = 0;     // plain connections: SO_SNDTIMEO now set (0 = none yet)

  beast::tcp_stream& lowest() { return tls ? beast::get_lowest_layer(*tls) : *tcp; }

  // Runs the queued operation; `ec` is set by its handler.
  void Run() {
    ioc.restart();
    ioc.run();
  }
};

using Clock = std::chrono::steady_clock;

// A plain connection's blocking socket with SO_RCVTIMEO/SO_SNDTIMEO bounding each call, so that
// an exchange costs one send and (usually) one receive system call. Before each call the socket
// timeout is lowered to the time left before the exchange's deadline when that is shorter, so
// the deadline holds to the millisecond however the response is split.
class TimedSocket {
 public:
  TimedSocket(int fd, int* rcv_timeout_ms, int* snd_timeout_ms)
      : fd_(fd), rcv_ms_(rcv_timeout_ms), snd_ms_(snd_timeout_ms) {}

  // Starts an exchange that must finish `timeout` from now.
  void Start(std::chrono::milliseconds timeout) {
    deadline_ = Clock::now() + timeout;
    full_ms_ = static_cast<int>(std::min<int64_t>(timeout.count(), INT_MAX / 2));
  }

  // Sends all of `data`.
  boost::system::error_code SendAll(std::string_view data) {
    while (!data.empty()) {
      if (auto ec = Bound(SO_SNDTIMEO, snd_ms_)) return ec;
      ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n >= 0) {
        data.remove_prefix(static_cast<size_t>(n));
        continue;
      }
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return beast::error::timeout;
      return {errno, boost::system::system_category()};
    }
    return {};
  }

  // Beast SyncReadStream.
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
      if ((ec = Bound(SO_RCVTIMEO, rcv_ms_))) return 0;
      ssize_t n = ::readv(fd_, iov, count);
      if (n > 0) return static_cast<size_t>(n);
      if (n == 0) {
        ec = asio::error::eof;
        return 0;
      }
      if (errno == EINTR) continue;
      ec = errno == EAGAIN || errno == EWOULDBLOCK
               ? boost::system::error_code(beast::error::timeout)
               : boost::system::error_code(errno, boost::system::system_category());
      return 0;
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
  // Makes the socket timeout `option` (currently `*current_ms`; 0 = unknown) the time left, but
  // leaves it alone while it is already that short. Times out when no time is left.
  boost::system::error_code Bound(int option, int* current_ms) {
    auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline_ - Clock::now()).count();
    if (left <= 0) return beast::error::timeout;
    int want = static_cast<int>(std::min<int64_t>(left, full_ms_));
    // Keep a longer timeout only when it is still the full one and at most 1 ms longer.
    if (*current_ms == want || (*current_ms == full_ms_ && want >= full_ms_ - 1)) return {};
    timeval tv{want / 1000, (want % 1000) * 1000};
    if (::setsockopt(fd_, SOL_SOCKET, option, &tv, sizeof(tv)) != 0) {
      return {errno, boost::system::system_category()};
    }
    *current_ms = want;
    return {};
  }

  int fd_;
  int* rcv_ms_;
  int* snd_ms_;
  int full_ms_ = 0;
  Clock::time_point deadline_;
};

// Parses a response straight into an HttpResponse (status, headers as received, body), without
// Beast's intermediate message.
class ResponseParser : public http::basic_parser<false> {
 public:
  // With the client's limits on the response's size.
  explicit ResponseParser(HttpResponse& out) : out_(out) {
    body_limit(kMaxResponseBytes);
    header_limit(64 * 1024);
  }

 private:
  void on_request_impl(http::verb, beast::string_view, beast::string_view, int,
                       boost::system::error_code&) override {}
  void on_response_impl(int code, beast::string_view, int, boost::system::error_code&) override {
    out_.status = code;
    out_.headers.reserve(8);
  }
  void on_field_impl(http::field, beast::string_view name, beast::string_view value,
                     boost::system::error_code&) override {
    out_.headers.emplace_back(std::string(name.data(), name.size()),
                              std::string(value.data(), value.size()));
  }
  void on_header_impl(boost::system::error_code&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>& content_length,
                         boost::system::error_code&) override {
    // The parser has checked the length against body_limit.
    if (content_length) out_.body.reserve(static_cast<size_t>(*content_length));
  }
  size_t on_body_impl(beast::string_view body, boost::system::error_code&) override {
    out_.body.append(body.data(), body.size());
    return body.size();
  }
  void on_chunk_header_impl(std::uint64_t, beast::string_view,
                            boost::system::error_code&) override {}
  size_t on_chunk_body_impl(std::uint64_t, beast::string_view body,
                            boost::system::error_code&) override {
    out_.body.append(body.data(), body.size());
    return body.size();
  }
  void on_finish_impl(boost::system::error_code&) override {}

  HttpResponse& out_;
};

bool IsKnownMethod(std::string_view m) {
  return m == "GET" || m == "POST" || m == "PUT" || m == "DELETE" || m == "HEAD" || m == "PATCH" ||
         m == "OPTIONS";
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
    if (EqualsIgnoreAsciiCase(name, "host")) continue;
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
    if (EqualsIgnoreAsciiCase(name, "host")) continue;
    if (EqualsIgnoreAsciiCase(name, "connection") || EqualsIgnoreAsciiCase(name, "content-length") ||
        EqualsIgnoreAsciiCase(name, "transfer-encoding") || name.size() >= 0x8000 || value.size() >= 0x8000) {
      direct = false;
      break;
    }
    size_t pos = fields.size();
    for (size_t i = fields.size(); i-- > 0;) {
      if (EqualsIgnoreAsciiCase(fields[i].first, name)) {
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
    if (EqualsIgnoreAsciiCase(n, name)) return v;
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
      // Plain exchanges use the descriptor directly, blocking (see TimedSocket).
      c->lowest().socket().non_blocking(false, ec);
      if (ec) return Status::IOError("cannot make the socket blocking: " + ec.message());
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
    HttpResponse out;
    ResponseParser parser(out);
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
      TimedSocket socket(c.tcp->socket().native_handle(), &c.rcv_timeout_ms, &c.snd_timeout_ms);
      socket.Start(options.timeout);
      ec = socket.SendAll(c.wire);
      if (ec) return Status::IOError("sending the request failed: " + ec.message());
      socket.Start(options.timeout);
      http::read(socket, c.buffer, parser, ec);
    }
    response_started = parser.got_some() || c.buffer.size() > before;
    if (ec) {
      if (ec == beast::error::timeout) {
        return Status::IOError("timed out after " + std::to_string(options.timeout.count()) +
                               " ms waiting for " + endpoint.ToString());
      }
      return Status::IOError("reading the response failed: " + ec.message());
    }
    keep_alive = parser.keep_alive();
    return out;
  }
};

struct HttpResponseReader::Impl {
  HttpResponse out;
  std::optional<ResponseParser> parser;
  void Reset() {
    out = {};
    parser.emplace(out);
    parser->eager(true);
  }
};

HttpResponseReader::HttpResponseReader() : impl_(std::make_unique<Impl>()) { impl_->Reset(); }
HttpResponseReader::~HttpResponseReader() = default;

Result<size_t> HttpResponseReader::Feed(std::string_view bytes) {
  size_t used = 0;
  while (!impl_->parser->is_done() && used < bytes.size()) {
    boost::system::error_code ec;
    size_t n = impl_->parser->put(asio::buffer(bytes.data() + used, bytes.size() - used), ec);
    used += n;
    if (ec == http::error::need_more) break;
    if (ec) return Status::IOError("reading the response failed: " + ec.message());
    if (n == 0) break;
  }
  return used;
}

bool HttpResponseReader::done() const { return impl_->parser->is_done(); }

bool HttpResponseReader::keep_alive() const { return impl_->parser->keep_alive(); }

HttpResponse HttpResponseReader::Take() {
  HttpResponse r = std::move(impl_->out);
  impl_->Reset();
  return r;
}

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
