#include "client/route/topic_route_table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <utility>

namespace mqsend {

namespace {

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

Result<TopicPublishInfoPtr> wait_for(const std::function<void(TopicRouteTable::Handler)>& start) {
  auto done = std::make_shared<std::promise<Result<TopicPublishInfoPtr>>>();
  auto result = done->get_future();
  start([done](Result<TopicPublishInfoPtr> info) { done->set_value(std::move(info)); });
  return result.get();
}

}  // namespace

TopicRouteTable::TopicRouteTable(NameServerClient& name_servers, Options options)
    : name_servers_(name_servers), options_(std::move(options)) {}

Milliseconds TopicRouteTable::retry_gap() const {
  return std::min(options_.refresh_interval,
                  std::max(options_.refresh_interval / 10, Milliseconds(1000)));
}

bool TopicRouteTable::refresh_due(const Entry& entry, std::int64_t now) const {
  if (!entry.info || entry.querying || now - entry.tried_ms < retry_gap().count()) return false;
  return entry.stale || now - entry.fetched_ms >= options_.refresh_interval.count();
}

void TopicRouteTable::find_async(const std::string& topic, Milliseconds timeout, Handler handler) {
  std::unique_lock<std::mutex> lock(mutex_);
  Entry& entry = cache_[topic];
  if (entry.info && !(entry.stale && entry.querying)) {
    TopicPublishInfoPtr info = entry.info;
    lock.unlock();
    handler(std::move(info));
    return;
  }
  if (entry.failure && !entry.querying &&
      options_.now_ms() - entry.tried_ms < retry_gap().count()) {
    Error failure = *entry.failure;
    lock.unlock();
    handler(std::move(failure));
    return;
  }
  // No info yet, or a broker failure is being looked into: wait for the query.
  start_query_locked(lock, topic, timeout, !entry.info || entry.from_default_topic, std::move(handler),
                     true);
}

void TopicRouteTable::refresh_async(const std::string& topic, Milliseconds timeout,
                                    Handler handler) {
  std::unique_lock<std::mutex> lock(mutex_);
  start_query_locked(lock, topic, timeout, true, std::move(handler), false);
}

std::size_t TopicRouteTable::refresh_due(Milliseconds timeout, std::function<void()> all_done) {
  std::vector<std::pair<std::string, bool>> due;  // topic, default-topic fallback
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const std::int64_t now = options_.now_ms();
    for (auto& [topic, entry] : cache_) {
      if (!refresh_due(entry, now)) continue;
      entry.querying = true;
      entry.tried_ms = now;
      due.emplace_back(topic, entry.from_default_topic);
    }
  }
  if (due.empty()) {
    if (all_done) all_done();
    return 0;
  }
  auto left = std::make_shared<std::atomic<std::size_t>>(due.size());
  for (const auto& [topic, fallback] : due) {
    query(topic, timeout, fallback, [this, topic = topic, left, all_done](Result<TopicPublishInfoPtr> result) {
      complete(topic, std::move(result));
      if (left->fetch_sub(1) == 1 && all_done) all_done();
    });
  }
  return due.size();
}

void TopicRouteTable::start_query_locked(std::unique_lock<std::mutex>& lock,
                                         const std::string& topic, Milliseconds timeout,
                                         bool default_topic_fallback, Handler handler,
                                         bool cached_on_failure) {
  Entry& entry = cache_[topic];
  if (handler) entry.waiters.emplace_back(std::move(handler), cached_on_failure);
  if (entry.querying) return;
  entry.querying = true;
  entry.tried_ms = options_.now_ms();
  lock.unlock();
  query(topic, timeout, default_topic_fallback,
        [this, topic](Result<TopicPublishInfoPtr> result) { complete(topic, std::move(result)); });
}

void TopicRouteTable::complete(const std::string& topic, Result<TopicPublishInfoPtr> result) {
  std::vector<std::pair<Handler, bool>> waiters;
  TopicPublishInfoPtr cached;  // a failed refresh keeps serving it
  {
    std::lock_guard<std::mutex> lock(mutex_);
    Entry& entry = cache_[topic];
    entry.querying = false;
    waiters.swap(entry.waiters);
    if (result) {
      entry.failure.reset();
    } else if (entry.info) {
      cached = entry.info;
    } else {
      entry.failure = result.error();
    }
  }
  for (auto& [waiter, cached_on_failure] : waiters) {
    if (!result && cached && cached_on_failure) {
      waiter(cached);
    } else {
      waiter(result);
    }
  }
}

void TopicRouteTable::mark_stale(const std::string& topic, Milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mutex_);
  auto it = cache_.find(topic);
  if (it == cache_.end() || !it->second.info) return;
  Entry& entry = it->second;
  entry.stale = true;
  if (!refresh_due(entry, options_.now_ms())) return;
  start_query_locked(lock, topic, timeout, entry.from_default_topic, nullptr, true);
}

Result<TopicPublishInfoPtr> TopicRouteTable::find(const std::string& topic, Milliseconds timeout) {
  return wait_for([&](Handler handler) { find_async(topic, timeout, std::move(handler)); });
}

Result<TopicPublishInfoPtr> TopicRouteTable::refresh(const std::string& topic,
                                                     Milliseconds timeout) {
  return wait_for([&](Handler handler) { refresh_async(topic, timeout, std::move(handler)); });
}

void TopicRouteTable::query(const std::string& topic, Milliseconds timeout,
                            bool default_topic_fallback, Handler handler) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  name_servers_.get_route_async(
      topic, timeout,
      [this, topic, deadline, default_topic_fallback,
       handler = std::move(handler)](Result<TopicRouteData> route) mutable {
        if (!route) {
          if (!default_topic_fallback) return handler(route.error());
          return query_default_topic(topic, route.error(), remaining_until(deadline),
                                     std::move(handler));
        }
        // A route that exists but has no writable master queue is final: no fallback (as in Java).
        auto info = std::make_shared<const TopicPublishInfo>(topic, std::move(*route));
        if (!info->ok()) return handler(no_route(topic, "the route has no writable master queue"));
        TopicPublishInfoPtr stored;
        {
          std::lock_guard<std::mutex> lock(mutex_);
          stored = store_locked(cache_[topic], std::move(info), false);
        }
        handler(std::move(stored));
      });
}

void TopicRouteTable::query_default_topic(const std::string& topic, Error topic_error,
                                          Milliseconds timeout, Handler handler) {
  name_servers_.get_route_async(
      options_.default_topic, timeout,
      [this, topic, topic_error = std::move(topic_error),
       handler = std::move(handler)](Result<TopicRouteData> route) mutable {
        if (!route) {
          const Error& default_error = route.error();
          if (!is_server_answer(topic_error.code) && !is_server_answer(default_error.code)) {
            return handler(Error{topic_error.code, fmt::format("No route info of this topic: {} ({})",
                                                               topic, topic_error.message)});
          }
          return handler(no_route(topic, fmt::format("{}; default topic {}: {}", describe(topic_error),
                                                     options_.default_topic, describe(default_error))));
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
          return handler(no_route(topic, fmt::format("{}; default topic {} has no writable master queue",
                                                     describe(topic_error), options_.default_topic)));
        }
        TopicPublishInfoPtr stored;
        {
          std::lock_guard<std::mutex> lock(mutex_);
          stored = store_locked(cache_[topic], std::move(info), true);
        }
        handler(std::move(stored));
      });
}

TopicPublishInfoPtr TopicRouteTable::store_locked(Entry& entry, TopicPublishInfoPtr info,
                                                  bool from_default_topic) {
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

TopicPublishInfoPtr TopicRouteTable::cached(const std::string& topic) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = cache_.find(topic);
  return it == cache_.end() ? nullptr : it->second.info;
}

std::vector<std::string> TopicRouteTable::cached_topics() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::string> topics;
  for (const auto& [topic, entry] : cache_) {
    if (entry.info) topics.push_back(topic);
  }
  return topics;
}

}  // namespace mqsend
