#include "cli/reporter.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <iterator>

#include <nlohmann/json.hpp>

namespace mqsend::cli {

namespace {

std::string dump(const nlohmann::json& line) {
  return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string success_json(std::size_t index, const SendOutcome& outcome) {
  const SendResult& result = outcome.result.value();
  nlohmann::json line{{"index", index},
                      {"status", outcome.oneway ? "SENT_ONEWAY" : send_status_name(result.status)},
                      {"msgId", result.msg_id},
                      {"topic", result.queue.topic},
                      {"broker", result.queue.broker_name},
                      {"queueId", result.queue.queue_id},
                      {"latencyMs", static_cast<double>(outcome.latency.count()) / 1000.0},
                      {"brokersTried", outcome.brokers_tried}};
  if (!outcome.oneway) {
    line["offsetMsgId"] = result.offset_msg_id;
    line["queueOffset"] = result.queue_offset;
    line["regionId"] = result.region_id;
    if (!result.transaction_id.empty()) line["transactionId"] = result.transaction_id;
  }
  return dump(line);
}

void append_success_text(const SendOutcome& outcome, std::string& out) {
  const SendResult& result = outcome.result.value();
  if (!outcome.oneway) return append_text(result, out);
  fmt::format_to(std::back_inserter(out), "Oneway sent [msgId={}, messageQueue=", result.msg_id);
  append_text(result.queue, out);
  out.push_back(']');
}

std::vector<std::string> split_list(const std::string& list, std::size_t members) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (parts.size() + 1 < members) {
    const std::size_t comma = list.find(',', start);
    if (comma == std::string::npos) break;
    parts.push_back(list.substr(start, comma - start));
    start = comma + 1;
  }
  parts.push_back(list.substr(std::min(start, list.size())));
  parts.resize(members);
  return parts;
}

}  // namespace

Reporter::Reporter(ReporterOptions options) : options_(std::move(options)) {}

void Reporter::report(std::size_t index, const SendOutcome& outcome, std::string_view raw) {
  if (!outcome.result) {
    std::lock_guard<std::mutex> lock(mutex_);
    write_failure(index, outcome.result.error(), &outcome, raw);
    return;
  }
  stats_.record_sent(outcome.latency);
  if (options_.out == nullptr) {
    std::lock_guard<std::mutex> lock(mutex_);
    ++tally_.sent;
    return;
  }
  // Reused per thread: the text form costs no allocation per message.
  static thread_local std::string line;
  line.clear();
  if (options_.json) {
    line = success_json(index, outcome);
  } else {
    append_success_text(outcome, line);
  }
  line.push_back('\n');
  std::lock_guard<std::mutex> lock(mutex_);
  ++tally_.sent;
  // A closed stdout (EPIPE) must not stop the accounting: write errors are ignored here.
  std::fwrite(line.data(), 1, line.size(), options_.out);
}

void Reporter::report_failure(std::size_t index, const Error& error, std::string_view raw) {
  std::lock_guard<std::mutex> lock(mutex_);
  write_failure(index, error, nullptr, raw);
}

void Reporter::write_failure(std::size_t index, const Error& error, const SendOutcome* outcome,
                             std::string_view raw) {
  const bool reached_broker = outcome != nullptr && !outcome->brokers_tried.empty();
  tally_.count_failure(error.code, reached_broker);
  stats_.record_failed(outcome != nullptr ? outcome->latency : std::chrono::microseconds(0));
  const std::string name(error_code_name(error.code));
  if (options_.json && options_.out != nullptr) {
    nlohmann::json line{{"index", index},
                        {"status", "FAILED"},
                        {"error", {{"code", error.code}, {"name", name}, {"message", error.message}}}};
    if (outcome != nullptr) {
      line["latencyMs"] = static_cast<double>(outcome->latency.count()) / 1000.0;
      line["brokersTried"] = outcome->brokers_tried;
    }
    const std::string text = dump(line);
    std::fwrite(text.data(), 1, text.size(), options_.out);
    std::fputc('\n', options_.out);
  }
  if (options_.failed_output != nullptr) {
    const std::string& delimiter = options_.failed_delimiter;
    if (std::fwrite(raw.data(), 1, raw.size(), options_.failed_output) != raw.size() ||
        std::fwrite(delimiter.data(), 1, delimiter.size(), options_.failed_output) != delimiter.size()) {
      note_failed_output_error_locked();
    }
  }
  // Error text on one line: remarks may carry newlines.
  std::string message = error.message;
  for (char& c : message) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  fmt::print(options_.err, "mqsend: message {} failed: [{} {}] {}\n", index, error.code, name,
             message);
}

void Reporter::flush() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (options_.out != nullptr) std::fflush(options_.out);
  if (options_.failed_output != nullptr && std::fflush(options_.failed_output) != 0) {
    note_failed_output_error_locked();
  }
}

std::string Reporter::failed_output_error() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return failed_output_error_;
}

void Reporter::note_failed_output_error_locked() {
  if (failed_output_error_.empty()) failed_output_error_ = std::strerror(errno);
}

RunTally Reporter::tally() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return tally_;
}

std::vector<SendOutcome> split_batch_outcome(const SendOutcome& batch, std::size_t members) {
  std::vector<SendOutcome> outcomes;
  outcomes.reserve(members);
  if (!batch.result) {
    for (std::size_t i = 0; i < members; ++i) outcomes.push_back(batch);
    return outcomes;
  }
  const SendResult& result = batch.result.value();
  const auto msg_ids = split_list(result.msg_id, members);
  const auto offset_ids = split_list(result.offset_msg_id, members);
  for (std::size_t i = 0; i < members; ++i) {
    SendResult member = result;
    member.msg_id = msg_ids[i];
    member.offset_msg_id = offset_ids[i];
    if (!batch.oneway) member.queue_offset = result.queue_offset + static_cast<std::int64_t>(i);
    outcomes.push_back(SendOutcome{member, batch.brokers_tried, batch.latency, batch.oneway});
  }
  return outcomes;
}

}  // namespace mqsend::cli
