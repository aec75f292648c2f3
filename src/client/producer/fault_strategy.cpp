#include "client/producer/fault_strategy.hpp"

#include <algorithm>
#include <chrono>

namespace mqsend {
namespace {

const MessageQueue& next_queue(const TopicPublishInfo& info) {
  const auto& queues = info.queues();
  return queues[info.next_index() % queues.size()];
}

}  // namespace

bool is_excluded(const std::vector<std::string>& excluded, const std::string& broker) {
  return std::find(excluded.begin(), excluded.end(), broker) != excluded.end();
}

std::optional<MessageQueue> select_round_robin(const TopicPublishInfo& info,
                                               const std::string& last_broker,
                                               const std::vector<std::string>& excluded) {
  const auto& queues = info.queues();
  if (queues.empty()) return std::nullopt;
  if (last_broker.empty() && excluded.empty()) return next_queue(info);
  std::optional<MessageQueue> on_last_broker;
  for (std::size_t i = 0; i < queues.size(); ++i) {
    const MessageQueue& queue = next_queue(info);
    if (is_excluded(excluded, queue.broker_name)) continue;
    if (queue.broker_name != last_broker) return queue;
    if (!on_last_broker) on_last_broker = queue;
  }
  return on_last_broker;
}

FaultStrategy::FaultStrategy(FaultStrategyOptions options, Clock now_ms)
    : options_(std::move(options)), now_ms_(std::move(now_ms)) {
  const std::size_t levels =
      std::min(options_.latency_max.size(), options_.not_available_duration.size());
  options_.latency_max.resize(levels);
  options_.not_available_duration.resize(levels);
}

std::int64_t FaultStrategy::steady_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::int64_t FaultStrategy::not_available_duration(std::int64_t latency_ms) const {
  for (std::size_t i = options_.latency_max.size(); i-- > 0;) {
    if (latency_ms >= options_.latency_max[i]) return options_.not_available_duration[i];
  }
  return 0;
}

bool FaultStrategy::is_available(const std::string& broker) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return table_.is_available(broker, now_ms_());
}

void FaultStrategy::update(const std::string& broker, std::int64_t latency_ms, bool isolation) {
  if (!options_.enabled) return;
  const std::int64_t duration = not_available_duration(isolation ? kIsolationLatencyMs : latency_ms);
  std::lock_guard<std::mutex> lock(mutex_);
  table_.update(broker, latency_ms, duration, now_ms_());
}

std::optional<MessageQueue> FaultStrategy::select(const TopicPublishInfo& info,
                                                  const std::string& last_broker,
                                                  const std::vector<std::string>& excluded) {
  if (info.queues().empty()) return std::nullopt;
  if (!options_.enabled) return select_round_robin(info, last_broker, excluded);
  std::lock_guard<std::mutex> lock(mutex_);
  return select_with_fault_tolerance(info, last_broker, excluded);
}

std::optional<MessageQueue> FaultStrategy::select_with_fault_tolerance(
    const TopicPublishInfo& info, const std::string& last_broker,
    const std::vector<std::string>& excluded) {
  const auto& queues = info.queues();
  const std::int64_t now = now_ms_();

  // 1. Round robin over queues whose broker is out of isolation, preferring another broker
  //    than the one that just failed; that broker only if it is the sole available one.
  const std::uint32_t start = info.next_index();
  const MessageQueue* available_last_broker = nullptr;
  for (std::size_t i = 0; i < queues.size(); ++i) {
    const MessageQueue& queue = queues[(start + i) % queues.size()];
    if (is_excluded(excluded, queue.broker_name) || !table_.is_available(queue.broker_name, now)) continue;
    if (last_broker.empty() || queue.broker_name != last_broker) return queue;
    if (available_last_broker == nullptr) available_last_broker = &queue;
  }
  if (available_last_broker != nullptr) return *available_last_broker;

  // 2. Every broker is isolated: take the least bad one, on a queue id it has.
  const std::optional<std::string> least_bad = table_.pick_one_at_least(now);
  if (least_bad && !is_excluded(excluded, *least_bad)) {
    const int write_queue_nums = info.write_queue_nums(*least_bad);
    if (write_queue_nums > 0) {
      MessageQueue queue = next_queue(info);
      queue.broker_name = *least_bad;
      queue.queue_id = static_cast<int>(info.next_index() % static_cast<std::uint32_t>(write_queue_nums));
      return queue;
    }
    table_.remove(*least_bad);
  }

  // 3. Plain round robin.
  return select_round_robin(info, "", excluded);
}

}  // namespace mqsend
