#include "client/route/topic_route_data.hpp"

#include <fmt/format.h>

#include <limits>
#include <nlohmann/json.hpp>

#include "client/remoting/json_writer.hpp"

namespace mqsend {

namespace {

using nlohmann::json;

// Deeper nesting never occurs in a route; refusing it keeps hostile input cheap.
constexpr int kMaxNesting = 64;

Error protocol_error(const std::string& what) {
  return Error{error_code::kProtocolError, "malformed topic route data: " + what};
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// fastjson writes Map<Long,...> keys bare ({0:"addr"}). Quotes an optional '-' plus digits that
// directly follow '{' or ',' (whitespace allowed) and precede ':', outside strings.
Result<std::string> quote_bare_integer_keys(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 16);
  bool in_string = false;
  bool key_position = false;  // just after '{' or ',' (and whitespace)
  int depth = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      out.push_back(c);
      if (c == '\\' && i + 1 < text.size()) {
        out.push_back(text[++i]);
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (key_position && (c == '-' || is_digit(c))) {
      std::size_t end = i + (c == '-' ? 1 : 0);
      const std::size_t digits_start = end;
      while (end < text.size() && is_digit(text[end])) ++end;
      std::size_t after = end;
      while (after < text.size() && is_space(text[after])) ++after;
      if (end > digits_start && after < text.size() && text[after] == ':') {
        out.push_back('"');
        out.append(text.substr(i, end - i));
        out.push_back('"');
        i = end - 1;
        key_position = false;
        continue;
      }
    }
    if (!is_space(c)) key_position = (c == '{' || c == ',');
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > kMaxNesting) return protocol_error("nested too deeply");
    } else if (c == '}' || c == ']') {
      --depth;
    }
    out.push_back(c);
  }
  return out;
}

// Field readers: absent or null means the default; a present value of the wrong type is an error.
const json* member(const json& object, const char* name) {
  auto it = object.find(name);
  return it == object.end() || it->is_null() ? nullptr : &*it;
}

Status read_string(const json& object, const char* name, const std::string& path,
                   std::string& out) {
  const json* value = member(object, name);
  if (value == nullptr) return std::nullopt;
  if (!value->is_string()) return protocol_error(fmt::format("{}.{} is not a string", path, name));
  out = value->get<std::string>();
  return std::nullopt;
}

Status read_int(const json& object, const char* name, const std::string& path, int& out) {
  const json* value = member(object, name);
  if (value == nullptr) return std::nullopt;
  constexpr auto kMax = std::numeric_limits<int>::max();
  constexpr auto kMin = std::numeric_limits<int>::min();
  if (value->is_number_unsigned() && value->get<std::uint64_t>() <= std::uint64_t{kMax}) {
    out = static_cast<int>(value->get<std::uint64_t>());
    return std::nullopt;
  }
  if (value->is_number_integer() && !value->is_number_unsigned() &&
      value->get<std::int64_t>() >= kMin && value->get<std::int64_t>() <= kMax) {
    out = static_cast<int>(value->get<std::int64_t>());
    return std::nullopt;
  }
  return protocol_error(fmt::format("{}.{} is not a 32-bit integer", path, name));
}

const json* read_array(const json& object, const char* name, Status& status) {
  const json* value = member(object, name);
  if (value != nullptr && !value->is_array()) {
    status = protocol_error(fmt::format("{} is not an array", name));
    return nullptr;
  }
  return value;
}

Result<std::int64_t> parse_broker_id(const std::string& key, const std::string& path) {
  const bool negative = !key.empty() && key[0] == '-';
  const std::string_view digits = std::string_view(key).substr(negative ? 1 : 0);
  // 18 digits always fit in an int64; real broker ids are small.
  bool valid = !digits.empty() && digits.size() <= 18;
  std::int64_t id = 0;
  for (std::size_t i = 0; valid && i < digits.size(); ++i) {
    valid = is_digit(digits[i]);
    id = id * 10 + (digits[i] - '0');
  }
  if (!valid)
    return protocol_error(fmt::format("{} has a non-integer broker id \"{}\"", path, key));
  return negative ? -id : id;
}

Result<QueueData> parse_queue_data(const json& item, const std::string& path) {
  if (!item.is_object()) return protocol_error(path + " is not an object");
  QueueData queue;
  Status status;
  if (!(status = read_string(item, "brokerName", path, queue.broker_name)) &&
      !(status = read_int(item, "readQueueNums", path, queue.read_queue_nums)) &&
      !(status = read_int(item, "writeQueueNums", path, queue.write_queue_nums)) &&
      !(status = read_int(item, "perm", path, queue.perm)) &&
      !(status = read_int(item, "topicSysFlag", path, queue.topic_sys_flag))) {
    return queue;
  }
  return *status;
}

Result<BrokerData> parse_broker_data(const json& item, const std::string& path) {
  if (!item.is_object()) return protocol_error(path + " is not an object");
  BrokerData broker;
  Status status;
  if ((status = read_string(item, "cluster", path, broker.cluster)) ||
      (status = read_string(item, "brokerName", path, broker.broker_name))) {
    return *status;
  }
  const json* addrs = member(item, "brokerAddrs");
  if (addrs == nullptr) return broker;
  const std::string addrs_path = path + ".brokerAddrs";
  if (!addrs->is_object()) return protocol_error(addrs_path + " is not an object");
  for (const auto& [key, address] : addrs->items()) {
    auto id = parse_broker_id(key, addrs_path);
    if (!id) return id.error();
    if (!address.is_string()) {
      return protocol_error(fmt::format("{}[{}] is not a string", addrs_path, key));
    }
    broker.broker_addrs[*id] = address.get<std::string>();
  }
  return broker;
}

Result<TopicRouteData> parse_route_object(const json& root) {
  if (!root.is_object()) return protocol_error("the body is not a JSON object");
  TopicRouteData route;
  Status status = read_string(root, "orderTopicConf", "route", route.order_topic_conf);
  if (status) return *status;

  const json* queue_datas = read_array(root, "queueDatas", status);
  if (status) return *status;
  if (queue_datas != nullptr) {
    for (std::size_t i = 0; i < queue_datas->size(); ++i) {
      auto queue = parse_queue_data((*queue_datas)[i], fmt::format("queueDatas[{}]", i));
      if (!queue) return queue.error();
      route.queue_datas.push_back(std::move(*queue));
    }
  }

  const json* broker_datas = read_array(root, "brokerDatas", status);
  if (status) return *status;
  if (broker_datas != nullptr) {
    for (std::size_t i = 0; i < broker_datas->size(); ++i) {
      auto broker = parse_broker_data((*broker_datas)[i], fmt::format("brokerDatas[{}]", i));
      if (!broker) return broker.error();
      route.broker_datas.push_back(std::move(*broker));
    }
  }
  return route;
}

}  // namespace

Result<TopicRouteData> parse_topic_route_data(std::string_view text) {
  auto standard = quote_bare_integer_keys(text);
  if (!standard) return standard.error();
  json root;
  try {
    root = json::parse(*standard);
  } catch (const json::exception& e) {
    return protocol_error(e.what());
  }
  return parse_route_object(root);
}

void append_broker_data_json(std::string& out, const BrokerData& broker, RouteJsonStyle style) {
  out.append("{\"brokerAddrs\":{");
  bool first = true;
  for (const auto& [id, address] : broker.broker_addrs) {
    if (!first) out.push_back(',');
    first = false;
    if (!style.legacy_integer_keys) out.push_back('"');
    append_json_int(out, id);
    if (!style.legacy_integer_keys) out.push_back('"');
    out.push_back(':');
    append_json_string(out, address);
  }
  out.append("},\"brokerName\":");
  append_json_string(out, broker.broker_name);
  out.append(",\"cluster\":");
  append_json_string(out, broker.cluster);
  if (style.acting_master_field) out.append(",\"enableActingMaster\":false");
  out.push_back('}');
}

std::string serialize_topic_route_data(const TopicRouteData& route, RouteJsonStyle style) {
  std::string out;
  out.append("{\"brokerDatas\":[");
  for (std::size_t i = 0; i < route.broker_datas.size(); ++i) {
    if (i > 0) out.push_back(',');
    append_broker_data_json(out, route.broker_datas[i], style);
  }
  out.append("],\"filterServerTable\":{}");
  if (!route.order_topic_conf.empty()) {
    out.append(",\"orderTopicConf\":");
    append_json_string(out, route.order_topic_conf);
  }
  out.append(",\"queueDatas\":[");
  for (std::size_t i = 0; i < route.queue_datas.size(); ++i) {
    const QueueData& queue = route.queue_datas[i];
    if (i > 0) out.push_back(',');
    out.append("{\"brokerName\":");
    append_json_string(out, queue.broker_name);
    out.append(",\"perm\":");
    append_json_int(out, queue.perm);
    out.append(",\"readQueueNums\":");
    append_json_int(out, queue.read_queue_nums);
    out.append(",\"topicSysFlag\":");
    append_json_int(out, queue.topic_sys_flag);
    out.append(",\"writeQueueNums\":");
    append_json_int(out, queue.write_queue_nums);
    out.push_back('}');
  }
  out.append("]}");
  return out;
}

}  // namespace mqsend
