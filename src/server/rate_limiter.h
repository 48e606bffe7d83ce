// Per-caller request throttling for the session API: one token bucket per caller (the SigV4
// access key id; "" when auth is off), refilled at `rate` tokens per second up to `burst`.
// A request that finds its bucket empty is refused (RateExceededException at the edge).
//
// Thread safety: thread-safe. Memory: one bucket per distinct caller, and callers are the
// configured credentials (authentication runs first).
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace folio::server {

class RateLimiter {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  // `rate_per_second` > 0; `burst` >= 1. `clock` defaults to steady_clock::now.
  RateLimiter(double rate_per_second, double burst, Clock clock = {});

  // Takes one token from `caller`'s bucket; false when it is empty.
  bool TryAcquire(std::string_view caller);

 private:
  struct Bucket {
    double tokens;
    std::chrono::steady_clock::time_point refilled;
  };
  const double rate_;
  const double burst_;
  Clock clock_;
  std::mutex mu_;
  std::map<std::string, Bucket, std::less<>> buckets_;  // GUARDED_BY(mu_)
};

}  // namespace folio::server
