#pragma once
// Client-side checks before a send (Java Validators, reference 7.1-7.3 and 5).
// Topic and message failures carry error_code::kMessageIllegal, as Java's checkMessage does;
// a bad producer group is a configuration error: error_code::kInvalidArgument.
#include <cstddef>
#include <string_view>
#include <vector>

#include "client/common/error.hpp"
#include "client/producer/message.hpp"

namespace mqsend {

inline constexpr std::size_t kTopicMaxLength = 127;
inline constexpr std::size_t kGroupMaxLength = 255;
inline constexpr std::size_t kDefaultMaxMessageSize = 4194304;
inline constexpr std::size_t kMaxPropertiesLength = 32767;

// TopicValidator.NOT_ALLOWED_SEND_TOPIC_SET: topics no client may send to.
bool is_not_allowed_send_topic(std::string_view topic);
// TopicValidator.isSystemTopic: the above plus TBW102, BenchmarkTest, RMQ_SYS_TRACE_TOPIC,
// CHECKPOINT_TOPIC and every rmq_sys_* topic (never created by UPDATE_AND_CREATE_TOPIC,
// never namespaced).
bool is_system_topic(std::string_view topic);

// Non-blank, ^[%|a-zA-Z0-9_-]+$, at most 127 characters, not in the NOT_ALLOWED_SEND set.
Status check_topic(std::string_view topic);

// Topic as above; body non-empty and at most `max_size` bytes (before compression);
// property keys and values free of the 0x01/0x02 separators (the wire format cannot carry them).
Status check_message(const Message& message, std::size_t max_size = kDefaultMaxMessageSize);

// Producer group: non-blank, at most 255 characters, same charset as topics, not DEFAULT_PRODUCER.
Status check_group(std::string_view group);

// MessageBatch.generateFromList: non-empty, every member passes check_message, one topic,
// one WAIT value, no delay level, no %RETRY% topic.
Status check_batch(const std::vector<Message>& messages,
                   std::size_t max_size = kDefaultMaxMessageSize);

}  // namespace mqsend
