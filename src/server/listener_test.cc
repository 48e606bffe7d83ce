// HttpServer over real sockets: a commit waiting for its group to become durable completes
// asynchronously (as the real engine's does), so concurrent commits are not bounded by the I/O
// threads; an engine whose commit blocks the calling thread is bounded by them.
#include "server/listener.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <condition_variable>
#include <set>
#include <thread>

#include "common/bytes.h"
#include "server/fake_engine_test.h"

namespace folio::server {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using testing::FakeDigest;

// Commits wait until `expected` of them are in progress at once (or `timeout` passes, then
// fail).
struct CommitGate {
  std::mutex mu;
  std::condition_variable cv;
  int arrived = 0;
  int expected = 0;
  bool async = true;  // CommitAsync completes on its own thread (as the real engine's does)
  std::chrono::milliseconds timeout{5000};
  Status Arrive() {
    std::unique_lock lock(mu);
    ++arrived;
    cv.notify_all();
    if (!cv.wait_for(lock, timeout, [&] { return arrived >= expected; })) {
      return Status::Internal("only " + std::to_string(arrived) + " commits overlapped");
    }
    return Status::OK();
  }
};

class GatedTransaction : public engine::Transaction {
 public:
  GatedTransaction(std::unique_ptr<engine::Transaction> inner, CommitGate* gate)
      : inner_(std::move(inner)), gate_(gate) {}
  const std::string& id() const override { return inner_->id(); }
  std::chrono::steady_clock::time_point started_at() const override { return inner_->started_at(); }
  Result<engine::StatementResult> Execute(std::string_view statement,
                                          std::span<const ion::Value> parameters) override {
    return inner_->Execute(statement, parameters);
  }
  Result<engine::CommitResult> Commit(const Hash256& digest) override {
    Status st = gate_->Arrive();
    auto r = inner_->Commit(digest);
    if (!st.ok()) return st;
    return r;
  }
  // Like the real engine when `async`: the caller's thread returns at once, and the commit
  // completes on another thread once the gate opens.
  void CommitAsync(const Hash256& digest, CommitCallback done) override {
    if (!gate_->async) {
      done(Commit(digest));
      return;
    }
    std::thread([this, digest, done = std::move(done)] { done(Commit(digest)); }).detach();
  }
  void Abort() override { inner_->Abort(); }

 private:
  std::unique_ptr<engine::Transaction> inner_;
  CommitGate* gate_;
};

class GatedLedger : public engine::Ledger {
 public:
  GatedLedger(std::shared_ptr<engine::Ledger> inner, CommitGate* gate)
      : inner_(std::move(inner)), gate_(gate) {}
  const std::string& name() const override { return inner_->name(); }
  Result<std::unique_ptr<engine::Transaction>> BeginTransaction() override {
    FOLIO_ASSIGN_OR_RETURN(auto txn, inner_->BeginTransaction());
    return std::unique_ptr<engine::Transaction>(new GatedTransaction(std::move(txn), gate_));
  }

 private:
  std::shared_ptr<engine::Ledger> inner_;
  CommitGate* gate_;
};

class GatedEngine : public testing::FakeEngine {
 public:
  CommitGate gate;
  Result<std::shared_ptr<engine::Ledger>> GetLedger(std::string_view name) override {
    FOLIO_ASSIGN_OR_RETURN(auto ledger, FakeEngine::GetLedger(name));
    return std::shared_ptr<engine::Ledger>(new GatedLedger(std::move(ledger), &gate));
  }
};

// One keep-alive connection sending Session API commands.
class Client {
 public:
  explicit Client(uint16_t port) : socket_(ioc_) {
    socket_.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  }
  // Returns the HTTP status and the parsed body.
  std::pair<int, rapidjson::Document> Send(const std::string& body) {
    http::request<http::string_body> req{http::verb::post, "/", 11};
    req.set(http::field::host, "127.0.0.1");
    req.set(http::field::content_type, "application/x-amz-json-1.0");
    req.set("X-Amz-Target", "QLDBSession.SendCommand");
    req.body() = body;
    req.prepare_payload();
    http::write(socket_, req);
    http::response<http::string_body> res;
    http::read(socket_, buffer_, res);
    rapidjson::Document d;
    d.Parse(res.body().c_str());
    return {res.result_int(), std::move(d)};
  }

 private:
  net::io_context ioc_;
  tcp::socket socket_;
  beast::flat_buffer buffer_;
};

class ListenerTest : public ::testing::Test {
 protected:
  void StartServer(int io_threads, int handler_threads) {
    engine::CreateLedgerParams p;
    p.name = "default";
    p.deletion_protection = false;
    ASSERT_TRUE(engine_.CreateLedger(p).ok());
    ServiceOptions o;
    o.auth_enabled = false;
    service_ = std::make_unique<Service>(&engine_, std::move(o), &metrics_);
    ListenerOptions lo;
    lo.port = 0;
    lo.threads = io_threads;
    lo.handler_threads = handler_threads;
    lo.log_requests = false;
    server_ = std::make_unique<HttpServer>(service_.get(), &metrics_, lo);
    ASSERT_TRUE(server_->Start().ok());
    runner_ = std::thread([this] { server_->Run(/*handle_signals=*/false); });
  }
  void TearDown() override {
    if (server_) server_->Stop();
    if (runner_.joinable()) runner_.join();
  }

  // Runs one transaction per client concurrently; returns the commit statuses.
  std::vector<int> ConcurrentCommits(int clients) {
    std::vector<int> statuses(clients, 0);
    std::vector<std::thread> threads;
    for (int i = 0; i < clients; ++i) {
      threads.emplace_back([this, i, &statuses] {
        Client c(server_->port());
        auto [s1, session] = c.Send(R"({"StartSession":{"LedgerName":"default"}})");
        if (s1 != 200) return;
        std::string token = session["StartSession"]["SessionToken"].GetString();
        auto [s2, txn] = c.Send(R"({"SessionToken":")" + token + R"(","StartTransaction":{}})");
        if (s2 != 200) return;
        std::string id = txn["StartTransaction"]["TransactionId"].GetString();
        auto [s3, commit] =
            c.Send(R"({"SessionToken":")" + token + R"(","CommitTransaction":{"TransactionId":")" +
                   id + R"(","CommitDigest":")" + Base64Encode(FakeDigest(id)) + R"("}})");
        statuses[i] = s3;
      });
    }
    for (auto& t : threads) t.join();
    return statuses;
  }

  GatedEngine engine_;
  Metrics metrics_;
  std::unique_ptr<Service> service_;
  std::unique_ptr<HttpServer> server_;
  std::thread runner_;
};

// Sends `request` (raw bytes) on `socket` and parses one response.
http::response<http::string_body> Exchange(tcp::socket& socket, beast::flat_buffer& buffer,
                                           const std::string& request) {
  net::write(socket, net::buffer(request));
  http::response<http::string_body> res;
  http::read(socket, buffer, res);
  return res;
}

std::string RawRequest(std::string_view version, std::string_view connection) {
  const std::string body = R"({"StartSession":{"LedgerName":"default"}})";
  std::string r = "POST / " + std::string(version) + "\r\nHost: 127.0.0.1\r\n";
  r += "Content-Type: application/x-amz-json-1.0\r\nX-Amz-Target: QLDBSession.SendCommand\r\n";
  if (!connection.empty()) r += "Connection: " + std::string(connection) + "\r\n";
  return r + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

TEST_F(ListenerTest, ResponsesCarryLengthServerAndTheConnectionHeaderTheVersionNeeds) {
  StartServer(/*io_threads=*/1, /*handler_threads=*/0);
  net::io_context ioc;
  beast::flat_buffer buffer;
  // Two requests on one connection in `version`, asking for `connection`; checks what every
  // answer carries and returns the socket for more.
  auto exchange_twice = [&](std::string_view version, std::string_view connection) {
    auto socket = std::make_unique<tcp::socket>(ioc);
    socket->connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), server_->port()));
    std::vector<http::response<http::string_body>> answers;
    for (int i = 0; i < 2; ++i) {
      auto res = Exchange(*socket, buffer, RawRequest(version, connection));
      EXPECT_EQ(res.result_int(), 200);
      EXPECT_EQ(res[http::field::server], "folio");
      EXPECT_EQ(res[http::field::content_length], std::to_string(res.body().size()));
      EXPECT_EQ(res.count("x-amzn-RequestId"), 1u);
      EXPECT_NE(res.body().find("SessionToken"), std::string::npos) << res.body();
      EXPECT_TRUE(res.keep_alive());
      answers.push_back(std::move(res));
    }
    return std::make_pair(std::move(socket), std::move(answers));
  };

  // HTTP/1.1: persistent by default, so no Connection header.
  auto [socket, answers] = exchange_twice("HTTP/1.1", "");
  for (const auto& res : answers) {
    EXPECT_EQ(res.version(), 11);
    EXPECT_EQ(res.count(http::field::connection), 0u);
  }
  // Asked to close: answered with Connection: close, then the server closes.
  auto res = Exchange(*socket, buffer, RawRequest("HTTP/1.1", "close"));
  EXPECT_EQ(res[http::field::connection], "close");
  beast::error_code ec;
  http::response<http::string_body> none;
  http::read(*socket, buffer, none, ec);
  EXPECT_EQ(ec, http::error::end_of_stream);

  // HTTP/1.0 asking for keep-alive: answered in 1.0 with Connection: keep-alive, and served.
  auto [socket10, answers10] = exchange_twice("HTTP/1.0", "keep-alive");
  for (const auto& r : answers10) {
    EXPECT_EQ(r.version(), 10);
    EXPECT_EQ(r[http::field::connection], "keep-alive");
  }
}

TEST(RequestIdTest, IsAUniqueVersion4Uuid) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string id = NewRequestId();
    ASSERT_EQ(id.size(), 36u);
    for (size_t dash : {8u, 13u, 18u, 23u}) EXPECT_EQ(id[dash], '-');
    EXPECT_EQ(id[14], '4');
    EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos) << id;
    EXPECT_TRUE(seen.insert(id).second) << id;
  }
}

TEST_F(ListenerTest, PendingCommitsDoNotHoldTheIoThread) {
  // Eight commits wait for each other; one I/O thread and no handler pool still admit all.
  constexpr int kClients = 8;
  engine_.gate.expected = kClients;
  StartServer(/*io_threads=*/1, /*handler_threads=*/0);
  std::vector<int> statuses = ConcurrentCommits(kClients);
  for (int s : statuses) EXPECT_EQ(s, 200);
  EXPECT_EQ(engine_.gate.arrived, kClients);
}

TEST_F(ListenerTest, BlockingCommitsAreBoundedByIoThreads) {
  // The contrast: an engine whose commit blocks the calling thread holds an I/O thread per
  // commit, so two I/O threads admit at most two overlapping commits and a gate of three
  // times out.
  engine_.gate.expected = 3;
  engine_.gate.async = false;
  engine_.gate.timeout = std::chrono::milliseconds(500);
  StartServer(/*io_threads=*/2, /*handler_threads=*/0);
  std::vector<int> statuses = ConcurrentCommits(3);
  int failed = 0;
  for (int s : statuses) failed += s != 200;
  EXPECT_GT(failed, 0);
}

}  // namespace
}  // namespace folio::server
