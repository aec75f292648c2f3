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

Milliseconds TopicRouteTable::retry_gap() const {
  return std::min(options_.refresh_interval,
                  std::max(options_.refresh_interval / 10, Milliseconds(1000)));
}

bool TopicRouteTable::refresh_due(const Entry& entry, std::int64_t now) const {
  if (entry.refreshing || now - entry.tried_ms < retry_gap().count()) return false;
  return entry.stale || now - entry.fetched_ms >= options_.refresh_interval.count();
}

Result<TopicPublishInfoPtr> TopicRouteTable::find(const std::string& topic, Milliseconds timeout) {
  TopicPublishInfoPtr cached;
  bool default_topic_fallback = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = cache_.find(topic);
    if (it != cache_.end()) {
      Entry& entry = it->second;
      const std::int64_t now = options_.now_ms();
      if (!refresh_due(entry, now)) return entry.info;
      entry.refreshing = true;
      entry.tried_ms = now;
      cached = entry.info;
      default_topic_fallback = entry.from_default_topic;
    }
  }
  if (!cached) return refresh(topic, timeout);
  auto refreshed = query(topic, timeout / 2, default_topic_fallback);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    cache_[topic].refreshing = false;
  }
  if (refreshed) return refreshed;
  return cached;
}

Result<TopicPublishInfoPtr> TopicRouteTable::refresh(const std::string& topic,
                                                     Milliseconds timeout) {
  return query(topic, timeout, true);
}

void TopicRouteTable::mark_stale(const std::string& topic) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = cache_.find(topic);
  if (it != cache_.end()) it->second.stale = true;
}

Result<TopicPublishInfoPtr> TopicRouteTable::query(const std::string& topic, Milliseconds timeout,
                                                   bool default_topic_fallback) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto route = name_servers_.get_route(topic, timeout);
  if (!route) {
    if (!default_topic_fallback) return route.error();
    return query_default_topic(topic, route.error(), remaining_until(deadline));
  }
  // A route that exists but has no writable master queue is final: no fallback (as in Java).
  auto info = std::make_shared<const TopicPublishInfo>(topic, std::move(*route));
  if (!info->ok()) return no_route(topic, "the route has no writable master queue");
  return store(topic, std::move(info), false);
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
  return store(topic, std::move(info), true);
}

TopicPublishInfoPtr TopicRouteTable::store(const std::string& topic, TopicPublishInfoPtr info,
                                           bool from_default_topic) {
  std::lock_guard<std::mutex> lock(mutex_);
  Entry& entry = cache_[topic];
  // An unchanged route keeps its publish info, and so the round-robin position (Java's
  // topicRouteDataIsChange).
  const bool unchanged = entry.info && entry.from_default_topic == from_default_topic &&
                         entry.info->route() == info->route();
  if (!unchanged) entry.info = std::move(info);
  entry.from_default_topic = from_default_topic;
  entry.fetched_ms = entry.tried_ms = options_.now_ms();
  entry.stale = false;
  return entry.info;
}

std::vector<std::string> TopicRouteTable::cached_topics() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::string> topics;
  topics.reserve(cache_.size());
  for (const auto& entry : cache_) topics.push_back(entry.first);
  return topics;
}

}  // namespace mqsend
