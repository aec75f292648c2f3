#pragma once
// The producer: DefaultMQProducer's send path (sendDefaultImpl) for sync, async and oneway
// sends, on top of the route table, the fault strategy and the remoting client.
//
// Timeout rule (whole-send budget, apache/rocketmq #4720 / #8990): `send_timeout` covers the
// route lookup and every attempt. No attempt starts once the budget is spent. An attempt that
// is not the last gets at most an equal share of what remains (remaining / attempts left), so
// a black-holed first broker cannot eat the whole budget; the last attempt gets all that remains.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "client/common/error.hpp"
#include "client/producer/fault_strategy.hpp"
#include "client/producer/message.hpp"
#include "client/producer/send_result.hpp"
#include "client/remoting/acl_signer.hpp"
#include "client/remoting/remoting_client.hpp"
#include "client/remoting/tls_options.hpp"
#include "client/route/topic_route_data.hpp"

namespace mqsend {

// Send every message to this queue (Java send(msg, mq)): one attempt, no broker change.
struct QueueTarget {
  std::string broker_name;
  int queue_id = 0;
};

struct ProducerOptions {
  std::vector<std::string> name_servers;
  std::string group = "mqsend_producer";
  Milliseconds send_timeout{3000};
  int retries = 2;        // retryTimesWhenSendFailed: sync sends make 1 + retries attempts
  int async_retries = 2;  // retryTimesWhenSendAsyncFailed: network failures of async sends
  bool retry_another_broker_when_not_store_ok = false;
  std::size_t max_message_size = 4 * 1024 * 1024;
  std::size_t compress_over = 4096;
  int compress_level = 5;
  SerializeType serialize = SerializeType::kJson;
  std::string default_topic = "TBW102";
  int default_topic_queue_nums = 4;
  Milliseconds route_refresh{30000};  // pollNameServerInterval; also re-read after broker failures
  FaultStrategyOptions fault;
  std::string name_space;            // topics and group become "ns%name" (Java namespace)
  bool vip_channel = false;          // send to the broker's VIP port (port - 2)
  bool register_with_brokers = false;  // HEART_BEAT at first use and every interval, UNREGISTER_CLIENT at exit
  Milliseconds heartbeat_interval{30000};
  std::optional<QueueTarget> queue_target;
  std::optional<AclCredentials> acl;  // sign every request (name server and brokers)
  TlsOptions tls;                     // TLS to name servers and brokers
};

// The outcome of one message: a SendResult or an error, plus what it cost.
struct SendOutcome {
  Result<SendResult> result;
  std::vector<std::string> brokers_tried;
  std::chrono::microseconds latency{0};  // from the send call to the outcome
  bool oneway = false;  // a oneway result only says the frame was written
};

class Producer {
 public:
  using Callback = std::function<void(SendOutcome)>;

  explicit Producer(ProducerOptions options);
  ~Producer();  // waits for nothing: pending async sends fail with kShutdown
  Producer(const Producer&) = delete;
  Producer& operator=(const Producer&) = delete;

  const ProducerOptions& options() const { return options_; }

  // Sync: up to 1 + retries attempts, each on another broker when possible.
  SendOutcome send(Message message);
  // Async: one attempt plus up to async_retries retries on network failures.
  // `callback` runs once, on the I/O thread, or inline when the message fails before sending.
  // The route lookup (cached after the first) runs on the calling thread.
  void send_async(Message message, Callback callback);
  // Oneway: one attempt; the outcome says whether the frame was written (no SendResult fields
  // beyond the queue and the message id).
  void send_oneway(Message message, Callback callback);

  // Batches (SEND_BATCH_MESSAGE): members share a topic, have no delay level, get their own
  // UNIQ_KEY; the body is never compressed. The SendResult is the batch's: msg_id and
  // offset_msg_id are comma-separated lists in member order, queue_offset the first member's.
  SendOutcome send_batch(std::vector<Message> messages);
  void send_batch_async(std::vector<Message> messages, Callback callback);
  void send_batch_oneway(std::vector<Message> messages, Callback callback);

  // The topic's own route, fresh from the name servers (namespace applied): no cache and no
  // TBW102 fallback, for checking a topic rather than sending to it.
  Result<TopicRouteData> topic_route(const std::string& topic);
  // Sync send to one given queue: a single attempt, as Java's send(msg, mq).
  SendOutcome send_to_queue(Message message, const MessageQueue& queue);

  // Requests still in flight (async and oneway).
  std::size_t in_flight() const;

 private:
  struct Impl;
  ProducerOptions options_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mqsend
