#pragma once
// Counters and latencies of a run: the end-of-run summary line and the periodic
// --stats-interval progress lines (send TPS, failures, p50/p99/max RT). Thread-safe.
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

#include "cli/latency_histogram.hpp"

namespace mqsend::cli {

class RunStats {
 public:
  using Clock = std::chrono::steady_clock;

  explicit RunStats(Clock::time_point start = Clock::now());

  void record_sent(std::chrono::microseconds latency);
  void record_failed(std::chrono::microseconds latency);

  // "sent 1000, failed 0, elapsed 1.234 s, 810.4 msgs/s, latency p50 0.412 ms, p99 ..."
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
  LatencyHistogram total_;
  LatencyHistogram interval_;
};

}  // namespace mqsend::cli
