#pragma once
// The broker's request handling as RocketMQ 4.9.8 does it, without sockets: request in,
// response out. Sends go through the 4.9 checks (topic name, forbidden topics, auto-create
// from a defaultTopic with the inherit bit, queueId range, size limits), get per-queue offsets
// and a commit-log offset, and are kept in the message store.
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "client/producer/send_request.hpp"
#include "client/remoting/remoting_command.hpp"
#include "testcluster/fault_state.hpp"
#include "testcluster/message_store.hpp"
#include "testcluster/offset_msg_id.hpp"
#include "testcluster/server_version.hpp"
#include "testcluster/topic_config.hpp"

namespace mqsend {

inline constexpr std::size_t kDefaultBrokerMaxMessageSize = 4194304;
// Broker-side defaultTopicQueueNums: the queue count of TBW102 on auto-create brokers.
inline constexpr int kBrokerDefaultTopicQueueNums = 8;

struct BrokerConfig {
  ServerVersion version = ServerVersion::k4_9_8;
  std::string name;
  std::string cluster = "DefaultCluster";
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  bool auto_create_topic = false;
  std::size_t max_message_size = kDefaultBrokerMaxMessageSize;
  // A slave refuses every send with SERVICE_NOT_AVAILABLE (messages put to a slave).
  bool slave = false;

  std::string address() const { return host + ":" + std::to_string(port); }
};

class Broker {
 public:
  // `registry` receives topic changes (the name server); null for a slave. `faults` supplies
  // the forced response codes; `store` keeps accepted messages. All must outlive the broker.
  Broker(BrokerConfig config, MessageStore& store, FaultState& faults, TopicRegistry* registry);

  // The response to write, or nullopt when none is due (oneway requests). `peer` is the
  // client's "ip:port" (quoted in some remarks), `now_ms` the store timestamp.
  std::optional<RemotingCommand> handle(const RemotingCommand& request, std::string_view peer,
                                        std::int64_t now_ms);

  // Creates or replaces a topic and registers it; existing queue offsets are kept.
  void put_topic(const TopicConfig& config);
  bool remove_topic(const std::string& topic);
  // Registers every topic again (a broker added back to the routes).
  void register_all_topics();
  const TopicConfig* find_topic(const std::string& topic) const;

  const BrokerConfig& config() const { return config_; }
  std::int64_t commit_log_offset() const { return commit_log_offset_; }
  nlohmann::json status() const;

 private:
  struct TopicEntry {
    TopicConfig config;
    std::vector<std::int64_t> next_offsets;  // per queue id
  };
  // One message about to be written: views into the request.
  struct Incoming {
    std::string_view body;
    std::string_view properties;
    std::int32_t flag = 0;
  };

  std::optional<RemotingCommand> handle_send(const RemotingCommand& request, std::string_view peer,
                                             std::int64_t now_ms, std::optional<int> forced_code);
  RemotingCommand handle_heartbeat(const RemotingCommand& request);
  RemotingCommand handle_unregister(const RemotingCommand& request);
  RemotingCommand handle_create_topic(const RemotingCommand& request);

  TopicEntry* find_or_auto_create(const DecodedSendHeader& header);
  // MESSAGE_ILLEGAL when a message would not fit the commit log (4.9 size rules).
  Status check_size(std::string_view topic, const Incoming& message) const;
  // Assigns offsets, appends the msgId to `msg_ids` (unless null: nothing to answer), keeps
  // the message; returns the queue offset.
  std::int64_t write(const RemotingCommand& request, const DecodedSendHeader& header,
                     TopicEntry& entry, int queue_id, const Incoming& message, std::int64_t now_ms,
                     std::string* msg_ids);
  std::string forced_failure_remark(int code, const std::string& topic) const;
  std::string message_illegal_remark() const;

  BrokerConfig config_;
  Ipv4Bytes store_ip_{};
  MessageStore& store_;
  FaultState& faults_;
  TopicRegistry* registry_;
  std::unordered_map<std::string, TopicEntry> topics_;
  std::int64_t commit_log_offset_ = 0;
  std::minstd_rand random_queue_;
  std::map<std::string, std::set<std::string>> clients_;  // clientID → producer groups
};

}  // namespace mqsend
