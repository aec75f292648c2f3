#include "cli/run_stats.hpp"

#include <fmt/format.h>

#include <iterator>

namespace mqsend::cli {

namespace {

double seconds_between(RunStats::Clock::time_point from, RunStats::Clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

double ms(std::chrono::microseconds us) { return static_cast<double>(us.count()) / 1000.0; }

std::string latency_text(const LatencyHistogram& histogram) {
  return fmt::format("p50 {:.3f} ms, p99 {:.3f} ms, max {:.3f} ms", ms(histogram.percentile(0.5)),
                     ms(histogram.percentile(0.99)), ms(histogram.max()));
}

}  // namespace

RunStats::RunStats(Clock::time_point start) : start_(start), interval_start_(start) {}

void RunStats::record_sent(std::chrono::microseconds latency) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++sent_;
  ++interval_sent_;
  total_.record(latency);
  interval_.record(latency);
}

void RunStats::record_failed(std::chrono::microseconds latency) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++failed_;
  ++interval_failed_;
  total_.record(latency);
  interval_.record(latency);
}

void RunStats::record_not_stored_ok(SendStatus status) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++not_stored_ok_[static_cast<std::size_t>(status)];
}

std::string RunStats::summary(Clock::time_point now) const {
  std::lock_guard<std::mutex> lock(mutex_);
  const double elapsed = seconds_between(start_, now);
  const double rate = elapsed > 0 ? static_cast<double>(sent_) / elapsed : 0.0;
  std::string line = fmt::format("sent {}, failed {}", sent_, failed_);
  std::uint64_t not_stored_ok = 0;
  std::string by_status;
  for (const SendStatus status :
       {SendStatus::kFlushDiskTimeout, SendStatus::kFlushSlaveTimeout, SendStatus::kSlaveNotAvailable}) {
    const std::uint64_t count = not_stored_ok_[static_cast<std::size_t>(status)];
    if (count == 0) continue;
    not_stored_ok += count;
    fmt::format_to(std::back_inserter(by_status), "{}{} {}", by_status.empty() ? "" : ", ",
                   send_status_name(status), count);
  }
  if (not_stored_ok > 0) fmt::format_to(std::back_inserter(line), ", {} not stored OK ({})", not_stored_ok, by_status);
  fmt::format_to(std::back_inserter(line), ", elapsed {:.3f} s, {:.1f} msgs/s, latency {}", elapsed, rate,
                 latency_text(total_));
  return line;
}

std::string RunStats::interval_line(Clock::time_point now) {
  std::lock_guard<std::mutex> lock(mutex_);
  const double span = seconds_between(interval_start_, now);
  const double tps = span > 0 ? static_cast<double>(interval_sent_) / span : 0.0;
  std::string line = fmt::format(
      "[{:8.1f} s] send {:.1f} msgs/s, failed {}, RT {} | total sent {}, failed {}",
      seconds_between(start_, now), tps, interval_failed_, latency_text(interval_), sent_, failed_);
  interval_start_ = now;
  interval_sent_ = 0;
  interval_failed_ = 0;
  interval_.reset();
  return line;
}

}  // namespace mqsend::cli
