#pragma once
// mqsend's command-line options: the settings, their defaults, and the CLI11 definition.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace mqsend::cli {

enum class SendMode { kSync, kAsync, kOneway };

struct CliOptions {
  std::string name_servers;           // "host:port;host:port"
  std::string topic;
  std::string tags;
  std::string keys;                   // comma-separated
  SendMode mode = SendMode::kSync;
  int retries = 2;                    // retryTimesWhenSendFailed
  int async_retries = 2;              // retryTimesWhenSendAsyncFailed
  bool retry_another_broker_when_not_store_ok = false;
  bool latency_fault = false;
  std::vector<std::int64_t> fault_latency_max = {50, 100, 550, 1000, 2000, 3000, 15000};
  std::vector<std::int64_t> fault_not_available = {0, 0, 30000, 60000, 120000, 180000, 600000};
  std::int64_t timeout_ms = 3000;     // whole-send budget
  std::int64_t route_refresh_ms = 30000;  // pollNameServerInterval
  std::string group = "mqsend_producer";
  std::vector<std::string> properties;  // key=value
  int delay_level = 0;
  std::size_t compress_over = 4096;
  std::size_t max_size = 4 * 1024 * 1024;
  std::string serialize = "json";     // json | rocketmq
  std::size_t inflight = 1024;        // async window
  bool json_output = false;
  bool quiet = false;                 // no per-message lines, no summary
  std::vector<std::string> messages;  // -m, each one message
  std::string file;                   // --file: whole file is one message
  std::string input_file;             // -l: a file split into records like stdin
  std::string delimiter = "\\n";      // -D, escapes decoded by parse_delimiter
  std::string key_delimiter;          // -K
  std::string tag_delimiter;
  std::string input_format = "text";  // text | json
  std::uint64_t count = 0;            // 0 = no cap
  bool repeat = false;
  double rate = 0;                    // messages/s, 0 = unlimited
  std::string failed_output;
  double stats_interval = 0;          // seconds, 0 = off
  std::size_t batch = 0;              // records per SEND_BATCH_MESSAGE, 0/1 = no batching
  std::size_t batch_bytes = 4 * 1024 * 1024;
  std::string name_space;
  bool vip_channel = false;
  std::string target_broker;          // --broker: with --queue-id, send to that queue only
  int target_queue_id = -1;
};

// Defines every flag on `app`, bound to `options`.
void define_options(CLI::App& app, CliOptions& options);

}  // namespace mqsend::cli
