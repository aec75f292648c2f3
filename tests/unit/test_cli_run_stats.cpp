#include <catch2/catch.hpp>

#include "cli/run_stats.hpp"

using mqsend::cli::RunStats;
using std::chrono::microseconds;
using std::chrono::milliseconds;

TEST_CASE("summary counts, rate and latency", "[cli]") {
  const auto start = RunStats::Clock::time_point{} + std::chrono::hours(1);
  RunStats stats(start);
  for (int i = 0; i < 99; ++i) stats.record_sent(microseconds(1000));
  stats.record_failed(microseconds(50000));
  const std::string line = stats.summary(start + std::chrono::seconds(2));
  CHECK(line.find("sent 99, failed 1, elapsed 2.000 s, 49.5 msgs/s") == 0);
  CHECK(line.find("p50 1.0") != std::string::npos);
  CHECK(line.find("max 50.000 ms") != std::string::npos);
}

TEST_CASE("interval lines cover only their interval", "[cli]") {
  const auto start = RunStats::Clock::time_point{} + std::chrono::hours(1);
  RunStats stats(start);
  for (int i = 0; i < 10; ++i) stats.record_sent(microseconds(2000));
  const std::string first = stats.interval_line(start + std::chrono::seconds(1));
  CHECK(first.find("send 10.0 msgs/s, failed 0") != std::string::npos);
  stats.record_failed(microseconds(100));
  const std::string second = stats.interval_line(start + std::chrono::seconds(3));
  CHECK(second.find("send 0.0 msgs/s, failed 1") != std::string::npos);
  CHECK(second.find("total sent 10, failed 1") != std::string::npos);
  CHECK(second.find("[     3.0 s]") == 0);
}

TEST_CASE("summary counts the messages not stored OK, by status", "[cli]") {
  const auto start = RunStats::Clock::time_point{} + std::chrono::hours(1);
  RunStats stats(start);
  for (int i = 0; i < 8; ++i) stats.record_sent(microseconds(1000));
  CHECK(stats.summary(start).find("not stored OK") == std::string::npos);
  stats.record_not_stored_ok(mqsend::SendStatus::kSlaveNotAvailable);
  stats.record_not_stored_ok(mqsend::SendStatus::kFlushDiskTimeout);
  stats.record_not_stored_ok(mqsend::SendStatus::kFlushDiskTimeout);
  const std::string line = stats.summary(start + std::chrono::seconds(1));
  CHECK(line.find("sent 8, failed 0, 3 not stored OK (FLUSH_DISK_TIMEOUT 2, SLAVE_NOT_AVAILABLE 1), elapsed 1.000 s") == 0);
}
