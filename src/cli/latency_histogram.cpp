#include "cli/latency_histogram.hpp"

#include <algorithm>
#include <cmath>

namespace mqsend::cli {

int LatencyHistogram::bucket_of(std::uint64_t us) {
  if (us < kSubBuckets) return static_cast<int>(us);
  int power = 63 - __builtin_clzll(us);  // us in [2^power, 2^(power+1))
  const int shift = power - 5;             // keep 5 bits below the leading one: 32 sub-buckets
  const int sub = static_cast<int>((us >> shift) & (kSubBuckets - 1));
  const int bucket = (power - 4) * kSubBuckets + sub;
  return std::min(bucket, kSubBuckets * kPowers - 1);
}

std::uint64_t LatencyHistogram::upper_bound_of(int bucket) {
  if (bucket < kSubBuckets) return static_cast<std::uint64_t>(bucket);
  const int power = bucket / kSubBuckets + 4;
  const int sub = bucket % kSubBuckets;
  const int shift = power - 5;
  return ((static_cast<std::uint64_t>(kSubBuckets + sub) + 1) << shift) - 1;
}

void LatencyHistogram::record(std::chrono::microseconds latency) {
  const std::uint64_t us = latency.count() < 0 ? 0 : static_cast<std::uint64_t>(latency.count());
  ++buckets_[static_cast<std::size_t>(bucket_of(us))];
  ++count_;
  max_us_ = std::max(max_us_, us);
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  for (std::size_t i = 0; i < buckets_.size(); ++i) buckets_[i] += other.buckets_[i];
  count_ += other.count_;
  max_us_ = std::max(max_us_, other.max_us_);
}

std::chrono::microseconds LatencyHistogram::percentile(double fraction) const {
  if (count_ == 0) return std::chrono::microseconds(0);
  const auto wanted = static_cast<std::uint64_t>(
      std::ceil(std::clamp(fraction, 0.0, 1.0) * static_cast<double>(count_)));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < buckets_.size(); ++i) {
    seen += buckets_[i];
    if (seen >= std::max<std::uint64_t>(wanted, 1)) {
      return std::chrono::microseconds(
          std::min(upper_bound_of(static_cast<int>(i)), max_us_));
    }
  }
  return max();
}

}  // namespace mqsend::cli
