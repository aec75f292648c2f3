#include "cli/run_stats.hpp"

#include <fmt/format.h>

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

std::string RunStats::summary(Clock::time_point now) const {
  std::lock_guard<std::mutex> lock(mutex_);
  const double elapsed = seconds_between(start_, now);
  const double rate = elapsed > 0 ? static_cast<double>(sent_) / elapsed : 0.0;
  return fmt::format("sent {}, failed {}, elapsed {:.3f} s, {:.1f} msgs/s, latency {}", sent_,
                     failed_, elapsed, rate, latency_text(total_));
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
