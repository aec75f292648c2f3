#pragma once
// The producer's cache of topic publish info with the TBW102 fallback (tryToFindTopicPublishInfo,
// protocol reference 6.5) and its periodic refresh (pollNameServerInterval).
//
// Refresh rule (find()):
// - cached info younger than refresh_interval is served as is, unless mark_stale() was called
//   (the producer does after a broker failure);
// - otherwise one caller queries the name servers again while concurrent callers keep the
//   cached info; that query gets at most half of the caller's timeout, so that a slow name
//   server leaves the send time to use the cached route;
// - a failed refresh keeps serving the cached info; failed refreshes and stale marks lead to a
//   new query at most once per retry_gap() (refresh_interval / 10, at least 1 s, at most
//   refresh_interval);
// - info built from the default topic is refreshed by asking for the topic itself first, so
//   the client switches to the real route once a broker has created the topic; info of the
//   topic's own route never falls back to the default topic on refresh (as Java's periodic
//   updateTopicRouteInfoFromNameServer).
//
// find()/refresh() errors:
// - error_code::kNotFoundTopicException "No route info of this topic: T (causes)" when a name
//   server answered but neither the topic nor the default topic yields a writable queue
//   (TOPIC_NOT_EXIST for both, a route without writable master queues, ...);
// - the transport error code (kConnectBrokerException, kAccessBrokerTimeout, ...) or
//   kNoNameServerException (or kProtocolError for unreadable answers) when no name server gave a
//   response code at all, so that callers can tell "no route" from "name server unreachable";
//   the message names the name servers tried.
// Thread-safe; the lock is never held across a network call.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "client/common/error.hpp"
#include "client/route/name_server_client.hpp"
#include "client/route/topic_publish_info.hpp"

namespace mqsend {

class TopicRouteTable {
 public:
  struct Options {
    std::string default_topic = "TBW102";  // createTopicKey
    int default_topic_queue_nums = 4;      // defaultTopicQueueNums
    Milliseconds refresh_interval{30000};  // pollNameServerInterval
    // A monotonic clock in ms; tests inject a fake one.
    std::function<std::int64_t()> now_ms = [] {
      return std::chrono::duration_cast<Milliseconds>(
                 std::chrono::steady_clock::now().time_since_epoch())
          .count();
    };
  };

  TopicRouteTable(NameServerClient& name_servers, Options options);
  explicit TopicRouteTable(NameServerClient& name_servers)
      : TopicRouteTable(name_servers, Options{}) {}

  // The cached publish info, refreshed by the rule above; without cached info, refresh().
  // `timeout` bounds the whole call.
  Result<TopicPublishInfoPtr> find(const std::string& topic, Milliseconds timeout);
  // Queries the name servers again now (with the default-topic fallback); the cache is
  // replaced only on success, and only when the route changed.
  Result<TopicPublishInfoPtr> refresh(const std::string& topic, Milliseconds timeout);
  // The next find() of `topic` queries the name servers (subject to retry_gap()).
  void mark_stale(const std::string& topic);

  // The least time between two refresh queries of a topic after a failure or a stale mark.
  Milliseconds retry_gap() const;

  // Topics with cached publish info, sorted.
  std::vector<std::string> cached_topics() const;

 private:
  struct Entry {
    TopicPublishInfoPtr info;
    bool from_default_topic = false;
    std::int64_t fetched_ms = 0;  // last successful query
    std::int64_t tried_ms = 0;    // last query, successful or not
    bool stale = false;
    bool refreshing = false;  // a find() is querying; others keep using `info`
  };

  bool refresh_due(const Entry& entry, std::int64_t now) const;
  Result<TopicPublishInfoPtr> query(const std::string& topic, Milliseconds timeout,
                                    bool default_topic_fallback);
  Result<TopicPublishInfoPtr> query_default_topic(const std::string& topic,
                                                  const Error& topic_error, Milliseconds timeout);
  // Caches `info` unless the cached info has the same route; returns the cached info.
  TopicPublishInfoPtr store(const std::string& topic, TopicPublishInfoPtr info,
                            bool from_default_topic);

  NameServerClient& name_servers_;
  const Options options_;
  mutable std::mutex mutex_;
  std::map<std::string, Entry> cache_;
};

}  // namespace mqsend
