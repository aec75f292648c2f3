#pragma once
// The broker's request handling as RocketMQ 4.9.8 (or 5.3.3) does it, without sockets: request
// in, response out. Sends go through the 4.9 checks (topic name, forbidden topics, auto-create
// from a defaultTopic with the inherit bit, queueId range, size limits), get per-queue offsets
// and a commit-log offset, and are kept in the message store. Delay-level and (5.3) timer
// messages are stored in their system topic and delivered to the real one when due, on the I/O
// thread; transactional half messages wait in RMQ_SYS_TRANS_HALF_TOPIC for END_TRANSACTION and
// are checked back with their producers (TransactionalMessageCheckService); reply messages
// (SEND_REPLY_MESSAGE) are pushed to the requester (ReplyMessageProcessor). The broker reaches its
// clients through a ClientLink, the cluster's connections or a test's recorder.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <nlohmann/json.hpp>

#include "client/producer/message_id.hpp"
#include "client/remoting/remoting_command.hpp"
#include "testcluster/broker_send_header.hpp"
#include "testcluster/delay_levels.hpp"
#include "testcluster/delivery_timer.hpp"
#include "testcluster/fault_state.hpp"
#include "testcluster/message_store.hpp"
#include "testcluster/offset_msg_id.hpp"
#include "testcluster/server_version.hpp"
#include "testcluster/send_properties.hpp"
#include "testcluster/topic_config.hpp"

namespace mqsend {

// Broker request codes beyond the producer's (client/remoting/codes.hpp).
namespace broker_request_code {
inline constexpr int kGetMaxOffset = 30;
inline constexpr int kEndTransaction = 37;
inline constexpr int kCheckTransactionState = 39;   // broker → producer, oneway
inline constexpr int kSendReplyMessage = 324;
inline constexpr int kSendReplyMessageV2 = 325;
inline constexpr int kPushReplyMessageToClient = 326;  // broker → requester
inline constexpr int kRecallMessage = 370;  // 5.3
}  // namespace broker_request_code

inline constexpr std::size_t kDefaultBrokerMaxMessageSize = 4194304;
// Broker-side defaultTopicQueueNums: the queue count of TBW102 on auto-create brokers.
inline constexpr int kBrokerDefaultTopicQueueNums = 8;

// BrokerConfig transactionCheckInterval, transactionTimeOut, transactionCheckMax (4.9.8).
inline constexpr std::chrono::milliseconds kDefaultTransactionCheckInterval{60000};
inline constexpr std::int64_t kDefaultTransactionTimeoutMs = 6000;
inline constexpr int kDefaultTransactionCheckMax = 15;

// How the broker reaches the connections of its clients: requests of its own and answers it
// gives after handle() returned.
class ClientLink {
 public:
  using ResponseHandler = std::function<void(std::optional<RemotingCommand> response)>;
  virtual ~ClientLink() = default;
  // Writes `request` to the connection from `peer`; false when there is none. Oneway when
  // `on_response` is empty; else it gets the client's answer, or nullopt after `timeout`.
  virtual bool send_request(std::string_view peer, RemotingCommand request,
                            std::chrono::milliseconds timeout, ResponseHandler on_response) = 0;
  // Answers `request` (handle() returned nullopt for it); false when the connection is gone.
  virtual bool send_response(std::string_view peer, const RemotingCommand& request,
                             RemotingCommand response) = 0;
};

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
  // messageDelayLevel: level N waits delay_levels[N-1]; the count is maxDelayLevel.
  DelayLevels delay_levels = parse_delay_levels(kDefaultDelayLevels).value();
  // TransactionalMessageCheckService: a round every interval (0: never) checks the half
  // messages older than the timeout, at most `transaction_check_max` times each.
  std::chrono::milliseconds transaction_check_interval = kDefaultTransactionCheckInterval;
  std::int64_t transaction_timeout_ms = kDefaultTransactionTimeoutMs;
  int transaction_check_max = kDefaultTransactionCheckMax;
  bool store_reply_messages = true;  // storeReplyMessageEnable
  // Set: every stored request (REPLY_TO_CLIENT and CORRELATION_ID) gets an echo reply this much
  // later, as a consumer replying with MessageUtil.createReplyMessage would send it.
  std::optional<std::chrono::milliseconds> auto_reply_delay;

  std::string address() const { return host + ":" + std::to_string(port); }
};

class Broker {
 public:
  // `registry` receives topic changes (the name server); null for a slave. `faults` supplies
  // the forced response codes; `store` keeps accepted messages; `io` runs the delayed
  // deliveries. All must outlive the broker.
  Broker(BrokerConfig config, MessageStore& store, FaultState& faults, TopicRegistry* registry,
         asio::io_context& io);

  // The response to write, or nullopt when none is due (oneway requests) or it comes later
  // through the ClientLink (a reply waiting for its push). `peer` is the client's "ip:port"
  // (quoted in some remarks, the channel of a producer), `now_ms` the store timestamp.
  std::optional<RemotingCommand> handle(const RemotingCommand& request, std::string_view peer,
                                        std::int64_t now_ms);

  // Creates or replaces a topic and registers it; existing queue offsets are kept.
  void put_topic(const TopicConfig& config);
  bool remove_topic(const std::string& topic);
  // Registers every topic again (a broker added back to the routes).
  void register_all_topics();
  const TopicConfig* find_topic(const std::string& topic) const;

  // Until set (or when null) no client can be reached: checks and pushes find no channel.
  void set_client_link(ClientLink* link) { link_ = link; }
  // ProducerManager.doChannelCloseEvent: the connection from `peer` is gone.
  void channel_closed(std::string_view peer);
  // One round of TransactionalMessageCheckService (TransactionalMessageServiceImpl.check); the
  // broker's timer runs one every transaction_check_interval.
  void check_transactions(std::int64_t now_ms);
  // Replies to a stored request (its properties, as stored) as a consumer would, through the
  // SEND_REPLY path: the --auto-reply responder and the control command `reply`.
  void reply_to_request(std::string_view request_properties, std::string body,
                        std::int64_t now_ms);

  const BrokerConfig& config() const { return config_; }
  std::int64_t commit_log_offset() const { return commit_log_offset_; }
  nlohmann::json status() const;

 private:
  struct TopicEntry {
    TopicConfig config;
    std::vector<std::int64_t> next_offsets;  // per queue id
  };
  // One message about to be written to the commit log: views into the request (or into an
  // OwnedRecord).
  struct Record {
    std::string_view topic;
    int queue_id = 0;
    std::string_view body;
    std::string_view properties;
    std::int32_t flag = 0;
    std::int32_t sys_flag = 0;
    std::int64_t born_timestamp = 0;
    std::string_view producer_group;
    int request_code = 0;
  };
  // A record kept for later: a message waiting for its delivery time or its transaction end.
  struct OwnedRecord {
    explicit OwnedRecord(const Record& record);
    Record view() const;  // `fields` with its views on the strings below

    Record fields;
    std::string topic;
    std::string body;
    std::string properties;
    std::string producer_group;
  };
  struct Written {
    std::int64_t queue_offset = 0;
    std::int64_t commit_log_offset = 0;
  };
  // A half message (RMQ_SYS_TRANS_HALF_TOPIC) until END_TRANSACTION: the record to commit (real
  // topic and queue) and what checkPrepareMessage compares.
  // Its stored copy's fields that a check-back body carries (MessageDecoder.encode): a put-back
  // copy (renewHalfMessageInner) loses the flag and reconsume times of the first one.
  struct HalfMessage {
    OwnedRecord real;
    std::int64_t half_queue_offset = 0;
    std::optional<std::string> producer_group;  // the PGROUP property
    std::string born_host;                      // the sender's "ip:port"
    std::int64_t store_timestamp = 0;
    std::int32_t reconsume_times = 0;
  };
  // A reply received, until its push is answered (ReplyMessageProcessor waits in invokeSync).
  struct PendingReply {
    RemotingCommand request;  // without its body
    std::string peer;         // empty: the cluster's own responder, nobody to answer
    OwnedRecord record;
  };
  // The checks shared by sends and replies (AbstractSendMessageProcessor.msgCheck and the
  // queue choice): the target, or else the answer to give (none for a oneway request).
  struct SendTarget {
    TopicEntry* entry = nullptr;
    int queue_id = 0;
    std::optional<RemotingCommand> refusal;
  };
  // Where a single message goes and what its answer adds (decided from its properties).
  struct Placement;

  std::optional<RemotingCommand> handle_send(const RemotingCommand& request, std::string_view peer,
                                             std::int64_t now_ms, std::optional<int> forced_code);
  // The 4.9 single-message and batch paths past the common checks; nullopt for a oneway send.
  std::optional<RemotingCommand> send_single(const RemotingCommand& request,
                                             const DecodedSendHeader& header, TopicEntry& entry,
                                             int queue_id, std::string_view peer,
                                             std::int64_t now_ms,
                                             std::optional<int> forced_code);
  std::optional<RemotingCommand> send_batch(const RemotingCommand& request,
                                            const DecodedSendHeader& header, TopicEntry& entry,
                                            int queue_id, std::int64_t now_ms,
                                            std::optional<int> forced_code);
  SendTarget check_send_target(const RemotingCommand& request, const BrokerSendHeader& decoded,
                               std::string_view peer);
  std::optional<RemotingCommand> handle_send_reply(const RemotingCommand& request,
                                                   std::string peer, std::int64_t now_ms);
  // The push's outcome (nullopt: acknowledged) → the stored reply and the replier's answer.
  RemotingCommand finish_reply(const PendingReply& reply, std::optional<std::string> push_failure,
                               std::int64_t now_ms);
  void schedule_transaction_check();
  // The producer channel getAvailableChannel picks for a group, round robin.
  std::optional<std::string> available_channel(const std::string& group);
  // putBackHalfMsgQueue, then sendCheckMessage; a copy checked `max` times is discarded.
  void check_half_message(std::map<std::int64_t, HalfMessage>::iterator half, int check_count,
                          std::int64_t now_ms);
  Result<Placement> place(const DecodedSendHeader& header, std::string_view properties,
                          const SendProperties& scanned, int queue_id, std::int64_t now_ms);
  RemotingCommand handle_heartbeat(const RemotingCommand& request, std::string_view peer);
  RemotingCommand handle_unregister(const RemotingCommand& request, std::string_view peer);
  RemotingCommand handle_create_topic(const RemotingCommand& request);
  RemotingCommand handle_get_max_offset(const RemotingCommand& request);
  RemotingCommand handle_end_transaction(const RemotingCommand& request, std::int64_t now_ms);
  RemotingCommand handle_recall(const RemotingCommand& request, std::int64_t now_ms);

  void create_system_topics();
  bool is_broker_system_topic(const std::string& topic) const;
  Result<TopicEntry*> find_or_auto_create(const BrokerSendHeader& header);
  // A topic the broker writes itself (schedule, timer, transaction); created on first use.
  TopicEntry& internal_topic(std::string_view name, int queues);
  // Assigns offsets, appends the msgId to `msg_ids` (unless null: nothing to answer), keeps
  // the message.
  Written write(TopicEntry& entry, const Record& record, std::int64_t now_ms, std::string* msg_ids);
  // Writes `record` to its (real) topic `delay` from now, if the topic still exists then. A
  // timer message passes its UNIQ_KEY: RECALL_MESSAGE can cancel it until then.
  void deliver_later(std::chrono::milliseconds delay, OwnedRecord record,
                     std::string recall_key = {});
  std::string forced_failure_remark(int code, const std::string& topic) const;
  std::string message_illegal_remark() const;

  BrokerConfig config_;
  Ipv4Bytes store_ip_{};
  MessageStore& store_;
  FaultState& faults_;
  TopicRegistry* registry_;
  DeliveryTimer delivery_;
  std::unordered_map<std::string, TopicEntry> topics_;
  std::int64_t commit_log_offset_ = 0;
  std::minstd_rand random_queue_;
  std::map<std::string, std::set<std::string>> clients_;  // clientID → producer groups
  // ProducerManager.groupChannelTable and clientChannelTable: channels are peers' "ip:port".
  std::map<std::string, std::set<std::string>> group_channels_;
  std::map<std::string, std::string> client_channels_;
  std::uint64_t channel_counter_ = 0;  // positiveAtomicCounter
  ClientLink* link_ = nullptr;
  asio::steady_timer transaction_check_timer_;
  std::uint64_t checks_sent_ = 0;
  std::uint64_t checks_without_producer_ = 0;
  std::uint64_t half_messages_discarded_ = 0;
  DeliveryTimer auto_replies_;
  UniqueIdGenerator reply_ids_;  // the responder's producer sets UNIQ_KEY
  std::uint64_t replies_pushed_ = 0;
  std::uint64_t replies_push_failed_ = 0;  // no channel, a failure answer or no answer in time
  std::uint64_t replies_stored_ = 0;
  std::uint64_t replies_sent_by_cluster_ = 0;
  std::map<std::int64_t, HalfMessage> half_messages_;     // by commit-log offset
  std::uint64_t transactions_committed_ = 0;
  std::uint64_t transactions_rolled_back_ = 0;
  std::uint64_t deliveries_dropped_ = 0;  // due when their topic was gone
  // Pending timer messages by (real topic, UNIQ_KEY): their DeliveryTimer ids.
  std::map<std::pair<std::string, std::string>, std::uint64_t> recallable_;
  std::optional<UniqueIdGenerator> uniq_ids_;  // 5.3: UNIQ_KEY for messages sent without one
};

}  // namespace mqsend
