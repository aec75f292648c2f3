#include "cli/send_run.hpp"

#include <unistd.h>

#include <algorithm>
#include <memory>
#include <optional>

#include "cli/batch_packer.hpp"
#include "cli/diagnostics.hpp"
#include "cli/dry_run.hpp"
#include "cli/event_pump.hpp"
#include "cli/exit_codes.hpp"
#include "cli/failed_output.hpp"
#include "cli/input/delimiter.hpp"
#include "cli/input/rate_limiter.hpp"
#include "cli/input/timer_time.hpp"
#include "cli/interrupt.hpp"
#include "cli/producer_settings.hpp"
#include "cli/reporter.hpp"
#include "cli/resource_usage.hpp"
#include "cli/send_input.hpp"
#include "cli/sharding.hpp"
#include "cli/transaction_run.hpp"
#include "client/producer/message_id.hpp"
#include "client/producer/producer_pool.hpp"
#include "client/producer/trace/trace_record.hpp"

namespace mqsend::cli {

namespace {

// Output lines reach a pipe within this long even when messages trickle in.
constexpr double kOutputFlushSeconds = 0.1;

// Send units allowed unreported: one for sync; for batches the window counts messages, so
// --inflight bounds memory the same way with and without --batch.
// With --producers N each producer gets its share of --inflight (sync: one send each, as N
// threads calling the Java producer's send).
std::size_t in_flight_units(const CliOptions& options) {
  if (options.mode == SendMode::kSync) return 1;
  const std::size_t window = (options.inflight + options.producers - 1) / options.producers;
  if (options.batch > 1) return std::max<std::size_t>(1, window / options.batch);
  return window;
}

// The common settings plus what only `send` has.
ProducerOptions send_producer_options(const CliOptions& options, ProducerOptions producer) {
  producer.retries = options.retries;
  producer.async_retries = options.async_retries;
  producer.retry_another_broker_when_not_store_ok = options.retry_another_broker_when_not_store_ok;
  producer.max_message_size = options.max_size;
  producer.compress_over = options.compress_over;
  producer.compress_type = parse_compression_type(options.compress).value_or(CompressionType::kZlib);
  producer.compress_level = options.compress_level.value_or(kProducerDefaults.compress_level);
  producer.route_refresh = Milliseconds(options.route_refresh_ms);
  producer.fault.enabled = options.latency_fault;
  producer.fault.latency_max = options.fault_latency_max;
  producer.fault.not_available_duration = options.fault_not_available;
  producer.max_in_flight = in_flight_units(options);
  if (!options.target_broker.empty()) {
    producer.queue_target = QueueTarget{options.target_broker, options.target_queue_id};
  }
  // Streams register with the brokers (heartbeats); a one-shot send must not wait on it.
  const bool one_shot = !options.repeat && options.count == 0 && bodies_from_flags(options);
  // A transactional producer stays registered: the brokers check back through its connections.
  producer.register_with_brokers = !one_shot || options.transaction.enabled();
  if (options.trace || !options.trace_topic.empty()) {
    producer.trace_topic = options.trace_topic.empty() ? std::string(kDefaultTraceTopic) : options.trace_topic;
  }
  return producer;
}

// Trace sends never fail a record: what was lost is told once, at the end.
void warn_trace_failures(const TraceStats& trace) {
  if (trace.messages_failed > 0) {
    tell("mqsend: warning: {} of {} trace messages failed (the traced records were sent): {}",
         trace.messages_failed, trace.messages_failed + trace.messages_sent, trace.first_error);
  }
  if (trace.records_dropped > 0) {
    tell("mqsend: warning: {} trace records dropped: too many trace messages unanswered", trace.records_dropped);
  }
}

// The interrupted run's in-flight sends get at most this long (or their --timeout, if
// shorter) before they fail: a first ^C or a service stop ends the run promptly, a second
// ends it at once.
constexpr auto kInterruptGrace = std::chrono::seconds(3);

Error interrupted_before_sending() { return Error{error_code::kShutdown, "interrupted before sending"}; }

// What --failed-output needs to know of the input: its framing, and which file it is.
FailedOutputOptions failed_output_options(const CliOptions& options, const std::string& delimiter) {
  FailedOutputOptions failed;
  failed.path = options.failed_output;
  failed.append = options.failed_output_append;
  const bool bodies = bodies_from_flags(options);
  failed.json_lines = bodies;
  failed.delimiter = delimiter.empty() ? "\n" : delimiter;
  auto add_input = [&failed](std::optional<FileIdentity> input) {
    if (input) failed.inputs.push_back(*input);  // none: a pipe or terminal, never replaced
  };
  if (!options.file.empty()) add_input(identity_of(options.file));
  if (!bodies && options.input_files.empty()) add_input(identity_of(STDIN_FILENO));
  for (const std::string& path : options.input_files) {
    add_input(path == "-" ? identity_of(STDIN_FILENO) : identity_of(path));
  }
  return failed;
}

// Hands records to the producer, one by one or packed into batches; each outcome comes back
// through the producer's queue on this thread and is reported per record.
class RecordSender {
 public:
  RecordSender(const CliOptions& options, ProducerPool& producers, Reporter& reporter, EventPump& pump,
               TransactionRecords* transactions)
      : mode_(options.mode),
        producers_(producers),
        reporter_(reporter),
        pump_(pump),
        transactions_(transactions),
        packer_(options.batch > 1 ? std::make_unique<BatchPacker>(options.batch, options.batch_bytes,
                                                                  Milliseconds(options.batch_linger_ms))
                                  : nullptr) {}

  // False when the wait for room in the window ended first: the records not handed to the
  // producer are then reported failed.
  bool submit(PendingRecord record, Message message, std::optional<std::string> sharding_key) {
    // A batch cannot carry a delay (Validators.checkMessage for MessageBatch) nor keep a key's
    // order: such a record goes alone, the others keep batching.
    if (!packer_ || message.delay_level() > 0 || message.is_timer() || sharding_key) {
      return send_one(std::move(record), std::move(message), std::move(sharding_key));
    }
    auto batch = packer_->add(std::move(record), std::move(message));
    return !batch || send_batch(std::move(*batch));
  }

  // Distinct sharding keys of the ordered sends so far.
  std::size_t sharding_keys() const { return keys_.count(); }

  // When the partial batch has waited its --batch-linger; nullopt without one.
  std::optional<EventPump::Clock::time_point> linger_due() const {
    return packer_ ? packer_->due() : std::nullopt;
  }

  // Sends the partial batch (its linger is over, the input ended or was interrupted); false
  // when it had to be failed instead.
  bool send_pending() {
    auto batch = packer_ ? packer_->take() : std::nullopt;
    return !batch || send_batch(std::move(*batch));
  }

 private:
  bool send_one(PendingRecord record, Message message, std::optional<std::string> sharding_key) {
    const std::size_t target = producers_.pick(sharding_key);
    if (!pump_.wait_for_room(target)) {
      fail_unsent({record});
      return false;
    }
    if (transactions_ != nullptr) {
      transactions_->send(mode_, std::move(record), std::move(message));
      pump_.tick();
      return true;
    }
    auto report = [this, record = std::move(record)](SendOutcome outcome) {
      reporter_.report(record.index, outcome, record.raw);
    };
    Producer& producer = producers_.at(target);
    if (sharding_key) {
      keys_.add(*sharding_key);
      producer.send_ordered(mode_, std::move(message), std::move(*sharding_key), std::move(report));
    } else {
      producer.send(mode_, std::move(message), std::move(report));
    }
    pump_.tick();
    return true;
  }

  bool send_batch(Batch batch) {
    const std::size_t target = producers_.pick(std::nullopt);
    if (!pump_.wait_for_room(target)) {
      fail_unsent(batch.records);
      return false;
    }
    producers_.at(target).send_batch(mode_, std::move(batch.messages),
                         [this, records = std::move(batch.records)](SendOutcome outcome) {
                           const auto outcomes = split_batch_outcome(outcome, records.size());
                           for (std::size_t i = 0; i < records.size(); ++i) {
                             reporter_.report(records[i].index, outcomes[i], records[i].raw);
                           }
                         });
    pump_.tick();
    return true;
  }

  void fail_unsent(const std::vector<PendingRecord>& records) {
    for (const auto& record : records) {
      reporter_.report_failure(record.index, interrupted_before_sending(), record.raw);
    }
  }

  const SendMode mode_;
  ProducerPool& producers_;
  Reporter& reporter_;
  EventPump& pump_;
  TransactionRecords* const transactions_;  // null unless a transactional send
  std::unique_ptr<BatchPacker> packer_;
  KeyCounter keys_;
};

// Waits of the read loop that also send a partial batch when its linger is over.
class LingeringWaits {
 public:
  LingeringWaits(EventPump& pump, RecordSender& sender) : pump_(pump), sender_(sender) {}

  // For the input source: false ends the input (an interrupt).
  bool wait_readable(int fd) {
    for (;;) {
      switch (pump_.wait_readable(fd, sender_.linger_due())) {
        case EventPump::InputWait::kReadable:
          return true;
        case EventPump::InputWait::kInterrupted:
          return false;
        case EventPump::InputWait::kDue:
          if (!sender_.send_pending()) return false;
          break;
      }
    }
  }

  // For the rate limiter.
  void wait_for(EventPump::Clock::duration duration) {
    const auto end = EventPump::Clock::now() + duration;
    while (!interrupt_requested()) {
      const auto due = sender_.linger_due();
      if (!due || *due >= end) break;
      pump_.pump_for(*due - EventPump::Clock::now());
      if (!sender_.send_pending()) return;
    }
    pump_.pump_for(end - EventPump::Clock::now());
  }

 private:
  EventPump& pump_;
  RecordSender& sender_;
};

}  // namespace

int run_send(const CliOptions& options) {
  if (options.fault_latency_max.size() != options.fault_not_available.size()) {
    return usage_error("--fault-latency-max and --fault-not-available need the same number of values");
  }
  const CompressionType compression = parse_compression_type(options.compress).value_or(CompressionType::kZlib);
  if (options.compress_level && !compress_level_valid(compression, *options.compress_level)) {
    return usage_error(compression == CompressionType::kLz4
                           ? std::string("--compress-level: lz4 takes no level (RocketMQ's Lz4Compressor ignores it)")
                           : fmt::format("--compress-level {} is not a {} level ({})", *options.compress_level,
                                         compression_type_name(compression),
                                         compression == CompressionType::kZlib ? "0..9" : "-7..22"));
  }
  if (!options.deliver_at.empty() && !options.delay.empty()) {
    return usage_error("--deliver-at and --delay both set the delivery time: give one");
  }
  const bool timer = !options.deliver_at.empty() || !options.delay.empty();
  if (timer && options.delay_level > 0) {
    return usage_error("--deliver-at/--delay and --delay-level: a message has one delay; give one");
  }
  if (timer && options.batch > 1) {
    return usage_error("--batch cannot carry timer messages (--deliver-at, --delay): drop one");
  }
  if (options.batch > 1 && options.delay_level > 0) {
    return usage_error("--batch cannot carry a --delay-level (batches have no delay)");
  }
  if (const std::string conflict = transaction_conflict(options); !conflict.empty()) return usage_error(conflict);
  auto sharding = ShardingRule::from_options(options);
  if (!sharding) return usage_error(sharding.error().message);
  auto base = message_template(options);
  if (!base) return usage_error(base.error().message);
  if (Status late = check_timer(base.value(), UniqueIdGenerator::system_now_ms())) {
    return usage_error("--deliver-at: " + late->message);
  }
  auto common = common_producer_options(options);
  if (!common) return usage_error(common.error().message);
  ProducerOptions settings = send_producer_options(options, std::move(common.value()));
  auto delimiter = parse_delimiter(options.delimiter);
  if (!delimiter) return usage_error("-D: " + delimiter.error().message);
  auto parser = record_parser(options);
  if (!parser) return usage_error(parser.error().message);
  auto source = open_source(options, *delimiter);
  if (!source) return usage_error(source.error().message);
  if (options.dry_run) return run_dry(options, settings, **source, *parser, *base, *sharding);
  std::unique_ptr<FailedOutput> failed_output;
  if (!options.failed_output.empty()) {
    auto opened = FailedOutput::open(failed_output_options(options, *delimiter));
    if (!opened) return usage_error(opened.error().message);
    failed_output = std::move(opened.value());
  }

  ReporterOptions report;
  report.json = options.json_output;
  report.out = options.quiet ? nullptr : stdout;
  report.failed_output = failed_output.get();
  report.strict = options.strict;
  Reporter reporter(std::move(report));

  install_interrupt_handlers();  // before the producer's I/O thread exists: it inherits the block
  bool interrupted = false;
  std::size_t sharding_keys = 0;
  std::string transaction_summary;
  {
    ProducerPool producers(settings, options.producers);
    unblock_interrupts();
    EventPump pump(producers);
    pump.every(options.stats_interval, [&] { tell("{}", reporter.stats().interval_line()); });
    pump.every(kOutputFlushSeconds, [&] { reporter.flush(); });
    std::optional<TransactionRecords> transactions;
    if (options.transaction.enabled()) transactions.emplace(options.transaction, producers.at(0), reporter);
    RecordSender sender(options, producers, reporter, pump, transactions ? &*transactions : nullptr);
    LingeringWaits waits(pump, sender);
    (*source)->set_read_wait([&waits](int fd) { return waits.wait_readable(fd); });
    RateLimiter rate(options.rate, {}, [&waits](RateLimiter::Clock::duration wait) { waits.wait_for(wait); });
    const bool capped = options.count > 0 && !bodies_from_flags(options);
    std::uint64_t taken = 0;
    // read -> send -> poll -> report: the pump reports outcomes whenever the loop waits.
    while (!interrupt_requested()) {
      if (capped && taken == options.count) break;
      auto record = (*source)->next();
      if (!record) break;
      ++taken;
      auto made = record_message(*record, *parser, base.value(), sharding.value(), options.max_size);
      if (!made) {
        reporter.report_failure(record->index, made.error(),
                                record->oversized ? std::nullopt : std::optional<std::string_view>(record->raw));
        continue;
      }
      rate.acquire();
      // Interrupted meanwhile, the record is reported failed: every record read gets an outcome.
      if (!sender.submit(PendingRecord{record->index, std::move(record->raw)}, std::move(made->message),
                         std::move(made->sharding_key))) {
        break;
      }
    }
    interrupted = interrupt_requested();
    // The final wait: what is in flight gets its --timeout budget and a margin for the last
    // outcomes; a signal cuts it to the grace, a second signal to nothing. What is left then
    // fails with SHUTDOWN as the producer closes, and is reported like any failure, here.
    const auto budget = Milliseconds(options.timeout_ms) + Milliseconds(1000);
    pump.begin_final_wait(EventPump::Clock::now() + budget,
                          std::min<EventPump::Clock::duration>(kInterruptGrace, Milliseconds(options.timeout_ms)));
    // A partial batch goes out even when interrupted: its records were accepted for sending.
    const bool pending_sent = sender.send_pending();
    // Records read but not yet handed to the producer (interrupted): each fails, in order.
    while (auto record = (*source)->next_buffered()) {
      reporter.report_failure(record->index, interrupted_before_sending(),
                              record->oversized ? std::nullopt : std::optional<std::string_view>(record->raw));
    }
    const std::string read_error = (*source)->error();
    if (!read_error.empty() && !interrupted) tell("mqsend: reading input stopped: {}", read_error);
    pump.drain();
    if (transactions) {
      // Check-backs are answered in the pump, as long as the wait lasts.
      const auto wait_end = EventPump::Clock::now() + Milliseconds(options.transaction.check_wait_ms);
      while (transactions->unsettled() > 0 && !interrupt_requested() && EventPump::Clock::now() < wait_end) {
        pump.pump_for(std::min<EventPump::Clock::duration>(wait_end - EventPump::Clock::now(), Milliseconds(50)));
      }
      transaction_summary = fmt::format(", {} not committed, {} check-back{} answered", reporter.tally().not_committed,
                                        transactions->checks_answered(), transactions->checks_answered() == 1 ? "" : "s");
    }
    interrupted = interrupted || !pending_sent || interrupt_requested();
    producers.close();
    warn_trace_failures(producers.trace_stats());
    sharding_keys = sender.sharding_keys();
  }
  if (failed_output != nullptr) {
    failed_output->close();  // a full disk shows here, when the buffered records go out
    if (!failed_output->error().empty()) {
      tell("mqsend: writing --failed-output {} failed: {}; it lacks failed records (each failure "
           "is still reported above)", options.failed_output, failed_output->error());
    }
  }
  reporter.flush();
  // An interrupted run did not send all its input: the partial-failure code, whatever else.
  const int code = interrupted ? exit_code::kSomeFailed : exit_code_for(reporter.tally());
  if (!options.quiet || options.summary || code != exit_code::kAllSent) {  // -q: success is silent
    const std::string keys = sharding_keys > 0 ? fmt::format(", {} sharding key{}", sharding_keys, sharding_keys == 1 ? "" : "s") : "";
    const std::string producer_count = options.producers > 1 ? fmt::format(", {} producers", options.producers) : "";
    tell("mqsend: {}{}{}{}, {}{}", reporter.stats().summary(), keys, producer_count, transaction_summary, resource_usage(),
         interrupted ? " (interrupted)" : "");
  }
  return code;
}

}  // namespace mqsend::cli
