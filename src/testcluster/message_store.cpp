#include "testcluster/message_store.hpp"

#include "client/common/base64.hpp"
#include "client/producer/compression.hpp"
#include "client/producer/properties.hpp"

namespace mqsend {

void MessageStore::add(StoredMessage message) {
  ++total_added_;
  if (limit_ == 0) return;
  if (messages_.size() >= limit_) messages_.pop_front();
  messages_.push_back(std::move(message));
}

nlohmann::json MessageStore::to_json(const StoredMessage& message) {
  nlohmann::json properties = nlohmann::json::object();
  for (const auto& [key, value] : decode_properties(message.properties)) properties[key] = value;
  nlohmann::json stored = {{"broker", message.broker},
          {"topic", message.topic},
          {"queue_id", message.queue_id},
          {"queue_offset", message.queue_offset},
          {"commit_log_offset", message.commit_log_offset},
          {"msg_id", message.msg_id},
          {"flag", message.flag},
          {"sys_flag", message.sys_flag},
          {"properties", std::move(properties)},
          {"properties_raw", message.properties},
          {"body", base64_encode(message.body)},
          {"body_size", message.body.size()},
          {"born_timestamp", message.born_timestamp},
          {"store_timestamp", message.store_timestamp},
          {"producer_group", message.producer_group},
          {"request_code", message.request_code}};
  // As a consumer reads it (MessageDecoder with CompressionType.findByValue): the sysFlag's
  // type bits pick zlib (0 or 3), LZ4 (1) or Zstandard (2).
  if ((message.sys_flag & sys_flag::kCompressed) != 0) {
    constexpr std::size_t kDecodedLimit = 64 * 1024 * 1024;
    auto decoded = decompress_body(message.sys_flag, message.body, kDecodedLimit);
    if (decoded) {
      stored["body_decoded"] = base64_encode(decoded.value());
    } else {
      stored["body_decode_error"] = decoded.error().message;
    }
  }
  return stored;
}

}  // namespace mqsend
