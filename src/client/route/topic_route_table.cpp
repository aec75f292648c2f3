#include "client/route/topic_route_table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <utility>

namespace mqsend {

namespace {

// Codes below the client range come from a name server's response.
bool answered_by_name_server(const Error& error) { return error.code < 10000; }

// Remarks may span lines (TOPIC_NOT_EXIST adds an FAQ link); the first line is the cause.
std::string describe(const Error& error) {
  const std::string_view message = error.message;
  return fmt::format("{}: {}", error_code_name(error.code), message.substr(0, message.find('\n')));
}

Error no_route(const std::string& topic, const std::string& cause) {
  return Error{error_code::kNotFoundTopicException,
               fmt::format("No route info of this topic: {} ({})", topic, cause)};
}

Milliseconds remaining_until(std::chrono::steady_clock::time_point deadline) {
  const auto left = deadline - std::chrono::steady_clock::now();
  return std::max(Milliseconds(0), std::chrono::duration_cast<Milliseconds>(left));
}

}  // namespace

TopicRouteTable::TopicRouteTable(NameServerClient& name_servers, Options options)
    : name_servers_(name_servers), options_(std::move(options)) {}

Result<TopicPublishInfoPtr> TopicRouteTable::find(const std::string& topic, Milliseconds timeout) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = cache_.find(topic);
    if (it != cache_.end() && it->second->ok()) return it->second;
  }
  return refresh(topic, timeout);
}

Result<TopicPublishInfoPtr> TopicRouteTable::refresh(const std::string& topic,
                                                     Milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto route = name_servers_.get_route(topic, timeout);
  if (!route) return query_default_topic(topic, route.error(), remaining_until(deadline));
  // A route that exists but has no writable master queue is final: no fallback (as in Java).
  auto info = std::make_shared<const TopicPublishInfo>(topic, std::move(*route));
  if (!info->ok()) return no_route(topic, "the route has no writable master queue");
  store(topic, info);
  return TopicPublishInfoPtr(info);
}

Result<TopicPublishInfoPtr> TopicRouteTable::query_default_topic(const std::string& topic,
                                                                 const Error& topic_error,
                                                                 Milliseconds timeout) {
  auto route = name_servers_.get_route(options_.default_topic, timeout);
  if (!route) {
    const Error& default_error = route.error();
    if (!answered_by_name_server(topic_error) && !answered_by_name_server(default_error)) {
      return Error{topic_error.code,
                   fmt::format("No route info of this topic: {} ({})", topic, topic_error.message)};
    }
    return no_route(topic, fmt::format("{}; default topic {}: {}", describe(topic_error),
                                       options_.default_topic, describe(default_error)));
  }
  // The broker creates the topic from the default one on first send; ask for at most
  // default_topic_queue_nums queues per broker.
  for (QueueData& queue : route->queue_datas) {
    const int queue_nums = std::min(options_.default_topic_queue_nums, queue.read_queue_nums);
    queue.read_queue_nums = queue_nums;
    queue.write_queue_nums = queue_nums;
  }
  auto info = std::make_shared<const TopicPublishInfo>(topic, std::move(*route));
  if (!info->ok()) {
    return no_route(topic, fmt::format("{}; default topic {} has no writable master queue",
                                       describe(topic_error), options_.default_topic));
  }
  store(topic, info);
  return TopicPublishInfoPtr(info);
}

void TopicRouteTable::store(const std::string& topic, TopicPublishInfoPtr info) {
  std::lock_guard<std::mutex> lock(mutex_);
  cache_[topic] = std::move(info);
}

std::vector<std::string> TopicRouteTable::cached_topics() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::string> topics;
  topics.reserve(cache_.size());
  for (const auto& entry : cache_) topics.push_back(entry.first);
  return topics;
}

}  // namespace mqsend
