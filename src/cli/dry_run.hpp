#pragma once
// --dry-run: every record read, made into its message and checked as a send checks it
// (record_message, then the producer's check_send), and printed instead of sent. No producer
// is made, so no server is contacted. The queue is not printed: choosing one needs the route
// from the name server (--broker/--queue-id, which fix it, are printed).
#include "cli/input/input_record.hpp"
#include "cli/input/record_parser.hpp"
#include "cli/options.hpp"
#include "cli/sharding.hpp"
#include "client/producer/message.hpp"
#include "client/producer/producer.hpp"

namespace mqsend::cli {

// Prints one line per record on stdout (text, or JSON with --json; none with -q), failures as
// a send reports them, then the summary on stderr. The exit code is a send's for the invalid
// records: 0 none, 1 some, 2 all.
int run_dry(const CliOptions& options, const ProducerOptions& producer, RecordSource& source,
            const RecordParser& parser, const Message& base, const ShardingRule& sharding);

}  // namespace mqsend::cli
