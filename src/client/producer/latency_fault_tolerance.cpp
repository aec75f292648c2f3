#include "client/producer/latency_fault_tolerance.hpp"

#include <algorithm>
#include <vector>

namespace mqsend {

void LatencyFaultTolerance::update(const std::string& broker, std::int64_t latency_ms,
                                   std::int64_t not_available_ms, std::int64_t now_ms) {
  Item& item = items_[broker];
  item.latency_ms = latency_ms;
  item.available_from_ms = now_ms + not_available_ms;
}

bool LatencyFaultTolerance::is_available(const std::string& broker, std::int64_t now_ms) const {
  auto it = items_.find(broker);
  return it == items_.end() || now_ms >= it->second.available_from_ms;
}

void LatencyFaultTolerance::remove(const std::string& broker) { items_.erase(broker); }

std::optional<std::string> LatencyFaultTolerance::pick_one_at_least(std::int64_t now_ms) {
  if (items_.empty()) return std::nullopt;
  std::vector<std::pair<const std::string*, const Item*>> ranked;
  ranked.reserve(items_.size());
  for (const auto& [broker, item] : items_) ranked.emplace_back(&broker, &item);
  // FaultItem.compareTo; ties keep broker-name order (Java shuffles them).
  std::stable_sort(ranked.begin(), ranked.end(), [now_ms](const auto& left, const auto& right) {
    const bool left_available = now_ms >= left.second->available_from_ms;
    const bool right_available = now_ms >= right.second->available_from_ms;
    if (left_available != right_available) return left_available;
    if (left.second->latency_ms != right.second->latency_ms) {
      return left.second->latency_ms < right.second->latency_ms;
    }
    return left.second->available_from_ms < right.second->available_from_ms;
  });
  const std::size_t half = ranked.size() / 2;
  const std::size_t pick = half == 0 ? 0 : ++which_item_worst_ % half;
  return *ranked[pick].first;
}

}  // namespace mqsend
