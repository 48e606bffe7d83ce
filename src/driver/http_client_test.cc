#include "driver/http_client.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace folio::driver
