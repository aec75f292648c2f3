#include "cli/reporter.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <iterator>

#include "cli/diagnostics.hpp"
#include "client/remoting/codes.hpp"

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
    if (!result.recall_handle.empty()) line["recallHandle"] = result.recall_handle;
    if (result.timer_ignored) line["timerIgnored"] = true;
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

// The response code a broker answered for a stored-with-warning status (the error table's
// FLUSH_DISK_TIMEOUT, SLAVE_NOT_AVAILABLE, FLUSH_SLAVE_TIMEOUT).
int response_code_of(SendStatus status) {
  switch (status) {
    case SendStatus::kFlushDiskTimeout: return response_code::kFlushDiskTimeout;
    case SendStatus::kFlushSlaveTimeout: return response_code::kFlushSlaveTimeout;
    case SendStatus::kSlaveNotAvailable: return response_code::kSlaveNotAvailable;
    case SendStatus::kSendOk: break;
  }
  return response_code::kSuccess;
}

Error not_stored_ok_failure(const SendResult& result) {
  return Error{response_code_of(result.status),
               fmt::format("stored on {} as msgId {}, but not SEND_OK: {} (--strict)", result.queue.broker_name,
                           result.msg_id, send_status_name(result.status))};
}

}  // namespace

Reporter::Reporter(ReporterOptions options) : options_(std::move(options)) {}

void Reporter::report(std::size_t index, const SendOutcome& outcome, std::string_view raw) {
  if (!outcome.result) return write_failure(index, outcome.result.error(), &outcome, raw);
  const SendResult& result = outcome.result.value();
  if (!outcome.oneway && result.status != SendStatus::kSendOk) {
    stats_.record_not_stored_ok(result.status);
    if (options_.strict) return write_failure(index, not_stored_ok_failure(result), &outcome, raw);
  }
  stats_.record_sent(outcome.latency);
  ++tally_.sent;
  if (result.timer_ignored && !timer_warned_) {
    timer_warned_ = true;
    tell("mqsend: warning: {} answers as RocketMQ 4.x (version {}), which has no timer messages: it "
         "stores them for delivery at once (each such result has \"timerIgnored\":true in --json)",
         result.queue.broker_name, result.broker_version);
  }
  if (options_.out == nullptr) return;
  // Reused: the text form costs no allocation per message.
  static thread_local std::string line;
  line.clear();
  if (options_.json) {
    line = success_json(index, outcome);
  } else {
    append_success_text(outcome, line);
  }
  line.push_back('\n');
  write_out(line);
}

void Reporter::report_transaction(std::size_t index, const SendOutcome& half, TransactionState state,
                                  const Status& end_failure) {
  stats_.record_sent(half.latency);
  ++tally_.sent;
  if (state != TransactionState::kCommit || end_failure) ++tally_.not_committed;
  if (options_.out == nullptr) return;
  const std::string_view state_name = transaction_state_name(state);
  std::string line;
  if (options_.json) {
    nlohmann::json object = nlohmann::json::parse(success_json(index, half));
    object["transaction"] = state_name;
    if (end_failure) {
      object["endTransactionError"] = {{"code", end_failure->code},
                                       {"name", error_code_name(end_failure->code)},
                                       {"message", end_failure->message}};
    }
    line = dump(object);
  } else {
    append_success_text(half, line);
    fmt::format_to(std::back_inserter(line), " localTransactionState={}", state_name);
    if (end_failure) {
      fmt::format_to(std::back_inserter(line), " endTransaction=FAILED({})", error_code_name(end_failure->code));
    }
  }
  line.push_back('\n');
  write_out(line);
}

void Reporter::report_failure(std::size_t index, const Error& error, std::optional<std::string_view> raw) {
  write_failure(index, error, nullptr, raw);
}

void Reporter::write_failure(std::size_t index, const Error& error, const SendOutcome* outcome,
                             std::optional<std::string_view> raw) {
  const bool reached_broker = outcome != nullptr && !outcome->brokers_tried.empty();
  tally_.count_failure(error.code, reached_broker);
  stats_.record_failed(outcome != nullptr ? outcome->latency : std::chrono::microseconds(0));
  const std::string name(error_code_name(error.code));
  // Error text on one line: remarks may carry newlines.
  std::string message = error.message;
  for (char& c : message) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  if (options_.out != nullptr) {
    std::string line;
    if (options_.json) {
      nlohmann::json object{{"index", index},
                            {"status", "FAILED"},
                            {"error", {{"code", error.code}, {"name", name}, {"message", error.message}}}};
      if (outcome != nullptr) {
        object["latencyMs"] = static_cast<double>(outcome->latency.count()) / 1000.0;
        object["brokersTried"] = outcome->brokers_tried;
      }
      line = dump(object);
    } else {
      line = fmt::format("SendFailed [index={}, code={}, name={}, message={}]", index, error.code, name, message);
    }
    line.push_back('\n');
    write_out(line);
  }
  const bool replayable = options_.failed_output != nullptr && raw.has_value();
  if (replayable) options_.failed_output->write(*raw);
  const char* unkept = options_.failed_output != nullptr && !raw ? " (too large to keep: not in --failed-output)" : "";
  write_diagnostic(fmt::format("mqsend: message {} failed: [{} {}] {}{}\n", index, error.code, name, message, unkept),
                   options_.err);
}

void Reporter::write_out(std::string_view line) {
  if (!output_error_.empty()) return;
  if (std::fwrite(line.data(), 1, line.size(), options_.out) != line.size()) note_output_error();
}

void Reporter::note_output_error() {
  output_error_ = std::strerror(errno);
  tally_.output_lost = true;
  write_diagnostic(fmt::format("mqsend: writing results to stdout failed: {}; result lines are "
                               "lost from here on (sending goes on)\n", output_error_),
                   options_.err);
}

void Reporter::flush() {
  if (options_.out != nullptr && output_error_.empty() && std::fflush(options_.out) != 0) {
    note_output_error();
  }
  if (options_.failed_output != nullptr) options_.failed_output->flush();
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
