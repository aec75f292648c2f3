#pragma once
// A stored message as the broker encodes it for a client (Java MessageDecoder.encode / decode,
// 4.9.8): the body of CHECK_TRANSACTION_STATE carries the half message so.
// Layout, every integer big-endian: storeSize 4 | magic 4 | bodyCRC 4 | queueId 4 | flag 4 |
// queueOffset 8 | commitLogOffset 8 | sysFlag 4 | bornTimestamp 8 | bornHost (IPv4 4 or IPv6 16
// by sysFlag bit 4) + port 4 | storeTimestamp 8 | storeHost (IPv4 or IPv6 by sysFlag bit 5) +
// port 4 | reconsumeTimes 4 | preparedTransactionOffset 8 | bodyLength 4 + body | topicLength 1 +
// topic | propertiesLength 2 + properties.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "client/common/error.hpp"

namespace mqsend {

inline constexpr std::int32_t kMessageMagicCode = -626843481;  // MessageDecoder.MESSAGE_MAGIC_CODE

struct MessageExt {
  std::string topic;
  std::int32_t queue_id = 0;
  std::int32_t flag = 0;
  std::int64_t queue_offset = 0;
  std::int64_t commit_log_offset = 0;
  std::int32_t sys_flag = 0;
  std::int64_t born_timestamp = 0;
  std::string born_host;   // "ip:port" (IPv4 only when encoding)
  std::int64_t store_timestamp = 0;
  std::string store_host;  // "ip:port" (IPv4 only when encoding)
  std::int32_t reconsume_times = 0;
  std::int64_t prepared_transaction_offset = 0;
  std::int32_t body_crc = 0;
  std::string body;        // as stored (compressed when sysFlag says so)
  std::string properties;  // the encoded properties string (properties.hpp)
};

// MessageDecoder.encode without compression; hosts must be IPv4 "a.b.c.d:port".
Result<std::string> encode_message_ext(const MessageExt& message);
// MessageDecoder.decode: one message from the start of `bytes`; an error for a short or
// inconsistent buffer (Java returns null there).
Result<MessageExt> decode_message_ext(std::string_view bytes);

// MessageDecoder.decodeMessageId: the commit-log offset an offsetMsgId (32 hex characters:
// store IPv4, port, offset) names; nullopt when it is no such id.
std::optional<std::int64_t> commit_log_offset_of(std::string_view offset_msg_id);

}  // namespace mqsend
