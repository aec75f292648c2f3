#include "cli/send_input.hpp"

#include <unistd.h>

#include <optional>

#include "cli/input/delimited_source.hpp"
#include "cli/input/delimiter.hpp"
#include "cli/input/parsed_record.hpp"
#include "cli/input/timer_time.hpp"
#include "cli/input/record_sources.hpp"
#include "client/producer/properties.hpp"

namespace mqsend::cli {

Result<Message> message_template(const CliOptions& options) {
  Message message;
  message.topic = options.topic;
  message.set_tags(options.tags);
  message.set_keys(split_key_list(options.keys));
  message.set_delay_level(options.delay_level);
  if (!options.deliver_at.empty() || !options.delay.empty()) {
    std::optional<std::int64_t> deliver_at;
    std::optional<std::int64_t> delay;
    if (!options.deliver_at.empty()) {
      auto parsed = parse_deliver_at(options.deliver_at);
      if (!parsed) return Error{parsed.error().code, "--deliver-at: " + parsed.error().message};
      deliver_at = *parsed;
    } else {
      auto parsed = parse_duration_ms(options.delay);
      if (!parsed) return Error{parsed.error().code, "--delay: " + parsed.error().message};
      delay = *parsed;
    }
    set_timer(message, deliver_at, delay);
  }
  for (const auto& property : options.properties) {
    const auto equals = property.find('=');
    if (equals == std::string::npos) {
      return Error{error_code::kInvalidArgument,
                   "property '" + property + "' is not of the form key=value"};
    }
    const std::string key = property.substr(0, equals);
    std::string value = property.substr(equals + 1);
    if (Status refused = check_user_property(key, value, PropertySource::kFlag)) return *refused;
    message.set_property(key, std::move(value));
  }
  return message;
}

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

}  // namespace mqsend::cli
