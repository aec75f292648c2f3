#include "client/producer/validators.hpp"

#include <algorithm>
#include <iterator>
#include <string>

#include <fmt/format.h>

namespace mqsend {
namespace {

constexpr std::string_view kAllowedPattern = "^[%|a-zA-Z0-9_-]+$";
constexpr std::string_view kRetryTopicPrefix = "%RETRY%";
constexpr std::string_view kDefaultProducerGroup = "DEFAULT_PRODUCER";

// TopicValidator.NOT_ALLOWED_SEND_TOPIC_SET.
constexpr std::string_view kNotAllowedSendTopics[] = {
    "SCHEDULE_TOPIC_XXXX",        "RMQ_SYS_TRANS_HALF_TOPIC", "RMQ_SYS_TRANS_OP_HALF_TOPIC",
    "TRANS_CHECK_MAX_TIME_TOPIC", "SELF_TEST_TOPIC",          "OFFSET_MOVED_EVENT"};

constexpr std::string_view kOtherSystemTopics[] = {"TBW102", "BenchmarkTest", "RMQ_SYS_TRACE_TOPIC",
                                                   "CHECKPOINT_TOPIC"};

bool is_blank(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
  });
}

bool is_allowed_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '%' || c == '|' || c == '_' || c == '-';
}

bool has_illegal_chars(std::string_view name) {
  return name.empty() || !std::all_of(name.begin(), name.end(), is_allowed_char);
}

bool has_separator(std::string_view text) {
  return text.find_first_of("\x01\x02") != std::string_view::npos;
}

Error illegal(std::string message) { return Error{error_code::kMessageIllegal, std::move(message)}; }

}  // namespace

bool is_not_allowed_send_topic(std::string_view topic) {
  return std::find(std::begin(kNotAllowedSendTopics), std::end(kNotAllowedSendTopics), topic) !=
         std::end(kNotAllowedSendTopics);
}

bool is_system_topic(std::string_view topic) {
  return is_not_allowed_send_topic(topic) ||
         std::find(std::begin(kOtherSystemTopics), std::end(kOtherSystemTopics), topic) !=
             std::end(kOtherSystemTopics) ||
         topic.substr(0, 8) == "rmq_sys_";
}

Status check_topic(std::string_view topic) {
  if (is_blank(topic)) return illegal("The specified topic is blank");
  if (topic.size() > kTopicMaxLength) {
    return illegal(fmt::format("The specified topic is longer than topic max length {}.",
                               kTopicMaxLength));
  }
  if (has_illegal_chars(topic)) {
    return illegal(fmt::format("The specified topic[{}] contains illegal characters, allowing only {}",
                               topic, kAllowedPattern));
  }
  if (is_not_allowed_send_topic(topic)) {
    return illegal(fmt::format("Sending message to topic[{}] is forbidden.", topic));
  }
  return std::nullopt;
}

Status check_message(const Message& message, std::size_t max_size) {
  if (auto error = check_topic(message.topic)) return error;
  if (message.body.empty()) return illegal("the message body length is zero");
  if (message.body.size() > max_size) {
    return illegal(fmt::format("the message body size over max value, MAX: {}", max_size));
  }
  for (const auto& [key, value] : message.properties) {
    if (key.empty() || has_separator(key) || has_separator(value)) {
      return illegal(fmt::format("the message property [{}] is empty or contains a 0x01/0x02 separator",
                                 key));
    }
  }
  return std::nullopt;
}

Status check_group(std::string_view group) {
  auto invalid = [](std::string message) { return Error{error_code::kInvalidArgument, std::move(message)}; };
  if (is_blank(group)) return invalid("the specified group is blank");
  if (group.size() > kGroupMaxLength) {
    return invalid(fmt::format("the specified group is longer than group max length {}.",
                               kGroupMaxLength));
  }
  if (has_illegal_chars(group)) {
    return invalid(fmt::format("the specified group[{}] contains illegal characters, allowing only {}",
                               group, kAllowedPattern));
  }
  if (group == kDefaultProducerGroup) {
    return invalid(fmt::format("producerGroup can not equal {}, please specify another one.",
                               kDefaultProducerGroup));
  }
  return std::nullopt;
}

Status check_batch(const std::vector<Message>& messages, std::size_t max_size) {
  if (messages.empty()) return illegal("the batch is empty");
  const Message& first = messages.front();
  for (const Message& message : messages) {
    if (message.delay_level() > 0) return illegal("TimeDelayLevel is not supported for batching");
    if (message.topic.compare(0, kRetryTopicPrefix.size(), kRetryTopicPrefix) == 0) {
      return illegal("Retry Group is not supported for batching");
    }
    if (message.topic != first.topic) {
      return illegal("The topic of the messages in one batch should be the same");
    }
    if (message.wait_store_msg_ok() != first.wait_store_msg_ok()) {
      return illegal("The waitStoreMsgOK of the messages in one batch should the same");
    }
    if (auto error = check_message(message, max_size)) return error;
  }
  return std::nullopt;
}

}  // namespace mqsend
