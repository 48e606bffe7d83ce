// Test helper: a tiny HTTP proxy in front of a real `folio serve --no-auth`. Every request is
// forwarded unchanged; `tamper(target, body)` may rewrite a response body before it is returned
// (used to serve modified proofs, revisions and digests).
#pragma once

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "driver/http_client.h"

namespace folio::testing {

class TamperingProxy {
 public:
  using Tamper = std::function<void(const std::string& target, std::string& body)>;

  explicit TamperingProxy(const std::string& upstream)
      : acceptor_(ioc_, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
    upstream_ = std::move(*driver::HttpClient::Create(upstream));
    accept_thread_ = std::thread([this] { AcceptLoop(); });
  }
  ~TamperingProxy() {
    boost::system::error_code ec;
    stopping_ = true;
    {
      // A blocking accept() is not interrupted by close(): wake it with one connection.
      boost::asio::io_context wake_ioc;
      boost::asio::ip::tcp::socket wake(wake_ioc);
      wake.connect(acceptor_.local_endpoint(), ec);
      accept_thread_.join();
    }
    acceptor_.close(ec);
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& s : sockets_) s->shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
    for (auto& t : threads_) t.join();
  }

  std::string endpoint() const {
    return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port());
  }
  void set_tamper(Tamper t) {
    std::lock_guard<std::mutex> lock(mu_);
    tamper_ = std::move(t);
  }

 private:
  void AcceptLoop() {
    while (true) {
      auto socket = std::make_shared<boost::asio::ip::tcp::socket>(ioc_);
      boost::system::error_code ec;
      acceptor_.accept(*socket, ec);
      if (ec || stopping_) return;
      std::lock_guard<std::mutex> lock(mu_);
      sockets_.push_back(socket);
      threads_.emplace_back([this, socket] { Serve(*socket); });
    }
  }

  void Serve(boost::asio::ip::tcp::socket& socket) {
    namespace http = boost::beast::http;
    boost::beast::flat_buffer buffer;
    while (true) {
      http::request<http::string_body> req;
      boost::system::error_code ec;
      http::read(socket, buffer, req, ec);
      if (ec) return;
      driver::HeaderList headers;
      for (const auto& f : req) {
        std::string name(f.name_string());
        if (name == "Host" || name == "Content-Length" || name == "User-Agent") continue;
        headers.emplace_back(name, std::string(f.value()));
      }
      std::string target(req.target());
      auto resp = upstream_->Send(std::string(req.method_string()), target, headers, req.body());
      http::response<http::string_body> out;
      out.version(11);
      if (!resp.ok()) {
        out.result(http::status::bad_gateway);
        out.body() = resp.status().ToString();
      } else {
        out.result(static_cast<unsigned>(resp->status));
        for (const auto& [n, v] : resp->headers) {
          if (n == "Content-Length" || n == "Connection") continue;
          out.set(n, v);
        }
        out.body() = resp->body;
        Tamper t;
        {
          std::lock_guard<std::mutex> lock(mu_);
          t = tamper_;
        }
        if (t) t(target, out.body());
      }
      out.keep_alive(true);
      out.prepare_payload();
      http::write(socket, out, ec);
      if (ec) return;
    }
  }

  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::unique_ptr<driver::HttpClient> upstream_;
  std::thread accept_thread_;
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  Tamper tamper_;
  std::vector<std::shared_ptr<boost::asio::ip::tcp::socket>> sockets_;
  std::vector<std::thread> threads_;
};

}  // namespace folio::testing
