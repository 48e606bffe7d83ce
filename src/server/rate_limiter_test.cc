#include "server/rate_limiter.h"

#include <gtest/gtest.h>

namespace folio::server {
namespace {

using namespace std::chrono_literals;

TEST(RateLimiterTest, BurstThenRefillAtTheRate) {
  auto now = std::chrono::steady_clock::time_point(1000s);
  RateLimiter limiter(/*rate_per_second=*/4, /*burst=*/4, [&] { return now; });
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(limiter.TryAcquire("AKID")) << i;
  EXPECT_FALSE(limiter.TryAcquire("AKID"));
  now += 250ms;  // one token back
  EXPECT_TRUE(limiter.TryAcquire("AKID"));
  EXPECT_FALSE(limiter.TryAcquire("AKID"));
  now += 10s;  // refills only up to the burst
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(limiter.TryAcquire("AKID")) << i;
  EXPECT_FALSE(limiter.TryAcquire("AKID"));
}

TEST(RateLimiterTest, CallersHaveTheirOwnBuckets) {
  auto now = std::chrono::steady_clock::time_point(1000s);
  RateLimiter limiter(1, 1, [&] { return now; });
  EXPECT_TRUE(limiter.TryAcquire("a"));
  EXPECT_FALSE(limiter.TryAcquire("a"));
  EXPECT_TRUE(limiter.TryAcquire("b"));
  EXPECT_TRUE(limiter.TryAcquire(""));
}

}  // namespace
}  // namespace folio::server
