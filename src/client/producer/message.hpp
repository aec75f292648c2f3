#pragma once
// A message as the user builds it, plus the property keys of the protocol (reference 3.4).
#include <algorithm>
#include <iterator>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace mqsend {

namespace property_key {
inline constexpr std::string_view kTags = "TAGS";
inline constexpr std::string_view kKeys = "KEYS";
inline constexpr std::string_view kWait = "WAIT";
inline constexpr std::string_view kUniqKey = "UNIQ_KEY";
inline constexpr std::string_view kDelay = "DELAY";
inline constexpr std::string_view kTransactionPrepared = "TRAN_MSG";
inline constexpr std::string_view kProducerGroup = "PGROUP";
inline constexpr std::string_view kInstanceId = "INSTANCE_ID";
inline constexpr std::string_view kBuyerId = "BUYER_ID";
inline constexpr std::string_view kMessageType = "MSG_TYPE";
inline constexpr std::string_view kCorrelationId = "CORRELATION_ID";
inline constexpr std::string_view kReplyToClient = "REPLY_TO_CLIENT";
inline constexpr std::string_view kTtl = "TTL";
inline constexpr std::string_view kCheckImmunityTime = "CHECK_IMMUNITY_TIME_IN_SECONDS";
inline constexpr std::string_view kShardingKey = "__SHARDINGKEY";
inline constexpr std::string_view kTransactionId = "__transactionId__";
inline constexpr std::string_view kMsgRegion = "MSG_REGION";
inline constexpr std::string_view kTraceOn = "TRACE_ON";
// 5.x timer messages (Message.setDeliverTimeMs / setDelayTimeSec / setDelayTimeMs).
inline constexpr std::string_view kTimerDeliverMs = "TIMER_DELIVER_MS";
inline constexpr std::string_view kTimerDelaySec = "TIMER_DELAY_SEC";
inline constexpr std::string_view kTimerDelayMs = "TIMER_DELAY_MS";
}  // namespace property_key

// Keys a user property (-p key=value) must not set: the system-reserved list of 3.4 plus the
// keys the producer itself sets; Java's MessageConst.STRING_HASH_SET of 4.9.8 and of 5.x
// (POP_CK..., TIMER_..., __BORNHOST, DLQ_..., __CRC32#) together.
inline bool is_reserved_property(std::string_view key) {
  static constexpr std::string_view kReserved[] = {
      "TRACE_ON", "MSG_REGION", "KEYS", "TAGS", "WAIT", "DELAY", "RETRY_TOPIC", "REAL_TOPIC",
      "REAL_QID", "TRAN_MSG", "PGROUP", "MIN_OFFSET", "MAX_OFFSET", "BUYER_ID",
      "ORIGIN_MESSAGE_ID", "TRANSFER_FLAG", "CORRECTION_FLAG", "MQ2_FLAG", "RECONSUME_TIME",
      "UNIQ_KEY", "MAX_RECONSUME_TIMES", "CONSUME_START_TIME", "TRAN_PREPARED_QUEUE_OFFSET",
      "TRANSACTION_CHECK_TIMES", "CHECK_IMMUNITY_TIME_IN_SECONDS", "INSTANCE_ID",
      "CORRELATION_ID", "REPLY_TO_CLIENT", "TTL", "ARRIVE_TIME", "PUSH_REPLY_TIME", "CLUSTER",
      "MSG_TYPE", "INNER_MULTI_QUEUE_OFFSET", "INNER_MULTI_DISPATCH", "__SHARDINGKEY",
      "__transactionId__", "POP_CK", "POP_CK_OFFSET", "1ST_POP_TIME", "DUP_INFO",
      "EXTEND_UNIQ_INFO", "TIMER_DELAY_MS", "TIMER_DELAY_SEC", "TIMER_DELIVER_MS",
      "TIMER_ENQUEUE_MS", "TIMER_DEQUEUE_MS", "TIMER_ROLL_TIMES", "TIMER_OUT_MS",
      "TIMER_DEL_UNIQKEY", "TIMER_DEL_MS", "TIMER_DELAY_LEVEL", "__BORNHOST", "BORN_TIMESTAMP",
      "DLQ_ORIGIN_TOPIC", "DLQ_ORIGIN_MESSAGE_ID", "__CRC32#"};
  return std::find(std::begin(kReserved), std::end(kReserved), key) != std::end(kReserved);
}

struct Message {
  std::string topic;
  std::string body;
  std::int32_t flag = 0;  // the user flag (header field h), not the sysFlag
  std::map<std::string, std::string> properties;

  // Empty `value` removes the key: the wire format cannot carry empty values (3.3).
  void set_property(std::string_view key, std::string value) {
    if (value.empty()) {
      properties.erase(std::string(key));
      return;
    }
    properties.insert_or_assign(std::string(key), std::move(value));
  }
  // The value, or an empty view when absent.
  std::string_view property(std::string_view key) const {
    auto it = properties.find(std::string(key));
    return it == properties.end() ? std::string_view() : std::string_view(it->second);
  }

  void set_tags(std::string tags) { set_property(property_key::kTags, std::move(tags)); }
  // Java KEY_SEPARATOR: keys joined by one space.
  void set_keys(const std::vector<std::string>& keys) {
    std::string joined;
    for (const auto& key : keys) {
      if (!joined.empty()) joined += ' ';
      joined += key;
    }
    set_property(property_key::kKeys, std::move(joined));
  }
  // Level 1..18; 0 clears the delay.
  void set_delay_level(int level) {
    set_property(property_key::kDelay, level > 0 ? std::to_string(level) : std::string());
  }
  void set_wait_store_msg_ok(bool wait) {
    set_property(property_key::kWait, wait ? "true" : "false");
  }
  // A 5.x timer message: one of the TIMER_ delivery properties is set.
  // Asked for every message: one lookup, no temporary key. The three keys sort together,
  // TIMER_DELAY_MS < TIMER_DELAY_SEC < TIMER_DELIVER_MS (then TIMER_DEL_...).
  bool is_timer() const {
    static const std::string first(property_key::kTimerDelayMs);
    for (auto it = properties.lower_bound(first); it != properties.end() && it->first.rfind("TIMER_DEL", 0) == 0; ++it) {
      if (it->first == property_key::kTimerDelayMs || it->first == property_key::kTimerDelaySec ||
          it->first == property_key::kTimerDeliverMs) {
        return true;
      }
    }
    return false;
  }
  // Java Message.isWaitStoreMsgOK: true unless WAIT is "false".
  bool wait_store_msg_ok() const { return property(property_key::kWait) != "false"; }
  int delay_level() const {
    int level = 0;
    for (char c : property(property_key::kDelay)) {
      if (c < '0' || c > '9' || level > 100000) return 0;
      level = level * 10 + (c - '0');
    }
    return level;
  }
};

}  // namespace mqsend
