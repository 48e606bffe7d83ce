// Server metrics in the Prometheus text exposition format (version 0.0.4).
//
// Thread safety: every method is thread-safe.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

namespace folio::server {

class Metrics {
 public:
  // Upper bounds (seconds) of the latency histogram buckets; +Inf is implicit.
  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1.0,  2.5};

  // One request, labelled by operation (e.g. "ExecuteStatement", "GetDigest") and HTTP status.
  void ObserveRequest(std::string_view operation, int http_status, double seconds);
  void CountCommit() { commits_.fetch_add(1, std::memory_order_relaxed); }
  void CountOccConflict() { occ_conflicts_.fetch_add(1, std::memory_order_relaxed); }
  void ConnectionOpened() { connections_.fetch_add(1, std::memory_order_relaxed); }
  void ConnectionClosed() { connections_.fetch_sub(1, std::memory_order_relaxed); }

  std::string Render(size_t active_sessions) const;

 private:
  struct Histogram {
    std::array<uint64_t, kBuckets.size()> buckets{};
    uint64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mu_;
  std::map<std::pair<std::string, int>, uint64_t> requests_;  // GUARDED_BY(mu_)
  std::map<std::string, Histogram> latency_;                  // GUARDED_BY(mu_)
  std::atomic<uint64_t> commits_{0};
  std::atomic<uint64_t> occ_conflicts_{0};
  std::atomic<int64_t> connections_{0};
};

}  // namespace folio::server
