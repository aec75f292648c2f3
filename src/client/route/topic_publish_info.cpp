#include "client/route/topic_publish_info.hpp"

#include <algorithm>
#include <charconv>
#include <random>
#include <set>
#include <string_view>

namespace mqsend {

namespace {

std::uint32_t random_index() {
  thread_local std::mt19937 generator{std::random_device{}()};
  return static_cast<std::uint32_t>(generator());
}

const BrokerData* find_broker(const TopicRouteData& route, const std::string& broker_name) {
  auto it =
      std::find_if(route.broker_datas.begin(), route.broker_datas.end(),
                   [&](const BrokerData& broker) { return broker.broker_name == broker_name; });
  return it == route.broker_datas.end() ? nullptr : &*it;
}

void append_queues(std::vector<MessageQueue>& queues, const std::string& topic,
                   const std::string& broker_name, int count) {
  for (int id = 0; id < count && queues.size() < TopicPublishInfo::kMaxQueues; ++id) {
    queues.push_back(MessageQueue{topic, broker_name, id});
  }
}

// orderTopicConf "brokerName:queueNums;...": queues in the listed order. Java throws on a
// malformed item; such an item is skipped here.
std::vector<MessageQueue> ordered_queues(const std::string& topic, std::string_view conf) {
  std::vector<MessageQueue> queues;
  while (!conf.empty()) {
    const std::size_t end = std::min(conf.find(';'), conf.size());
    const std::string_view item = conf.substr(0, end);
    conf.remove_prefix(std::min(end + 1, conf.size()));
    const std::size_t colon = item.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string_view count_text = item.substr(colon + 1);
    int count = 0;
    const auto parsed =
        std::from_chars(count_text.data(), count_text.data() + count_text.size(), count);
    if (parsed.ec != std::errc() || parsed.ptr != count_text.data() + count_text.size()) continue;
    append_queues(queues, topic, std::string(item.substr(0, colon)), count);
  }
  return queues;
}

// Writable queue data of brokers that have a master, sorted by broker name (String.compareTo,
// byte order for ASCII).
std::vector<MessageQueue> writable_master_queues(const std::string& topic,
                                                 const TopicRouteData& route) {
  std::vector<const QueueData*> sorted;
  for (const QueueData& queue : route.queue_datas) sorted.push_back(&queue);
  std::stable_sort(sorted.begin(), sorted.end(), [](const QueueData* a, const QueueData* b) {
    return a->broker_name < b->broker_name;
  });
  std::vector<MessageQueue> queues;
  for (const QueueData* queue : sorted) {
    if ((queue->perm & perm::kWrite) == 0) continue;
    const BrokerData* broker = find_broker(route, queue->broker_name);
    if (broker == nullptr || broker->broker_addrs.count(kMasterBrokerId) == 0) continue;
    append_queues(queues, topic, queue->broker_name, queue->write_queue_nums);
  }
  return queues;
}

}  // namespace

TopicPublishInfo::TopicPublishInfo(std::string topic, TopicRouteData route)
    : TopicPublishInfo(std::move(topic), std::move(route), random_index()) {}

TopicPublishInfo::TopicPublishInfo(std::string topic, TopicRouteData route,
                                   std::uint32_t initial_index)
    : topic_(std::move(topic)), route_(std::move(route)), index_(initial_index) {
  order_topic_ = !route_.order_topic_conf.empty();
  queues_ = order_topic_ ? ordered_queues(topic_, route_.order_topic_conf)
                         : writable_master_queues(topic_, route_);
  std::set<std::string_view> brokers;
  for (const MessageQueue& queue : queues_) brokers.insert(queue.broker_name);
  broker_count_ = brokers.size();
}

std::optional<std::string> TopicPublishInfo::master_address(const std::string& broker_name) const {
  const BrokerData* broker = find_broker(route_, broker_name);
  if (broker == nullptr) return std::nullopt;
  auto it = broker->broker_addrs.find(kMasterBrokerId);
  if (it == broker->broker_addrs.end()) return std::nullopt;
  return it->second;
}

int TopicPublishInfo::write_queue_nums(const std::string& broker_name) const {
  for (const QueueData& queue : route_.queue_datas) {
    if (queue.broker_name == broker_name) return queue.write_queue_nums;
  }
  return 0;
}

}  // namespace mqsend
