// Blocking on an asynchronous operation that reports through a callback.
#pragma once

#include <condition_variable>
#include <mutex>
#include <optional>
#include <utility>

namespace folio {

// Calls `start(deliver)`, where `start` begins an operation that eventually calls
// `deliver(T)` exactly once, on any thread (possibly before `start` returns), and blocks the
// calling thread until it has; returns the delivered value. `deliver` refers to this call's
// stack, so it must not be called after that one delivery.
template <typename T, typename Start>
T AwaitCallback(Start&& start) {
  std::mutex mu;
  std::condition_variable cv;
  std::optional<T> out;
  std::forward<Start>(start)([&](T value) {
    // Notified under the lock: the waiter cannot return (and destroy cv) before this ends.
    std::lock_guard lock(mu);
    out = std::move(value);
    cv.notify_one();
  });
  std::unique_lock lock(mu);
  cv.wait(lock, [&] { return out.has_value(); });
  return *std::move(out);
}

}  // namespace folio
