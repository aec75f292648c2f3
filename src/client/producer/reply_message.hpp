#pragma once
// Request-reply (4.9.8 DefaultMQProducer.request): the properties a request carries and the
// reply a broker pushes with PUSH_REPLY_MESSAGE_TO_CLIENT (ClientRemotingProcessor
// .receiveReplyMessage, ReplyMessageRequestHeader).
#include <cstdint>
#include <map>
#include <string>

#include "client/common/error.hpp"
#include "client/remoting/remoting_command.hpp"

namespace mqsend {

inline constexpr int kPushReplyMessageRequestCode = 326;

struct ReplyMessage {
  std::string topic;
  std::int32_t queue_id = 0;
  std::int32_t sys_flag = 0;
  std::int32_t flag = 0;
  std::string body;  // uncompressed
  std::map<std::string, std::string> properties;  // ARRIVE_TIME added on receipt, as Java does
  std::int64_t born_timestamp = 0;
  std::int64_t store_timestamp = 0;
  std::string born_host;
  std::string store_host;
  std::int32_t reconsume_times = 0;

  // CORRELATION_ID: which request it answers.
  std::string correlation_id() const;
};

// The reply of a PUSH_REPLY_MESSAGE_TO_CLIENT request received at `arrive_time_ms`; an error
// for a missing topic or a body that does not uncompress.
Result<ReplyMessage> parse_reply_push(const RemotingCommand& request, std::int64_t arrive_time_ms);

// A fresh CORRELATION_ID (CorrelationIdUtil.createCorrelationId: a random UUID).
std::string make_correlation_id();

}  // namespace mqsend
