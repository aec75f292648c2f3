#include "cli/input/parsed_record.hpp"

#include <utility>

namespace mqsend::cli {

void apply_record(ParsedRecord record, Message& message) {
  message.body = std::move(record.body);
  if (record.tags) message.set_tags(std::move(*record.tags));
  if (!record.keys.empty()) message.set_keys(record.keys);
  for (auto& [key, value] : record.properties) message.set_property(key, std::move(value));
  if (record.delay_level) message.set_delay_level(*record.delay_level);
}

std::vector<std::string> split_key_list(std::string_view keys) {
  std::vector<std::string> parts;
  while (!keys.empty()) {
    const std::size_t comma = keys.find(',');
    const std::string_view part = keys.substr(0, comma);
    if (!part.empty()) parts.emplace_back(part);
    if (comma == std::string_view::npos) break;
    keys.remove_prefix(comma + 1);
  }
  return parts;
}

}  // namespace mqsend::cli
