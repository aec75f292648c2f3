#pragma once
// mqsend's command-line options: the settings, their defaults, and the CLI11 definition of
// the default command (send) and the `probe` subcommand.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cli/cli11_fwd.hpp"
#include "cli/credentials.hpp"
#include "cli/transaction_flags.hpp"
#include "client/producer/producer.hpp"
#include "client/remoting/tls_options.hpp"

namespace mqsend::cli {

using mqsend::SendMode;

// Defaults come from the client core's (the Java producer's), stated once there.
inline const ProducerOptions kProducerDefaults{};

// The settings both commands take: reaching the cluster, the topic, the output form. Their
// flags are defined on `send` and `probe` alike (define_common_options), bound to these fields.
struct CommonOptions {
  std::string name_servers;           // "host:port;host:port"
  std::string topic;
  std::int64_t timeout_ms = kProducerDefaults.send_timeout.count();  // whole-send budget
  std::string group = kProducerDefaults.group;
  std::string name_space;
  std::string serialize = "json";     // json | rocketmq
  bool vip_channel = false;
  std::string tags;
  bool json_output = false;
  CredentialOptions credentials;      // ACL: --access-key, --secret-key, --secret-key-file
  TlsOptions tls;                     // --tls, --tls-ca, --tls-insecure, --tls-cert, --tls-key
};

struct CliOptions : CommonOptions {
  std::string keys;                   // comma-separated
  std::string shard_key;              // --shard-key: every record ordered under this key
  std::string shard_by;               // --shard-by keys|tags: the message's KEYS or TAGS as the key
  SendMode mode = SendMode::kSync;
  int retries = kProducerDefaults.retries;
  int async_retries = kProducerDefaults.async_retries;
  bool retry_another_broker_when_not_store_ok = kProducerDefaults.retry_another_broker_when_not_store_ok;
  bool latency_fault = kProducerDefaults.fault.enabled;
  std::vector<std::int64_t> fault_latency_max = kProducerDefaults.fault.latency_max;
  std::vector<std::int64_t> fault_not_available = kProducerDefaults.fault.not_available_duration;
  std::int64_t route_refresh_ms = kProducerDefaults.route_refresh.count();
  std::vector<std::string> properties;  // key=value
  int delay_level = 0;
  std::string deliver_at;             // --deliver-at: a 5.x timer message (TIMER_DELIVER_MS)
  std::string delay;                  // --delay: a 5.x timer message (TIMER_DELAY_MS)
  std::size_t compress_over = kProducerDefaults.compress_over;
  std::string compress = "zlib";      // --compress zlib|lz4|zstd
  std::optional<int> compress_level;  // unset: the type's default (zlib 5, zstd 5)
  std::size_t max_size = kProducerDefaults.max_message_size;
  std::size_t inflight = kProducerDefaults.max_in_flight;  // async window
  bool quiet = false;                 // no per-message lines; no summary after a full success
  bool summary = false;               // the summary line even under quiet
  std::vector<std::string> messages;  // -m, each one message
  std::string file;                   // --file: whole file is one message
  std::vector<std::string> input_files;  // -l (repeatable, "-" = stdin): files split like stdin, in order
  std::size_t size = 0;               // --size: synthetic bodies of this many bytes, 0 = none
  bool no_template = false;           // --no-template: -m bodies sent as given, {{...}} included
  std::string delimiter = "\\n";      // -D, escapes decoded by parse_delimiter
  std::string key_delimiter;          // -K
  std::string tag_delimiter;
  std::string input_format = "text";  // text | json
  std::uint64_t count = 0;            // 0 = no cap
  bool repeat = false;
  double rate = 0;                    // messages/s, 0 = unlimited
  std::string failed_output;
  bool failed_output_append = false;  // append to --failed-output instead of truncating it
  double stats_interval = 0;          // seconds, 0 = off
  std::size_t batch = 0;              // records per SEND_BATCH_MESSAGE, 0/1 = no batching
  std::size_t batch_bytes = 4 * 1024 * 1024;
  std::int64_t batch_linger_ms = 10;  // RocketMQ 5 ProduceAccumulator holdMs
  std::string target_broker;          // --broker: with --queue-id, send to that queue only
  int target_queue_id = -1;           // unset without --broker (they need each other)
  TransactionOptions transaction;     // --transaction, --transaction-exec, --transaction-check
  bool dry_run = false;               // --dry-run: validate and print, contact no server
  bool strict = false;                // --strict: FLUSH_*/SLAVE_* statuses are failures
  std::size_t producers = 1;          // --producers: independent producers fed round-robin
  bool trace = false;                 // --trace: Java's enableMsgTrace
  std::string trace_topic;            // --trace-topic (implies --trace); "": RMQ_SYS_TRACE_TOPIC
};

// `mqsend probe`: the settings only the probe has.
struct ProbeOptions {
  int expect_brokers = 0;  // fail when the route has fewer master brokers; 0 = no check
};

// The whole command line: which command, its settings, and the configuration flags.
struct CommandLine {
  CliOptions options;
  ProbeOptions probe;
  std::string config_file;      // --config (the file layer; see layered_settings.hpp)
  bool print_config = false;    // --print-config
  CLI::App* probe_command = nullptr;  // set by define_command_line; parsed() when chosen
  std::vector<std::string> recall_handles;  // `mqsend recall HANDLE...`
  CLI::App* recall_command = nullptr;
  CLI::App* request_command = nullptr;  // `mqsend request`: -m, -k, -p bound to `options`

  bool probe_chosen() const;
  bool recall_chosen() const;
  bool request_chosen() const;
};

// Defines the common flags (-n, -t, --timeout, -g, --namespace, --serialize, --vip-channel,
// --tags, --json, the ACL credentials, TLS) and the configuration flags on `app`. Flags added here
// appear on both commands; flags that only `send` has go in define_command_line.
void define_common_options(CLI::App& app, CommandLine& command_line);

// Defines every flag of `send` on `app`, and the `probe` subcommand with its flags, all bound
// to `command_line` (which must outlive `app`). -t is not marked required, because `probe`
// carries its own; missing_required() checks it after parsing.
void define_command_line(CLI::App& app, CommandLine& command_line);

// The usage error for a required setting that no layer (flag, environment, file) gave, or "".
std::string missing_required(const CommandLine& command_line);

// Marks a flag whose value is a secret: --print-config masks it, --help never shows its value.
// Flags whose long name contains "secret", "password" or "token" count as marked.
CLI::Option* mark_secret(CLI::Option* option);
bool is_secret(const CLI::Option& option);

}  // namespace mqsend::cli
