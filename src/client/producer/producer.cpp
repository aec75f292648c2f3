#include "client/producer/producer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <future>

#include "client/producer/batch_codec.hpp"
#include "client/producer/broker_registration.hpp"
#include "client/producer/compression.hpp"
#include "client/producer/message_id.hpp"
#include "client/producer/name_space.hpp"
#include "client/producer/properties.hpp"
#include "client/producer/send_request.hpp"
#include "client/producer/validators.hpp"
#include "client/remoting/codes.hpp"
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

// The budget an attempt may use: an equal share of what remains, all of it for the last one.
Milliseconds attempt_budget(Milliseconds remaining, int attempts_left) {
  return attempts_left <= 1 ? remaining : remaining / attempts_left;
}

bool is_transport_error(int code) {
  return code == error_code::kConnectBrokerException || code == error_code::kAccessBrokerTimeout ||
         code == error_code::kSendRequestFailed || code == error_code::kConnectionClosed ||
         code == error_code::kProtocolError;
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

}  // namespace

// A message (or a batch) ready for the wire: validated, ids assigned, compressed or
// batch-encoded, properties encoded.
struct PreparedMessage {
  std::string topic;
  std::string uniq_key;  // a batch: the members' keys joined by ','
  SendRequestPayload payload;
  bool batch = false;
};

// One message's send loop state, shared by the attempts of an async send.
struct SendState {
  PreparedMessage message;
  TopicPublishInfoPtr route;
  SteadyClock::time_point start;
  Milliseconds budget;
  std::vector<std::string> brokers_tried;
  std::optional<Error> last_error;
  Producer::Callback callback;
  int attempts_left = 1;
  bool oneway = false;
  std::optional<MessageQueue> target;  // a fixed queue instead of the selection

  Milliseconds remaining() const { return budget - elapsed_since(start); }

  // Called once, when the send is over: the broker list moves into the outcome.
  SendOutcome outcome(Result<SendResult> result) {
    return SendOutcome{std::move(result), std::move(brokers_tried),
                       std::chrono::duration_cast<std::chrono::microseconds>(SteadyClock::now() - start),
                       oneway};
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

struct Producer::Impl {
  explicit Impl(const ProducerOptions& options)
      : options(options),
        remoting(std::make_unique<RemotingClient>(acl_request_hook(options.acl), options.tls)),
        name_servers(*remoting, options.name_servers),
        routes(name_servers, route_table_options(options)),
        strategy(options.fault),
        request_options{wrap_namespace(options.name_space, options.group), options.default_topic,
                        options.default_topic_queue_nums, true, options.serialize} {
    if (options.register_with_brokers) {
      registration = std::make_unique<BrokerRegistration>(
          *remoting, request_options.producer_group, make_client_id(),
          [this] { return masters_in_use(); }, options.heartbeat_interval,
          std::min(options.send_timeout, Milliseconds(1000)));
    }
  }

  ~Impl() {
    stopping = true;
    registration.reset();  // unregisters while the connections are still there
    remoting.reset();      // fails what is still pending while the rest of Impl is alive
  }

  // Masters of every cached topic's route, for the heartbeats.
  std::vector<std::string> masters_in_use() {
    std::vector<std::string> masters;
    for (const auto& topic : routes.cached_topics()) {
      auto info = routes.find(topic, std::min(options.send_timeout, Milliseconds(1000)));
      if (!info) continue;
      for (const auto& broker : (*info)->route().broker_datas) {
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

  std::optional<MessageQueue> select_queue(const SendState& state, const std::string& last_broker) {
    if (state.target) return state.target;
    return strategy.select(*state.route, last_broker);
  }

  void assign_ids(Message& message);
  void apply_namespace(Message& message) const;
  Result<PreparedMessage> prepare(Message& message);
  Result<PreparedMessage> prepare_batch(std::vector<Message>& messages);
  // The shared start of every send: budget, route; nullptr after `callback` got the failure.
  std::shared_ptr<SendState> start(Result<PreparedMessage> prepared, int attempts,
                                   bool oneway, Producer::Callback callback);
  void send_oneway(std::shared_ptr<SendState> state);
  Result<TopicPublishInfoPtr> find_route(const std::string& topic, Milliseconds timeout);
  std::optional<std::string> broker_address(const SendState& state, const std::string& broker);
  // The last attempt takes the payload instead of copying it: nothing needs it afterwards.
  RemotingCommand request_for(PreparedMessage& message, const MessageQueue& queue,
                              bool last_attempt) const;
  Result<SendResult> send_sync(SendState& state);
  void attempt_async(std::shared_ptr<SendState> state, const std::string& last_broker);
  void finish(const std::shared_ptr<SendState>& state, Result<SendResult> result);

  const ProducerOptions& options;
  std::unique_ptr<RemotingClient> remoting;
  NameServerClient name_servers;
  TopicRouteTable routes;
  FaultStrategy strategy;
  UniqueIdGenerator ids;
  SendRequestOptions request_options;
  std::atomic<std::size_t> in_flight{0};
  std::atomic<bool> stopping{false};
  std::unique_ptr<BrokerRegistration> registration;
  std::atomic<const TopicPublishInfo*> last_registered_route{nullptr};
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
  apply_namespace(message);
  if (Status invalid = check_message(message, options.max_message_size)) return *invalid;
  PreparedMessage prepared;
  prepared.topic = message.topic;
  assign_ids(message);
  prepared.uniq_key = std::string(message.property(property_key::kUniqKey));
  prepared.payload.flag = message.flag;
  if (message.body.size() >= options.compress_over &&
      zlib_compress(message.body, options.compress_level, prepared.payload.body)) {
    prepared.payload.sys_flag = sys_flag::kCompressedZlib;
  } else {
    prepared.payload.body = std::move(message.body);
  }
  encode_properties(message.properties, prepared.payload.properties);
  return prepared;
}

// Java applies the namespace to the topic and tags the message with INSTANCE_ID.
void Producer::Impl::apply_namespace(Message& message) const {
  if (options.name_space.empty()) return;
  message.topic = wrap_namespace(options.name_space, message.topic);
  message.set_property(property_key::kInstanceId, options.name_space);
}

// MessageBatch.generateFromList + encode: never compressed, the batch object's own
// properties are WAIT only (4.x).
Result<PreparedMessage> Producer::Impl::prepare_batch(std::vector<Message>& messages) {
  for (auto& message : messages) apply_namespace(message);
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
  if (!options.name_space.empty()) {
    append_property(property_key::kInstanceId, options.name_space, prepared.payload.properties);
  }
  append_property(property_key::kWait, messages.front().wait_store_msg_ok() ? "true" : "false",
                  prepared.payload.properties);
  return prepared;
}

Result<TopicPublishInfoPtr> Producer::Impl::find_route(const std::string& topic,
                                                       Milliseconds timeout) {
  auto route = routes.find(topic, timeout);
  if (route) return route;
  // Name servers that could not be reached: the run has no route either way.
  if (is_transport_error(route.error().code)) {
    return Error{error_code::kNoNameServerException, route.error().message};
  }
  return route;
}

std::optional<std::string> Producer::Impl::broker_address(const SendState& state,
                                                          const std::string& broker) {
  if (auto address = send_address(*state.route, broker)) return address;
  // The route may have moved on since it was cached (findBrokerAddressInPublish miss).
  auto refreshed = routes.refresh(state.message.topic, std::max(state.remaining(), Milliseconds(1)));
  if (refreshed) return send_address(**refreshed, broker);
  return std::nullopt;
}

// The born timestamp is taken per attempt, as sendKernelImpl does.
RemotingCommand Producer::Impl::request_for(PreparedMessage& message, const MessageQueue& queue,
                                            bool last_attempt) const {
  SendRequestPayload payload = last_attempt ? std::move(message.payload) : message.payload;
  if (message.batch) {
    return build_batch_request(std::move(payload.body), std::move(payload.properties), queue,
                               wall_clock_ms(), request_options);
  }
  payload.born_timestamp_ms = wall_clock_ms();
  return build_send_request(std::move(payload), queue, request_options);
}

Result<SendResult> Producer::Impl::send_sync(SendState& state) {
  std::string last_broker;
  std::optional<SendResult> stored_with_warning;
  while (state.attempts_left > 0) {
    const Milliseconds remaining = state.remaining();
    if (remaining.count() <= 0) {
      return state.exhausted(true);
    }
    auto queue = select_queue(state, last_broker);
    if (!queue) break;
    state.brokers_tried.push_back(queue->broker_name);
    last_broker = queue->broker_name;
    const Milliseconds budget = attempt_budget(remaining, state.attempts_left);
    --state.attempts_left;
    const auto attempt_start = SteadyClock::now();
    const auto address = broker_address(state, queue->broker_name);
    if (!address) {
      state.last_error = Error{error_code::kBrokerNotExistException,
                               "The broker[" + queue->broker_name + "] not exist"};
      continue;
    }
    auto request = request_for(state.message, *queue, state.attempts_left == 0);
    auto response = remoting->invoke_sync(*address, std::move(request), budget);
    const std::int64_t latency = elapsed_since(attempt_start).count();
    if (!response) {
      strategy.update(queue->broker_name, latency, true);
      if (is_transport_error(response.error().code)) routes.mark_stale(state.message.topic);
      state.last_error = response.error();
      continue;
    }
    auto sent = process_send_response(*response, state.message.uniq_key, *queue, *address);
    if (!sent) {
      strategy.update(queue->broker_name, latency, true);
      if (!is_retryable_response_code(sent.error().code)) {
        return sent.error();
      }
      state.last_error = sent.error();
      continue;
    }
    strategy.update(queue->broker_name, latency, false);
    if (sent->status == SendStatus::kSendOk || !options.retry_another_broker_when_not_store_ok) {
      return sent;
    }
    stored_with_warning = std::move(sent.value());
  }
  if (stored_with_warning) return std::move(*stored_with_warning);
  return state.exhausted(false);
}

void Producer::Impl::finish(const std::shared_ptr<SendState>& state, Result<SendResult> result) {
  in_flight.fetch_sub(1, std::memory_order_relaxed);
  // Results are shown without the namespace, as Java's SendResult.
  if (result && !options.name_space.empty()) {
    result->queue.topic = unwrap_namespace(options.name_space, result->queue.topic);
  }
  state->callback(state->outcome(std::move(result)));
}

void Producer::Impl::attempt_async(std::shared_ptr<SendState> state,
                                   const std::string& last_broker) {
  const Milliseconds remaining = state->remaining();
  if (remaining.count() <= 0 || stopping) {
    finish(state, state->exhausted(!stopping));
    return;
  }
  auto queue = select_queue(*state, last_broker);
  if (!queue) {
    finish(state, state->exhausted(false));
    return;
  }
  state->brokers_tried.push_back(queue->broker_name);
  const Milliseconds budget = attempt_budget(remaining, state->attempts_left);
  --state->attempts_left;
  const auto address = send_address(*state->route, queue->broker_name);
  if (!address) {
    state->last_error = Error{error_code::kBrokerNotExistException,
                              "The broker[" + queue->broker_name + "] not exist"};
    if (state->attempts_left > 0) {
      attempt_async(std::move(state), queue->broker_name);
    } else {
      finish(state, state->exhausted(false));
    }
    return;
  }
  auto request = request_for(state->message, *queue, state->attempts_left == 0);
  const auto attempt_start = SteadyClock::now();
  remoting->invoke_async(
      *address, std::move(request), budget,
      [this, state, queue = *queue, attempt_start, address = *address](
          Result<RemotingCommand> response) mutable {
        const std::int64_t latency = elapsed_since(attempt_start).count();
        if (response) {
          // Broker answers are final in async mode: only network failures are retried.
          auto sent = process_send_response(*response, state->message.uniq_key, queue, address);
          strategy.update(queue.broker_name, latency, !sent.ok());
          finish(state, std::move(sent));
          return;
        }
        strategy.update(queue.broker_name, latency, true);
        if (is_transport_error(response.error().code)) routes.mark_stale(state->message.topic);
        state->last_error = response.error();
        if (state->attempts_left > 0 && !stopping) {
          attempt_async(std::move(state), queue.broker_name);
        } else {
          finish(state, state->exhausted(false));
        }
      });
}

std::shared_ptr<SendState> Producer::Impl::start(Result<PreparedMessage> prepared, int attempts,
                                                 bool oneway, Producer::Callback callback) {
  auto state = std::make_shared<SendState>();
  state->start = SteadyClock::now();
  state->budget = options.send_timeout;
  state->attempts_left = attempts;
  state->oneway = oneway;
  state->callback = std::move(callback);
  in_flight.fetch_add(1, std::memory_order_relaxed);
  if (!prepared) {
    finish(state, prepared.error());
    return nullptr;
  }
  state->message = std::move(prepared.value());
  auto route = find_route(state->message.topic, state->remaining());
  if (!route) {
    finish(state, route.error());
    return nullptr;
  }
  state->route = std::move(route.value());
  if (options.queue_target) {
    state->target = MessageQueue{state->message.topic, options.queue_target->broker_name,
                                 options.queue_target->queue_id};
    state->attempts_left = 1;
  }
  // Only a route not seen before can bring new masters: keep the hot path free of it.
  if (registration && last_registered_route.exchange(state->route.get()) != state->route.get()) {
    registration->register_new_masters();
  }
  return state;
}

// One attempt, no response: the outcome says whether the frame was written.
void Producer::Impl::send_oneway(std::shared_ptr<SendState> state) {
  auto queue = select_queue(*state, "");
  if (!queue) return finish(state, state->exhausted(false));
  state->brokers_tried.push_back(queue->broker_name);
  const auto address = send_address(*state->route, queue->broker_name);
  if (!address) {
    return finish(state, Error{error_code::kBrokerNotExistException,
                               "The broker[" + queue->broker_name + "] not exist"});
  }
  auto request = request_for(state->message, *queue, true);
  remoting->invoke_oneway(
      *address, std::move(request), state->remaining(),
      [this, state, queue = *queue](Status failed) {
        strategy.update(queue.broker_name, elapsed_since(state->start).count(), failed.has_value());
        if (failed) {
          if (is_transport_error(failed->code)) routes.mark_stale(state->message.topic);
          return finish(state, *failed);
        }
        SendResult written;
        written.msg_id = state->message.uniq_key;
        written.queue = queue;
        written.queue_offset = -1;
        finish(state, std::move(written));
      });
}

Producer::Producer(ProducerOptions options)
    : options_(std::move(options)), impl_(std::make_unique<Impl>(options_)) {}

Producer::~Producer() = default;

std::size_t Producer::in_flight() const { return impl_->in_flight.load(); }

namespace {

// Runs an async-style send to completion on the calling thread.
SendOutcome wait_for(const std::function<void(Producer::Callback)>& send) {
  std::promise<SendOutcome> done;
  auto outcome = done.get_future();
  send([&done](SendOutcome result) { done.set_value(std::move(result)); });
  return outcome.get();
}

}  // namespace

SendOutcome Producer::send(Message message) {
  return wait_for([&](Callback callback) {
    auto state = impl_->start(impl_->prepare(message), 1 + options_.retries, false,
                              std::move(callback));
    if (state) impl_->finish(state, impl_->send_sync(*state));
  });
}

void Producer::send_async(Message message, Callback callback) {
  auto state = impl_->start(impl_->prepare(message), 1 + options_.async_retries, false,
                            std::move(callback));
  if (state) impl_->attempt_async(std::move(state), "");
}

void Producer::send_oneway(Message message, Callback callback) {
  auto state = impl_->start(impl_->prepare(message), 1, true, std::move(callback));
  if (state) impl_->send_oneway(std::move(state));
}

Result<TopicRouteData> Producer::topic_route(const std::string& topic) {
  return impl_->name_servers.get_route(wrap_namespace(options_.name_space, topic), options_.send_timeout);
}

SendOutcome Producer::send_to_queue(Message message, const MessageQueue& queue) {
  return wait_for([&](Callback callback) {
    auto state = impl_->start(impl_->prepare(message), 1, false, std::move(callback));
    if (!state) return;
    state->target = queue;
    state->target->topic = state->message.topic;
    impl_->finish(state, impl_->send_sync(*state));
  });
}

SendOutcome Producer::send_batch(std::vector<Message> messages) {
  return wait_for([&](Callback callback) {
    auto state = impl_->start(impl_->prepare_batch(messages), 1 + options_.retries, false,
                              std::move(callback));
    if (state) impl_->finish(state, impl_->send_sync(*state));
  });
}

void Producer::send_batch_async(std::vector<Message> messages, Callback callback) {
  auto state = impl_->start(impl_->prepare_batch(messages), 1 + options_.async_retries, false,
                            std::move(callback));
  if (state) impl_->attempt_async(std::move(state), "");
}

void Producer::send_batch_oneway(std::vector<Message> messages, Callback callback) {
  auto state = impl_->start(impl_->prepare_batch(messages), 1, true, std::move(callback));
  if (state) impl_->send_oneway(std::move(state));
}

}  // namespace mqsend
