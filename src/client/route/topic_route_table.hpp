#pragma once
// The producer's cache of topic publish info with the TBW102 fallback (tryToFindTopicPublishInfo,
// protocol reference 6.5).
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
  };

  TopicRouteTable(NameServerClient& name_servers, Options options);
  explicit TopicRouteTable(NameServerClient& name_servers)
      : TopicRouteTable(name_servers, Options{}) {}

  // The cached publish info if it has queues, else refresh(). `timeout` bounds the whole call.
  Result<TopicPublishInfoPtr> find(const std::string& topic, Milliseconds timeout);
  // Queries the name servers again (with the default-topic fallback); the cache is replaced
  // only on success.
  Result<TopicPublishInfoPtr> refresh(const std::string& topic, Milliseconds timeout);

  // Topics with cached publish info, sorted.
  std::vector<std::string> cached_topics() const;

 private:
  Result<TopicPublishInfoPtr> query_default_topic(const std::string& topic,
                                                  const Error& topic_error, Milliseconds timeout);
  void store(const std::string& topic, TopicPublishInfoPtr info);

  NameServerClient& name_servers_;
  const Options options_;
  mutable std::mutex mutex_;
  std::map<std::string, TopicPublishInfoPtr> cache_;
};

}  // namespace mqsend
