#include "testcluster/topic_config.hpp"

#include <algorithm>
#include <iterator>

#include <fmt/format.h>

#include "client/remoting/codes.hpp"

namespace mqsend {

namespace {



bool is_valid_topic_char(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '%' ||
         c == '|' || c == '_' || c == '-';
}

bool is_blank(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
  });
}

}  // namespace

std::string TopicConfig::describe() const {
  return fmt::format(
      "TopicConfig [topicName={}, readQueueNums={}, writeQueueNums={}, perm={}, "
      "topicFilterType=SINGLE_TAG, topicSysFlag={}, order={}]",
      name, read_queue_nums, write_queue_nums, perm_to_string(perm), topic_sys_flag, order);
}

QueueData TopicConfig::queue_data(const std::string& broker_name) const {
  QueueData data;
  data.broker_name = broker_name;
  data.read_queue_nums = read_queue_nums;
  data.write_queue_nums = write_queue_nums;
  data.perm = perm;
  data.topic_sys_flag = topic_sys_flag;
  return data;
}

std::string perm_to_string(int perm_bits) {
  std::string text = "---";
  if (perm_bits & perm::kRead) text[0] = 'R';
  if (perm_bits & perm::kWrite) text[1] = 'W';
  if (perm_bits & perm::kInherit) text[2] = 'X';
  return text;
}

std::string_view faq_apply_topic_suffix() {
  return "\nSee http://rocketmq.apache.org/docs/faq/ for further details.";
}

Status validate_topic_name(std::string_view topic) {
  if (is_blank(topic)) return Error{response_code::kSystemError, "The specified topic is blank."};
  if (!std::all_of(topic.begin(), topic.end(), is_valid_topic_char)) {
    return Error{response_code::kSystemError,
                 "The specified topic contains illegal characters, allowing only "
                 "^[%|a-zA-Z0-9_-]+$"};
  }
  if (topic.size() > kTopicMaxLength) {
    return Error{response_code::kSystemError,
                 "The specified topic is longer than topic max length."};
  }
  return std::nullopt;
}

}  // namespace mqsend
