#include "cli/dry_run.hpp"

#include <cstdio>
#include <iterator>
#include <optional>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/diagnostics.hpp"
#include "cli/exit_codes.hpp"
#include "cli/interrupt.hpp"
#include "cli/reporter.hpp"
#include "cli/send_input.hpp"

namespace mqsend::cli {

namespace {

std::string text_line(std::size_t index, const RecordMessage& made, const ProducerOptions& producer) {
  const Message& message = made.message;
  std::string line = fmt::format("DryRun [index={}, topic={}, bodySize={}", index, message.topic, message.body.size());
  if (made.sharding_key) fmt::format_to(std::back_inserter(line), ", shardingKey={}", *made.sharding_key);
  if (producer.queue_target) {
    fmt::format_to(std::back_inserter(line), ", broker={}, queueId={}", producer.queue_target->broker_name,
                   producer.queue_target->queue_id);
  }
  line += ", properties={";
  bool first = true;
  for (const auto& [key, value] : message.properties) {
    fmt::format_to(std::back_inserter(line), "{}{}={}", first ? "" : ", ", key, value);
    first = false;
  }
  line += "}]\n";
  return line;
}

std::string json_line(std::size_t index, const RecordMessage& made, const ProducerOptions& producer) {
  const Message& message = made.message;
  nlohmann::json line{{"index", index},
                      {"status", "DRY_RUN"},
                      {"topic", message.topic},
                      {"bodySize", message.body.size()},
                      {"properties", message.properties}};
  if (made.sharding_key) line["shardingKey"] = *made.sharding_key;
  if (producer.queue_target) {
    line["broker"] = producer.queue_target->broker_name;
    line["queueId"] = producer.queue_target->queue_id;
  }
  return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace

int run_dry(const CliOptions& options, const ProducerOptions& producer, RecordSource& source,
            const RecordParser& parser, const Message& base, const ShardingRule& sharding) {
  ReporterOptions report;
  report.json = options.json_output;
  report.out = options.quiet ? nullptr : stdout;
  Reporter reporter(std::move(report));  // for the failures: lines as a send's
  install_interrupt_handlers();
  unblock_interrupts();
  const bool capped = options.count > 0 && !bodies_from_flags(options);
  std::uint64_t taken = 0;
  std::size_t valid = 0;
  while (!interrupt_requested() && !(capped && taken == options.count)) {
    auto record = source.next();
    if (!record) break;
    ++taken;
    auto made = record_message(*record, parser, base, sharding, options.max_size);
    if (made) {
      if (Status invalid = check_send(producer, made->message)) made = *invalid;
    }
    if (!made) {
      reporter.report_failure(record->index, made.error(),
                              record->oversized ? std::nullopt : std::optional<std::string_view>(record->raw));
      continue;
    }
    ++valid;
    if (options.quiet) continue;
    const std::string line = options.json_output ? json_line(record->index, *made, producer)
                                                 : text_line(record->index, *made, producer);
    std::fwrite(line.data(), 1, line.size(), stdout);
  }
  const std::string read_error = source.error();
  if (!read_error.empty()) tell("mqsend: reading input stopped: {}", read_error);
  std::fflush(stdout);
  RunTally tally = reporter.tally();
  tally.sent = valid;  // would have been handed to the producer
  const bool interrupted = interrupt_requested();
  const int code = interrupted ? exit_code::kSomeFailed : exit_code_for(tally);
  if (!options.quiet || options.summary || code != exit_code::kAllSent) {
    tell("mqsend: dry run: {} valid, {} invalid, nothing sent{}", valid, tally.failed,
         interrupted ? " (interrupted)" : "");
  }
  return code;
}

}  // namespace mqsend::cli
