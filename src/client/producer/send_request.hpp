#pragma once
// Building SEND_MESSAGE (10) / SEND_MESSAGE_V2 (310) / SEND_BATCH_MESSAGE (320) requests
// (reference 3.1, 3.2, 5) and decoding their headers on the broker side.
#include <cstdint>
#include <optional>
#include <string>

#include "client/common/error.hpp"
#include "client/producer/message.hpp"
#include "client/remoting/remoting_command.hpp"
#include "client/route/topic_publish_info.hpp"

namespace mqsend {

inline constexpr const char* kDefaultTopic = "TBW102";

struct SendRequestOptions {
  std::string producer_group;
  std::string default_topic = kDefaultTopic;
  int default_topic_queue_nums = 4;
  bool v2 = true;  // 310 with letter keys; false: 10 with long names
  SerializeType serialize = SerializeType::kJson;
};

// One message as it goes on the wire, after preparation.
struct SendRequestPayload {
  std::string body;        // already compressed when sys_flag has sys_flag::kCompressed
  std::string properties;  // the encoded properties string (3.3), final (incl. UNIQ_KEY)
  std::int32_t flag = 0;   // the user flag
  std::int32_t sys_flag = 0;
  std::int64_t born_timestamp_ms = 0;
};

// Header fields a..k, m=false, n=broker name (code 310), or the long names without the broker
// name (code 10, as a 4.9 client sends it). Topic and queue id come from `mq`. Opaque is left 0
// (the remoting client assigns it). Taking the encoded properties lets the caller choose the
// pair order; the overload below encodes the map in key order.
RemotingCommand build_send_request(SendRequestPayload payload, const MessageQueue& mq,
                                   const SendRequestOptions& options);
RemotingCommand build_send_request(const Message& prepared, const MessageQueue& mq,
                                   std::int32_t sys_flag, std::int64_t born_timestamp_ms,
                                   const SendRequestOptions& options);

// Code 320 with letter keys, f=0, h=0, m=true; `batch_properties` are those of the batch object
// itself (4.x: "WAIT\x01true\x02").
RemotingCommand build_batch_request(std::string batch_body, std::string batch_properties,
                                    const MessageQueue& mq, std::int64_t born_timestamp_ms,
                                    const SendRequestOptions& options);

// The broker's view of a send request header (codes 10, 310, 320; 324/325 alike).
struct DecodedSendHeader {
  std::string producer_group;
  std::string topic;
  std::string default_topic;
  std::int32_t default_topic_queue_nums = 0;
  std::int32_t queue_id = 0;
  std::int32_t sys_flag = 0;
  std::int64_t born_timestamp = 0;
  std::int32_t flag = 0;
  std::string properties;  // encoded; decode_properties() gives the map
  std::int32_t reconsume_times = 0;
  bool unit_mode = false;
  std::optional<std::int32_t> max_reconsume_times;
  bool batch = false;
  std::string broker_name;
};

// Accepts the long names (code 10) and the letters (310, 320). A missing required field (a..h)
// or a malformed number fails with response_code::kSystemError and Java's wording
// ("the custom field <a> is null"), which is what a Java broker answers.
Result<DecodedSendHeader> decode_send_header(const RemotingCommand& request);

}  // namespace mqsend
