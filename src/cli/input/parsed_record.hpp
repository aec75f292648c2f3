#pragma once
// What one input record asks to send: the body plus the message fields it sets itself.
// Fields the record does not set fall back to the command-line values.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client/common/error.hpp"
#include "client/producer/message.hpp"

namespace mqsend::cli {

struct ParsedRecord {
  std::string body;
  std::optional<std::string> tags;                // nullopt: keep --tags (an empty value clears)
  std::vector<std::string> keys;                  // empty: keep -k/--keys
  std::map<std::string, std::string> properties;  // set over -p, key by key
  std::optional<int> delay_level;                 // nullopt: keep --delay-level (0 clears)
  std::optional<std::string> sharding_key;        // an ordered send's key (sharding.hpp); not a property
  std::optional<std::int64_t> deliver_at_ms;      // a timer message's delivery time (epoch ms)
  std::optional<std::int64_t> timer_delay_ms;     // or its delay; either replaces the flags' timer
};

// Merges `record` into `message` (built from the command-line options) by the rules above.
void apply_record(ParsedRecord record, Message& message);

// Makes `message` a timer message (Java 5.x setDeliverTimeMs / setDelayTimeMs): the one given
// is set, the other removed.
void set_timer(Message& message, std::optional<std::int64_t> deliver_at_ms, std::optional<std::int64_t> delay_ms);

// A key list as -k/--keys takes it: comma-separated, empty parts dropped.
std::vector<std::string> split_key_list(std::string_view keys);

// Where a user property was given: an error names the flag or the JSON field to use instead.
enum class PropertySource { kFlag, kJsonRecord };

// Refuses what Java's Message.putUserProperty refuses (apache/rocketmq, common/.../message/
// Message.java): a key RocketMQ reserves (is_reserved_property), and a blank name or value
// ("The name or value of property can not be null or blank string!"). kInvalidArgument.
Status check_user_property(std::string_view name, std::string_view value, PropertySource source);

}  // namespace mqsend::cli
