#pragma once
// The producer's cache of topic publish info with the TBW102 fallback (tryToFindTopicPublishInfo,
// protocol reference 6.5) and its refresh (MQClientInstance's periodic
// updateTopicRouteInfoFromNameServer, every pollNameServerInterval).
//
// Nothing here blocks: lookups run on the remoting I/O thread.
// - find_async() serves cached info at once, on the calling thread. A topic without info gets
//   one name-server query, shared by every find that arrives while it runs; their handlers run
//   when it ends, on the I/O thread. A failed first lookup is remembered: finds within
//   retry_gap() fail at once with its error instead of each waiting out a dead name server.
// - refresh_due(), run by the owner's timer, re-reads in the background every cached topic
//   whose info is older than refresh_interval.
// - mark_stale() (the producer calls it after a broker failure) re-reads the topic at once;
//   finds of the topic wait for that query rather than pick the failed broker again.
// - A topic is queried at most once per retry_gap() (refresh_interval / 10, at least 1 s, at
//   most refresh_interval); a stale mark within the gap waits for refresh_due(). A failed
//   refresh keeps the cached info, and the finds that waited for it get that.
// - info built from the default topic is refreshed by asking for the topic itself first, so
//   the client switches to the real route once a broker has created the topic; info of the
//   topic's own route never falls back to the default topic on refresh (as Java's periodic
//   refresh).
//
// Errors:
// - error_code::kNotFoundTopicException "No route info of this topic: T (causes)" when a name
//   server answered but neither the topic nor the default topic yields a writable queue
//   (TOPIC_NOT_EXIST for both, a route without writable master queues, ...);
// - the transport error code (kConnectBrokerException, kAccessBrokerTimeout, ...) or
//   kNoNameServerException (or kProtocolError for unreadable answers) when no name server gave a
//   response code at all, so that callers can tell "no route" from "name server unreachable";
//   the message names the name servers tried.
// Thread-safe; the lock is never held across a network call or a handler.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "client/common/error.hpp"
#include "client/route/name_server_client.hpp"
#include "client/route/topic_publish_info.hpp"

namespace mqsend {

class TopicRouteTable {
 public:
  using Handler = std::function<void(Result<TopicPublishInfoPtr>)>;

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

  // The rule above; `timeout` bounds a query this call starts.
  void find_async(const std::string& topic, Milliseconds timeout, Handler handler);
  // Queries the name servers now (with the default-topic fallback), or joins the query in
  // flight; the cache is replaced only on success, and only when the route changed.
  void refresh_async(const std::string& topic, Milliseconds timeout, Handler handler);
  // Starts the background refreshes that are due (see above); `all_done` runs once they all
  // ended (at once when none started). Returns how many started.
  std::size_t refresh_due(Milliseconds timeout, std::function<void()> all_done = {});
  // Re-reads `topic` now, or at the first refresh_due() after the retry gap; `timeout`
  // bounds the query it starts.
  void mark_stale(const std::string& topic, Milliseconds timeout);

  // find_async / refresh_async waiting on the calling thread (never the I/O thread).
  Result<TopicPublishInfoPtr> find(const std::string& topic, Milliseconds timeout);
  Result<TopicPublishInfoPtr> refresh(const std::string& topic, Milliseconds timeout);

  // The cached info, or nullptr; never queries.
  TopicPublishInfoPtr cached(const std::string& topic) const;
  // The least time between two queries of a topic.
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
    bool querying = false;
    // For the query in flight; finds take the cached info when it fails, refreshes the error.
    std::vector<std::pair<Handler, bool>> waiters;
    std::optional<Error> failure;   // of the last query while there is no info
  };

  bool refresh_due(const Entry& entry, std::int64_t now) const;
  // Starts a query unless one runs; `handler` (if any) waits for it. Requires mutex_ held by
  // `lock`, which it releases.
  void start_query_locked(std::unique_lock<std::mutex>& lock, const std::string& topic,
                          Milliseconds timeout, bool default_topic_fallback, Handler handler,
                          bool cached_on_failure);
  void query(const std::string& topic, Milliseconds timeout, bool default_topic_fallback,
             Handler handler);
  void query_default_topic(const std::string& topic, Error topic_error, Milliseconds timeout,
                           Handler handler);
  void complete(const std::string& topic, Result<TopicPublishInfoPtr> result);
  // Caches `info` unless the cached info has the same route; returns the cached info.
  // Requires mutex_.
  TopicPublishInfoPtr store_locked(Entry& entry, TopicPublishInfoPtr info, bool from_default_topic);

  NameServerClient& name_servers_;
  const Options options_;
  mutable std::mutex mutex_;
  std::map<std::string, Entry> cache_;
};

}  // namespace mqsend
