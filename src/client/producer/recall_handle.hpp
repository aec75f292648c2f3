#pragma once
// RocketMQ 5.3's recall handle (common/.../producer/RecallMessageHandle.java, HandleV1): the
// URL-safe base64 of "v1 <topic> <brokerName> <deliverTimeMs> <uniqKey>", which a broker answers
// a timer message with and RECALL_MESSAGE takes back.
#include <cstdint>
#include <string>
#include <string_view>

#include "client/common/error.hpp"

namespace mqsend {

struct RecallHandle {
  std::string topic;
  std::string broker_name;
  std::int64_t deliver_time_ms = 0;
  std::string uniq_key;
};

// kInvalidArgument "recall handle is invalid" (the broker's remark) for anything else.
Result<RecallHandle> decode_recall_handle(std::string_view handle);
std::string encode_recall_handle(const RecallHandle& handle);

}  // namespace mqsend
