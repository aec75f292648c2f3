#include "cli/reporter.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace mqsend::cli {

namespace {

nlohmann::json brokers_json(const SendOutcome& outcome) {
  return nlohmann::json(outcome.brokers_tried);
}

std::string success_json(std::size_t index, const SendOutcome& outcome) {
  const SendResult& result = outcome.result.value();
  nlohmann::json line{{"index", index},
                      {"status", outcome.oneway ? "SENT_ONEWAY" : send_status_name(result.status)},
                      {"msgId", result.msg_id},
                      {"topic", result.queue.topic},
                      {"broker", result.queue.broker_name},
                      {"queueId", result.queue.queue_id},
                      {"latencyMs", outcome.latency.count() / 1000.0},
                      {"brokersTried", brokers_json(outcome)}};
  if (!outcome.oneway) {
    line["offsetMsgId"] = result.offset_msg_id;
    line["queueOffset"] = result.queue_offset;
    line["regionId"] = result.region_id;
    if (!result.transaction_id.empty()) line["transactionId"] = result.transaction_id;
  }
  return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string success_text(const SendOutcome& outcome) {
  const SendResult& result = outcome.result.value();
  if (outcome.oneway) {
    return fmt::format("Oneway sent [msgId={}, messageQueue={}]", result.msg_id,
                       to_string(result.queue));
  }
  return to_string(result);
}

}  // namespace

Reporter::Reporter(bool json, std::FILE* out, std::FILE* err)
    : json_(json), out_(out), err_(err) {}

void Reporter::report(std::size_t index, const SendOutcome& outcome) {
  if (!outcome.result) {
    std::lock_guard<std::mutex> lock(mutex_);
    write_failure(index, outcome.result.error(), &outcome);
    return;
  }
  const std::string line = json_ ? success_json(index, outcome) : success_text(outcome);
  std::lock_guard<std::mutex> lock(mutex_);
  ++tally_.sent;
  std::fwrite(line.data(), 1, line.size(), out_);
  std::fputc('\n', out_);
}

void Reporter::report_failure(std::size_t index, const Error& error) {
  std::lock_guard<std::mutex> lock(mutex_);
  write_failure(index, error, nullptr);
}

void Reporter::write_failure(std::size_t index, const Error& error, const SendOutcome* outcome) {
  tally_.count_failure(error.code, outcome != nullptr && !outcome->brokers_tried.empty());
  const std::string name(error_code_name(error.code));
  if (json_) {
    nlohmann::json line{{"index", index},
                        {"status", "FAILED"},
                        {"error", {{"code", error.code}, {"name", name}, {"message", error.message}}}};
    if (outcome != nullptr) {
      line["latencyMs"] = outcome->latency.count() / 1000.0;
      line["brokersTried"] = brokers_json(*outcome);
    }
    const std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    std::fwrite(text.data(), 1, text.size(), out_);
    std::fputc('\n', out_);
  }
  // Error text on one line: remarks may carry newlines.
  std::string message = error.message;
  for (char& c : message) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  fmt::print(err_, "mqsend: message {} failed: [{} {}] {}\n", index, error.code, name, message);
}

RunTally Reporter::tally() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return tally_;
}

}  // namespace mqsend::cli
