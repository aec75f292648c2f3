#pragma once
// Turning a send response into a SendResult or an error (reference 2.3, 4.1).
#include <cstdint>
#include <string>
#include <string_view>

#include "client/common/error.hpp"
#include "client/remoting/remoting_command.hpp"
#include "client/route/topic_publish_info.hpp"

namespace mqsend {

enum class SendStatus { kSendOk, kFlushDiskTimeout, kFlushSlaveTimeout, kSlaveNotAvailable };

// "SEND_OK", "FLUSH_DISK_TIMEOUT", "FLUSH_SLAVE_TIMEOUT", "SLAVE_NOT_AVAILABLE".
std::string_view send_status_name(SendStatus status);

struct SendResult {
  SendStatus status = SendStatus::kSendOk;
  std::string msg_id;         // the request's UNIQ_KEY (batch: members' keys joined by ',')
  std::string offset_msg_id;  // the broker's msgId field
  MessageQueue queue;         // broker used for the send, queue id from the response
  std::int64_t queue_offset = 0;
  std::string transaction_id;
  std::string region_id;      // MSG_REGION, "DefaultRegion" if absent
  bool trace_on = true;       // false only if TRACE_ON is "false"
  std::string recall_handle;  // a 5.3 broker's handle of a timer message (mqsend recall)
  std::int32_t broker_version = 0;  // the response's MQVersion ordinal (4.9.8: 409, 5.3.3: 479)
  // A timer message (TIMER_* properties) stored by a broker older than 5.0, which has no timer
  // messages: it is delivered at once (a 4.9.8 broker keeps the properties and ignores them).
  bool timer_ignored = false;
};

// MQVersion.Version.V5_0_0_SNAPSHOT's ordinal: a response version below it is a 4.x server.
inline constexpr std::int32_t kFirstVersion5 = 412;

// "MessageQueue [topic=T, brokerName=broker-a, queueId=1]"
std::string to_string(const MessageQueue& queue);
// Java 4.9 SendResult.toString(): "SendResult [sendStatus=SEND_OK, msgId=..., offsetMsgId=...,
// messageQueue=MessageQueue [...], queueOffset=0]", plus 5.3's ", recallHandle=..." when the
// broker gave one.
std::string to_string(const SendResult& result);
// The same texts appended to `out`: per-message output without temporary strings.
void append_text(const MessageQueue& queue, std::string& out);
void append_text(const SendResult& result, std::string& out);

// Codes 0/10/11/12 → SendResult; anything else, codes mqsend has no name for included →
// Error{response code, "CODE: <code>  DESC: <remark>[ BROKER: <address>]"} (the
// MQBrokerException message without Java's FAQ link; the address when given, as Java names the
// broker that answered). A success response lacking queueId/queueOffset or with malformed
// numbers → kProtocolError.
Result<SendResult> process_send_response(const RemotingCommand& response,
                                         const std::string& uniq_key, const MessageQueue& mq,
                                         const std::string& broker_address = "");


}  // namespace mqsend
