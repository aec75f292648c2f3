#pragma once
// The ordered list of writable master queues of a topic (topicRouteData2TopicPublishInfo)
// and the shared round-robin index used to pick among them.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "client/route/topic_route_data.hpp"

namespace mqsend {

struct MessageQueue {
  std::string topic;
  std::string broker_name;
  int queue_id = 0;

  bool operator==(const MessageQueue& other) const {
    return queue_id == other.queue_id && broker_name == other.broker_name && topic == other.topic;
  }
};

class TopicPublishInfo {
 public:
  // Builds the queue list (protocol reference 6.4). The round-robin index starts at a random
  // value, as Java's ThreadLocalIndex does, so that producers spread over the queues.
  TopicPublishInfo(std::string topic, TopicRouteData route);
  // Same, with a chosen starting index (tests, reproducible runs).
  TopicPublishInfo(std::string topic, TopicRouteData route, std::uint32_t initial_index);

  // A bound on the queue list: a corrupt or hostile route must not exhaust memory.
  static constexpr std::size_t kMaxQueues = 1 << 16;

  const std::string& topic() const { return topic_; }
  bool order_topic() const { return order_topic_; }
  bool ok() const { return !queues_.empty(); }
  const std::vector<MessageQueue>& queues() const { return queues_; }
  // How many brokers the queues are on.
  std::size_t broker_count() const { return broker_count_; }
  const TopicRouteData& route() const { return route_; }

  // Master address of a broker (brokerAddrs[0]), if the route has one.
  std::optional<std::string> master_address(const std::string& broker_name) const;
  // writeQueueNums of the broker's queue data, 0 if the broker is not in the route.
  int write_queue_nums(const std::string& broker_name) const;

  // The shared round-robin index (ThreadLocalIndex in Java, one per publish info here);
  // returns the next value, never negative.
  std::uint32_t next_index() const { return index_.fetch_add(1, std::memory_order_relaxed); }

 private:
  std::string topic_;
  TopicRouteData route_;
  bool order_topic_ = false;
  std::vector<MessageQueue> queues_;
  std::size_t broker_count_ = 0;
  mutable std::atomic<std::uint32_t> index_;
};

using TopicPublishInfoPtr = std::shared_ptr<const TopicPublishInfo>;

}  // namespace mqsend
