#pragma once
// What a `send` run reads and how: the message every record starts from, the record source
// the options choose, and the parser of its records.
#include <memory>
#include <optional>
#include <string>

#include "cli/input/input_record.hpp"
#include "cli/input/record_parser.hpp"
#include "cli/options.hpp"
#include "cli/sharding.hpp"
#include "client/common/error.hpp"
#include "client/producer/message.hpp"

namespace mqsend::cli {

// The message every record is sent as, body aside: topic, tags, keys, delay, -p properties.
Result<Message> message_template(const CliOptions& options);

// True when the bodies come from flags (-m, --file, --size) rather than a stream of records
// (stdin, -l).
bool bodies_from_flags(const CliOptions& options);

// Input records as the options ask: -m templates, --file or --size bodies (repeated with
// --count / --repeat), or delimited streams from the -l files in turn ("-": stdin) or stdin.
Result<std::unique_ptr<RecordSource>> open_source(const CliOptions& options,
                                                  const std::string& delimiter);

// Plain bodies for -m / --file / --size; -K, --tag-delimiter and --input json for delimited records.
Result<RecordParser> record_parser(const CliOptions& options);

// A record as the message it is sent as, with its ordered-send key when it has one.
struct RecordMessage {
  Message message;
  std::optional<std::string> sharding_key;
};

// What the run loop (and --dry-run) makes of one record: `base` with the record's body and
// fields, or the failure to report for it (oversized, unparsable, a timer in the past, no
// sharding key).
Result<RecordMessage> record_message(const InputRecord& record, const RecordParser& parser, const Message& base,
                                     const ShardingRule& sharding, std::size_t max_size);

}  // namespace mqsend::cli
