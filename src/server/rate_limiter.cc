#include "server/rate_limiter.h"

#include <algorithm>

namespace folio::server {

RateLimiter::RateLimiter(double rate_per_second, double burst, Clock clock)
    : rate_(rate_per_second), burst_(std::max(1.0, burst)), clock_(std::move(clock)) {}

bool RateLimiter::TryAcquire(std::string_view caller) {
  auto now = clock_ ? clock_() : std::chrono::steady_clock::now();
  std::lock_guard lock(mu_);
  auto it = buckets_.find(caller);
  if (it == buckets_.end()) it = buckets_.emplace(std::string(caller), Bucket{burst_, now}).first;
  Bucket& b = it->second;
  double elapsed = std::chrono::duration<double>(now - b.refilled).count();
  if (elapsed > 0) {
    b.tokens = std::min(burst_, b.tokens + elapsed * rate_);
    b.refilled = now;
  }
  if (b.tokens < 1.0) return false;
  b.tokens -= 1.0;
  return true;
}

}  // namespace folio::server
