#include "client/producer/trace/trace_dispatcher.hpp"

#include <atomic>

namespace mqsend {

namespace {

// AsyncTraceDispatcher's constants (4.9.8).
constexpr std::size_t kTraceMaxMessageSize = 128000;
constexpr std::size_t kTraceBatchMargin = 10 * 1000;  // TraceDataSegment: maxMessageSize - 10 * 1000
constexpr std::chrono::milliseconds kWaitTimeThreshold{500};
constexpr Milliseconds kTraceSendTimeout{5000};
// Java's flush() waits 500 ms before the trace producer shuts down; a little more here, as the
// answers are waited for to count the failures.
constexpr std::chrono::milliseconds kCloseWait{1000};

// genGroupNameForTrace: TraceConstants.GROUP_NAME_PREFIX + "-" + group + "-" + type + "-" +
// COUNTER.incrementAndGet(), the counter being process-wide.
std::string trace_group(const std::string& host_group) {
  static std::atomic<int> counter{0};
  return "_INNER_TRACE_PRODUCER-" + host_group + "-PRODUCE-" + std::to_string(++counter);
}

// getAndCreateTraceProducer: the host's name servers and RPC hook (ACL), no namespace, no VIP
// channel.
ProducerOptions trace_producer_options(const ProducerOptions& host) {
  ProducerOptions options;
  options.name_servers = host.name_servers;
  options.group = trace_group(host.group);
  options.send_timeout = kTraceSendTimeout;
  options.max_message_size = kTraceMaxMessageSize;
  options.serialize = host.serialize;
  options.acl = host.acl;
  options.tls = host.tls;
  options.register_with_brokers = host.register_with_brokers;
  options.heartbeat_interval = host.heartbeat_interval;
  return options;
}

}  // namespace

TraceDispatcher::TraceDispatcher(const ProducerOptions& host, std::string trace_topic)
    : topic_(std::move(trace_topic)),
      batch_limit_(kTraceMaxMessageSize - kTraceBatchMargin),
      producer_(std::make_unique<Producer>(trace_producer_options(host))) {}

void TraceDispatcher::append(const PubTrace& trace) {
  if (batch_.empty()) first_added_ = Clock::now();
  batch_.add(trace);
  ++batch_records_;
  ++stats_.records;
  if (batch_.body_size() >= batch_limit_) send_batch();
}

void TraceDispatcher::poll() {
  if (!batch_.empty() && Clock::now() - first_added_ >= kWaitTimeThreshold) send_batch();
  producer_->poll(Milliseconds(0));
}

// sendTraceDataByMQ: the records as the body, the key set as KEYS, no tags; an async send.
// A full window of unanswered trace sends drops the batch (the dispatcher never waits).
void TraceDispatcher::send_batch() {
  if (batch_.empty()) return;
  const std::uint64_t records = batch_records_;
  batch_records_ = 0;
  if (!producer_->make_room(Milliseconds(0))) {
    stats_.records_dropped += records;
    batch_.clear();
    return;
  }
  Message message;
  message.topic = topic_;
  message.body = batch_.body();
  message.set_keys(batch_.keys());
  batch_.clear();
  producer_->send(SendMode::kAsync, std::move(message), [this](SendOutcome outcome) {
    if (outcome.result) {
      ++stats_.messages_sent;
      return;
    }
    if (stats_.messages_failed++ == 0) stats_.first_error = outcome.result.error().message;
  });
}

bool TraceDispatcher::flush(Clock::time_point deadline) {
  send_batch();
  return producer_->flush(deadline);
}

void TraceDispatcher::close() {
  flush(Clock::now() + kCloseWait);
  producer_->close();
}

}  // namespace mqsend
