#include "cli/input/json_record.hpp"

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/input/timer_time.hpp"
#include "client/common/base64.hpp"

namespace mqsend::cli {

namespace {

using nlohmann::json;

const std::set<std::string, std::less<>> kOptionalFields = {"tags", "keys", "properties", "delay",
                                                               "shardingKey", "deliverAt", "timerDelay"};

Error bad_record(const std::string& why) { return Error{error_code::kInvalidArgument, why}; }

// Parses `raw`, also refusing repeated names in any object (the library keeps the last one).
Result<json> parse_strict(std::string_view raw) {
  std::vector<std::set<std::string>> names_per_object;
  std::string repeated;
  auto watch_names = [&](int, json::parse_event_t event, json& parsed) {
    if (event == json::parse_event_t::object_start) names_per_object.emplace_back();
    if (event == json::parse_event_t::object_end) names_per_object.pop_back();
    if (event == json::parse_event_t::key && repeated.empty() &&
        !names_per_object.back().insert(parsed.get<std::string>()).second) {
      repeated = parsed.get<std::string>();
    }
    return true;
  };
  json document;
  try {
    document = json::parse(raw.begin(), raw.end(), watch_names);
  } catch (const json::exception& error) {  // a parse_error, or out_of_range for a number like 1e999
    // Drop the library's "[json.exception.parse_error.101] " prefix.
    const std::string what = error.what();
    const std::size_t prefix_end = what.find("] ");
    return bad_record("invalid JSON: " +
                      (prefix_end == std::string::npos ? what : what.substr(prefix_end + 2)));
  }
  if (!repeated.empty()) return bad_record("field \"" + repeated + "\" appears twice");
  return document;
}

// `text` and `base64` are the fields' values, null when absent.
Status read_body(const json* text, const json* base64, ParsedRecord& record) {
  if ((text == nullptr) == (base64 == nullptr)) {
    return bad_record("needs exactly one of \"body\" and \"body_base64\"");
  }
  if (text != nullptr) {
    if (!text->is_string()) return bad_record("\"body\" must be a string");
    record.body = text->get<std::string>();
    return std::nullopt;
  }
  if (!base64->is_string()) return bad_record("\"body_base64\" must be a string");
  auto bytes = base64_decode(base64->get<std::string>());
  if (!bytes) return bad_record("\"body_base64\": " + bytes.error().message);
  record.body = std::move(bytes.value());
  return std::nullopt;
}

Status read_keys(const json& keys, ParsedRecord& record) {
  if (keys.is_string()) {
    record.keys = split_key_list(keys.get<std::string>());
    return std::nullopt;
  }
  if (!keys.is_array()) return bad_record("\"keys\" must be a string or an array of strings");
  for (const auto& key : keys) {
    if (!key.is_string() || key.get<std::string>().empty()) {
      return bad_record("\"keys\" entries must be non-empty strings");
    }
    record.keys.push_back(key.get<std::string>());
  }
  return std::nullopt;
}

Status read_properties(const json& properties, ParsedRecord& record) {
  if (!properties.is_object()) return bad_record("\"properties\" must be an object");
  for (const auto& [name, value] : properties.items()) {
    if (!value.is_string()) return bad_record("property \"" + name + "\" must be a string");
    if (Status refused = check_user_property(name, value.get_ref<const std::string&>(),
                                             PropertySource::kJsonRecord)) {
      return refused;
    }
    record.properties[name] = value.get<std::string>();
  }
  return std::nullopt;
}

Status read_delay(const json& delay, ParsedRecord& record) {
  constexpr std::int64_t kMaxDelayLevel = 18;
  if (!delay.is_number_integer() || delay.get<std::int64_t>() < 0 ||
      delay.get<std::int64_t>() > kMaxDelayLevel) {
    return bad_record("\"delay\" must be an integer delay level 0..18");
  }
  record.delay_level = static_cast<int>(delay.get<std::int64_t>());
  return std::nullopt;
}

// RFC 3339 text or epoch milliseconds, as --deliver-at.
Status read_deliver_at(const json& value, ParsedRecord& record) {
  if (value.is_number_integer()) {
    record.deliver_at_ms = value.get<std::int64_t>();
    return std::nullopt;
  }
  if (!value.is_string()) return bad_record("\"deliverAt\" must be an RFC 3339 string or epoch milliseconds");
  auto parsed = parse_deliver_at(value.get<std::string>());
  if (!parsed) return bad_record("\"deliverAt\": " + parsed.error().message);
  record.deliver_at_ms = *parsed;
  return std::nullopt;
}

// A duration text ("90s") or milliseconds, as --delay.
Status read_timer_delay(const json& value, ParsedRecord& record) {
  if (value.is_number_integer() && value.get<std::int64_t>() > 0) {
    record.timer_delay_ms = value.get<std::int64_t>();
    return std::nullopt;
  }
  if (!value.is_string()) return bad_record("\"timerDelay\" must be a duration such as \"90s\" or milliseconds > 0");
  auto parsed = parse_duration_ms(value.get<std::string>());
  if (!parsed) return bad_record("\"timerDelay\": " + parsed.error().message);
  record.timer_delay_ms = *parsed;
  return std::nullopt;
}

}  // namespace

Result<ParsedRecord> parse_json_record(std::string_view raw) {
  auto document = parse_strict(raw);
  if (!document) return document.error();
  const json& object = document.value();
  if (!object.is_object()) return bad_record("a JSON input record must be an object");

  ParsedRecord record;
  const json* text = nullptr;
  const json* base64 = nullptr;
  for (const auto& [name, value] : object.items()) {
    // jq writes null for a value it did not find: such a field is absent, as if omitted.
    if (value.is_null() && kOptionalFields.count(name) != 0) continue;
    Status status;
    if (name == "body") {
      text = &value;
    } else if (name == "body_base64") {
      base64 = &value;
    } else if (name == "tags") {
      if (!value.is_string()) return bad_record("\"tags\" must be a string");
      record.tags = value.get<std::string>();
    } else if (name == "keys") {
      status = read_keys(value, record);
    } else if (name == "properties") {
      status = read_properties(value, record);
    } else if (name == "delay") {
      status = read_delay(value, record);
    } else if (name == "deliverAt") {
      status = read_deliver_at(value, record);
    } else if (name == "timerDelay") {
      status = read_timer_delay(value, record);
    } else if (name == "shardingKey") {
      if (!value.is_string() || value.get<std::string>().empty()) {
        return bad_record("\"shardingKey\" must be a non-empty string");
      }
      record.sharding_key = value.get<std::string>();
    } else {
      return bad_record("unknown field \"" + name +
                        "\" (known: body, body_base64, tags, keys, properties, delay, shardingKey, deliverAt, timerDelay)");
    }
    if (status) return *status;
  }
  if (Status status = read_body(text, base64, record)) return *status;
  if (record.deliver_at_ms && record.timer_delay_ms) {
    return bad_record("\"deliverAt\" and \"timerDelay\" both set the delivery time: give one");
  }
  return record;
}

}  // namespace mqsend::cli
