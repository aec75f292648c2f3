#pragma once
// What a `send` run reads and how: the message every record starts from, the record source
// the options choose, and the parser of its records.
#include <memory>
#include <string>

#include "cli/input/input_record.hpp"
#include "cli/input/record_parser.hpp"
#include "cli/options.hpp"
#include "client/common/error.hpp"
#include "client/producer/message.hpp"

namespace mqsend::cli {

// The message every record is sent as, body aside: topic, tags, keys, delay, -p properties.
Result<Message> message_template(const CliOptions& options);

// Input records as the options ask: -m / --file bodies (repeated with --count / --repeat),
// or a delimited stream from -l or stdin.
Result<std::unique_ptr<RecordSource>> open_source(const CliOptions& options,
                                                  const std::string& delimiter);

// Plain bodies for -m / --file; -K, --tag-delimiter and --input json for delimited records.
Result<RecordParser> record_parser(const CliOptions& options);

}  // namespace mqsend::cli
