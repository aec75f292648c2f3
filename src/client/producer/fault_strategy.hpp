#pragma once
// Queue selection for a send attempt (Java MQFaultStrategy of 4.x, reference 7.6).
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "client/producer/latency_fault_tolerance.hpp"
#include "client/route/topic_publish_info.hpp"

namespace mqsend {

struct FaultStrategyOptions {
  bool enabled = false;  // sendLatencyFaultEnable
  // Isolation: not_available_duration[i] for the largest i with latency >= latency_max[i].
  std::vector<std::int64_t> latency_max = {50, 100, 550, 1000, 2000, 3000, 15000};
  std::vector<std::int64_t> not_available_duration = {0, 0, 30000, 60000, 120000, 180000, 600000};
};

// Latency an attempt that ended in an error counts as.
inline constexpr std::int64_t kIsolationLatencyMs = 30000;

class FaultStrategy {
 public:
  using Clock = std::function<std::int64_t()>;  // ms, monotonic is fine

  // Lists of different lengths are cut to the shorter one.
  explicit FaultStrategy(FaultStrategyOptions options, Clock now_ms = steady_now_ms);

  // The queue for the next attempt; `last_broker` is the broker of the previous attempt of the
  // same message ("" on the first attempt); no queue of an `excluded` broker is returned.
  // nullopt only when the publish info has no queue of a broker not excluded.
  // Returned queues are copies: the shared publish info is never modified (apache/rocketmq #7779).
  std::optional<MessageQueue> select(const TopicPublishInfo& info, const std::string& last_broker,
                                     const std::vector<std::string>& excluded = {});

  // After every attempt (no-op when disabled): `isolation` for an attempt that failed.
  void update(const std::string& broker, std::int64_t latency_ms, bool isolation);

  // Isolation period for a latency, from the tables.
  std::int64_t not_available_duration(std::int64_t latency_ms) const;
  bool enabled() const { return options_.enabled; }
  bool is_available(const std::string& broker) const;

  static std::int64_t steady_now_ms();

 private:
  std::optional<MessageQueue> select_with_fault_tolerance(const TopicPublishInfo& info,
                                                          const std::string& last_broker,
                                                          const std::vector<std::string>& excluded);

  FaultStrategyOptions options_;
  Clock now_ms_;
  mutable std::mutex mutex_;
  LatencyFaultTolerance table_;
};

// TopicPublishInfo.selectOneMessageQueue(lastBrokerName): next queue round-robin; with a last
// broker, advance up to size times for a queue on another broker, else take one of the last
// broker anyway. Queues of `excluded` brokers are passed over.
std::optional<MessageQueue> select_round_robin(const TopicPublishInfo& info,
                                               const std::string& last_broker,
                                               const std::vector<std::string>& excluded = {});

bool is_excluded(const std::vector<std::string>& excluded, const std::string& broker);

}  // namespace mqsend
