#include <catch2/catch.hpp>

#include "cli/latency_histogram.hpp"

using mqsend::cli::LatencyHistogram;
using std::chrono::microseconds;

TEST_CASE("empty histogram reports zeros", "[cli]") {
  LatencyHistogram histogram;
  CHECK(histogram.count() == 0);
  CHECK(histogram.percentile(0.5) == microseconds(0));
  CHECK(histogram.max() == microseconds(0));
}

TEST_CASE("percentiles are within the bucket resolution", "[cli]") {
  LatencyHistogram histogram;
  for (int us = 1; us <= 100000; ++us) histogram.record(microseconds(us));
  CHECK(histogram.count() == 100000);
  const auto p50 = histogram.percentile(0.5).count();
  const auto p99 = histogram.percentile(0.99).count();
  CHECK(p50 >= 50000);
  CHECK(p50 <= 50000 * 1.04);
  CHECK(p99 >= 99000);
  CHECK(p99 <= 100000);
  CHECK(histogram.max() == microseconds(100000));
  CHECK(histogram.percentile(1.0) == microseconds(100000));
}

TEST_CASE("small values are exact and merge adds up", "[cli]") {
  LatencyHistogram a;
  LatencyHistogram b;
  for (int i = 0; i < 10; ++i) a.record(microseconds(3));
  b.record(microseconds(7));
  a.merge(b);
  CHECK(a.count() == 11);
  CHECK(a.percentile(0.5) == microseconds(3));
  CHECK(a.percentile(1.0) == microseconds(7));
  a.reset();
  CHECK(a.count() == 0);
}

TEST_CASE("huge latencies land in the last bucket", "[cli]") {
  LatencyHistogram histogram;
  histogram.record(std::chrono::hours(5));
  histogram.record(microseconds(-4));
  CHECK(histogram.count() == 2);
  CHECK(histogram.max() == std::chrono::hours(5));
}
