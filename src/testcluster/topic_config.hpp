#pragma once
// A broker's topic configuration and the broker-side topic rules of RocketMQ 4.9
// (TopicValidator, PermName.perm2String, TopicConfig.toString), with the Java remarks.
#include <string>
#include <string_view>

#include "client/common/error.hpp"
#include "client/producer/validators.hpp"  // is_system_topic, is_not_allowed_send_topic
#include "client/route/topic_route_data.hpp"

namespace mqsend {

inline constexpr std::string_view kAutoCreateTopicKey = "TBW102";
inline constexpr int kDefaultTopicPerm = perm::kRead | perm::kWrite;

struct TopicConfig {
  std::string name;
  int read_queue_nums = 0;
  int write_queue_nums = 0;
  int perm = kDefaultTopicPerm;
  int topic_sys_flag = 0;
  bool order = false;

  // Java TopicConfig.toString(), quoted in the queueId-out-of-range remark.
  std::string describe() const;
  QueueData queue_data(const std::string& broker_name) const;
};

// Where a broker registers its topics (the name server): called when a topic is created,
// changed or removed on a broker.
class TopicRegistry {
 public:
  virtual ~TopicRegistry() = default;
  virtual void register_topic(const std::string& broker_name, const TopicConfig& config) = 0;
  virtual void unregister_topic(const std::string& broker_name, const std::string& topic) = 0;
};

// PermName.perm2String: "R"/"-", "W"/"-", "X"/"-" (inherit).
std::string perm_to_string(int perm_bits);

// FAQUrl.suggestTodo(APPLY_TOPIC_URL), appended to the TOPIC_NOT_EXIST remarks.
std::string_view faq_apply_topic_suffix();

// TopicValidator.validateTopic: an Error with SYSTEM_ERROR and the Java remark.
Status validate_topic_name(std::string_view topic);

}  // namespace mqsend
