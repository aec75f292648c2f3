#include "cli/input/parsed_record.hpp"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

namespace mqsend::cli {

void apply_record(ParsedRecord record, Message& message) {
  message.body = std::move(record.body);
  if (record.tags) message.set_tags(std::move(*record.tags));
  if (!record.keys.empty()) message.set_keys(record.keys);
  for (auto& [key, value] : record.properties) message.set_property(key, std::move(value));
  if (record.delay_level) message.set_delay_level(*record.delay_level);
  if (record.deliver_at_ms || record.timer_delay_ms) set_timer(message, record.deliver_at_ms, record.timer_delay_ms);
}

void set_timer(Message& message, std::optional<std::int64_t> deliver_at_ms, std::optional<std::int64_t> delay_ms) {
  message.set_property(property_key::kTimerDeliverMs, deliver_at_ms ? std::to_string(*deliver_at_ms) : "");
  message.set_property(property_key::kTimerDelayMs, delay_ms ? std::to_string(*delay_ms) : "");
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

namespace {

// The reserved keys that a flag or a JSON input field sets.
struct ReservedKeySetter {
  std::string_view key;
  std::string_view flag;
  std::string_view json_field;
};
constexpr ReservedKeySetter kReservedKeySetters[] = {
    {property_key::kKeys, "-k/--keys", "keys"},
    {property_key::kTags, "--tags", "tags"},
    {property_key::kDelay, "--delay-level", "delay"},
};

// As Java's String.trim().isEmpty(): nothing but characters up to the space.
bool is_blank(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) <= ' '; });
}

}  // namespace

Status check_user_property(std::string_view name, std::string_view value, PropertySource source) {
  const bool flag = source == PropertySource::kFlag;
  const std::string quoted = flag ? fmt::format("'{}'", name) : fmt::format("\"{}\"", name);
  if (is_blank(name) || is_blank(value)) {
    return Error{error_code::kInvalidArgument,
                 fmt::format("property {} has a blank {}: RocketMQ needs a name and a value", quoted,
                             is_blank(name) ? "name" : "value")};
  }
  if (!is_reserved_property(name)) return std::nullopt;
  const auto* setter = std::find_if(std::begin(kReservedKeySetters), std::end(kReservedKeySetters),
                                    [name](const ReservedKeySetter& s) { return s.key == name; });
  if (setter == std::end(kReservedKeySetters)) {
    return Error{error_code::kInvalidArgument,
                 fmt::format("property {} is reserved by RocketMQ and cannot be set", quoted)};
  }
  return Error{error_code::kInvalidArgument,
               flag ? fmt::format("property {} is reserved by RocketMQ; use {}", quoted, setter->flag)
                    : fmt::format("property {} is reserved by RocketMQ; use the \"{}\" field", quoted,
                                  setter->json_field)};
}

}  // namespace mqsend::cli
