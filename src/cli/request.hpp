#pragma once
// `mqsend request -t TOPIC -m BODY`: RocketMQ request-reply from a shell (Java
// DefaultMQProducer.request): each -m body, or else each stdin line, is sent as a request and
// its reply (pushed by the broker) printed: body, properties, latency. One request at a time,
// in input order, each within --timeout.
#include "cli/options.hpp"

namespace mqsend::cli {

void define_request_command(CLI::App& app, CommandLine& command_line);

// Exit codes: 0 every request answered, 1 some, 4 none, 5 none and every failure a timeout,
// 2 usage.
int run_request(const CliOptions& options);

}  // namespace mqsend::cli
