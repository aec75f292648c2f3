#include "cli/send_run.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <condition_variable>
#include <cstdio>
#include <functional>
#include <mutex>
#include <optional>

#include <fmt/format.h>

#include "cli/exit_codes.hpp"
#include "cli/record_reader.hpp"
#include "cli/reporter.hpp"
#include "client/producer/producer.hpp"
#include "client/producer/validators.hpp"
#include "client/route/name_server_client.hpp"

namespace mqsend::cli {

namespace {

// Bounds the async / oneway messages in flight.
class Window {
 public:
  explicit Window(std::size_t size) : free_(size), size_(size) {}
  void acquire() {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [&] { return free_ > 0; });
    --free_;
  }
  void release() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      ++free_;
    }
    changed_.notify_all();
  }
  void drain() {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [&] { return free_ == size_; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::size_t free_;
  const std::size_t size_;
};

std::vector<std::string> split_keys(const std::string& keys) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= keys.size()) {
    const std::size_t comma = std::min(keys.find(',', start), keys.size());
    if (comma > start) parts.push_back(keys.substr(start, comma - start));
    start = comma + 1;
  }
  return parts;
}

// The message every record is sent as, body aside.
Result<Message> message_template(const CliOptions& options) {
  Message message;
  message.topic = options.topic;
  message.set_tags(options.tags);
  message.set_keys(split_keys(options.keys));
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

Result<std::string> read_whole_file(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return Error{error_code::kInvalidArgument, "cannot open " + path};
  std::string content;
  char buffer[65536];
  std::size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, file)) > 0) content.append(buffer, n);
  const bool failed = std::ferror(file) != 0;
  std::fclose(file);
  if (failed) return Error{error_code::kInvalidArgument, "cannot read " + path};
  return content;
}

ProducerOptions producer_options(const CliOptions& options) {
  ProducerOptions producer;
  producer.name_servers = parse_name_server_list(options.name_servers);
  producer.group = options.group;
  producer.send_timeout = Milliseconds(options.timeout_ms);
  producer.route_refresh = Milliseconds(options.route_refresh_ms);
  producer.retries = options.retries;
  producer.async_retries = options.async_retries;
  producer.retry_another_broker_when_not_store_ok = options.retry_another_broker_when_not_store_ok;
  producer.max_message_size = options.max_size;
  producer.compress_over = options.compress_over;
  producer.serialize = options.serialize == "rocketmq" ? SerializeType::kRocketMQ : SerializeType::kJson;
  producer.fault.enabled = options.latency_fault;
  producer.fault.latency_max = options.fault_latency_max;
  producer.fault.not_available_duration = options.fault_not_available;
  return producer;
}

int usage_error(const std::string& message) {
  fmt::print(stderr, "mqsend: {}\n", message);
  return exit_code::kUsage;
}

}  // namespace

int run_send(const CliOptions& options) {
  if (Status bad_group = check_group(options.group)) return usage_error(bad_group->message);
  if (options.fault_latency_max.size() != options.fault_not_available.size()) {
    return usage_error("--fault-latency-max and --fault-not-available need the same number of values");
  }
  auto base = message_template(options);
  if (!base) return usage_error(base.error().message);
  ProducerOptions settings = producer_options(options);
  if (settings.name_servers.empty()) {
    return usage_error("no name server address: use -n 'host:port;host:port' or NAMESRV_ADDR");
  }

  // Where bodies come from: -m, --file, or records of stdin.
  std::size_t next_message = 0;
  std::optional<RecordReader> stdin_records;
  if (options.messages.empty() && options.file.empty()) stdin_records.emplace(STDIN_FILENO);
  bool file_taken = false;
  auto next_body = [&]() -> std::optional<Result<std::string>> {
    if (!options.file.empty()) {
      if (file_taken) return std::nullopt;
      file_taken = true;
      return read_whole_file(options.file);
    }
    if (stdin_records) {
      auto record = stdin_records->next();
      if (!record) return std::nullopt;
      return Result<std::string>(std::move(*record));
    }
    if (next_message == options.messages.size()) return std::nullopt;
    return Result<std::string>(options.messages[next_message++]);
  };

  Reporter reporter(options.json_output, stdout, stderr);
  Producer producer(std::move(settings));
  Window window(options.mode == SendMode::kSync ? 1 : options.inflight);
  std::size_t index = 0;
  for (auto body = next_body(); body; body = next_body(), ++index) {
    if (!body->ok()) {
      reporter.report_failure(index, body->error());
      continue;
    }
    Message message = base.value();
    message.body = std::move(body->value());
    if (options.mode == SendMode::kSync) {
      reporter.report(index, producer.send(std::move(message)));
      continue;
    }
    window.acquire();
    auto done = [&reporter, &window, index](SendOutcome outcome) {
      reporter.report(index, outcome);
      window.release();
    };
    if (options.mode == SendMode::kAsync) {
      producer.send_async(std::move(message), std::move(done));
    } else {
      producer.send_oneway(std::move(message), std::move(done));
    }
  }
  if (stdin_records && !stdin_records->error().empty()) {
    fmt::print(stderr, "mqsend: reading stdin stopped: {}\n", stdin_records->error());
  }
  window.drain();
  std::fflush(stdout);
  return exit_code_for(reporter.tally());
}

}  // namespace mqsend::cli
