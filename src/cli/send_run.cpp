#include "cli/send_run.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include <fmt/format.h>

#include "cli/batch_packer.hpp"
#include "cli/event_pump.hpp"
#include "cli/exit_codes.hpp"
#include "cli/input/delimiter.hpp"
#include "cli/input/parsed_record.hpp"
#include "cli/input/rate_limiter.hpp"
#include "cli/interrupt.hpp"
#include "cli/producer_settings.hpp"
#include "cli/reporter.hpp"
#include "cli/resource_usage.hpp"
#include "cli/send_input.hpp"
#include "client/producer/producer.hpp"

namespace mqsend::cli {

namespace {

// Output lines reach a pipe within this long even when messages trickle in.
constexpr double kOutputFlushSeconds = 0.1;

// Send units allowed unreported: one for sync; for batches the window counts messages, so
// --inflight bounds memory the same way with and without --batch.
std::size_t in_flight_units(const CliOptions& options) {
  if (options.mode == SendMode::kSync) return 1;
  if (options.batch > 1) return std::max<std::size_t>(1, options.inflight / options.batch);
  return options.inflight;
}

// The common settings plus what only `send` has.
ProducerOptions send_producer_options(const CliOptions& options, ProducerOptions producer) {
  producer.retries = options.retries;
  producer.async_retries = options.async_retries;
  producer.retry_another_broker_when_not_store_ok = options.retry_another_broker_when_not_store_ok;
  producer.max_message_size = options.max_size;
  producer.compress_over = options.compress_over;
  producer.route_refresh = Milliseconds(options.route_refresh_ms);
  producer.fault.enabled = options.latency_fault;
  producer.fault.latency_max = options.fault_latency_max;
  producer.fault.not_available_duration = options.fault_not_available;
  producer.max_in_flight = in_flight_units(options);
  if (!options.target_broker.empty()) {
    producer.queue_target = QueueTarget{options.target_broker, options.target_queue_id};
  }
  // Streams register with the brokers (heartbeats); a one-shot send must not wait on it.
  const bool one_shot = !options.repeat && options.count == 0 &&
                        (!options.messages.empty() || !options.file.empty());
  producer.register_with_brokers = !one_shot;
  return producer;
}

std::FILE* open_failed_output(const std::string& path) {
  if (path.empty()) return nullptr;
  return std::fopen(path.c_str(), "wb");
}

// Hands records to the producer, one by one or packed into batches; each outcome comes back
// through the producer's queue on this thread and is reported per record.
class RecordSender {
 public:
  RecordSender(const CliOptions& options, Producer& producer, Reporter& reporter, EventPump& pump)
      : mode_(options.mode),
        producer_(producer),
        reporter_(reporter),
        pump_(pump),
        packer_(options.batch > 1 ? std::make_unique<BatchPacker>(options.batch, options.batch_bytes)
                                  : nullptr) {}

  // False when interrupted while waiting for room in the window: the records not handed to
  // the producer are reported failed.
  bool submit(PendingRecord record, Message message) {
    if (!packer_) return send_one(std::move(record), std::move(message));
    auto batch = packer_->add(std::move(record), std::move(message));
    return !batch || send_batch(std::move(*batch));
  }

  // The last, partial batch.
  bool finish() {
    auto batch = packer_ ? packer_->take() : std::nullopt;
    return !batch || send_batch(std::move(*batch));
  }

  // Interrupted: records still waiting for their batch fail without being sent.
  void abandon() {
    auto batch = packer_ ? packer_->take() : std::nullopt;
    if (batch) fail_unsent(batch->records);
  }

 private:
  bool send_one(PendingRecord record, Message message) {
    if (!pump_.wait_for_room()) {
      fail_unsent({record});
      return false;
    }
    producer_.send(mode_, std::move(message), [this, record = std::move(record)](SendOutcome outcome) {
      reporter_.report(record.index, outcome, record.raw);
    });
    pump_.tick();
    return true;
  }

  bool send_batch(Batch batch) {
    if (!pump_.wait_for_room()) {
      fail_unsent(batch.records);
      return false;
    }
    producer_.send_batch(mode_, std::move(batch.messages),
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
      reporter_.report_failure(record.index, Error{error_code::kShutdown, "interrupted before sending"},
                               record.raw);
    }
  }

  const SendMode mode_;
  Producer& producer_;
  Reporter& reporter_;
  EventPump& pump_;
  std::unique_ptr<BatchPacker> packer_;
};

}  // namespace

int run_send(const CliOptions& options) {
  if (options.fault_latency_max.size() != options.fault_not_available.size()) {
    return usage_error("--fault-latency-max and --fault-not-available need the same number of values");
  }
  if (options.batch > 1 && options.delay_level > 0) {
    return usage_error("--batch cannot carry a --delay-level (batches have no delay)");
  }
  auto base = message_template(options);
  if (!base) return usage_error(base.error().message);
  auto common = common_producer_options(options);
  if (!common) return usage_error(common.error().message);
  ProducerOptions settings = send_producer_options(options, std::move(common.value()));
  auto delimiter = parse_delimiter(options.delimiter);
  if (!delimiter) return usage_error("-D: " + delimiter.error().message);
  auto parser = record_parser(options);
  if (!parser) return usage_error(parser.error().message);
  auto source = open_source(options, *delimiter);
  if (!source) return usage_error(source.error().message);
  std::FILE* failed_output = open_failed_output(options.failed_output);
  if (!options.failed_output.empty() && failed_output == nullptr) {
    return usage_error("cannot write --failed-output " + options.failed_output + ": " + std::strerror(errno));
  }

  ReporterOptions report;
  report.json = options.json_output;
  report.out = options.quiet ? nullptr : stdout;
  report.failed_output = failed_output;
  // Failed records are written back in the input's own framing: --file bodies as they are,
  // -m bodies one per line, stream records with the input delimiter.
  report.failed_delimiter = !options.file.empty() ? "" : !options.messages.empty() ? "\n" : *delimiter;
  Reporter reporter(std::move(report));

  install_interrupt_handlers();  // before the producer's I/O thread exists: it inherits the block
  bool interrupted = false;
  {
    Producer producer(std::move(settings));
    unblock_interrupts();
    EventPump pump(producer);
    pump.every(options.stats_interval, [&] { fmt::print(stderr, "{}\n", reporter.stats().interval_line()); });
    pump.every(kOutputFlushSeconds, [&] { reporter.flush(); });
    (*source)->set_read_wait([&pump](int fd) { return pump.wait_readable(fd); });
    RecordSender sender(options, producer, reporter, pump);
    RateLimiter rate(options.rate, {}, [&pump](RateLimiter::Clock::duration wait) { pump.pump_for(wait); });
    const bool capped = options.count > 0 && options.file.empty() && options.messages.empty();
    std::uint64_t taken = 0;
    // read -> send -> poll -> report: the pump reports outcomes whenever the loop waits.
    while (!(interrupted = interrupt_requested())) {
      if (capped && taken == options.count) break;
      auto record = (*source)->next();
      if (!record) break;
      ++taken;
      if (record->oversized) {
        reporter.report_failure(record->index, oversized_record_error(*record, options.max_size), record->raw);
        continue;
      }
      auto parsed = parser->parse(record->raw);
      if (!parsed) {
        reporter.report_failure(record->index, parsed.error(), record->raw);
        continue;
      }
      Message message = base.value();
      apply_record(std::move(parsed.value()), message);
      rate.acquire();
      // Interrupted meanwhile, the record is reported failed: every record read gets an outcome.
      if (!sender.submit(PendingRecord{record->index, std::move(record->raw)}, std::move(message))) break;
    }
    interrupted = interrupted || interrupt_requested();
    if (interrupted || !sender.finish()) {
      interrupted = true;
      sender.abandon();
    }
    const std::string read_error = (*source)->error();
    if (!read_error.empty() && !interrupted) {
      fmt::print(stderr, "mqsend: reading input stopped: {}\n", read_error);
    }
    // Every send ends within its own --timeout budget; the margin covers the last outcomes.
    // What is left then fails with SHUTDOWN as the producer closes, and is reported like any
    // failure, here on the main thread.
    pump.drain(EventPump::Clock::now() + Milliseconds(options.timeout_ms) +
               Milliseconds(interrupted ? 0 : 1000));
    producer.close();
  }
  if (failed_output != nullptr) {
    reporter.flush();  // a full disk shows here, when the buffered records go out
    std::fclose(failed_output);
    if (const std::string error = reporter.failed_output_error(); !error.empty()) {
      fmt::print(stderr, "mqsend: writing --failed-output {} failed: {}; it lacks failed records "
                 "(each failure is still reported above)\n", options.failed_output, error);
    }
  }
  std::fflush(stdout);
  // An interrupted run did not send all its input: the partial-failure code, whatever else.
  const int code = interrupted ? exit_code::kSomeFailed : exit_code_for(reporter.tally());
  if (!options.quiet || options.summary || code != exit_code::kAllSent) {  // -q: success is silent
    fmt::print(stderr, "mqsend: {}, {}{}\n", reporter.stats().summary(), resource_usage(),
               interrupted ? " (interrupted)" : "");
  }
  return code;
}

}  // namespace mqsend::cli
