#include "cli/send_input.hpp"

#include <unistd.h>

#include <algorithm>
#include <optional>
#include <vector>

#include "cli/input/body_template.hpp"
#include "cli/input/delimited_source.hpp"
#include "cli/input/delimiter.hpp"
#include "cli/input/parsed_record.hpp"
#include "cli/input/timer_time.hpp"
#include "cli/input/record_sources.hpp"
#include "client/producer/message_id.hpp"
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

bool bodies_from_flags(const CliOptions& options) {
  return !options.messages.empty() || !options.file.empty() || options.size > 0;
}

namespace {

// A -m body: a template, or as given with --no-template.
Result<BodyTemplate> message_body(const CliOptions& options, const std::string& body) {
  if (options.no_template) return BodyTemplate::literal(body);
  return BodyTemplate::parse(body, options.max_size);
}

// The body of every record when one comes from flags: --file's, --size's or the single -m
// template.
Result<BodyTemplate> repeated_body(const CliOptions& options) {
  if (options.size > 0) return BodyTemplate::literal(synthetic_body(options.size));
  if (!options.file.empty()) {
    auto source = open_whole_file(options.file, options.max_size + 1);
    if (!source) return source.error();
    auto record = (*source)->next();
    if (!record) return Error{error_code::kInvalidArgument, "cannot read " + options.file + ": " + (*source)->error()};
    if (record->oversized) return oversized_record_error(*record, options.max_size);
    return BodyTemplate::literal(std::move(record->raw));
  }
  if (options.messages.size() != 1) {
    return Error{error_code::kInvalidArgument, "--count/--repeat take exactly one -m body"};
  }
  return message_body(options, options.messages.front());
}

// -l files in turn, "-" standing for stdin; stdin alone without -l.
Result<std::unique_ptr<RecordSource>> open_streams(const CliOptions& options, const std::string& delimiter) {
  // Text records may hold a body up to the max size plus key/tag parts; JSON lines escape.
  const std::size_t record_limit =
      (options.input_format == "json" ? 6 : 1) * options.max_size + 64 * 1024;
  if (options.input_files.empty()) {
    return std::unique_ptr<RecordSource>(std::make_unique<DelimitedSource>(STDIN_FILENO, delimiter, record_limit));
  }
  if (std::count(options.input_files.begin(), options.input_files.end(), "-") > 1) {
    return Error{error_code::kInvalidArgument, "-l - names stdin, which can be read once: give it once"};
  }
  std::vector<std::unique_ptr<RecordSource>> sources;
  for (const std::string& path : options.input_files) {
    if (path == "-") {
      sources.push_back(std::make_unique<DelimitedSource>(STDIN_FILENO, delimiter, record_limit));
      continue;
    }
    auto source = open_delimited_file(path, delimiter, record_limit);
    if (!source) return source.error();
    sources.push_back(std::move(source.value()));
  }
  if (sources.size() == 1) return std::move(sources.front());
  return std::unique_ptr<RecordSource>(std::make_unique<ConcatenatedSource>(std::move(sources)));
}

}  // namespace

Result<std::unique_ptr<RecordSource>> open_source(const CliOptions& options,
                                                  const std::string& delimiter) {
  const bool repeated = options.repeat || options.count > 0;
  if (!bodies_from_flags(options)) {
    if (options.repeat) return Error{error_code::kInvalidArgument, "--repeat needs a -m, --file or --size body"};
    return open_streams(options, delimiter);
  }
  if (!repeated && !options.file.empty()) return open_whole_file(options.file, options.max_size + 1);
  if (repeated || options.size > 0) {
    auto body = repeated_body(options);
    if (!body) return body.error();
    std::optional<std::uint64_t> count;  // none: --repeat without --count, until interrupted
    if (options.count > 0) {
      count = options.count;
    } else if (!options.repeat) {
      count = 1;  // --size alone: one message, as one -m
    }
    return std::unique_ptr<RecordSource>(std::make_unique<RepeatSource>(std::move(body.value()), count));
  }
  std::vector<BodyTemplate> bodies;
  for (const std::string& message : options.messages) {
    auto body = message_body(options, message);
    if (!body) return body.error();
    bodies.push_back(std::move(body.value()));
  }
  return std::unique_ptr<RecordSource>(std::make_unique<FixedBodiesSource>(std::move(bodies)));
}

Result<RecordParser> record_parser(const CliOptions& options) {
  if (bodies_from_flags(options)) {
    if (!options.key_delimiter.empty() || !options.tag_delimiter.empty() || options.input_format == "json") {
      return Error{error_code::kInvalidArgument,
                   "-K, --tag-delimiter and --input json apply to stdin or -l records, not to -m/--file/--size"};
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

Result<RecordMessage> record_message(const InputRecord& record, const RecordParser& parser, const Message& base,
                                     const ShardingRule& sharding, std::size_t max_size) {
  if (record.oversized) return oversized_record_error(record, max_size);
  auto parsed = parser.parse(record.raw);
  if (!parsed) return parsed.error();
  RecordMessage made{base, std::move(parsed->sharding_key)};
  apply_record(std::move(parsed.value()), made.message);
  if (Status refused = check_timer(made.message, UniqueIdGenerator::system_now_ms())) return *refused;
  auto sharding_key = sharding.key_for(std::move(made.sharding_key), made.message);
  if (!sharding_key) return sharding_key.error();
  made.sharding_key = std::move(sharding_key.value());
  return made;
}

}  // namespace mqsend::cli
