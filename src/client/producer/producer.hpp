#pragma once
// The producer: DefaultMQProducer's send path (sendDefaultImpl) for sync, async and oneway
// sends, on top of the route table, the fault strategy and the remoting client.
//
// Threads (librdkafka's rule: internal threads never run user code):
// - the remoting I/O thread runs every route lookup, attempt, retry decision
//   (retry_policy.hpp), deadline and timer (heartbeats, route refresh), and pushes each send's
//   outcome onto the outcome queue; nothing there blocks;
// - the caller's thread starts sends (send() never blocks on the network) and runs their
//   callbacks in poll() / make_room() / flush() / close(). A send counts against
//   max_in_flight from send() until its callback has run, so a caller that reports slowly
//   slows its own input down instead of stalling the socket reader.
//
// Timeout rule (whole-send budget, apache/rocketmq #4720 / #8990): `send_timeout` covers the
// route lookup and every attempt (retry_policy.hpp).
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
#include "client/producer/compression.hpp"
#include "client/producer/fault_strategy.hpp"
#include "client/producer/message.hpp"
#include "client/producer/reply_message.hpp"
#include "client/producer/retry_policy.hpp"
#include "client/producer/send_result.hpp"
#include "client/producer/transaction_request.hpp"
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

// The Java DefaultMQProducer defaults; the CLI takes its defaults from here.
struct ProducerOptions {
  std::vector<std::string> name_servers;
  std::string group = "mqsend_producer";
  Milliseconds send_timeout{3000};
  int retries = 2;        // retryTimesWhenSendFailed: sync sends make 1 + retries attempts
  int async_retries = 2;  // retryTimesWhenSendAsyncFailed
  bool retry_another_broker_when_not_store_ok = false;
  std::size_t max_message_size = 4 * 1024 * 1024;
  std::size_t compress_over = 4096;
  int compress_level = 5;  // compressLevel: zlib 0..9, zstd its levels; LZ4 has none
  CompressionType compress_type = CompressionType::kZlib;  // compressType (5.x); zlib any broker reads
  SerializeType serialize = SerializeType::kJson;
  std::string default_topic = "TBW102";
  int default_topic_queue_nums = 4;
  Milliseconds route_refresh{30000};  // pollNameServerInterval; also re-read after broker failures
  FaultStrategyOptions fault;
  std::string name_space;            // topics and group become "ns%name" (Java namespace)
  bool vip_channel = false;          // send to the broker's VIP port (port - 2)
  bool register_with_brokers = false;  // HEART_BEAT at first use and every interval, UNREGISTER_CLIENT at close
  Milliseconds heartbeat_interval{30000};
  std::optional<QueueTarget> queue_target;
  std::optional<AclCredentials> acl;  // sign every request (name server and brokers)
  TlsOptions tls;                     // TLS to name servers and brokers
  std::size_t max_in_flight = 1024;   // sends started and not yet reported (the window)
  // Java's enableMsgTrace: a Pub trace record per send answered with a SendResult goes to this
  // topic (trace/trace_dispatcher.hpp); none when unset.
  std::optional<std::string> trace_topic;
};

// What the trace dispatcher did (ProducerOptions::trace_topic).
struct TraceStats {
  std::uint64_t records = 0;          // trace records taken
  std::uint64_t records_dropped = 0;  // in batches dropped: too many trace sends unanswered
  std::uint64_t messages_sent = 0;    // trace messages stored
  std::uint64_t messages_failed = 0;
  std::string first_error;            // of the first failed trace message
};

// The outcome of one message: a SendResult or an error, plus what it cost.
struct SendOutcome {
  Result<SendResult> result;
  std::vector<std::string> brokers_tried;
  std::chrono::microseconds latency{0};  // from the send call to the outcome
  bool oneway = false;  // a oneway result only says the frame was written
};

// What every send checks before it reaches the network, as send() runs it: the namespace
// applied to `message` (topic NS%TOPIC, INSTANCE_ID), then check_message against
// max_message_size. --dry-run asks it without a producer; nullopt: the message would go out.
Status check_send(const ProducerOptions& options, Message& message);

// The outcome of one request (request()): the reply, or why there is none.
struct RequestOutcome {
  Result<ReplyMessage> reply;
  std::optional<SendResult> sent;  // the request message's own send, when it was stored
  std::string correlation_id;
  std::chrono::microseconds latency{0};  // from the request call to the reply (or the failure)
};

class Producer {
 public:
  // Runs once per send, on the thread that calls poll(), make_room(), flush() or close(),
  // outside every producer lock. It may start new sends.
  using Callback = std::function<void(SendOutcome)>;
  using Clock = std::chrono::steady_clock;
  // Runs in poll() (the caller's thread) for each CHECK_TRANSACTION_STATE a broker sends; the
  // state it returns goes back as END_TRANSACTION with fromTransactionCheck.
  using TransactionChecker = std::function<TransactionState(const TransactionCheck&)>;
  using RequestCallback = std::function<void(RequestOutcome)>;

  explicit Producer(ProducerOptions options);
  ~Producer();  // close()
  Producer(const Producer&) = delete;
  Producer& operator=(const Producer&) = delete;

  // Starts a send; never waits for the network (the route lookup runs on the I/O thread).
  // Sync: 1 + retries attempts, each on another broker when possible; async: 1 + async_retries;
  // oneway: one attempt, the outcome says whether the frame was written (no SendResult
  // fields beyond the queue and the message id).
  void send(SendMode mode, Message message, Callback on_outcome);
  // Batches (SEND_BATCH_MESSAGE): members share a topic, have no delay level, get their own
  // UNIQ_KEY; the body is never compressed. The SendResult is the batch's: msg_id and
  // offset_msg_id are comma-separated lists in member order, queue_offset the first member's.
  void send_batch(SendMode mode, std::vector<Message> messages, Callback on_outcome);
  // Java's send(msg, SelectMessageQueueByHash, key) (hash_queue_selector.hpp): every message of
  // a key goes to one queue, in one attempt, never to another queue. Per queue, one ordered
  // send is in flight at a time, in the order started (ordered_gate.hpp); once a send of the
  // key fails, its later ones fail unsent with ORDER_KEY_STOPPED.
  void send_ordered(SendMode mode, Message message, std::string sharding_key, Callback on_outcome);
  // TransactionMQProducer.sendMessageInTransaction, its first half: `message` goes as a half
  // message (TRAN_MSG=true, PGROUP, sysFlag TRANSACTION_PREPARED_TYPE; a delay level is
  // cleared, as Java clears it), with the usual attempts of `mode` (sync or async).
  void send_half(SendMode mode, Message message, Callback on_outcome);
  // endTransaction: END_TRANSACTION, oneway, to the master of the broker that stored `half`,
  // with `state`. The outcome (poll()) says whether the frame was written; its result is
  // `half`. `remark`: why the local transaction failed, if it did.
  void end_transaction(const SendResult& half, TransactionState state, Callback on_outcome,
                       std::optional<std::string> remark = std::nullopt);
  // Before the first send. Without a checker a check is dropped, as Java drops it when the
  // producer has no TransactionListener.
  void serve_transaction_checks(TransactionChecker checker);

  // DefaultMQProducer.request: sends `message` with CORRELATION_ID, REPLY_TO_CLIENT (this
  // client's id) and TTL, and waits (on the I/O thread) for the broker to push the reply;
  // `timeout` covers the send and the wait. The outcome is REQUEST_TIMEOUT_EXCEPTION when no
  // reply came in time. Needs register_with_brokers (the broker finds the requester by its
  // heartbeat).
  void request(Message message, Milliseconds timeout, RequestCallback on_outcome);

  // Java's send(msg, mq): one sync attempt to this queue.
  void send_to_queue(Message message, const MessageQueue& queue, Callback on_outcome);

  // Runs the callbacks of the outcomes that are ready, waiting up to `timeout` for the first;
  // returns how many ran. poll(), make_room(), flush() and close(): one thread at a time.
  std::size_t poll(Milliseconds timeout);
  // Polls until fewer than max_in_flight sends are unreported or `timeout` passed; true when
  // there is room for another send.
  bool make_room(Milliseconds timeout);
  // Polls until every send is reported or `deadline` passed; true when none is left.
  bool flush(Clock::time_point deadline);
  // Stops: unregisters from the brokers, fails what is still in flight with SHUTDOWN, and
  // runs every callback left, on the calling thread. Sends started afterwards fail with
  // SHUTDOWN (reported by the next poll). Idempotent.
  void close();

  // Sends started and not yet reported.
  std::size_t unreported() const;
  // Zero when tracing is off. Final once close() returned.
  TraceStats trace_stats() const;
  // A file descriptor that is readable while outcomes wait for poll(), for callers that
  // wait on other descriptors too (input).
  int outcome_fd() const;

  // Java 5.3's recallMessage(topic, handle): RECALL_MESSAGE to the broker the handle names; the
  // recalled message's id (its UNIQ_KEY), or the broker's refusal as an Error. Waits on the caller.
  Result<std::string> recall(const std::string& topic, const std::string& recall_handle);

  // The topic's own route, fresh from the name servers (namespace applied): no cache and no
  // TBW102 fallback, for checking a topic rather than sending to it. Waits on the caller.
  Result<TopicRouteData> topic_route(const std::string& topic);

 private:
  int attempts(SendMode mode) const;

  struct Impl;
  ProducerOptions options_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mqsend
