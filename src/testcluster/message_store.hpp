#pragma once
// Every message a broker accepted, as received, so tests can read them back. Bounded by
// `limit` messages (oldest dropped first; 0 keeps none, for benchmarks); counters keep counting.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>

#include <nlohmann/json.hpp>

namespace mqsend {

struct StoredMessage {
  std::string broker;
  std::string topic;
  int queue_id = 0;
  std::int64_t queue_offset = 0;
  std::int64_t commit_log_offset = 0;
  std::string msg_id;  // the offsetMsgId answered to the producer
  std::int32_t flag = 0;
  std::int32_t sys_flag = 0;
  std::string properties;  // raw 0x01/0x02 form, as sent
  std::string body;        // as sent (still compressed when sys_flag has the COMPRESSED bit)
  std::int64_t born_timestamp = 0;
  std::int64_t store_timestamp = 0;
  std::string producer_group;
  int request_code = 0;
};

class MessageStore {
 public:
  explicit MessageStore(std::size_t limit) : limit_(limit) {}

  // False when nothing is kept: callers skip building the message.
  bool keeps_messages() const { return limit_ > 0; }
  void add(StoredMessage message);
  void clear() { messages_.clear(); }
  const std::deque<StoredMessage>& messages() const { return messages_; }
  std::uint64_t total_added() const { return total_added_; }

  // One message as a JSON object: body base64, properties decoded into an object plus the raw
  // string, every other field by name.
  static nlohmann::json to_json(const StoredMessage& message);

 private:
  std::size_t limit_;
  std::uint64_t total_added_ = 0;
  std::deque<StoredMessage> messages_;
};

}  // namespace mqsend
