#include "server/listener.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <list>
#include <mutex>
#include <optional>
#include <thread>

#include "common/random.h"
#include "protocol/control_api.h"
#include "protocol/session_api.h"

namespace folio::server {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;

std::string NewRequestId() {
  // Unique, not secret: it names a request in logs and responses.
  uint8_t b[16];
  uint64_t hi = UniqueRandom64(), lo = UniqueRandom64();
  std::memcpy(b, &hi, 8);
  std::memcpy(b + 8, &lo, 8);
  b[6] = (b[6] & 0x0F) | 0x40;  // UUID version 4
  b[8] = (b[8] & 0x3F) | 0x80;  // RFC 4122 variant
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[b[i] >> 4]);
    out.push_back(kHex[b[i] & 15]);
  }
  return out;
}

namespace {

std::mutex g_log_mu;

void LogLine(const std::string& line) {
  std::lock_guard lock(g_log_mu);
  std::fputs(line.c_str(), stderr);
  std::fputc('\n', stderr);
  std::fflush(stderr);
}

std::string NowIso() {
  auto now = std::chrono::system_clock::now();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  time_t t = ms / 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms % 1000);
}

class ConnectionBase {
 public:
  virtual ~ConnectionBase() = default;
  virtual void StopIfIdle() = 0;
};

}  // namespace

struct HttpServer::Impl {
  Impl(Service* s, Metrics* m, ListenerOptions o)
      : service(s),
        metrics(m),
        options(std::move(o)),
        ioc(1),
        ssl_ctx(ssl::context::tls_server),
        acceptor(ioc),
        sweep_timer(ioc),
        grace_timer(ioc),
        signals(ioc) {
    if (options.handler_threads > 0) {
      workers = std::make_unique<net::thread_pool>(static_cast<size_t>(options.handler_threads));
    }
    if (options.threads <= 0) {
      options.threads = std::max(2, static_cast<int>(std::thread::hardware_concurrency()));
    }
    for (int i = 1; i < options.threads; ++i) {
      connection_iocs.push_back(std::make_unique<net::io_context>(1));
    }
  }

  Service* service;
  Metrics* metrics;
  ListenerOptions options;
  // One io_context per I/O thread, each run by its thread alone: a connection stays on the
  // context it was accepted onto, so its handlers never hop between threads and need no strand,
  // and a thread's epoll wake-up serves every ready connection it owns. `ioc` (the Run()
  // thread's) also holds the acceptor, the timers and the signal set.
  net::io_context ioc;
  std::vector<std::unique_ptr<net::io_context>> connection_iocs;  // the other threads'
  size_t next_context = 0;  // round-robin over ioc and connection_iocs; acceptor's thread only
  ssl::context ssl_ctx;
  bool tls = false;
  tcp::acceptor acceptor;
  net::steady_timer sweep_timer;
  net::steady_timer grace_timer;
  net::signal_set signals;
  uint16_t bound_port = 0;
  // Runs Service::Handle when handler_threads > 0 (null: handlers run on the I/O threads).
  std::unique_ptr<net::thread_pool> workers;

  std::atomic<bool> stopping{false};
  std::atomic<int> live{0};
  std::mutex conns_mu;
  std::list<std::weak_ptr<ConnectionBase>> conns;  // GUARDED_BY(conns_mu)

  void Accept();
  net::io_context& NextContext() {
    size_t i = next_context++ % (connection_iocs.size() + 1);
    return i == 0 ? ioc : *connection_iocs[i - 1];
  }
  void StopAll() {
    ioc.stop();
    for (auto& c : connection_iocs) c->stop();
  }
  void ScheduleSweep();
  void BeginStop();
  void ConnectionClosed() {
    metrics->ConnectionClosed();
    if (--live == 0 && stopping) {
      net::post(ioc, [this] { grace_timer.cancel(); });
    }
  }
  void Register(const std::shared_ptr<ConnectionBase>& c) {
    std::lock_guard lock(conns_mu);
    for (auto it = conns.begin(); it != conns.end();) {
      it = it->expired() ? conns.erase(it) : std::next(it);
    }
    conns.push_back(c);
  }
};

namespace {

constexpr size_t kReadBufferBytes = 16 * 1024;

template <class Stream>
class Connection : public ConnectionBase, public std::enable_shared_from_this<Connection<Stream>> {
 public:
  Connection(HttpServer::Impl* server, Stream stream)
      : server_(server), stream_(std::move(stream)) {
    // Reads take what the buffer has room for (at least 512 bytes): with room for a whole
    // signed request, one receive reads it instead of one per 512 bytes.
    buffer_.reserve(kReadBufferBytes);
    ++server_->live;
    server_->metrics->ConnectionOpened();
    beast::error_code ec;
    auto ep = beast::get_lowest_layer(stream_).socket().remote_endpoint(ec);
    if (!ec) remote_ = ep.address().to_string() + ":" + std::to_string(ep.port());
  }
  ~Connection() override { server_->ConnectionClosed(); }

  void Start() {
    auto self = this->shared_from_this();
    net::dispatch(stream_.get_executor(), [self] { self->Begin(); });
  }

  void StopIfIdle() override {
    auto self = this->shared_from_this();
    net::post(stream_.get_executor(), [self] {
      if (!self->busy_) self->Close();
    });
  }

 private:
  void Begin() {
    if constexpr (std::is_same_v<Stream, beast::ssl_stream<beast::tcp_stream>>) {
      beast::get_lowest_layer(stream_).expires_after(server_->options.read_timeout);
      stream_.async_handshake(ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                if (ec) {
                                  self->Close();
                                  return;
                                }
                                self->Read();
                              });
    } else {
      Read();
    }
  }

  void Read() {
    if (server_->stopping) {
      Close();
      return;
    }
    parser_.emplace();
    parser_->body_limit(server_->options.max_body_bytes);
    parser_->header_limit(64 * 1024);
    beast::get_lowest_layer(stream_).expires_after(first_ ? server_->options.read_timeout
                                                          : server_->options.idle_timeout);
    first_ = false;
    http::async_read(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](beast::error_code ec, size_t) { self->OnRead(ec); });
  }

  void OnRead(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == net::error::operation_aborted ||
        ec == beast::error::timeout || ec == net::error::eof ||
        ec == net::error::connection_reset) {
      Close();
      return;
    }
    busy_ = true;
    start_ = std::chrono::steady_clock::now();
    std::string request_id = NewRequestId();
    HttpResponse response;
    if (ec) {
      // The request cannot be read completely: answer once and close the connection.
      keep_alive_ = false;
      drain_ = true;
      bool too_large = ec == http::error::body_limit;
      protocol::WireError e =
          too_large ? protocol::RequestTooLarge("The request body exceeds the limit of " +
                                                std::to_string(server_->options.max_body_bytes) +
                                                " bytes")
                    : protocol::WireError{"BadRequestException", 400,
                                          "Malformed HTTP request: " + ec.message(), ""};
      response.status = e.http_status;
      response.headers.emplace_back("Content-Type", "application/json");
      response.headers.emplace_back("x-amzn-ErrorType", std::string(e.type));
      response.headers.emplace_back("x-amzn-RequestId", request_id);
      response.headers.emplace_back("Date", HttpDate(std::chrono::system_clock::now()));
      response.body = protocol::SerializeSessionError(e);
      response.operation = too_large ? "TooLarge" : "Malformed";
      response.error_type = std::string(e.type);
      server_->metrics->ObserveRequest(response.operation, response.status, 0);
      method_ = "-";
      target_ = "-";
    } else {
      auto& req = parser_->get();
      HttpRequest in;
      in.method = std::string(req.method_string());
      in.target = std::string(req.target());
      for (const auto& f : req) {
        in.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
      }
      in.body = std::move(req.body());
      keep_alive_ = req.keep_alive();
      version_ = req.version();
      method_ = in.method;
      target_ = in.target.substr(0, in.target.find('?'));
      if (server_->workers && Service::MayBlock(in)) {
        // The connection reads nothing else until this response is written, so its members
        // are not touched while the handler runs; the response is written back on the
        // connection's thread.
        net::post(*server_->workers, [self = this->shared_from_this(), in = std::move(in),
                                      request_id = std::move(request_id)]() mutable {
          HttpResponse r = self->server_->service->Handle(in, request_id);
          auto executor = self->stream_.get_executor();
          net::post(executor, [self = std::move(self), r = std::move(r),
                               request_id = std::move(request_id)]() mutable {
            self->Respond(std::move(r), request_id);
          });
        });
        return;
      }
      // Usually answered inline; a commit answers later from an engine thread, and its
      // response is then written back on the connection's thread.
      auto state = std::make_shared<InlineAnswer>();
      server_->service->HandleAsync(
          in, request_id,
          [self = this->shared_from_this(), state, request_id](HttpResponse r) mutable {
            {
              std::lock_guard lock(state->mu);
              if (state->inline_call) {
                state->response = std::move(r);
                return;
              }
            }
            auto executor = self->stream_.get_executor();
            net::post(executor, [self = std::move(self), r = std::move(r),
                                 request_id = std::move(request_id)]() mutable {
              self->Respond(std::move(r), request_id);
            });
          });
      std::lock_guard lock(state->mu);
      state->inline_call = false;
      if (!state->response) return;  // answered later
      response = std::move(*state->response);
    }
    Respond(std::move(response), request_id);
  }

  // Whether HandleAsync answered before returning (then its response is written directly).
  struct InlineAnswer {
    std::mutex mu;
    bool inline_call = true;
    std::optional<HttpResponse> response;
  };

  void Respond(HttpResponse response, const std::string& request_id) {
    if (server_->stopping) keep_alive_ = false;
    Write(std::move(response), request_id);
  }

  void Write(HttpResponse response, const std::string& request_id) {
    const bool has_body = SerializeHead(response);
    body_ = has_body ? std::move(response.body) : std::string();
    if (server_->options.log_requests) {
      double ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start_)
              .count();
      LogLine(fmt::format(
          "ts={} level=info msg=request request_id={} remote={} method={} path={} op={} "
          "status={} error={} duration_ms={:.3f}",
          NowIso(), request_id, remote_, method_, target_, response.operation, response.status,
          response.error_type.empty() ? "-" : response.error_type, ms));
    }
    beast::get_lowest_layer(stream_).expires_after(server_->options.read_timeout);
    const std::array<net::const_buffer, 2> message{net::buffer(head_), net::buffer(body_)};
    net::async_write(stream_, message,
                     [self = this->shared_from_this()](beast::error_code ec, size_t) {
                       self->busy_ = false;
                       if (!ec && self->drain_) {
                         self->LingerClose();
                         return;
                       }
                       if (ec || !self->keep_alive_) {
                         self->Close();
                         return;
                       }
                       self->Read();
                     });
  }

  // The status line and headers of `response` into head_, with Server, Content-Length and the
  // Connection header the request's HTTP version needs (as Beast's keep_alive() writes it).
  // The body goes out from body_ in the same gather write: one send per response, no copy.
  // Returns whether the response may carry its body.
  bool SerializeHead(const HttpResponse& response) {
    head_.clear();
    const auto status = static_cast<http::status>(response.status);
    head_.append(version_ == 10 ? "HTTP/1.0 " : "HTTP/1.1 ");
    head_.append(std::to_string(response.status)).push_back(' ');
    const beast::string_view reason = http::obsolete_reason(status);
    head_.append(reason.data(), reason.size()).append("\r\n");
    for (const auto& [name, value] : response.headers) {
      head_.append(name).append(": ").append(value).append("\r\n");
    }
    head_.append("Server: folio\r\n");
    // 1xx, 204 and 304 responses carry no body and no length (RFC 9110 8.6).
    const bool bodyless = response.status < 200 || status == http::status::no_content ||
                          status == http::status::not_modified;
    if (!bodyless) {
      head_.append("Content-Length: ").append(std::to_string(response.body.size())).append("\r\n");
    }
    if (version_ == 10 && keep_alive_) head_.append("Connection: keep-alive\r\n");
    if (version_ != 10 && !keep_alive_) head_.append("Connection: close\r\n");
    head_.append("\r\n");
    return !bodyless;
  }

  // After answering a request whose body we refused, stop sending and discard what the client
  // is still sending (bounded in bytes and time), so it can read our answer instead of seeing
  // a reset connection.
  void LingerClose() {
    beast::error_code ec;
    auto& sock = beast::get_lowest_layer(stream_).socket();
    sock.shutdown(tcp::socket::shutdown_send, ec);
    Discard();
  }
  void Discard() {
    constexpr size_t kMaxDrain = 64 * 1024 * 1024;
    if (drained_ > kMaxDrain) {
      Close();
      return;
    }
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(5));
    beast::get_lowest_layer(stream_).async_read_some(
        net::buffer(drain_buf_), [self = this->shared_from_this()](beast::error_code ec, size_t n) {
          self->drained_ += n;
          if (ec) {
            self->Close();
            return;
          }
          self->Discard();
        });
  }

  void Close() {
    if (closed_) return;
    closed_ = true;
    beast::error_code ec;
    auto& sock = beast::get_lowest_layer(stream_).socket();
    sock.shutdown(tcp::socket::shutdown_both, ec);
    sock.close(ec);
  }

  HttpServer::Impl* server_;
  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::string head_;  // the response being written: status line and headers
  std::string body_;  // and its body
  std::string remote_ = "-";
  std::string method_, target_;
  unsigned version_ = 11;
  bool keep_alive_ = true;
  bool busy_ = false;
  bool first_ = true;
  bool closed_ = false;
  bool drain_ = false;
  size_t drained_ = 0;
  std::array<char, 16384> drain_buf_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace

void HttpServer::Impl::Accept() {
  net::any_io_executor executor = NextContext().get_executor();
  acceptor.async_accept(executor, [this](beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (!stopping && ec != net::error::operation_aborted) Accept();
      return;
    }
    if (stopping) return;
    socket.set_option(tcp::no_delay(true), ec);
    if (tls) {
      auto c = std::make_shared<Connection<beast::ssl_stream<beast::tcp_stream>>>(
          this,
          beast::ssl_stream<beast::tcp_stream>(beast::tcp_stream(std::move(socket)), ssl_ctx));
      Register(c);
      c->Start();
    } else {
      auto c = std::make_shared<Connection<beast::tcp_stream>>(
          this, beast::tcp_stream(std::move(socket)));
      Register(c);
      c->Start();
    }
    Accept();
  });
}

void HttpServer::Impl::ScheduleSweep() {
  sweep_timer.expires_after(options.sweep_interval);
  sweep_timer.async_wait([this](beast::error_code ec) {
    if (ec || stopping) return;
    size_t dropped = service->sessions().SweepExpired();
    if (dropped > 0 && options.log_requests) {
      LogLine(fmt::format("ts={} level=info msg=sessions_expired count={}", NowIso(), dropped));
    }
    ScheduleSweep();
  });
}

void HttpServer::Impl::BeginStop() {
  if (stopping.exchange(true)) return;
  net::post(acceptor.get_executor(), [this] {
    beast::error_code ec;
    acceptor.close(ec);
  });
  net::post(ioc, [this] {
    LogLine(fmt::format("ts={} level=info msg=shutdown_started in_flight_connections={}", NowIso(),
                        live.load()));
    sweep_timer.cancel();
    beast::error_code ec;
    signals.cancel(ec);
    std::vector<std::shared_ptr<ConnectionBase>> all;
    {
      std::lock_guard lock(conns_mu);
      for (auto& w : conns) {
        if (auto c = w.lock()) all.push_back(std::move(c));
      }
    }
    for (auto& c : all) c->StopIfIdle();
    if (live.load() > 0) {
      grace_timer.expires_after(options.shutdown_grace);
      grace_timer.async_wait([this](beast::error_code e) {
        if (!e) {
          LogLine(fmt::format("ts={} level=warn msg=shutdown_grace_expired connections={}",
                              NowIso(), live.load()));
          StopAll();
        }
      });
    }
  });
}

HttpServer::HttpServer(Service* service, Metrics* metrics, ListenerOptions options)
    : impl_(std::make_unique<Impl>(service, metrics, std::move(options))) {}

HttpServer::~HttpServer() = default;

uint16_t HttpServer::port() const { return impl_->bound_port; }

Status HttpServer::Start() {
  Impl& s = *impl_;
  if (s.options.tls) {
    s.tls = true;
    beast::error_code ec;
    s.ssl_ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                          ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                          ssl::context::no_tlsv1_1);
    s.ssl_ctx.use_certificate_chain_file(s.options.tls->cert_chain_pem, ec);
    if (ec) {
      return Status::InvalidArgument("cannot load TLS certificate " +
                                     s.options.tls->cert_chain_pem + ": " + ec.message());
    }
    s.ssl_ctx.use_private_key_file(s.options.tls->private_key_pem, ssl::context::pem, ec);
    if (ec) {
      return Status::InvalidArgument("cannot load TLS private key " +
                                     s.options.tls->private_key_pem + ": " + ec.message());
    }
  }
  beast::error_code ec;
  auto address = net::ip::make_address(s.options.address, ec);
  if (ec) return Status::InvalidArgument("invalid listen address '" + s.options.address + "'");
  tcp::endpoint ep(address, s.options.port);
  s.acceptor.open(ep.protocol(), ec);
  if (!ec) s.acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) s.acceptor.bind(ep, ec);
  if (!ec) s.acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return Status::IOError("cannot listen on " + s.options.address + ":" +
                           std::to_string(s.options.port) + ": " + ec.message());
  }
  s.bound_port = s.acceptor.local_endpoint().port();
  return Status::OK();
}

void HttpServer::Run(bool handle_signals) {
  Impl& s = *impl_;
  if (handle_signals) {
    s.signals.add(SIGINT);
    s.signals.add(SIGTERM);
    s.signals.async_wait([this](beast::error_code ec, int signo) {
      if (ec) return;
      LogLine(fmt::format("ts={} level=info msg=signal signal={}", NowIso(), signo));
      impl_->BeginStop();
    });
  }
  s.Accept();
  s.ScheduleSweep();
  // The other contexts run until the main one is done (the acceptor closed and every
  // connection finished, or the shutdown grace expired).
  std::vector<net::executor_work_guard<net::io_context::executor_type>> guards;
  std::vector<std::thread> threads;
  for (auto& c : s.connection_iocs) {
    guards.push_back(net::make_work_guard(*c));
    threads.emplace_back([c = c.get()] {
      pthread_setname_np(pthread_self(), "folio-io");
      c->run();
    });
  }
  s.ioc.run();
  guards.clear();
  for (auto& t : threads) t.join();
  // Handlers still running and commits still in the engine (only after the shutdown grace
  // expired) finish before the sessions are cleared (Clear waits for the commits); their
  // responses are dropped with the stopped io_context, which releases what they hold.
  if (s.workers) s.workers->join();
  s.service->sessions().Clear();
  LogLine(fmt::format("ts={} level=info msg=shutdown_complete", NowIso()));
}

void HttpServer::Stop() { impl_->BeginStop(); }

Status EnsureSelfSignedCertificate(const std::string& cert_path, const std::string& key_path) {
  namespace fs = std::filesystem;
  std::error_code fec;
  if (fs::exists(cert_path, fec) && fs::exists(key_path, fec)) return Status::OK();
  if (auto parent = fs::path(cert_path).parent_path(); !parent.empty()) {
    fs::create_directories(parent, fec);
  }
  if (auto parent = fs::path(key_path).parent_path(); !parent.empty()) {
    fs::create_directories(parent, fec);
  }
  EVP_PKEY* key = EVP_EC_gen("P-256");
  if (key == nullptr) return Status::Internal("cannot generate an EC P-256 key");
  X509* x = X509_new();
  Status result = Status::OK();
  do {
    X509_set_version(x, 2);
    uint8_t serial[16];
    if (RAND_bytes(serial, sizeof(serial)) != 1) std::abort();
    serial[0] &= 0x7F;
    BIGNUM* bn = BN_bin2bn(serial, sizeof(serial), nullptr);
    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x));
    BN_free(bn);
    X509_gmtime_adj(X509_getm_notBefore(x), -3600);
    X509_gmtime_adj(X509_getm_notAfter(x), 10L * 365 * 24 * 3600);
    X509_set_pubkey(x, key);
    X509_NAME* name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("Folio local"), -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
    X509_set_issuer_name(x, name);
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, x, x, nullptr, nullptr, 0);
    const std::pair<int, const char*> exts[] = {
        {NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1,IP:::1"},
        {NID_basic_constraints, "critical,CA:TRUE"},
        {NID_key_usage, "critical,digitalSignature,keyCertSign"},
        {NID_ext_key_usage, "serverAuth"},
    };
    for (auto [nid, value] : exts) {
      X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
      if (ext == nullptr) {
        result = Status::Internal("cannot build certificate extension");
        break;
      }
      X509_add_ext(x, ext, -1);
      X509_EXTENSION_free(ext);
    }
    if (!result.ok()) break;
    if (X509_sign(x, key, EVP_sha256()) == 0) {
      result = Status::Internal("cannot sign the certificate");
      break;
    }
    int fd = ::open(key_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    FILE* kf = fd >= 0 ? fdopen(fd, "w") : nullptr;
    if (kf == nullptr) {
      if (fd >= 0) ::close(fd);
      result = Status::IOError("cannot write " + key_path);
      break;
    }
    bool key_ok = PEM_write_PrivateKey(kf, key, nullptr, nullptr, 0, nullptr, nullptr) == 1;
    std::fclose(kf);
    FILE* cf = std::fopen(cert_path.c_str(), "w");
    bool cert_ok = cf != nullptr && PEM_write_X509(cf, x) == 1;
    if (cf != nullptr) std::fclose(cf);
    if (!key_ok || !cert_ok) result = Status::IOError("cannot write the certificate or key");
  } while (false);
  X509_free(x);
  EVP_PKEY_free(key);
  return result;
}

}  // namespace folio::server
