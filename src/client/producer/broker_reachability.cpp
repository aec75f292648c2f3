#include "client/producer/broker_reachability.hpp"

#include <algorithm>

namespace mqsend {

void BrokerReachability::connect_failed(const std::string& broker, std::int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mutex_);
  Entry& entry = unreachable_[broker];
  // Sends that shared the failed connect report it together: one back-off step per attempt
  // to connect, not per send.
  if (entry.retry_at_ms > now_ms) return;
  entry.backoff_ms = entry.backoff_ms == 0 ? kFirstBackoffMs : std::min(2 * entry.backoff_ms, kMaxBackoffMs);
  entry.retry_at_ms = now_ms + entry.backoff_ms;
  any_.store(true, std::memory_order_relaxed);
}

void BrokerReachability::reachable(const std::string& broker) {
  if (!any_.load(std::memory_order_relaxed)) return;
  std::lock_guard<std::mutex> lock(mutex_);
  unreachable_.erase(broker);
  any_.store(!unreachable_.empty(), std::memory_order_relaxed);
}

void BrokerReachability::append_skipped(std::int64_t now_ms, std::vector<std::string>& skipped) const {
  if (!any_.load(std::memory_order_relaxed)) return;
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& [broker, entry] : unreachable_) {
    if (now_ms < entry.retry_at_ms) skipped.push_back(broker);
  }
}

}  // namespace mqsend
