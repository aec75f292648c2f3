#pragma once
// What one input record asks to send: the body plus the message fields it sets itself.
// Fields the record does not set fall back to the command-line values.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client/producer/message.hpp"

namespace mqsend::cli {

struct ParsedRecord {
  std::string body;
  std::optional<std::string> tags;                // nullopt: keep --tags (an empty value clears)
  std::vector<std::string> keys;                  // empty: keep -k/--keys
  std::map<std::string, std::string> properties;  // set over -p, key by key
  std::optional<int> delay_level;                 // nullopt: keep --delay-level (0 clears)
};

// Merges `record` into `message` (built from the command-line options) by the rules above.
void apply_record(ParsedRecord record, Message& message);

// A key list as -k/--keys takes it: comma-separated, empty parts dropped.
std::vector<std::string> split_key_list(std::string_view keys);

}  // namespace mqsend::cli
