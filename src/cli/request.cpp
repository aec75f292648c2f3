#include "cli/request.hpp"

#include <cstdio>
#include <iostream>
#include <iterator>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/diagnostics.hpp"
#include "cli/exit_codes.hpp"
#include "cli/producer_settings.hpp"
#include "cli/send_input.hpp"
#include "client/producer/producer.hpp"

namespace mqsend::cli {

namespace {

std::string reply_line(bool json, std::size_t index, const RequestOutcome& outcome) {
  const double latency_ms = static_cast<double>(outcome.latency.count()) / 1000.0;
  if (!outcome.reply) {
    const Error& error = outcome.reply.error();
    if (json) {
      return nlohmann::json{{"index", index},
                            {"status", "FAILED"},
                            {"correlationId", outcome.correlation_id},
                            {"latencyMs", latency_ms},
                            {"error", {{"code", error.code}, {"name", error_code_name(error.code)}, {"message", error.message}}}}
                 .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
    return fmt::format("RequestFailed [index={}, correlationId={}, code={}, name={}, message={}]", index,
                       outcome.correlation_id, error.code, error_code_name(error.code), error.message);
  }
  const ReplyMessage& reply = outcome.reply.value();
  if (json) {
    nlohmann::json line{{"index", index},
                        {"status", "REPLIED"},
                        {"correlationId", outcome.correlation_id},
                        {"latencyMs", latency_ms},
                        {"topic", reply.topic},
                        {"body", reply.body},
                        {"properties", reply.properties},
                        {"bornHost", reply.born_host},
                        {"storeHost", reply.store_host}};
    if (outcome.sent) {
      line["request"] = {{"msgId", outcome.sent->msg_id},
                         {"broker", outcome.sent->queue.broker_name},
                         {"queueId", outcome.sent->queue.queue_id},
                         {"queueOffset", outcome.sent->queue_offset}};
    }
    return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  std::string properties;
  for (const auto& [key, value] : reply.properties) {
    if (!properties.empty()) properties += ", ";
    properties += key + "=" + value;
  }
  return fmt::format("Reply [index={}, correlationId={}, latencyMs={:.3f}, topic={}, properties={{{}}}, body={}]",
                     index, outcome.correlation_id, latency_ms, reply.topic, properties, reply.body);
}

}  // namespace

void define_request_command(CLI::App& app, CommandLine& command_line) {
  CLI::App* request = app.add_subcommand(
      "request",
      "Request-reply (DefaultMQProducer.request): send each -m body (or each stdin line) as a "
      "request and print its reply, pushed by the broker once a consumer answered");
  request->footer("Exit codes: 0 every request answered, 1 some, 4 none, 5 none and all timed out, 2 usage error.");
  request->option_defaults()->always_capture_default();
  define_common_options(*request, command_line);
  CliOptions& options = command_line.options;
  request->add_option("-m,--message", options.messages, "Request body (repeatable: one request each)");
  request->add_option("-k,--keys", options.keys, "Message keys, comma-separated (KEYS property)");
  request->add_option("-p,--property", options.properties, "User property key=value (repeatable)")->take_all();
  command_line.request_command = request;
}

int run_request(const CliOptions& options) {
  auto base = message_template(options);
  if (!base) return usage_error(base.error().message);
  auto settings = common_producer_options(options);
  if (!settings) return usage_error(settings.error().message);
  settings->register_with_brokers = true;  // the broker pushes the reply to a registered client
  Producer producer(std::move(settings.value()));
  RunTally tally;
  std::size_t index = 0;
  auto request_one = [&](std::string body) {
    Message message = base.value();
    message.body = std::move(body);
    std::optional<RequestOutcome> done;
    producer.request(std::move(message), Milliseconds(options.timeout_ms),
                     [&done](RequestOutcome outcome) { done = std::move(outcome); });
    while (!done) producer.poll(Milliseconds(100));
    if (done->reply) {
      ++tally.sent;
    } else {
      tally.count_failure(done->reply.error().code, done->sent.has_value());
      tell("mqsend: request {} failed: [{} {}] {}", index, done->reply.error().code,
           error_code_name(done->reply.error().code), done->reply.error().message);
    }
    const std::string line = reply_line(options.json_output, index++, *done) + "\n";
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fflush(stdout);
  };
  if (!options.messages.empty()) {
    for (const std::string& body : options.messages) request_one(body);
  } else {
    std::string line;
    while (std::getline(std::cin, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (!line.empty()) request_one(std::move(line));
    }
  }
  producer.close();
  return exit_code_for(tally);
}

}  // namespace mqsend::cli
