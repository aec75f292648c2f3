#pragma once
// Send latencies in constant memory: log-linear buckets (about 3% wide) from 1 us to ~1 h,
// enough for p50/p99/max in the summary and the stats lines.
#include <array>
#include <chrono>
#include <cstdint>

namespace mqsend::cli {

class LatencyHistogram {
 public:
  void record(std::chrono::microseconds latency);
  void merge(const LatencyHistogram& other);
  void reset() { *this = LatencyHistogram(); }

  std::uint64_t count() const { return count_; }
  // The latency below which `fraction` (0..1] of the samples lie; 0 when empty.
  std::chrono::microseconds percentile(double fraction) const;
  std::chrono::microseconds max() const { return std::chrono::microseconds(max_us_); }

 private:
  static constexpr int kSubBuckets = 32;   // per power of two
  static constexpr int kPowers = 32;       // 2^32 us ~ 71 min
  static int bucket_of(std::uint64_t us);
  static std::uint64_t upper_bound_of(int bucket);

  std::array<std::uint64_t, kSubBuckets * kPowers> buckets_{};
  std::uint64_t count_ = 0;
  std::uint64_t max_us_ = 0;
};

}  // namespace mqsend::cli
