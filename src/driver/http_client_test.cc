#include "driver/http_client.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <boost/beast/http.hpp>
#include <functional>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

namespace folio::driver {
namespace {

TEST(Endpoint, Parses) {
  auto e = ParseEndpoint("http://127.0.0.1:8777");
  ASSERT_TRUE(e.ok());
  EXPECT_FALSE(e->tls);
  EXPECT_EQ(e->host, "127.0.0.1");
  EXPECT_EQ(e->port, 8777);
  EXPECT_EQ(e->HostHeader(), "127.0.0.1:8777");
  e = ParseEndpoint("https://qldb.example.com/");
  ASSERT_TRUE(e.ok());
  EXPECT_TRUE(e->tls);
  EXPECT_EQ(e->port, 443);
  EXPECT_EQ(e->HostHeader(), "qldb.example.com");
  e = ParseEndpoint("http://[::1]:9000");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->host, "::1");
  EXPECT_EQ(e->HostHeader(), "[::1]:9000");
  for (const char* bad : {"127.0.0.1:8777", "ftp://x", "http://", "http://h:", "http://h:0",
                          "http://h:70000", "http://h:12a", "http://h/path", "http://[::1"}) {
    EXPECT_EQ(ParseEndpoint(bad).status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

TEST(HttpClient, ConnectionRefusedIsIOError) {
  // Port 1 on loopback is essentially never listening.
  auto c = HttpClient::Create("http://127.0.0.1:1", {.timeout = std::chrono::milliseconds(2000)});
  ASSERT_TRUE(c.ok());
  auto r = (*c)->Send("GET", "/", {}, "");
  EXPECT_EQ(r.status().code(), StatusCode::kIOError);
}

TEST(HttpClient, MissingCaFileIsRejected) {
  HttpOptions o;
  o.ca_file = "/nonexistent/ca.pem";
  EXPECT_EQ(HttpClient::Create("https://localhost:8777", o).status().code(),
            StatusCode::kInvalidArgument);
}

// What Beast serializes for the message Send built with Beast (the reference wire format).
std::string BeastBytes(std::string_view method, std::string_view target, std::string_view host,
                       const HeaderList& headers, std::string_view body) {
  namespace http = boost::beast::http;
  auto bv = [](std::string_view s) { return boost::beast::string_view(s.data(), s.size()); };
  http::request<http::string_body> req;
  req.method_string(bv(method));
  req.target(bv(target));
  req.version(11);
  req.set(http::field::host, bv(host));
  req.set(http::field::user_agent, "folio-driver/0.1");
  for (const auto& [name, value] : headers) {
    if (name == "host" || name == "Host" || name == "HOST") continue;
    req.insert(bv(name), bv(value));
  }
  req.body() = std::string(body);
  req.keep_alive(true);
  req.prepare_payload();
  std::ostringstream os;
  os << req;
  return os.str();
}

TEST(SerializeRequest, IsByteIdenticalToBeast) {
  struct Case {
    std::string method, target;
    HeaderList headers;
    std::string body;
  };
  const std::string json = R"({"SessionToken":"abc","StartTransaction":{}})";
  std::vector<Case> cases = {
      {"POST",
       "/",
       {{"Content-Type", "application/x-amz-json-1.0"},
        {"X-Amz-Target", "QLDBSession.SendCommand"},
        {"Host", "127.0.0.1:8777"},
        {"X-Amz-Date", "20150830T123600Z"},
        {"Authorization", "AWS4-HMAC-SHA256 Credential=AK/20150830/us-east-1/qldb/aws4_request"}},
       json},
      {"POST", "/", {}, ""},
      {"GET", "/ledgers?max=3", {{"Accept", "application/json"}}, ""},
      {"DELETE", "/ledgers/x", {}, ""},
      {"PUT", "/x", {}, ""},
      {"OPTIONS", "/", {}, ""},
      {"GET", "/", {}, "a body on a GET"},
      {"POST",
       "/",
       {{"X-A", "1"}, {"X-B", " 2\t"}, {"x-a", "3"}, {"User-Agent", "other"}, {"X-A", ""}},
       "x"},
      // Not modelled directly: handed to Beast.
      {"POST", "/", {{"Connection", "close"}}, "x"},
      {"POST", "/", {{"Content-Length", "99"}}, "x"},
      {"GET", "/", {{"Transfer-Encoding", "chunked"}}, ""},
      {"post", "/", {}, ""},
      {"PROPFIND", "/", {{"Depth", "1"}}, ""},
  };
  for (const Case& c : cases) {
    std::string out = "prefix:";
    SerializeRequest(c.method, c.target, "127.0.0.1:8777", c.headers, c.body, out);
    EXPECT_EQ(out, "prefix:" + BeastBytes(c.method, c.target, "127.0.0.1:8777", c.headers, c.body))
        << c.method << " " << c.target;
  }
}

// A loopback HTTP server: `serve(fd, index)` runs on its thread for each accepted connection in
// turn (index counts from 0). Stops (and joins) on destruction.
class TestServer {
 public:
  explicit TestServer(std::function<void(int, int)> serve) : serve_(std::move(serve)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    EXPECT_EQ(::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    EXPECT_EQ(::listen(listen_fd_, 8), 0);
    socklen_t len = sizeof(addr);
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Loop(); });
  }
  ~TestServer() {
    stop_ = true;
    thread_.join();
    ::close(listen_fd_);
  }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int accepted() const { return accepted_; }
  bool stopping() const { return stop_; }

 private:
  void Loop() {
    while (!stop_) {
      pollfd p{listen_fd_, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) continue;
      int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) continue;
      serve_(fd, accepted_++);
      ::close(fd);
    }
  }
  std::function<void(int, int)> serve_;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> accepted_{0};
  std::thread thread_;
};

// Reads one request (headers plus Content-Length body); "" at end of stream.
std::string ReadRequest(int fd) {
  std::string in;
  char buf[4096];
  while (true) {
    size_t end = in.find("\r\n\r\n");
    if (end != std::string::npos) {
      size_t length = 0;
      size_t cl = in.find("Content-Length: ");
      if (cl != std::string::npos && cl < end) length = std::stoul(in.substr(cl + 16));
      if (in.size() >= end + 4 + length) return in;
    }
    ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
    if (n <= 0) return "";
    in.append(buf, static_cast<size_t>(n));
  }
}

void SendText(int fd, std::string_view s) {
  while (!s.empty()) {
    ssize_t n = ::send(fd, s.data(), s.size(), MSG_NOSIGNAL);
    if (n <= 0) return;
    s.remove_prefix(static_cast<size_t>(n));
  }
}

HttpOptions Timeout(int ms) {
  HttpOptions o;
  o.timeout = std::chrono::milliseconds(ms);
  return o;
}

const HeaderList kHeaders = {{"Content-Type", "application/x-amz-json-1.0"},
                             {"X-Amz-Target", "QLDBSession.SendCommand"}};

TEST(HttpClient, SendsTheSerializedRequestAndReusesTheConnection) {
  std::mutex mu;
  std::vector<std::string> requests;
  TestServer server([&](int fd, int) {
    while (true) {
      std::string req = ReadRequest(fd);
      if (req.empty()) return;
      {
        std::lock_guard lock(mu);
        requests.push_back(req);
      }
      SendText(fd, "HTTP/1.1 200 OK\r\nX-Test:  a b \r\nContent-Length: 5\r\n\r\nhello");
    }
  });
  auto c = HttpClient::Create(server.endpoint());
  ASSERT_TRUE(c.ok());
  for (int i = 0; i < 3; ++i) {
    auto r = (*c)->Send("POST", "/", kHeaders, "{\"n\":" + std::to_string(i) + "}");
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, "hello");
    EXPECT_EQ(r->Header("x-test"), "a b");
  }
  EXPECT_EQ(server.accepted(), 1);
  std::lock_guard lock(mu);
  ASSERT_EQ(requests.size(), 3u);
  std::string want;
  SerializeRequest("POST", "/", (*c)->endpoint().HostHeader(), kHeaders, "{\"n\":2}", want);
  EXPECT_EQ(requests[2], want);
}

TEST(HttpClient, ResponseArrivingInPiecesIsReassembled) {
  TestServer server([&](int fd, int) {
    if (ReadRequest(fd).empty()) return;
    SendText(fd, "HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n");
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    SendText(fd, "3\r\nabc\r\n");
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    SendText(fd, std::string("4000\r\n") + std::string(0x4000, 'x') + "\r\n0\r\n\r\n");
    ReadRequest(fd);  // until the client goes away
  });
  auto c = HttpClient::Create(server.endpoint());
  ASSERT_TRUE(c.ok());
  auto r = (*c)->Send("POST", "/", kHeaders, "{}");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 201);
  EXPECT_EQ(r->body, "abc" + std::string(0x4000, 'x'));
}

TEST(HttpClient, ClosedIdleConnectionIsReplacedTransparently) {
  TestServer server([&](int fd, int) {
    if (ReadRequest(fd).empty()) return;
    // Claims keep-alive, then closes: the client's next request finds a dead connection.
    SendText(fd, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
  });
  auto c = HttpClient::Create(server.endpoint());
  ASSERT_TRUE(c.ok());
  for (int i = 0; i < 3; ++i) {
    auto r = (*c)->Send("POST", "/", kHeaders, "{}");
    ASSERT_TRUE(r.ok()) << i << ": " << r.status().ToString();
    EXPECT_EQ(r->body, "ok");
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(server.accepted(), 3);
}

TEST(HttpClient, TruncatedResponseIsIOErrorAndNotRetried) {
  TestServer server([&](int fd, int) {
    if (ReadRequest(fd).empty()) return;
    SendText(fd, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
  });
  auto c = HttpClient::Create(server.endpoint());
  ASSERT_TRUE(c.ok());
  auto r = (*c)->Send("POST", "/", kHeaders, "{}");
  EXPECT_EQ(r.status().code(), StatusCode::kIOError);
  EXPECT_NE(r.status().message().find("reading the response failed"), std::string::npos)
      << r.status().ToString();
  EXPECT_EQ(server.accepted(), 1);
}

TEST(HttpClient, SilentServerTimesOut) {
  TestServer server([&](int fd, int) {
    ReadRequest(fd);
    ReadRequest(fd);  // never answers; returns when the client gives up and closes
  });
  auto c = HttpClient::Create(server.endpoint(), Timeout(150));
  ASSERT_TRUE(c.ok());
  auto start = std::chrono::steady_clock::now();
  auto r = (*c)->Send("POST", "/", kHeaders, "{}");
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.status().code(), StatusCode::kIOError);
  EXPECT_NE(r.status().message().find("timed out after 150 ms"), std::string::npos)
      << r.status().ToString();
  EXPECT_GE(took, std::chrono::milliseconds(140));
  EXPECT_LT(took, std::chrono::milliseconds(5000));
}

TEST(HttpClient, TricklingResponseStillTimesOutAtTheDeadline) {
  // Each byte arrives well within the timeout, but the whole response does not.
  TestServer server([&](int fd, int) {
    if (ReadRequest(fd).empty()) return;
    std::string response = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + std::string(100, 'x');
    for (char c : response) {
      if (server.stopping()) return;
      SendText(fd, std::string_view(&c, 1));
      std::this_thread::sleep_for(std::chrono::milliseconds(40));
    }
  });
  auto c = HttpClient::Create(server.endpoint(), Timeout(300));
  ASSERT_TRUE(c.ok());
  auto start = std::chrono::steady_clock::now();
  auto r = (*c)->Send("POST", "/", kHeaders, "{}");
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.status().code(), StatusCode::kIOError);
  EXPECT_NE(r.status().message().find("timed out after 300 ms"), std::string::npos)
      << r.status().ToString();
  EXPECT_GE(took, std::chrono::milliseconds(290));
  EXPECT_LT(took, std::chrono::milliseconds(2000));  // the whole trickle takes ~6 s
}

}  // namespace
}  // namespace folio::driver
