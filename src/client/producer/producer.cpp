#include "client/producer/producer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>
#include <cstdlib>
#include <unordered_map>
#include <variant>

#include "client/producer/batch_codec.hpp"
#include "client/producer/broker_reachability.hpp"
#include "client/producer/broker_registration.hpp"
#include "client/producer/compression.hpp"
#include "client/producer/hash_queue_selector.hpp"
#include "client/producer/message_id.hpp"
#include "client/producer/name_space.hpp"
#include "client/producer/ordered_gate.hpp"
#include "client/producer/outcome_queue.hpp"
#include "client/producer/properties.hpp"
#include "client/producer/recall_handle.hpp"
#include "client/producer/send_request.hpp"
#include "client/producer/trace/trace_dispatcher.hpp"
#include "client/producer/validators.hpp"
#include "client/remoting/codes.hpp"
#include "client/remoting/repeating_timer.hpp"
#include "client/route/name_server_client.hpp"
#include "client/route/topic_route_table.hpp"

namespace mqsend {

namespace {

using SteadyClock = std::chrono::steady_clock;

Milliseconds elapsed_since(SteadyClock::time_point start) {
  return std::chrono::duration_cast<Milliseconds>(SteadyClock::now() - start);
}

std::int64_t wall_clock_ms() {
  return std::chrono::duration_cast<Milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

TopicRouteTable::Options route_table_options(const ProducerOptions& options) {
  TopicRouteTable::Options route_options;
  route_options.default_topic = options.default_topic;
  route_options.default_topic_queue_nums = options.default_topic_queue_nums;
  route_options.refresh_interval = options.route_refresh;
  return route_options;
}

std::string join(const std::vector<std::string>& items) {
  std::string joined;
  for (const auto& item : items) {
    if (!joined.empty()) joined += ", ";
    joined += item;
  }
  return joined;
}

// A route lookup that reached no name server has no route either way: NO_NAME_SERVER_EXCEPTION,
// for send and probe alike; a name server's own answer (TOPIC_NOT_EXIST, ...) stays.
Error route_lookup_error(Error error) {
  if (is_transport_error(error.code)) error.code = error_code::kNoNameServerException;
  return error;
}

Error broker_not_in_route(const std::string& broker) {
  return Error{error_code::kBrokerNotExistException, "The broker[" + broker + "] not exist"};
}

}  // namespace

// A message (or a batch) ready for the wire: validated, ids assigned, compressed or
// batch-encoded, properties encoded.
struct PreparedMessage {
  std::string topic;
  std::string uniq_key;  // a batch: the members' keys joined by ','
  SendRequestPayload payload;
  bool batch = false;
  bool timer = false;  // TIMER_DELIVER_MS / TIMER_DELAY_SEC / TIMER_DELAY_MS set (5.x timer message)
  // Traced (ProducerOptions::trace_topic): the record, completed by an attempt's SendResult.
  std::unique_ptr<PubTrace> trace;
};

// One send from start to outcome, shared by its route lookup and attempts.
struct SendState {
  PreparedMessage message;
  SendMode mode = SendMode::kSync;
  TopicPublishInfoPtr route;
  SteadyClock::time_point start;
  Milliseconds budget{0};
  int attempts_left = 1;
  std::vector<std::string> brokers_tried;
  std::string last_broker;
  std::optional<Error> last_error;
  std::optional<SendResult> stored_with_warning;  // retry_another_broker_when_not_store_ok
  std::optional<MessageQueue> target;             // a fixed queue instead of the selection
  bool route_refreshed = false;                   // for a broker missing from the route
  bool finished = false;                          // the outcome is out: later answers are ignored
  std::vector<std::string> unanswered;            // a broker per attempt still waiting for its outcome
  std::vector<std::string> connect_failed;        // brokers this send could not connect to
  std::optional<std::string> sharding_key;        // an ordered send (send_ordered)
  std::string ordered_queue;                      // its queue in the OrderedGate, once placed
  Producer::Callback callback;

  Milliseconds remaining() const { return budget - elapsed_since(start); }
  // An attempt starts on none of these: one waits for an answer there, or nothing can be sent.
  std::vector<std::string> excluded() const {
    std::vector<std::string> brokers = unanswered;
    brokers.insert(brokers.end(), connect_failed.begin(), connect_failed.end());
    return brokers;
  }
  void settle(const std::string& broker) {
    const auto it = std::find(unanswered.begin(), unanswered.end(), broker);
    if (it != unanswered.end()) unanswered.erase(it);
  }

  // Java's "Send [N] times, still failed" error, keeping the code of the last failure.
  Error exhausted(bool call_timeout) const {
    const Error cause = last_error.value_or(Error{error_code::kCallTimeout, "no attempt could start"});
    const int code = call_timeout ? error_code::kCallTimeout : cause.code;
    return Error{code, fmt::format("Send [{}] times, still failed, cost [{}]ms, Topic: {}, "
                                   "BrokersSent: [{}]: {}",
                                   brokers_tried.size(), elapsed_since(start).count(),
                                   message.topic, join(brokers_tried),
                                   call_timeout ? "call timeout" : cause.message)};
  }
};

using SendStatePtr = std::shared_ptr<SendState>;

struct ReadyOutcome {
  Producer::Callback callback;
  SendOutcome outcome;
  std::unique_ptr<PubTrace> trace;  // for the dispatcher, on the caller's thread
};

struct ReadyRequest {
  Producer::RequestCallback callback;
  RequestOutcome outcome;
};

// What the I/O thread leaves for the caller's thread: a send's outcome, a request's outcome,
// or a request a broker sent (answered from poll(), where user code may run).
using ReadyItem = std::variant<ReadyOutcome, ReadyRequest, ServerRequest>;

// A request() waiting for its reply, by CORRELATION_ID.
struct PendingReply {
  PendingReply(asio::io_context& io, Milliseconds timeout) : timer(io, timeout) {}
  Producer::RequestCallback callback;
  std::string correlation_id;
  std::string topic;
  Milliseconds timeout{0};
  SteadyClock::time_point start;
  std::optional<SendResult> sent;
  asio::steady_timer timer;  // I/O thread only
};

struct Producer::Impl {
  explicit Impl(const ProducerOptions& options)
      : options(options),
        remoting(std::make_unique<RemotingClient>(acl_request_hook(options.acl), options.tls)),
        name_servers(*remoting, options.name_servers),
        routes(name_servers, route_table_options(options)),
        strategy(options.fault),
        request_options{wrap_namespace(options.name_space, options.group), options.default_topic,
                        options.default_topic_queue_nums, true, options.serialize},
        route_refresh(remoting->io_context(), routes.retry_gap(),
                      [this] { routes.refresh_due(this->options.send_timeout); }) {
    if (options.trace_topic) tracer = std::make_unique<TraceDispatcher>(options, *options.trace_topic);
    if (options.register_with_brokers) {
      registration = std::make_unique<BrokerRegistration>(
          *remoting, request_options.producer_group, make_client_id(),
          [this] { return masters_in_use(); }, options.heartbeat_interval,
          std::min(options.send_timeout, Milliseconds(1000)));
    }
    route_refresh.start();
    auto to_caller = [this](ServerRequest request) { queue_item(std::move(request)); };
    remoting->serve(kCheckTransactionStateRequestCode, to_caller);
    remoting->serve(kPushReplyMessageRequestCode, to_caller);
  }

  // Masters of every cached topic's route, for the heartbeats.
  std::vector<std::string> masters_in_use() {
    std::vector<std::string> masters;
    for (const auto& topic : routes.cached_topics()) {
      auto info = routes.cached(topic);
      if (!info) continue;
      for (const auto& broker : info->route().broker_datas) {
        auto master = broker.broker_addrs.find(kMasterBrokerId);
        if (master == broker.broker_addrs.end()) continue;
        if (std::find(masters.begin(), masters.end(), master->second) == masters.end()) {
          masters.push_back(master->second);
        }
      }
    }
    return masters;
  }

  // The address a send goes to: the master, or its VIP port (port - 2) with --vip-channel.
  std::optional<std::string> send_address(const TopicPublishInfo& route, const std::string& broker) const {
    auto address = route.master_address(broker);
    if (!address || !options.vip_channel) return address;
    const auto colon = address->rfind(':');
    if (colon == std::string::npos) return address;
    const int port = std::atoi(address->c_str() + colon + 1);
    return address->substr(0, colon + 1) + std::to_string(port - 2);
  }

  // The brokers an attempt of `state` avoids: its exclusions, plus the brokers whose connect
  // failed lately (`with_unreachable`).
  std::vector<std::string> avoided(const SendState& state, bool with_unreachable) const {
    std::vector<std::string> brokers = state.excluded();
    if (with_unreachable) reachability.append_skipped(FaultStrategy::steady_now_ms(), brokers);
    return brokers;
  }

  // A broker lately unreachable is still tried when no other one is left; a fixed queue only
  // while nothing excludes its broker (a refused connect would otherwise be retried there).
  std::optional<MessageQueue> select_queue(const SendState& state) {
    if (state.target) {
      if (is_excluded(state.excluded(), state.target->broker_name)) return std::nullopt;
      return state.target;
    }
    if (auto queue = strategy.select(*state.route, state.last_broker, avoided(state, true))) return queue;
    return strategy.select(*state.route, state.last_broker, state.excluded());
  }

  // Whether two brokers can take the next attempts: then an attempt that stalls leaves room for
  // one elsewhere (retry_policy.hpp); with one, it gets all that remains.
  bool another_broker(const SendState& state) const {
    if (state.target || state.attempts_left <= 1) return false;
    const std::vector<std::string> brokers = avoided(state, true);
    if (brokers.empty()) return state.route->broker_count() > 1;  // the common case, kept cheap
    const std::string* first = nullptr;
    for (const auto& queue : state.route->queues()) {
      if (is_excluded(brokers, queue.broker_name)) continue;
      if (first == nullptr) first = &queue.broker_name;
      else if (queue.broker_name != *first) return true;
    }
    return false;
  }

  void assign_ids(Message& message);
  // SendMessageTraceHookImpl.sendMessageBefore: none for the trace topic's own messages.
  std::unique_ptr<PubTrace> trace_before(const Message& message, std::size_t body_length) const;
  // sendMessageAfter, for an attempt answered with `result`.
  void trace_after(PubTrace& trace, const SendResult& result, const std::string& address,
                   SteadyClock::time_point attempt_start) const;
  Result<PreparedMessage> prepare(Message& message);
  Result<PreparedMessage> prepare_batch(std::vector<Message>& messages);
  // The start of every send: validation, budget, then the route lookup.
  void start(SendMode mode, Result<PreparedMessage> prepared, int attempts,
             std::optional<MessageQueue> target, Producer::Callback callback,
             std::optional<std::string> sharding_key = std::nullopt,
             std::optional<Milliseconds> budget = std::nullopt);
  void on_route(const SendStatePtr& state, Result<TopicPublishInfoPtr> route);
  // An ordered send: its queue by hash, then its turn on that queue.
  void place_ordered(const SendStatePtr& state);
  void start_ordered_turn(const SendStatePtr& state);
  // The ordered send `state` is over: the next one on its queue gets its turn.
  void end_ordered_turn(const SendState& state, bool failed);
  // Starts an attempt with `budget` as its share; the error says why none could start.
  Status attempt(const SendStatePtr& state, Milliseconds budget);
  // attempt(), or, when none can start and no attempt waits for an answer, the send's end.
  void next_attempt(const SendStatePtr& state, Milliseconds budget);
  void dispatch(const SendStatePtr& state, const MessageQueue& queue, const std::string& address,
                Milliseconds budget);
  void on_response(const SendStatePtr& state, const MessageQueue& queue, const std::string& address,
                   SteadyClock::time_point attempt_start, Result<RemotingCommand> response);
  void on_overdue(const SendStatePtr& state, const MessageQueue& queue,
                  SteadyClock::time_point attempt_start);
  void on_written(const SendStatePtr& state, const MessageQueue& queue,
                  SteadyClock::time_point attempt_start, const Status& failed);
  // After an attempt on `broker` failed with `error` (not overdue: ended).
  void on_transport_outcome(const SendStatePtr& state, const std::string& broker, std::int64_t latency,
                            const Error& error);
  void on_failure(const SendStatePtr& state, Error error);
  void finish_failed(const SendStatePtr& state, Error error);
  // Copies the payload, even for the last attempt: a connection that closes between the
  // lookup and the write makes the remoting client dial anew, and a refused connect sends the
  // message elsewhere, after any "last" attempt (a moved-from payload went out empty).
  RemotingCommand request_for(const PreparedMessage& message, const MessageQueue& queue) const;
  void finish(const SendStatePtr& state, Result<SendResult> result);
  // Any thread: leaves `item` for poll(), waking the caller once per I/O event.
  void queue_item(ReadyItem item);
  std::size_t poll(Milliseconds timeout);
  // poll(), for a request a broker sent.
  void serve(const ServerRequest& request);
  void check_transaction(const ServerRequest& request);
  void deliver_reply(const ServerRequest& request);
  // The waiting request of `correlation_id`, taken out of the table; null when none waits.
  std::shared_ptr<PendingReply> take_pending_reply(const std::string& correlation_id);
  void on_request_sent(const std::string& correlation_id, SendOutcome sent);
  // The caller's thread: reports a request's outcome.
  void report_request(const std::shared_ptr<PendingReply>& pending, RequestOutcome outcome);
  // The I/O thread: the request's time is up (or the producer closes) with no reply.
  void expire_request(const std::string& correlation_id, Error error);
  void expire_all_requests();

  const ProducerOptions& options;
  std::unique_ptr<RemotingClient> remoting;  // first member: destroyed last
  NameServerClient name_servers;
  TopicRouteTable routes;
  FaultStrategy strategy;
  BrokerReachability reachability;
  UniqueIdGenerator ids;
  SendRequestOptions request_options;
  RepeatingTimer route_refresh;
  std::unique_ptr<BrokerRegistration> registration;
  std::unique_ptr<TraceDispatcher> tracer;
  std::atomic<const TopicPublishInfo*> last_registered_route{nullptr};
  OrderedGate<SendStatePtr> ordered;
  OutcomeQueue<ReadyItem> outcomes;
  std::vector<ReadyItem> taken;  // poll()'s batch, kept for its capacity (a callback may poll)
  Producer::TransactionChecker transaction_checker;  // set before the first send
  std::mutex replies_mutex;
  std::unordered_map<std::string, std::shared_ptr<PendingReply>> replies;  // by CORRELATION_ID
  std::atomic<std::size_t> unreported{0};
  std::atomic<bool> wake_posted{false};
  std::atomic<bool> closing{false};
  bool closed = false;
};

// Set once per message, kept across retries (MessageClientIDSetter); WAIT as Java's
// Message constructor sets it.
void Producer::Impl::assign_ids(Message& message) {
  if (message.property(property_key::kUniqKey).empty()) {
    message.set_property(property_key::kUniqKey, ids.next());
  }
  if (message.property(property_key::kWait).empty()) message.set_wait_store_msg_ok(true);
}

Result<PreparedMessage> Producer::Impl::prepare(Message& message) {
  if (Status invalid = check_send(options, message)) return *invalid;
  PreparedMessage prepared;
  prepared.topic = message.topic;
  assign_ids(message);
  prepared.uniq_key = std::string(message.property(property_key::kUniqKey));
  prepared.timer = message.is_timer();
  prepared.payload.flag = message.flag;
  if (message.body.size() >= options.compress_over &&
      compress_body(options.compress_type, options.compress_level, message.body, prepared.payload.body)) {
    prepared.payload.sys_flag = compressed_sys_flag(options.compress_type);
  } else {
    prepared.payload.body = std::move(message.body);
  }
  // sendKernelImpl: a half message says so in its sysFlag.
  if (message.property(property_key::kTransactionPrepared) == "true") {
    prepared.payload.sys_flag |= sys_flag::kTransactionPrepared;
  }
  if (tracer) prepared.trace = trace_before(message, prepared.payload.body.size());
  encode_properties(message.properties, prepared.payload.properties);
  return prepared;
}

// The body length is the body as sent: sendKernelImpl runs the hook after compressing.
std::unique_ptr<PubTrace> Producer::Impl::trace_before(const Message& message, std::size_t body_length) const {
  const std::string topic = unwrap_namespace(options.name_space, message.topic);
  if (topic.rfind(tracer->topic(), 0) == 0) return nullptr;
  auto trace = std::make_unique<PubTrace>(pub_trace_before(message));
  trace->topic = topic;
  trace->group = options.group;
  trace->body_length = body_length;
  return trace;
}

void Producer::Impl::trace_after(PubTrace& trace, const SendResult& result, const std::string& address,
                                 SteadyClock::time_point attempt_start) const {
  const auto cost = elapsed_since(attempt_start).count();
  trace.timestamp_ms = wall_clock_ms() - cost;
  trace.cost_time_ms = cost;
  trace.store_host = address;
  trace.region_id = result.region_id;
  trace.msg_id = result.msg_id;
  trace.offset_msg_id = result.offset_msg_id;
  trace.success = result.status == SendStatus::kSendOk;
}

namespace {

// Java applies the namespace to the topic and tags the message with INSTANCE_ID.
void apply_namespace(const ProducerOptions& options, Message& message) {
  if (options.name_space.empty()) return;
  message.topic = wrap_namespace(options.name_space, message.topic);
  message.set_property(property_key::kInstanceId, options.name_space);
}

}  // namespace

Status check_send(const ProducerOptions& options, Message& message) {
  apply_namespace(options, message);
  return check_message(message, options.max_message_size);
}

// MessageBatch.generateFromList + encode: never compressed, the batch object's own
// properties are WAIT only (4.x).
Result<PreparedMessage> Producer::Impl::prepare_batch(std::vector<Message>& messages) {
  for (auto& message : messages) apply_namespace(options, message);
  if (Status invalid = check_batch(messages, options.max_message_size)) return *invalid;
  PreparedMessage prepared;
  prepared.batch = true;
  prepared.topic = messages.front().topic;
  for (auto& message : messages) {
    assign_ids(message);
    if (!prepared.uniq_key.empty()) prepared.uniq_key += ',';
    prepared.uniq_key += message.property(property_key::kUniqKey);
  }
  auto body = encode_batch(messages);
  if (!body) return body.error();
  if (body->size() > options.max_message_size) {
    return Error{error_code::kMessageIllegal,
                 fmt::format("the batch body size {} is over max value, MAX: {}", body->size(),
                             options.max_message_size)};
  }
  prepared.payload.body = std::move(body.value());
  // A MessageBatch has no tags and no keys of its own.
  if (tracer) {
    Message batch;
    batch.topic = prepared.topic;
    prepared.trace = trace_before(batch, prepared.payload.body.size());
  }
  if (!options.name_space.empty()) {
    append_property(property_key::kInstanceId, options.name_space, prepared.payload.properties);
  }
  append_property(property_key::kWait, messages.front().wait_store_msg_ok() ? "true" : "false",
                  prepared.payload.properties);
  return prepared;
}

// The born timestamp is taken per attempt, as sendKernelImpl does.
RemotingCommand Producer::Impl::request_for(const PreparedMessage& message,
                                            const MessageQueue& queue) const {
  SendRequestPayload payload = message.payload;
  if (message.batch) {
    return build_batch_request(std::move(payload.body), std::move(payload.properties), queue,
                               wall_clock_ms(), request_options);
  }
  payload.born_timestamp_ms = wall_clock_ms();
  return build_send_request(std::move(payload), queue, request_options);
}

void Producer::Impl::start(SendMode mode, Result<PreparedMessage> prepared, int attempts,
                           std::optional<MessageQueue> target, Producer::Callback callback,
                           std::optional<std::string> sharding_key, std::optional<Milliseconds> budget) {
  auto state = std::make_shared<SendState>();
  state->start = SteadyClock::now();
  state->mode = mode;
  state->budget = budget.value_or(options.send_timeout);
  state->attempts_left = attempts;
  state->callback = std::move(callback);
  state->sharding_key = std::move(sharding_key);
  unreported.fetch_add(1, std::memory_order_relaxed);
  if (closing) return finish(state, Error{error_code::kShutdown, "the producer is closed"});
  if (!prepared) return finish(state, prepared.error());
  state->message = std::move(prepared.value());
  if (target) {
    state->target = std::move(target);
  } else if (options.queue_target && !state->sharding_key) {
    state->target = MessageQueue{state->message.topic, options.queue_target->broker_name,
                                 options.queue_target->queue_id};
    state->attempts_left = 1;
  }
  if (state->target) state->target->topic = state->message.topic;
  const std::string topic = state->message.topic;
  routes.find_async(topic, options.send_timeout, [this, state](Result<TopicPublishInfoPtr> route) {
    // Ordered sends take their queue places on the I/O thread, in the order they started: one
    // that finds the route cached, on the caller's thread, must not overtake earlier ones the
    // route query is about to hand it to (the query's waiters run there, in order).
    if (state->sharding_key && !remoting->io_context().get_executor().running_in_this_thread()) {
      asio::post(remoting->io_context(),
                 [this, state, route = std::move(route)]() mutable { on_route(state, std::move(route)); });
      return;
    }
    on_route(state, std::move(route));
  });
}

void Producer::Impl::on_route(const SendStatePtr& state, Result<TopicPublishInfoPtr> route) {
  if (!route) return finish(state, route_lookup_error(route.error()));
  state->route = std::move(route.value());
  // Only a route not seen before can bring new masters: keep the hot path free of it.
  if (registration && last_registered_route.exchange(state->route.get()) != state->route.get()) {
    registration->register_new_masters();
  }
  if (state->sharding_key) return place_ordered(state);
  next_attempt(state, attempt_budget(state->remaining(), state->attempts_left, another_broker(*state)));
}

// SelectMessageQueueByHash over the route's queue list; one attempt there, never another
// queue (sendSelectImpl), so a connect refused fails the send too.
void Producer::Impl::place_ordered(const SendStatePtr& state) {
  const auto& queues = state->route->queues();
  if (queues.empty()) {
    return finish(state, Error{error_code::kNotFoundTopicException,
                               "No route info for this topic, " + state->message.topic});
  }
  state->target = queues[queue_index_for_key(*state->sharding_key, queues.size())];
  state->ordered_queue = state->target->topic + '\n' + state->target->broker_name + '\n' +
                         std::to_string(state->target->queue_id);
  if (ordered.enter(state->ordered_queue, state)) start_ordered_turn(state);
}

void Producer::Impl::start_ordered_turn(const SendStatePtr& state) {
  if (ordered.stopped(*state->sharding_key)) {
    return finish(state, Error{error_code::kOrderKeyStopped,
                               "not sent: an earlier message of sharding key '" + *state->sharding_key +
                                   "' failed, and sending this one would break the key's order"});
  }
  next_attempt(state, state->remaining());
}

void Producer::Impl::end_ordered_turn(const SendState& state, bool failed) {
  if (failed) ordered.stop_key(*state.sharding_key);
  auto next = ordered.leave(state.ordered_queue);
  if (!next) return;
  if (closing) return finish(*next, Error{error_code::kShutdown, "the producer closed before the send"});
  // On the I/O thread, after this outcome: a run of sends that end at once (a stopped key)
  // must not nest one finish inside another.
  asio::post(remoting->io_context(), [this, next = std::move(*next)] { start_ordered_turn(next); });
}

Status Producer::Impl::attempt(const SendStatePtr& state, Milliseconds budget) {
  if (closing) return Error{error_code::kShutdown, "the producer closed before the send"};
  if (state->remaining().count() <= 0) return state->exhausted(true);
  auto queue = select_queue(*state);
  if (!queue) return state->exhausted(false);
  state->brokers_tried.push_back(queue->broker_name);
  state->last_broker = queue->broker_name;
  state->unanswered.push_back(queue->broker_name);  // before the request: its answer may come at once
  --state->attempts_left;
  if (auto address = send_address(*state->route, queue->broker_name)) {
    dispatch(state, *queue, *address, budget);
    return std::nullopt;
  }
  if (state->route_refreshed) {
    state->settle(queue->broker_name);
    on_failure(state, broker_not_in_route(queue->broker_name));
    return std::nullopt;
  }
  // The route may have moved on since it was cached (findBrokerAddressInPublish miss).
  state->route_refreshed = true;
  routes.refresh_async(state->message.topic, budget,
                       [this, state, queue = *queue, budget](Result<TopicPublishInfoPtr> refreshed) {
                         if (refreshed) state->route = std::move(refreshed.value());
                         auto address = send_address(*state->route, queue.broker_name);
                         if (!address) {
                           state->settle(queue.broker_name);
                           return on_failure(state, broker_not_in_route(queue.broker_name));
                         }
                         const Milliseconds left = std::min(budget, state->remaining());
                         dispatch(state, queue, *address, std::max(left, Milliseconds(1)));
                       });
  return std::nullopt;
}

void Producer::Impl::next_attempt(const SendStatePtr& state, Milliseconds budget) {
  Status not_started = attempt(state, budget);
  // An attempt still waiting may be answered until the budget ends: its outcome decides.
  if (!not_started || !state->unanswered.empty()) return;
  finish_failed(state, std::move(*not_started));
}

// Each attempt's request waits until the whole budget ends, as Java's sendDefaultImpl gives
// every attempt `timeout - costTime` (DefaultMQProducerImpl, 4.9.8); `budget` (the attempt's
// share) only says when the send stops waiting for it alone and tries another broker
// (on_overdue), so a late SEND_OK still counts. Its connection retires then, as after a
// timeout, and keeps reading until this request is answered or expires.
void Producer::Impl::dispatch(const SendStatePtr& state, const MessageQueue& queue,
                              const std::string& address, Milliseconds budget) {
  auto request = request_for(state->message, queue);
  const auto attempt_start = SteadyClock::now();
  const Milliseconds until_deadline = std::max(state->remaining(), Milliseconds(1));
  if (state->mode == SendMode::kOneway) {
    remoting->invoke_oneway(address, std::move(request), until_deadline,
                            [this, state, queue, attempt_start](Status failed) {
                              on_written(state, queue, attempt_start, failed);
                            });
    return;
  }
  remoting->invoke_async(
      address, std::move(request), until_deadline,
      [this, state, queue, address, attempt_start](Result<RemotingCommand> response) {
        on_response(state, queue, address, attempt_start, std::move(response));
      },
      budget, [this, state, queue, attempt_start] { on_overdue(state, queue, attempt_start); });
}

void Producer::Impl::on_response(const SendStatePtr& state, const MessageQueue& queue,
                                 const std::string& address, SteadyClock::time_point attempt_start,
                                 Result<RemotingCommand> response) {
  // The fault strategy measures the attempt only, never the route lookup.
  const std::int64_t latency = elapsed_since(attempt_start).count();
  state->settle(queue.broker_name);
  if (!response) return on_transport_outcome(state, queue.broker_name, latency, response.error());
  reachability.reachable(queue.broker_name);
  auto sent = process_send_response(*response, state->message.uniq_key, queue, address);
  strategy.update(queue.broker_name, latency, !sent.ok());
  if (state->finished) return;
  if (!sent) return on_failure(state, sent.error());
  // Java's hook skips a broker that answers TRACE_ON false.
  if (state->message.trace && sent->trace_on) trace_after(*state->message.trace, *sent, address, attempt_start);
  sent->timer_ignored = state->message.timer && sent->broker_version < kFirstVersion5;
  const bool stored_ok = sent->status == SendStatus::kSendOk;
  if (stored_ok || state->mode != SendMode::kSync || !options.retry_another_broker_when_not_store_ok ||
      state->attempts_left == 0 || state->remaining().count() <= 0) {
    return finish(state, std::move(sent));
  }
  state->stored_with_warning = std::move(sent.value());
  next_attempt(state, attempt_budget(state->remaining(), state->attempts_left, another_broker(*state)));
}

// No answer within the attempt's share: learn from it as from a timeout, and try another
// broker while this request may still be answered.
void Producer::Impl::on_overdue(const SendStatePtr& state, const MessageQueue& queue,
                                SteadyClock::time_point attempt_start) {
  strategy.update(queue.broker_name, elapsed_since(attempt_start).count(), true);
  if (state->finished || closing) return;
  routes.mark_stale(state->message.topic, options.send_timeout / 2);
  const RetryStep step = next_step(state->mode, ErrorClass::kTransport, state->attempts_left,
                                   state->remaining(), another_broker(*state));
  if (step.action == RetryStep::Action::kRetry) next_attempt(state, step.budget);
}

void Producer::Impl::on_written(const SendStatePtr& state, const MessageQueue& queue,
                                SteadyClock::time_point attempt_start, const Status& failed) {
  const std::int64_t latency = elapsed_since(attempt_start).count();
  state->settle(queue.broker_name);
  if (failed) return on_transport_outcome(state, queue.broker_name, latency, *failed);
  reachability.reachable(queue.broker_name);
  strategy.update(queue.broker_name, latency, false);
  SendResult written;
  written.msg_id = state->message.uniq_key;
  written.queue = queue;
  written.queue_offset = -1;
  finish(state, std::move(written));
}

void Producer::Impl::on_transport_outcome(const SendStatePtr& state, const std::string& broker,
                                          std::int64_t latency, const Error& error) {
  strategy.update(broker, latency, true);
  if (is_transport_error(error.code)) routes.mark_stale(state->message.topic, options.send_timeout / 2);
  if (error_class(error.code) == ErrorClass::kConnect) {
    reachability.connect_failed(broker, FaultStrategy::steady_now_ms());
    state->connect_failed.push_back(broker);
  } else {
    reachability.reachable(broker);  // connected, then failed: not a connect problem
  }
  if (state->finished) return;
  on_failure(state, error);
}

void Producer::Impl::on_failure(const SendStatePtr& state, Error error) {
  const ErrorClass failure = error_class(error.code);
  state->last_error = std::move(error);
  if (closing) return finish(state, *state->last_error);
  if (!uses_attempt(failure)) ++state->attempts_left;  // nothing was sent
  const RetryStep step = next_step(state->mode, failure, state->attempts_left, state->remaining(),
                                   another_broker(*state));
  if (step.action == RetryStep::Action::kRetry) return next_attempt(state, step.budget);
  if (!state->unanswered.empty()) return;  // an earlier attempt may still answer
  if (step.action == RetryStep::Action::kFinishTimeout) {
    // CALL_TIMEOUT: the budget ran out between attempts; one that waited it out says so itself.
    const bool waited_out = state->last_error->code == error_code::kAccessBrokerTimeout;
    return finish_failed(state, state->exhausted(!waited_out));
  }
  // A final answer is returned as it is (Java rethrows it), as is an ordered send's only
  // attempt (sendSelectImpl); spent retries say so.
  if (!is_retryable(state->mode, failure) || state->sharding_key) {
    return finish_failed(state, *state->last_error);
  }
  finish_failed(state, state->exhausted(false));
}

void Producer::Impl::finish_failed(const SendStatePtr& state, Error error) {
  if (state->stored_with_warning) return finish(state, std::move(*state->stored_with_warning));
  finish(state, std::move(error));
}

void Producer::Impl::finish(const SendStatePtr& state, Result<SendResult> result) {
  if (state->finished) return;  // exactly one outcome per send, whichever attempt ends it
  state->finished = true;
  if (!state->ordered_queue.empty()) end_ordered_turn(*state, !result);
  // Results are shown without the namespace, as Java's SendResult.
  if (result && !options.name_space.empty()) {
    result->queue.topic = unwrap_namespace(options.name_space, result->queue.topic);
  }
  SendOutcome outcome{std::move(result), std::move(state->brokers_tried),
                      std::chrono::duration_cast<std::chrono::microseconds>(SteadyClock::now() - state->start),
                      state->mode == SendMode::kOneway};
  std::unique_ptr<PubTrace> trace;
  if (outcome.result && state->message.trace && !state->message.trace->store_host.empty()) {
    trace = std::move(state->message.trace);
  }
  queue_item(ReadyOutcome{std::move(state->callback), std::move(outcome), std::move(trace)});
}

void Producer::Impl::queue_item(ReadyItem item) {
  outcomes.push(std::move(item));
  // One wake per I/O event: posted, it runs after the I/O thread's current event and every
  // outcome that event completes (see outcome_queue.hpp). Once the I/O loop has stopped
  // (close()), nothing waits for a wake: close() and poll() take what is queued.
  if (!wake_posted.exchange(true)) {
    asio::post(remoting->io_context(), [this] {
      wake_posted = false;
      outcomes.wake();
    });
  }
}

std::size_t Producer::Impl::poll(Milliseconds timeout) {
  std::vector<ReadyItem> batch;
  batch.swap(taken);
  outcomes.take(timeout, batch);
  const std::size_t count = batch.size();
  for (auto& item : batch) {
    if (auto* ready = std::get_if<ReadyOutcome>(&item)) {
      if (ready->trace) tracer->append(*ready->trace);
      if (ready->callback) ready->callback(std::move(ready->outcome));
    } else if (auto* request = std::get_if<ReadyRequest>(&item)) {
      if (request->callback) request->callback(std::move(request->outcome));
    } else {
      serve(std::get<ServerRequest>(item));
      continue;  // no send of the caller's
    }
    // The slot frees only once reported: a slow reporter slows the sender down.
    unreported.fetch_sub(1, std::memory_order_relaxed);
  }
  batch.clear();
  taken.swap(batch);
  if (tracer) tracer->poll();
  return count;
}

void Producer::Impl::serve(const ServerRequest& request) {
  if (request.command.code == kCheckTransactionStateRequestCode) return check_transaction(request);
  deliver_reply(request);
}

// ClientRemotingProcessor.checkTransactionState + DefaultMQProducerImpl.checkTransactionState:
// the checker's state goes back oneway to the broker that asked; a check that does not decode,
// or reaches a producer without a checker, is dropped as Java drops it.
void Producer::Impl::check_transaction(const ServerRequest& request) {
  if (!transaction_checker || closing) return;
  auto check = parse_transaction_check(request.command);
  if (!check) return;
  if (!options.name_space.empty()) {
    check->message.topic = unwrap_namespace(options.name_space, check->message.topic);
  }
  const TransactionState state = transaction_checker(*check);
  const EndTransactionHeader header =
      end_transaction_for_check(*check, request_options.producer_group, state);
  remoting->invoke_oneway(request.address, build_end_transaction_request(header, options.serialize),
                          Milliseconds(3000), [](Status) {});  // Java's fixed 3000 ms, unobserved
}

// ClientRemotingProcessor.receiveReplyMessage: SUCCESS once the reply is taken, whether or not
// a request waits for it (a late reply is logged and dropped).
void Producer::Impl::deliver_reply(const ServerRequest& request) {
  auto reply = parse_reply_push(request.command, wall_clock_ms());
  remoting->answer(request, reply ? RemotingCommand::response_to(request.command, response_code::kSuccess)
                                  : RemotingCommand::response_to(request.command, response_code::kSystemError,
                                                                 "process reply message fail"));
  if (!reply) return;
  auto pending = take_pending_reply(reply->correlation_id());
  if (!pending) return;
  RequestOutcome outcome{std::move(reply.value()), pending->sent, {}, {}};
  report_request(pending, std::move(outcome));
}

std::shared_ptr<PendingReply> Producer::Impl::take_pending_reply(const std::string& correlation_id) {
  std::lock_guard<std::mutex> lock(replies_mutex);
  const auto it = replies.find(correlation_id);
  if (it == replies.end()) return nullptr;
  auto pending = std::move(it->second);
  replies.erase(it);
  return pending;
}

void Producer::Impl::on_request_sent(const std::string& correlation_id, SendOutcome sent) {
  if (sent.result) {
    std::lock_guard<std::mutex> lock(replies_mutex);
    const auto it = replies.find(correlation_id);
    if (it != replies.end()) it->second->sent = std::move(sent.result.value());
    return;
  }
  auto pending = take_pending_reply(correlation_id);
  if (!pending) return;  // the reply came first
  report_request(pending, RequestOutcome{std::move(sent.result.error()), std::nullopt, {}, {}});
}

void Producer::Impl::report_request(const std::shared_ptr<PendingReply>& pending, RequestOutcome outcome) {
  // The timer is the I/O thread's; cancelled there, its handler finds no entry and stops.
  asio::post(remoting->io_context(), [pending] { pending->timer.cancel(); });
  outcome.correlation_id = pending->correlation_id;
  outcome.latency = std::chrono::duration_cast<std::chrono::microseconds>(SteadyClock::now() - pending->start);
  if (pending->callback) pending->callback(std::move(outcome));
  unreported.fetch_sub(1, std::memory_order_relaxed);
}

void Producer::Impl::expire_all_requests() {
  std::vector<std::string> waiting;
  {
    std::lock_guard<std::mutex> lock(replies_mutex);
    for (const auto& entry : replies) waiting.push_back(entry.first);
  }
  for (const auto& correlation_id : waiting) {
    expire_request(correlation_id, Error{error_code::kShutdown, "the producer closed before the reply"});
  }
}

void Producer::Impl::expire_request(const std::string& correlation_id, Error error) {
  auto pending = take_pending_reply(correlation_id);
  if (!pending) return;
  RequestOutcome outcome{std::move(error), pending->sent, pending->correlation_id,
                         std::chrono::duration_cast<std::chrono::microseconds>(SteadyClock::now() - pending->start)};
  pending->timer.cancel();
  queue_item(ReadyRequest{std::move(pending->callback), std::move(outcome)});
}

Producer::Producer(ProducerOptions options)
    : options_(std::move(options)), impl_(std::make_unique<Impl>(options_)) {}

Producer::~Producer() { close(); }

// retryTimesWhenSendFailed for sync, retryTimesWhenSendAsyncFailed for async, one for oneway.
int Producer::attempts(SendMode mode) const {
  switch (mode) {
    case SendMode::kSync: return 1 + options_.retries;
    case SendMode::kAsync: return 1 + options_.async_retries;
    case SendMode::kOneway: return 1;
  }
  return 1;
}

void Producer::send(SendMode mode, Message message, Callback on_outcome) {
  impl_->start(mode, impl_->prepare(message), attempts(mode), std::nullopt, std::move(on_outcome));
}

void Producer::send_batch(SendMode mode, std::vector<Message> messages, Callback on_outcome) {
  impl_->start(mode, impl_->prepare_batch(messages), attempts(mode), std::nullopt, std::move(on_outcome));
}

void Producer::send_ordered(SendMode mode, Message message, std::string sharding_key,
                            Callback on_outcome) {
  impl_->start(mode, impl_->prepare(message), 1, std::nullopt, std::move(on_outcome),
               std::move(sharding_key));
}

void Producer::send_to_queue(Message message, const MessageQueue& queue, Callback on_outcome) {
  impl_->start(SendMode::kSync, impl_->prepare(message), 1, queue, std::move(on_outcome));
}

void Producer::send_half(SendMode mode, Message message, Callback on_outcome) {
  message.properties.erase(std::string(property_key::kDelay));
  message.set_property(property_key::kTransactionPrepared, "true");
  message.set_property(property_key::kProducerGroup, impl_->request_options.producer_group);
  send(mode, std::move(message), std::move(on_outcome));
}

void Producer::end_transaction(const SendResult& half, TransactionState state, Callback on_outcome,
                               std::optional<std::string> remark) {
  impl_->unreported.fetch_add(1, std::memory_order_relaxed);
  const auto started = SteadyClock::now();
  auto report = [impl = impl_.get(), half, started, on_outcome = std::move(on_outcome)](Status failed) mutable {
    SendOutcome outcome{failed ? Result<SendResult>(std::move(*failed)) : Result<SendResult>(half),
                        {half.queue.broker_name},
                        std::chrono::duration_cast<std::chrono::microseconds>(SteadyClock::now() - started),
                        true};
    impl->queue_item(ReadyOutcome{std::move(on_outcome), std::move(outcome), nullptr});
  };
  // DefaultMQProducerImpl.endTransaction: the commit-log offset from the offsetMsgId (the
  // msgId when there is none), the master from the cached route.
  const auto commit_log_offset =
      commit_log_offset_of(half.offset_msg_id.empty() ? half.msg_id : half.offset_msg_id);
  const auto route = impl_->routes.cached(wrap_namespace(options_.name_space, half.queue.topic));
  const auto address = route ? impl_->send_address(*route, half.queue.broker_name) : std::nullopt;
  if (!commit_log_offset || !address || impl_->closing) {
    Error error = impl_->closing ? Error{error_code::kShutdown, "the producer is closed"}
                  : !address    ? broker_not_in_route(half.queue.broker_name)
                                : Error{error_code::kInvalidArgument, "the half message has no offsetMsgId: " + half.offset_msg_id};
    report(std::move(error));  // queued at once: once closing, the I/O thread may have stopped
    return;
  }
  EndTransactionHeader header;
  header.producer_group = impl_->request_options.producer_group;
  header.tran_state_table_offset = half.queue_offset;
  header.commit_log_offset = *commit_log_offset;
  header.state = state;
  header.msg_id = half.msg_id;
  if (!half.transaction_id.empty()) header.transaction_id = half.transaction_id;
  impl_->remoting->invoke_oneway(*address, build_end_transaction_request(header, options_.serialize, std::move(remark)),
                                 options_.send_timeout, std::move(report));
}

void Producer::serve_transaction_checks(TransactionChecker checker) {
  impl_->transaction_checker = std::move(checker);
}

void Producer::request(Message message, Milliseconds timeout, RequestCallback on_outcome) {
  auto pending = std::make_shared<PendingReply>(impl_->remoting->io_context(), timeout);
  pending->callback = std::move(on_outcome);
  pending->correlation_id = make_correlation_id();
  pending->topic = message.topic;
  pending->timeout = timeout;
  pending->start = SteadyClock::now();
  impl_->unreported.fetch_add(1, std::memory_order_relaxed);
  if (!impl_->registration || impl_->closing) {
    Error refused = impl_->closing ? Error{error_code::kShutdown, "the producer is closed"}
                                   : Error{error_code::kInvalidArgument, "request() needs register_with_brokers"};
    impl_->queue_item(ReadyRequest{std::move(pending->callback),
                                   RequestOutcome{std::move(refused), std::nullopt, pending->correlation_id, {}}});
    return;
  }
  message.set_property(property_key::kCorrelationId, pending->correlation_id);
  message.set_property(property_key::kReplyToClient, impl_->registration->client_id());
  message.set_property(property_key::kTtl, std::to_string(timeout.count()));
  {
    std::lock_guard<std::mutex> lock(impl_->replies_mutex);
    impl_->replies.emplace(pending->correlation_id, pending);
  }
  // Armed on the I/O thread, which owns the timer.
  asio::post(impl_->remoting->io_context(), [impl = impl_.get(), pending] {
    pending->timer.async_wait([impl, pending](const asio::error_code& error) {
      if (error) return;  // cancelled: answered, failed or closed
      impl->expire_request(pending->correlation_id,
                           Error{error_code::kRequestTimeoutException,
                                 fmt::format("send request message to <{}> OK, but wait reply message timeout, {} ms.",
                                             pending->topic, pending->timeout.count())});
    });
  });
  // DefaultMQProducerImpl.request: an async send within the request's own timeout.
  impl_->start(SendMode::kAsync, impl_->prepare(message), attempts(SendMode::kAsync), std::nullopt,
               [impl = impl_.get(), correlation_id = pending->correlation_id](SendOutcome sent) {
                 impl->on_request_sent(correlation_id, std::move(sent));
               },
               std::nullopt, timeout);
}

std::size_t Producer::poll(Milliseconds timeout) { return impl_->poll(timeout); }

bool Producer::make_room(Milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    if (impl_->unreported.load() < options_.max_in_flight) return true;
    const auto left = std::chrono::duration_cast<Milliseconds>(deadline - Clock::now());
    impl_->poll(std::max(left, Milliseconds(0)));
    if (left.count() <= 0) return impl_->unreported.load() < options_.max_in_flight;
  }
}

bool Producer::flush(Clock::time_point deadline) {
  while (impl_->unreported.load() > 0) {
    const auto left = std::chrono::duration_cast<Milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return false;
    impl_->poll(left);
  }
  return !impl_->tracer || impl_->tracer->flush(deadline);
}

void Producer::close() {
  if (!impl_->closed) {
    impl_->closed = true;
    impl_->closing = true;
    impl_->route_refresh.stop();
    if (impl_->registration) impl_->registration->stop();  // while the connections are there
    // Requests waiting for replies fail now: their timers would hold the I/O thread up.
    asio::post(impl_->remoting->io_context(), [impl = impl_.get()] { impl->expire_all_requests(); });
    // Every send still in flight fails with SHUTDOWN on the I/O thread, which then ends:
    // from here on every outcome is in the queue.
    impl_->remoting->shutdown();
    // Ordered sends still waiting for their turn never reached the I/O thread.
    for (auto& waiting : impl_->ordered.take_waiting()) {
      impl_->finish(waiting, Error{error_code::kShutdown, "the producer closed before the send"});
    }
  }
  while (impl_->unreported.load() > 0 && impl_->poll(Milliseconds(0)) > 0) {
  }
  // After the last callbacks: their records go into the final trace batch.
  if (impl_->tracer) impl_->tracer->close();
}

std::size_t Producer::unreported() const { return impl_->unreported.load(); }

TraceStats Producer::trace_stats() const { return impl_->tracer ? impl_->tracer->stats() : TraceStats{}; }

int Producer::outcome_fd() const { return impl_->outcomes.fd(); }

Result<std::string> Producer::recall(const std::string& topic, const std::string& recall_handle) {
  auto handle = decode_recall_handle(recall_handle);
  if (!handle) return handle.error();
  auto route = topic_route(topic);
  if (!route) return route.error();
  std::optional<std::string> address;
  for (const BrokerData& broker : route->broker_datas) {
    auto master = broker.broker_addrs.find(kMasterBrokerId);
    if (broker.broker_name == handle->broker_name && master != broker.broker_addrs.end()) address = master->second;
  }
  if (!address) return Error{error_code::kBrokerNotExistException, "The broker service is not available"};
  RemotingCommand request;
  request.code = request_code::kRecallMessage;
  request.serialize_type = options_.serialize;
  request.ext_fields = {{"producerGroup", wrap_namespace(options_.name_space, options_.group)},
                        {"topic", wrap_namespace(options_.name_space, topic)},
                        {"recallHandle", recall_handle},
                        {"bname", handle->broker_name}};
  auto response = impl_->remoting->invoke_sync(*address, std::move(request), options_.send_timeout);
  if (!response) return response.error();
  if (response->code != response_code::kSuccess) {
    return Error{response->code, fmt::format("CODE: {}  DESC: {} BROKER: {}", response->code,
                                             response->remark.value_or("null"), *address)};
  }
  const std::string* msg_id = response->field("msgId");
  return msg_id ? *msg_id : std::string();
}

Result<TopicRouteData> Producer::topic_route(const std::string& topic) {
  auto route = impl_->name_servers.get_route(wrap_namespace(options_.name_space, topic), options_.send_timeout);
  if (!route) return route_lookup_error(route.error());
  return route;
}

}  // namespace mqsend
