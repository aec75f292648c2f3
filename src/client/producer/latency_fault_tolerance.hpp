#pragma once
// Per-broker isolation table (Java LatencyFaultToleranceImpl, 4.x). Not thread-safe by itself:
// FaultStrategy serializes access.
#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace mqsend {

class LatencyFaultTolerance {
 public:
  struct Item {
    std::int64_t latency_ms = 0;
    std::int64_t available_from_ms = 0;  // the broker is isolated until this instant
  };

  // Records the latest latency and isolates the broker until now + not_available_ms
  // (0 makes it available at once: a good answer ends an isolation early).
  void update(const std::string& broker, std::int64_t latency_ms, std::int64_t not_available_ms,
              std::int64_t now_ms);
  // True when the broker has no item or its isolation period is over.
  bool is_available(const std::string& broker, std::int64_t now_ms) const;
  void remove(const std::string& broker);
  // Java pickOneAtLeast: sort the items (available first, then lower latency, then earlier
  // release), round-robin over the better half (the first if there is only one). nullopt if
  // the table is empty.
  std::optional<std::string> pick_one_at_least(std::int64_t now_ms);

  const std::map<std::string, Item>& items() const { return items_; }

 private:
  std::map<std::string, Item> items_;
  std::uint32_t which_item_worst_ = 0;
};

}  // namespace mqsend
