#include "cli/send_run.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <functional>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "cli/exit_codes.hpp"
#include "cli/input/delimited_source.hpp"
#include "cli/input/delimiter.hpp"
#include "cli/input/rate_limiter.hpp"
#include "cli/input/parsed_record.hpp"
#include "cli/input/record_parser.hpp"
#include "cli/input/record_sources.hpp"
#include "cli/interrupt.hpp"
#include "cli/reporter.hpp"
#include "cli/producer_settings.hpp"
#include "client/producer/producer.hpp"
#include "client/route/name_server_client.hpp"

namespace mqsend::cli {

namespace {

using SteadyClock = std::chrono::steady_clock;

// Bounds the send units (messages or batches) in flight. Waits wake up on interrupts.
class Window {
 public:
  explicit Window(std::size_t size) : free_(size), size_(size) {}
  // False when interrupted before a slot freed up.
  bool acquire() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (free_ == 0) {
      if (interrupt_requested()) return false;
      changed_.wait_for(lock, std::chrono::milliseconds(50));
    }
    --free_;
    return true;
  }
  void release() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      ++free_;
    }
    changed_.notify_all();
  }
  // Waits until nothing is in flight or `deadline` passes; true when drained.
  bool drain(SteadyClock::time_point deadline) {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_until(lock, deadline, [&] { return free_ == size_; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::size_t free_;
  const std::size_t size_;
};

// Runs `task` every interval on its own thread until destroyed (interval <= 0: never).
class PeriodicTask {
 public:
  PeriodicTask(double interval_seconds, std::function<void()> task) {
    if (interval_seconds <= 0) return;
    const auto interval = std::chrono::duration_cast<SteadyClock::duration>(
        std::chrono::duration<double>(interval_seconds));
    thread_ = std::thread([this, task = std::move(task), interval] {
      std::unique_lock<std::mutex> lock(mutex_);
      auto next = SteadyClock::now() + interval;
      while (!changed_.wait_until(lock, next, [&] { return stop_; })) {
        lock.unlock();
        task();
        lock.lock();
        next += interval;
      }
    });
  }
  ~PeriodicTask() {
    if (!thread_.joinable()) return;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    changed_.notify_all();
    thread_.join();
  }
  PeriodicTask(const PeriodicTask&) = delete;
  PeriodicTask& operator=(const PeriodicTask&) = delete;

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool stop_ = false;
  std::thread thread_;
};

// Output lines reach a pipe within this long even when messages trickle in.
constexpr double kOutputFlushSeconds = 0.1;

struct PendingRecord {
  std::size_t index;
  std::string raw;
};

// Send units allowed in flight: one for sync; for batches the window counts messages, so
// --inflight bounds memory the same way with and without --batch.
std::size_t in_flight_units(const CliOptions& options) {
  if (options.mode == SendMode::kSync) return 1;
  if (options.batch > 1) return std::max<std::size_t>(1, options.inflight / options.batch);
  return options.inflight;
}

// Hands records to the producer in the chosen mode, one by one or packed into batches, and
// routes every outcome back to the reporter per record.
class Dispatcher {
 public:
  Dispatcher(const CliOptions& options, Producer& producer, Reporter& reporter)
      : options_(options),
        producer_(producer),
        reporter_(reporter),
        window_(in_flight_units(options)),
        batching_(options.batch > 1) {}

  // False when interrupted while waiting for room in the window.
  bool submit(InputRecord record, Message message) {
    if (!batching_) return send({PendingRecord{record.index, std::move(record.raw)}}, {std::move(message)});
    const std::size_t size = estimated_batch_size(message);
    if (!batch_.empty() && (batch_.size() >= options_.batch || batch_bytes_ + size > options_.batch_bytes)) {
      if (!flush()) return false;
    }
    batch_bytes_ += size;
    batch_records_.push_back(PendingRecord{record.index, std::move(record.raw)});
    batch_.push_back(std::move(message));
    return batch_.size() < options_.batch || flush();
  }

  bool flush() {
    if (batch_.empty()) return true;
    batch_bytes_ = 0;
    return send(std::exchange(batch_records_, {}), std::exchange(batch_, {}));
  }

  bool drain(SteadyClock::time_point deadline) { return window_.drain(deadline); }

  // Interrupted: records still waiting for their batch fail without being sent.
  void abandon() {
    for (const auto& record : std::exchange(batch_records_, {})) fail_unsent(record);
    batch_.clear();
    batch_bytes_ = 0;
  }

 private:
  // Record overhead of the batch encoding plus a generous allowance for the properties.
  static std::size_t estimated_batch_size(const Message& message) {
    std::size_t size = 22 + message.body.size() + 64;  // 64: UNIQ_KEY and WAIT pairs
    for (const auto& [key, value] : message.properties) size += key.size() + value.size() + 2;
    return size;
  }

  bool send(std::vector<PendingRecord> records, std::vector<Message> messages) {
    if (!window_.acquire()) {
      for (const auto& record : records) fail_unsent(record);
      return false;
    }
    const bool batch = batching_;
    auto done = [this, records = std::move(records), batch](SendOutcome outcome) {
      if (batch) {
        const auto outcomes = split_batch_outcome(outcome, records.size());
        for (std::size_t i = 0; i < records.size(); ++i) {
          reporter_.report(records[i].index, outcomes[i], records[i].raw);
        }
      } else {
        reporter_.report(records.front().index, outcome, records.front().raw);
      }
      window_.release();
    };
    switch (options_.mode) {
      case SendMode::kSync:
        done(batch ? producer_.send_batch(std::move(messages)) : producer_.send(std::move(messages.front())));
        break;
      case SendMode::kAsync:
        if (batch) {
          producer_.send_batch_async(std::move(messages), std::move(done));
        } else {
          producer_.send_async(std::move(messages.front()), std::move(done));
        }
        break;
      case SendMode::kOneway:
        if (batch) {
          producer_.send_batch_oneway(std::move(messages), std::move(done));
        } else {
          producer_.send_oneway(std::move(messages.front()), std::move(done));
        }
        break;
    }
    return true;
  }

  void fail_unsent(const PendingRecord& record) {
    reporter_.report_failure(record.index, Error{error_code::kShutdown, "interrupted before sending"},
                             record.raw);
  }

  const CliOptions& options_;
  Producer& producer_;
  Reporter& reporter_;
  Window window_;
  const bool batching_;
  std::vector<PendingRecord> batch_records_;
  std::vector<Message> batch_;
  std::size_t batch_bytes_ = 0;
};

// The message every record is sent as, body aside.
Result<Message> message_template(const CliOptions& options) {
  Message message;
  message.topic = options.topic;
  message.set_tags(options.tags);
  message.set_keys(split_key_list(options.keys));
  message.set_delay_level(options.delay_level);
  for (const auto& property : options.properties) {
    const auto equals = property.find('=');
    if (equals == std::string::npos || equals == 0) {
      return Error{error_code::kInvalidArgument,
                   "property '" + property + "' is not of the form key=value"};
    }
    const std::string key = property.substr(0, equals);
    if (is_reserved_property(key)) {
      return Error{error_code::kInvalidArgument,
                   "property key '" + key + "' is reserved by RocketMQ; use the matching flag"};
    }
    message.set_property(key, property.substr(equals + 1));
  }
  return message;
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
  if (!options.target_broker.empty()) {
    producer.queue_target = QueueTarget{options.target_broker, options.target_queue_id};
  }
  // Streams register with the brokers (heartbeats); a one-shot send must not wait on it.
  const bool one_shot = !options.repeat && options.count == 0 &&
                        (!options.messages.empty() || !options.file.empty());
  producer.register_with_brokers = !one_shot;
  return producer;
}

// Input records as the options ask: -m / --file bodies (repeated with --count / --repeat),
// or a delimited stream from -l or stdin.
Result<std::unique_ptr<RecordSource>> open_source(const CliOptions& options,
                                                  const std::string& delimiter) {
  // Text records may hold a body up to the max size plus key/tag parts; JSON lines escape.
  const std::size_t record_limit =
      (options.input_format == "json" ? 6 : 1) * options.max_size + 64 * 1024;
  const bool repeated = options.repeat || options.count > 0;
  if (!options.file.empty()) {
    auto source = open_whole_file(options.file, options.max_size + 1);
    if (!source || !repeated) return source;
    auto record = (*source)->next();
    if (!record) return Error{error_code::kInvalidArgument, "cannot read " + options.file + ": " + (*source)->error()};
    if (record->oversized) return oversized_record_error(*record, options.max_size);
    return std::unique_ptr<RecordSource>(std::make_unique<RepeatSource>(
        std::move(record->raw), options.count > 0 ? std::optional<std::uint64_t>(options.count) : std::nullopt));
  }
  if (!options.messages.empty()) {
    if (repeated) {
      if (options.messages.size() != 1) {
        return Error{error_code::kInvalidArgument, "--count/--repeat take exactly one -m body"};
      }
      return std::unique_ptr<RecordSource>(std::make_unique<RepeatSource>(
          options.messages.front(), options.count > 0 ? std::optional<std::uint64_t>(options.count) : std::nullopt));
    }
    return std::unique_ptr<RecordSource>(std::make_unique<FixedBodiesSource>(options.messages));
  }
  if (options.repeat) return Error{error_code::kInvalidArgument, "--repeat needs a -m or --file body"};
  if (!options.input_file.empty()) return open_delimited_file(options.input_file, delimiter, record_limit);
  return std::unique_ptr<RecordSource>(std::make_unique<DelimitedSource>(STDIN_FILENO, delimiter, record_limit));
}

Result<RecordParser> record_parser(const CliOptions& options) {
  const bool delimited = options.messages.empty() && options.file.empty();
  if (!delimited) {
    if (!options.key_delimiter.empty() || !options.tag_delimiter.empty() || options.input_format == "json") {
      return Error{error_code::kInvalidArgument,
                   "-K, --tag-delimiter and --input json apply to stdin or -l records, not to -m/--file"};
    }
    return RecordParser();
  }
  RecordFormat format;
  format.json_input = options.input_format == "json";
  if (!options.key_delimiter.empty()) {
    auto delimiter = parse_delimiter(options.key_delimiter);
    if (!delimiter) return delimiter.error();
    format.key_delimiter = std::move(delimiter.value());
  }
  if (!options.tag_delimiter.empty()) {
    auto delimiter = parse_delimiter(options.tag_delimiter);
    if (!delimiter) return delimiter.error();
    format.tag_delimiter = std::move(delimiter.value());
  }
  return RecordParser::create(std::move(format));
}

std::FILE* open_failed_output(const std::string& path) {
  if (path.empty()) return nullptr;
  return std::fopen(path.c_str(), "wb");
}

// CPU seconds and peak RSS of this process. VmHWM, not ru_maxrss: Linux carries ru_maxrss
// across fork+exec, so a big parent would show up as our peak.
std::string resource_usage() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const double cpu = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                     static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  double peak_kib = 0;
  if (std::FILE* status = std::fopen("/proc/self/status", "r")) {
    char line[256];
    while (std::fgets(line, sizeof line, status) != nullptr) {
      if (std::sscanf(line, "VmHWM: %lf kB", &peak_kib) == 1) break;
    }
    std::fclose(status);
  }
  return fmt::format("cpu {:.3f} s, peak rss {:.1f} MiB", cpu, peak_kib / 1024.0);
}

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
    PeriodicTask stats_lines(options.stats_interval,
                             [&] { fmt::print(stderr, "{}\n", reporter.stats().interval_line()); });
    PeriodicTask output_flush(kOutputFlushSeconds, [&] { reporter.flush(); });
    Dispatcher dispatcher(options, producer, reporter);
    RateLimiter rate(options.rate);
    const bool capped = options.count > 0 && options.file.empty() && options.messages.empty();
    std::uint64_t taken = 0;
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
      if (!dispatcher.submit(std::move(*record), std::move(message))) break;
    }
    interrupted = interrupted || interrupt_requested();
    if (interrupted || !dispatcher.flush()) {
      interrupted = true;
      dispatcher.abandon();
    }
    const std::string read_error = (*source)->error();
    if (!read_error.empty() && !interrupted) {
      fmt::print(stderr, "mqsend: reading input stopped: {}\n", read_error);
    }
    // In-flight sends get up to --timeout; what is left fails with SHUTDOWN as the producer
    // is destroyed, and is reported like any failure.
    // Every send ends within its own --timeout budget; the margin covers the last callbacks.
    dispatcher.drain(SteadyClock::now() + Milliseconds(options.timeout_ms) +
                     Milliseconds(interrupted ? 0 : 1000));
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
  fmt::print(stderr, "mqsend: {}, {}{}\n", reporter.stats().summary(), resource_usage(),
             interrupted ? " (interrupted)" : "");
  // An interrupted run did not send all its input: the partial-failure code, whatever else.
  return interrupted ? exit_code::kSomeFailed : exit_code_for(reporter.tally());
}

}  // namespace mqsend::cli
