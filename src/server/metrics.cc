#include "server/metrics.h"

#include <fmt/format.h>

namespace folio::server {

void Metrics::ObserveRequest(std::string_view operation, int http_status, double seconds) {
  std::lock_guard lock(mu_);
  ++requests_[{std::string(operation), http_status}];
  Histogram& h = latency_[std::string(operation)];
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) ++h.buckets[i];
  }
  ++h.count;
  h.sum += seconds;
}

std::string Metrics::Render(size_t active_sessions) const {
  std::string out;
  std::lock_guard lock(mu_);
  out += "# HELP folio_requests_total Requests handled, by operation and HTTP status.\n";
  out += "# TYPE folio_requests_total counter\n";
  for (const auto& [key, n] : requests_) {
    out += fmt::format("folio_requests_total{{operation=\"{}\",status=\"{}\"}} {}\n", key.first,
                       key.second, n);
  }
  out += "# HELP folio_request_duration_seconds Request latency, by operation.\n";
  out += "# TYPE folio_request_duration_seconds histogram\n";
  for (const auto& [op, h] : latency_) {
    for (size_t i = 0; i < kBuckets.size(); ++i) {
      out += fmt::format("folio_request_duration_seconds_bucket{{operation=\"{}\",le=\"{}\"}} {}\n",
                         op, kBuckets[i], h.buckets[i]);
    }
    out += fmt::format("folio_request_duration_seconds_bucket{{operation=\"{}\",le=\"+Inf\"}} {}\n",
                       op, h.count);
    out += fmt::format("folio_request_duration_seconds_sum{{operation=\"{}\"}} {}\n", op, h.sum);
    out += fmt::format("folio_request_duration_seconds_count{{operation=\"{}\"}} {}\n", op, h.count);
  }
  out += "# HELP folio_commits_total Transactions committed.\n# TYPE folio_commits_total counter\n";
  out += fmt::format("folio_commits_total {}\n", commits_.load());
  out += "# HELP folio_occ_conflicts_total Commits rejected by OCC validation.\n";
  out += "# TYPE folio_occ_conflicts_total counter\n";
  out += fmt::format("folio_occ_conflicts_total {}\n", occ_conflicts_.load());
  out += "# HELP folio_active_sessions QLDB sessions currently open.\n";
  out += "# TYPE folio_active_sessions gauge\n";
  out += fmt::format("folio_active_sessions {}\n", active_sessions);
  out += "# HELP folio_open_connections HTTP connections currently open.\n";
  out += "# TYPE folio_open_connections gauge\n";
  out += fmt::format("folio_open_connections {}\n", connections_.load());
  return out;
}

}  // namespace folio::server
