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
};

// "MessageQueue [topic=T, brokerName=broker-a, queueId=1]"
std::string to_string(const MessageQueue& queue);
// Java 4.9 SendResult.toString(): "SendResult [sendStatus=SEND_OK, msgId=..., offsetMsgId=...,
// messageQueue=MessageQueue [...], queueOffset=0]".
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
