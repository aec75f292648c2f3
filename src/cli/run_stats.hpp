#pragma once
// Counters and latencies of a run: the end-of-run summary line and the periodic
// --stats-interval progress lines (send TPS, failures, p50/p99/max RT). Thread-safe.
#include <array>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

#include "cli/latency_histogram.hpp"
#include "client/producer/send_result.hpp"

namespace mqsend::cli {

class RunStats {
 public:
  using Clock = std::chrono::steady_clock;

  explicit RunStats(Clock::time_point start = Clock::now());

  void record_sent(std::chrono::microseconds latency);
  void record_failed(std::chrono::microseconds latency);
  // A message the broker stored but answered FLUSH_DISK_TIMEOUT, FLUSH_SLAVE_TIMEOUT or
  // SLAVE_NOT_AVAILABLE; recorded besides its record_sent (or record_failed under --strict).
  void record_not_stored_ok(SendStatus status);

  // "sent 1000, failed 0, elapsed 1.234 s, 810.4 msgs/s, latency p50 0.412 ms, p99 ..."; with
  // messages not stored OK, "sent 10, failed 0, 2 not stored OK (FLUSH_DISK_TIMEOUT 2), elapsed ...".
  std::string summary(Clock::time_point now = Clock::now()) const;
  // The interval since the previous call: "[  12.0 s] send 81234 msgs/s, failed 0, RT p50 ..."
  // with totals; resets the interval counters.
  std::string interval_line(Clock::time_point now = Clock::now());

 private:
  mutable std::mutex mutex_;
  Clock::time_point start_;
  Clock::time_point interval_start_;
  std::uint64_t sent_ = 0;
  std::uint64_t failed_ = 0;
  std::uint64_t interval_sent_ = 0;
  std::uint64_t interval_failed_ = 0;
  std::array<std::uint64_t, 4> not_stored_ok_{};  // by SendStatus (kSendOk unused)
  LatencyHistogram total_;
  LatencyHistogram interval_;
};

}  // namespace mqsend::cli
