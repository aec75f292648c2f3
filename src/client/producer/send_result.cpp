#include "client/producer/send_result.hpp"

#include <charconv>
#include <iterator>
#include <optional>

#include <fmt/format.h>

#include "client/remoting/codes.hpp"

namespace mqsend {
namespace {

constexpr const char* kDefaultRegion = "DefaultRegion";

template <typename Integer>
bool parse_integer(const std::string* text, Integer& value) {
  if (text == nullptr || text->empty()) return false;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  return ec == std::errc() && end == text->data() + text->size();
}

std::optional<SendStatus> status_for_code(int code) {
  switch (code) {
    case response_code::kSuccess: return SendStatus::kSendOk;
    case response_code::kFlushDiskTimeout: return SendStatus::kFlushDiskTimeout;
    case response_code::kFlushSlaveTimeout: return SendStatus::kFlushSlaveTimeout;
    case response_code::kSlaveNotAvailable: return SendStatus::kSlaveNotAvailable;
    default: return std::nullopt;
  }
}

}  // namespace

std::string_view send_status_name(SendStatus status) {
  switch (status) {
    case SendStatus::kSendOk: return "SEND_OK";
    case SendStatus::kFlushDiskTimeout: return "FLUSH_DISK_TIMEOUT";
    case SendStatus::kFlushSlaveTimeout: return "FLUSH_SLAVE_TIMEOUT";
    case SendStatus::kSlaveNotAvailable: return "SLAVE_NOT_AVAILABLE";
  }
  return "UNKNOWN";
}

void append_text(const MessageQueue& queue, std::string& out) {
  fmt::format_to(std::back_inserter(out), "MessageQueue [topic={}, brokerName={}, queueId={}]",
                 queue.topic, queue.broker_name, queue.queue_id);
}

void append_text(const SendResult& result, std::string& out) {
  fmt::format_to(std::back_inserter(out), "SendResult [sendStatus={}, msgId={}, offsetMsgId={}, messageQueue=",
                 send_status_name(result.status), result.msg_id, result.offset_msg_id);
  append_text(result.queue, out);
  fmt::format_to(std::back_inserter(out), ", queueOffset={}", result.queue_offset);
  if (!result.recall_handle.empty()) fmt::format_to(std::back_inserter(out), ", recallHandle={}", result.recall_handle);
  out.push_back(']');
}

std::string to_string(const MessageQueue& queue) {
  std::string text;
  append_text(queue, text);
  return text;
}

std::string to_string(const SendResult& result) {
  std::string text;
  append_text(result, text);
  return text;
}

Result<SendResult> process_send_response(const RemotingCommand& response,
                                         const std::string& uniq_key, const MessageQueue& mq,
                                         const std::string& broker_address) {
  const std::optional<SendStatus> status = status_for_code(response.code);
  if (!status) {
    // Java concatenates a null remark as "null".
    return Error{response.code,
                 fmt::format("CODE: {}  DESC: {}{}", response.code, response.remark.value_or("null"),
                             broker_address.empty() ? "" : " BROKER: " + broker_address)};
  }
  SendResult result;
  result.status = *status;
  result.msg_id = uniq_key;
  result.queue = mq;
  const std::string* offset_msg_id = response.field("msgId");
  if (offset_msg_id == nullptr || !parse_integer(response.field("queueId"), result.queue.queue_id) ||
      !parse_integer(response.field("queueOffset"), result.queue_offset)) {
    return Error{error_code::kProtocolError,
                 "send response lacks a well-formed msgId, queueId or queueOffset"};
  }
  result.offset_msg_id = *offset_msg_id;
  if (const std::string* transaction_id = response.field("transactionId")) {
    result.transaction_id = *transaction_id;
  }
  if (const std::string* recall_handle = response.field("recallHandle")) {
    result.recall_handle = *recall_handle;
  }
  result.broker_version = response.version;
  const std::string* region = response.field("MSG_REGION");
  result.region_id = region == nullptr || region->empty() ? kDefaultRegion : *region;
  const std::string* trace_on = response.field("TRACE_ON");
  result.trace_on = trace_on == nullptr || *trace_on != "false";
  return result;
}

}  // namespace mqsend
