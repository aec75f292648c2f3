#include "cli/options.hpp"

#include <map>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include <CLI/CLI.hpp>

#include "cli/exit_codes.hpp"
#include "cli/probe.hpp"
#include "cli/request.hpp"
#include "cli/tls_flags.hpp"

namespace mqsend::cli {

namespace {

constexpr std::string_view kSecretType = "SECRET";

// A validator of numbers: "Value abc is not a number" for text, else what `check` says of the
// value ("" when it is fine). CLI::Range calls text "not in range", CLI::NonNegativeNumber
// states its range with the largest double in full.
template <typename Check>
CLI::Validator number_validator(Check check, std::string description) {
  return CLI::Validator(
      [check](std::string& input) -> std::string {
        double value = 0;
        if (!CLI::detail::lexical_cast(input, value)) return "Value " + input + " is not a number";
        return check(input, value);
      },
      std::move(description));
}

// Also keeps -1 out of unsigned settings (CLI11 would wrap it).
const CLI::Validator& non_negative() {
  static const CLI::Validator validator = number_validator(
      [](const std::string& input, double value) {
        return value < 0 ? "Value " + input + " is negative" : std::string();
      },
      "NONNEGATIVE");
  return validator;
}

template <typename T>
CLI::Validator in_range(T min, T max) {
  return number_validator(
      [min, max](const std::string& input, double value) {
        return value < static_cast<double>(min) || value > static_cast<double>(max)
                   ? fmt::format("Value {} not in range {} to {}", input, min, max)
                   : std::string();
      },
      fmt::format("{} in [{} - {}]", CLI::detail::type_name<T>(), min, max));
}

// -l's check: an existing file, or "-" for stdin.
const CLI::Validator& existing_file_or_stdin() {
  static const CLI::Validator validator(
      [](std::string& path) { return path == "-" ? std::string() : CLI::ExistingFile(path); }, "FILE|-");
  return validator;
}

const char* configuration_help() {
  return "\nSettings come from flags, then MQSEND_<FLAG> environment variables (MQSEND_TIMEOUT, "
         "MQSEND_RETRY_ANOTHER_BROKER_WHEN_NOT_STORE_OK, ...; NAMESRV_ADDR for -n), then the "
         "config file (--config, MQSEND_CONFIG, or $XDG_CONFIG_HOME/mqsend/config, "
         "~/.config/mqsend/config): 'key = value' lines keyed by the long flag names. A "
         "repeatable flag's variable takes a list as the file does: MQSEND_PROPERTY='[a=1, b=2]'. "
         "What to send (-m, --file, -l, --size, --no-template, --count, --repeat) and --dry-run are "
         "given by flags only.\n";
}

void define_send_options(CLI::App& app, CliOptions& options) {
  app.add_option("-k,--keys", options.keys, "Message keys, comma-separated (KEYS property)");
  app.add_option("--shard-key", options.shard_key,
                 "Ordered send: every message to the queue this key hashes to (Java "
                 "SelectMessageQueueByHash), one in flight per queue, never another queue")
      ->type_name("KEY");
  app.add_option("--shard-by", options.shard_by,
                 "Ordered send keyed by each message's KEYS (as stored: space-joined) or TAGS; "
                 "a JSON record's \"shardingKey\" comes first")
      ->check(CLI::IsMember({"keys", "tags"}).description(""))
      ->type_name("keys|tags");
  const std::map<std::string, SendMode> modes{
      {"sync", SendMode::kSync}, {"async", SendMode::kAsync}, {"oneway", SendMode::kOneway}};
  app.add_option("--mode", options.mode, "Send mode: sync, async or oneway")
      ->transform(CLI::CheckedTransformer(modes, CLI::ignore_case).description(""))
      // Runs first (transforms go in front): its error names the choices, not the enum values.
      ->transform(CLI::IsMember({"sync", "async", "oneway"}, CLI::ignore_case).description(""))
      ->type_name("sync|async|oneway")
      ->default_str("sync");
  app.add_option("--retries", options.retries,
                 "Retries after a failed sync send (retryTimesWhenSendFailed)")
      ->check(in_range(0, 100));
  app.add_option("--async-retries", options.async_retries,
                 "Retries after a network failure of an async send (retryTimesWhenSendAsyncFailed)")
      ->check(in_range(0, 100));
  app.add_flag("--retry-another-broker-when-not-store-ok",
               options.retry_another_broker_when_not_store_ok,
               "Retry on another broker when the broker stored the message with a warning "
               "(FLUSH_DISK_TIMEOUT, FLUSH_SLAVE_TIMEOUT, SLAVE_NOT_AVAILABLE)");
  app.add_flag("--latency-fault", options.latency_fault,
               "Enable the latency fault strategy (avoid slow or failing brokers)");
  app.add_option("--fault-latency-max", options.fault_latency_max,
                 "Latency fault: latency thresholds in ms (comma-separated, ascending)")
      ->delimiter(',')
      ->expected(1, 64);
  app.add_option("--fault-not-available", options.fault_not_available,
                 "Latency fault: isolation in ms for each threshold (same count as --fault-latency-max)")
      ->delimiter(',')
      ->expected(1, 64);
  app.add_option("--route-refresh", options.route_refresh_ms,
                 "Re-read routes from the name server this often while streaming "
                 "(pollNameServerInterval)")
      ->type_name("MS")
      ->check(in_range(std::int64_t{1}, std::int64_t{3600000}));
  app.add_option("-p,--property", options.properties,
                 "User property key=value (repeatable; name and value not blank; keys RocketMQ "
                 "reserves are refused)")
      ->take_all();
  app.add_option("--delay-level", options.delay_level,
                 "Delay level 1..18 (1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h); 0 = none")
      ->check(in_range(0, 18));
  app.add_option("--deliver-at", options.deliver_at,
                 "Timer message (RocketMQ 5): deliver at this time, RFC 3339 "
                 "(2026-12-01T18:30:00Z) or epoch ms; a 5.3 broker answers a recallHandle")
      ->type_name("TIME");
  app.add_option("--delay", options.delay,
                 "Timer message (RocketMQ 5): deliver after this long (250ms, 90s, 15m, 1h30m)")
      ->type_name("DURATION");
  app.add_option("--compress", options.compress,
                 "Body compression (sysFlag type bits): zlib, any broker and consumer reads it; "
                 "lz4 and zstd need RocketMQ 5 brokers and consumers")
      ->check(CLI::IsMember({"zlib", "lz4", "zstd"}, CLI::ignore_case).description(""))
      ->type_name("zlib|lz4|zstd");
  app.add_option("--compress-level", options.compress_level,
                 "Compression level: zlib 0..9 (default 5), zstd -7..22 (default 5); LZ4 takes none");
  app.add_option("--compress-over", options.compress_over,
                 "Compress bodies of at least this many bytes (--compress, default zlib level 5)")
      ->check(non_negative());
  app.add_option("--max-size", options.max_size, "Largest accepted body in bytes")
      ->check(in_range(std::size_t{1}, std::size_t{16 * 1024 * 1024}));
  app.add_option("--inflight", options.inflight, "Async/oneway: most messages in flight or unreported at once")
      ->check(in_range(std::size_t{1}, std::size_t{1} << 20));
  app.add_flag("-q,--quiet", options.quiet,
               "No per-message output lines, and no summary when every message was sent: a quiet "
               "success is silent (failures and their summary still go to stderr)");
  app.add_flag("--summary", options.summary,
               "Print the summary line on stderr even with -q and every message sent");
  auto* message = app.add_option("-m,--message", options.messages,
                                 "Message body (repeatable: one message each), a template: {{seq}} (the "
                                 "message's number from 1), {{time}} (RFC 3339 UTC, ms), {{uuid}} (random v4), "
                                 "{{random N}} (N random letters and digits) are replaced; other text is sent "
                                 "as is");
  auto* file = app.add_option("--file", options.file,
                               "Send the whole file as one message (binary-safe)")
                    ->check(CLI::ExistingFile)
                    ->excludes(message);
  auto* input_files = app.add_option("-l,--input-file", options.input_files,
                                     "Read records from this file, split like stdin (repeatable: the "
                                     "files in turn; - is stdin)")
                           ->check(existing_file_or_stdin())
                           ->excludes(message)
                           ->excludes(file);
  app.add_option("--size", options.size,
                 "Send synthetic bodies of N bytes (0-9a-zA-Z repeated): one message, or --count / "
                 "--repeat of them")
      ->type_name("N")
      ->check(in_range(std::size_t{1}, std::size_t{16 * 1024 * 1024}))
      ->default_str("")  // no default: without it the bodies come from elsewhere
      ->excludes(message)
      ->excludes(file)
      ->excludes(input_files);
  app.add_flag("--no-template", options.no_template,
               "Send -m bodies exactly as given: no {{...}} placeholder is replaced")
      ->needs(message);
  app.add_option("-D,--delimiter", options.delimiter,
                 "Record delimiter: any bytes, escapes \\n \\r \\t \\0 \\\\ \\xNN");
  app.add_option("-K,--key-delimiter", options.key_delimiter,
                 "Take KEYS from each record: KEYS<delim>BODY (keys comma-separated)");
  app.add_option("--tag-delimiter", options.tag_delimiter,
                 "Take TAGS from each record: TAG<delim>BODY (after the key part, if any)");
  app.add_option("--input", options.input_format,
                 "Record format: text, or json (one object per record: body | body_base64, "
                 "tags, keys, properties, delay: optional, null = absent)")
      ->check(CLI::IsMember({"text", "json"}));
  app.add_option("--count", options.count,
                 "Send N messages: of the -m template, --file or --size body, or at most N input records")
      ->check(non_negative());
  app.add_flag("--repeat", options.repeat,
               "Send the -m/--file/--size body again and again (until --count or interrupted)");
  app.add_option("--rate", options.rate, "Send at most this many messages per second (0 = no limit)")
      ->check(non_negative());
  auto* failed_output = app.add_option(
      "--failed-output", options.failed_output,
      "Write the records that finally failed to this file, replayable with the same flags: "
      "stream records as read; -m/--file/--size bodies as JSON lines (replay with -l FILE --input json). "
      "It may be the input file itself: it is then replaced at the end")
      ->type_name("FILE");
  app.add_flag("--failed-output-append", options.failed_output_append,
               "Append to --failed-output instead of truncating it (not when it is the input)")
      ->needs(failed_output);
  app.add_option("--stats-interval", options.stats_interval,
                 "Print send TPS, failures and p50/p99/max RT on stderr every S seconds (0 = off)")
      ->check(non_negative());
  app.add_option("--batch", options.batch,
                 "Pack up to N consecutive records into one SEND_BATCH_MESSAGE (0 = off)")
      ->check(in_range(std::size_t{0}, std::size_t{100000}));
  app.add_option("--batch-bytes", options.batch_bytes, "Largest encoded batch body in bytes")
      ->check(in_range(std::size_t{64}, std::size_t{16 * 1024 * 1024}));
  app.add_option("--batch-linger", options.batch_linger_ms,
                 "Send a partial batch once its first record has waited this long (0 = whenever "
                 "the input has no more bytes ready)")
      ->type_name("MS")
      ->check(in_range(std::int64_t{0}, std::int64_t{3600000}));
  auto* broker = app.add_option("--broker", options.target_broker,
                                "Send only to this broker (with --queue-id): one attempt, no failover");
  auto* queue_id = app.add_option("--queue-id", options.target_queue_id, "Queue id on --broker")
                       ->check(non_negative())
                       ->default_str("");  // no default: it comes with --broker
  broker->needs(queue_id);
  queue_id->needs(broker);
  define_transaction_options(app, options.transaction);
  app.add_flag("--dry-run", options.dry_run,
               "Validate every record as a send would and print what would be sent (topic, size, "
               "properties); send nothing, contact no server; exit as the send would for invalid records");
  app.add_flag("--strict", options.strict,
               "Count messages stored with FLUSH_DISK_TIMEOUT, FLUSH_SLAVE_TIMEOUT or SLAVE_NOT_AVAILABLE "
               "as failed (exit 1, or 4 when all are); the summary counts them either way");
  app.add_option("--producers", options.producers,
                 "Send through N independent producers (own client id and connections each), records "
                 "round-robin, a sharding key always through the same one")
      ->check(in_range(std::size_t{1}, std::size_t{64}));
  app.add_flag("--trace", options.trace,
               "Send the Java client's message trace (enableMsgTrace) of every send answered by a "
               "broker to RMQ_SYS_TRACE_TOPIC");
  app.add_option("--trace-topic", options.trace_topic, "Send the message trace to this topic (implies --trace)")
      ->type_name("TOPIC");
}

void define_probe_command(CLI::App& app, CommandLine& command_line) {
  CLI::App* probe = app.add_subcommand(
      "probe",
      "Smoke test: print the topic's route, send one message to every writable queue of every "
      "master broker, and print a per-broker table");
  probe->footer(probe_exit_code_help());
  probe->option_defaults()->always_capture_default();
  define_common_options(*probe, command_line);
  probe->add_option("--expect-brokers", command_line.probe.expect_brokers,
                    "Fail (exit 6) when the route has fewer master brokers than this; 0 = no check")
      ->check(non_negative());
  command_line.probe_command = probe;
}

void define_recall_command(CLI::App& app, CommandLine& command_line) {
  CLI::App* recall = app.add_subcommand(
      "recall",
      "Cancel timer messages (RocketMQ 5.3 RECALL_MESSAGE) by the recallHandle their sends were "
      "answered with; one result line per handle");
  recall->footer("Exit codes: 0 every handle recalled, 1 some, 4 none, 2 usage error.");
  recall->option_defaults()->always_capture_default();
  define_common_options(*recall, command_line);
  recall->add_option("handles", command_line.recall_handles, "Recall handles (from --json's recallHandle)")
      ->required()
      ->type_name("HANDLE");
  command_line.recall_command = recall;
}

}  // namespace

void define_common_options(CLI::App& app, CommandLine& command_line) {
  CommonOptions& options = command_line.options;
  app.add_option("-n,--namesrv", options.name_servers,
                 "Name server addresses, 'host:port;host:port'")
      ->envname("NAMESRV_ADDR");
  app.add_option("-t,--topic", options.topic, "Topic to send to (required)");
  app.add_option("--tags", options.tags, "Message tag (TAGS property)");
  app.add_option("--timeout", options.timeout_ms,
                 "Budget in ms for one message, route lookup and all retries included")
      ->check(in_range(std::int64_t{1}, std::int64_t{3600000}));
  app.add_option("-g,--group", options.group, "Producer group");
  app.add_option("--serialize", options.serialize,
                 "Request header serialization: json or rocketmq (binary)")
      ->check(CLI::IsMember({"json", "rocketmq"}, CLI::ignore_case));
  app.add_option("--namespace", options.name_space,
                 "Namespace: topic and group become NS%NAME, as the Java client's namespace");
  app.add_flag("--vip-channel", options.vip_channel,
               "Send to the brokers' VIP port (broker port - 2), as sendMessageWithVIPChannel");
  app.add_flag("--json", options.json_output, "Print JSON: one object per message (probe: one report)");
  define_credential_options(app, options.credentials);
  define_tls_options(app, options.tls);
  app.add_option("--config", command_line.config_file,
                 "Read settings from this file (default: $XDG_CONFIG_HOME/mqsend/config or "
                 "~/.config/mqsend/config, if it exists)")
      ->envname("MQSEND_CONFIG")
      ->type_name("FILE");
  app.add_flag("--print-config", command_line.print_config,
               "Print the effective settings as a config file (secrets masked) and exit");
}

void define_command_line(CLI::App& app, CommandLine& command_line) {
  app.description(
      "mqsend: send messages to an Apache RocketMQ cluster.\n"
      "Without -m, --file or -l, every line of standard input is one message "
      "(CRLF handled, empty lines skipped).\n"
      "'mqsend probe --help' describes the smoke test, 'mqsend recall --help' the recall of "
      "timer messages, 'mqsend request --help' request-reply.");
  app.footer(std::string(exit_code_help()) + configuration_help());
  app.option_defaults()->always_capture_default();
  define_common_options(app, command_line);
  define_send_options(app, command_line.options);
  app.set_version_flag("-V,--version", "mqsend " MQSEND_VERSION);
  define_probe_command(app, command_line);
  define_recall_command(app, command_line);
  define_request_command(app, command_line);
}

bool CommandLine::probe_chosen() const {
  return probe_command != nullptr && probe_command->parsed();
}

bool CommandLine::request_chosen() const {
  return request_command != nullptr && request_command->parsed();
}

bool CommandLine::recall_chosen() const {
  return recall_command != nullptr && recall_command->parsed();
}

std::string missing_required(const CommandLine& command_line) {
  if (command_line.print_config) return "";
  if (command_line.options.topic.empty()) return "--topic is required (-t TOPIC)";
  return "";
}

CLI::Option* mark_secret(CLI::Option* option) {
  return option->type_name(std::string(kSecretType))->default_str("");
}

bool is_secret(const CLI::Option& option) {
  if (option.get_type_name().rfind(kSecretType, 0) == 0) return true;
  for (const std::string& name : option.get_lnames()) {
    for (std::string_view word : {"secret", "password", "token"}) {
      if (name.find(word) != std::string::npos) return true;
    }
  }
  return false;
}

}  // namespace mqsend::cli
