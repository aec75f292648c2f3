#include "testcluster/name_server.hpp"

#include <algorithm>
#include <cctype>

#include "client/remoting/codes.hpp"
#include "client/remoting/json_writer.hpp"
#include "testcluster/java_hash_order.hpp"
#include "testcluster/server_response.hpp"

namespace mqsend {

namespace {

// MQVersion.Version.V4_9_4: clients from here on get standard JSON.
constexpr std::int32_t kStandardJsonVersion = 401;
// RouteInfoManager's table capacities: brokerAddrTable 128, clusterAddrTable 32.
constexpr std::size_t kBrokerAddrTableCapacity = 128;
constexpr std::size_t kClusterAddrTableCapacity = 32;

// Boolean.parseBoolean, as the header decoder reads acceptStandardJsonOnly: "true" in any case.
bool java_parse_boolean(const std::string* text) {
  if (!text || text->size() != 4) return false;
  std::string lower(*text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower == "true";
}

// `items` reordered as a HashMap of their names iterates them; `name` returns a reference.
template <typename T, typename Name>
std::vector<const T*> in_hash_order(const std::vector<T>& items, Name name, std::size_t capacity = 16) {
  std::vector<std::string_view> keys;
  keys.reserve(items.size());
  for (const T& item : items) keys.emplace_back(name(item));
  std::vector<const T*> ordered;
  ordered.reserve(items.size());
  for (std::size_t index : java_hash_map_order(keys, capacity)) ordered.push_back(&items[index]);
  return ordered;
}

}  // namespace

const BrokerData* NameServer::find_broker(const std::string& broker_name) const {
  auto it = std::find_if(brokers_.begin(), brokers_.end(),
                         [&broker_name](const BrokerData& data) { return data.broker_name == broker_name; });
  return it == brokers_.end() ? nullptr : &*it;
}

void NameServer::register_broker(const std::string& cluster, const std::string& broker_name,
                                 std::int64_t broker_id, const std::string& address) {
  auto it = std::find_if(brokers_.begin(), brokers_.end(),
                         [&broker_name](const BrokerData& data) { return data.broker_name == broker_name; });
  if (it == brokers_.end()) {
    it = brokers_.emplace(brokers_.end());
    it->broker_name = broker_name;
  }
  it->cluster = cluster;
  it->broker_addrs[broker_id] = address;
}

void NameServer::unregister_broker(const std::string& broker_name) {
  auto is_named = [&broker_name](const auto& data) { return data.broker_name == broker_name; };
  brokers_.erase(std::remove_if(brokers_.begin(), brokers_.end(), is_named), brokers_.end());
  for (auto it = topics_.begin(); it != topics_.end();) {
    auto& queues = it->second;
    queues.erase(std::remove_if(queues.begin(), queues.end(), is_named), queues.end());
    it = queues.empty() ? topics_.erase(it) : std::next(it);
  }
}

bool NameServer::has_broker(const std::string& broker_name) const {
  return find_broker(broker_name) != nullptr;
}

void NameServer::register_topic(const std::string& broker_name, const TopicConfig& config) {
  // A real name server ignores topic registrations of brokers it does not know.
  if (!has_broker(broker_name)) return;
  std::vector<QueueData>& queues = topics_[config.name];
  QueueData data = config.queue_data(broker_name);
  auto it = std::find_if(queues.begin(), queues.end(),
                         [&broker_name](const QueueData& queue) { return queue.broker_name == broker_name; });
  if (it == queues.end()) {
    queues.push_back(std::move(data));
  } else {
    *it = std::move(data);  // a HashMap put keeps the entry where it is
  }
}

void NameServer::unregister_topic(const std::string& broker_name, const std::string& topic) {
  auto it = topics_.find(topic);
  if (it == topics_.end()) return;
  auto& queues = it->second;
  queues.erase(std::remove_if(queues.begin(), queues.end(),
                              [&broker_name](const QueueData& queue) { return queue.broker_name == broker_name; }),
               queues.end());
  if (queues.empty()) topics_.erase(it);
}

std::optional<TopicRouteData> NameServer::route(const std::string& topic) const {
  auto queues = topics_.find(topic);
  if (queues == topics_.end()) return std::nullopt;
  // RouteInfoManager.pickupTopicRouteData: queueDatas from the topic's HashMap by broker name,
  // brokerDatas by walking a HashSet of the same names; both iterate in HashMap order.
  TopicRouteData route;
  for (const QueueData* queue_data :
       in_hash_order(queues->second, [](const QueueData& data) -> const std::string& { return data.broker_name; })) {
    const BrokerData* broker = find_broker(queue_data->broker_name);
    if (!broker) continue;
    route.queue_datas.push_back(*queue_data);
    route.broker_datas.push_back(*broker);
  }
  if (route.broker_datas.empty()) return std::nullopt;
  return route;
}

std::optional<RemotingCommand> NameServer::handle(const RemotingCommand& request) {
  switch (request.code) {
    case request_code::kGetRouteInfoByTopic: break;
    case request_code::kGetBrokerClusterInfo: {
      if (request.is_oneway()) return std::nullopt;
      RemotingCommand response = server_response(request, response_code::kSuccess);
      response.body = cluster_info_body();
      return response;
    }
    default:
      if (version_ == ServerVersion::k4_9_8) return std::nullopt;
      return request_code_not_supported(request);
  }
  const std::optional<int> forced_code = faults_ ? faults_->take_forced_code() : std::nullopt;
  if (request.is_oneway()) return std::nullopt;
  if (forced_code) {
    return server_response(request, *forced_code, fault_injection_remark(*forced_code));
  }
  return handle_route_request(request);
}

RouteJsonStyle NameServer::route_style(bool legacy_integer_keys) const {
  return RouteJsonStyle{legacy_integer_keys, version_ == ServerVersion::k5_3_3};
}

RemotingCommand NameServer::handle_route_request(const RemotingCommand& request) const {
  const std::string* topic = request.field("topic");
  // decodeCommandCustomHeader checks @CFNotNull fields only when the request has extFields:
  // with none at all the topic is null, and no route has that name.
  if (!topic && !request.ext_fields.empty()) {
    return framework_response(request, response_code::kSystemError,
                              "the custom field <topic> is null");
  }
  auto found = topic ? route(*topic) : std::nullopt;
  if (!found) {
    return server_response(request, response_code::kTopicNotExist,
                           "No topic route info in name server for the topic: " + (topic ? *topic : "null") +
                               std::string(faq_apply_topic_suffix()));
  }
  const bool standard = !legacy_route_json_ && (request.version >= kStandardJsonVersion ||
                                                java_parse_boolean(request.field("acceptStandardJsonOnly")));
  RemotingCommand response = server_response(request, response_code::kSuccess);
  response.body = serialize_topic_route_data(*found, route_style(!standard));
  return response;
}

std::string NameServer::cluster_info_body() const {
  // ClusterInfo.encode(): fastjson defaults, so bare integer brokerAddrs keys for any client.
  const RouteJsonStyle style = route_style(true);
  std::string out = "{\"brokerAddrTable\":{";
  bool first = true;
  for (const BrokerData* broker : in_hash_order(
           brokers_, [](const BrokerData& data) -> const std::string& { return data.broker_name; }, kBrokerAddrTableCapacity)) {
    if (!first) out.push_back(',');
    first = false;
    append_json_string(out, broker->broker_name);
    out.push_back(':');
    append_broker_data_json(out, *broker, style);
  }
  // clusterAddrTable: cluster name → HashSet of broker names, both in registration order.
  std::vector<std::pair<std::string, std::vector<std::string>>> clusters;
  for (const BrokerData& broker : brokers_) {
    auto it = std::find_if(clusters.begin(), clusters.end(),
                           [&broker](const auto& cluster) { return cluster.first == broker.cluster; });
    if (it == clusters.end()) it = clusters.insert(clusters.end(), {broker.cluster, {}});
    it->second.push_back(broker.broker_name);
  }
  out += "},\"clusterAddrTable\":{";
  first = true;
  for (const auto* cluster : in_hash_order(
           clusters, [](const auto& entry) -> const std::string& { return entry.first; }, kClusterAddrTableCapacity)) {
    if (!first) out.push_back(',');
    first = false;
    append_json_string(out, cluster->first);
    out += ":[";
    const std::vector<std::string>& names = cluster->second;
    bool first_name = true;
    for (const std::string* name : in_hash_order(names, [](const std::string& name) -> const std::string& { return name; })) {
      if (!first_name) out.push_back(',');
      first_name = false;
      append_json_string(out, *name);
    }
    out.push_back(']');
  }
  out += "}}";
  return out;
}

nlohmann::json NameServer::status() const {
  nlohmann::json brokers = nlohmann::json::array();
  for (const BrokerData& data : brokers_) {
    nlohmann::json addrs = nlohmann::json::object();
    for (const auto& [id, address] : data.broker_addrs) addrs[std::to_string(id)] = address;
    brokers.push_back({{"name", data.broker_name}, {"cluster", data.cluster}, {"addrs", std::move(addrs)}});
  }
  nlohmann::json topics = nlohmann::json::object();
  for (const auto& [topic, queues] : topics_) {
    nlohmann::json per_broker = nlohmann::json::object();
    for (const QueueData& data : queues) {
      per_broker[data.broker_name] = {{"read_queue_nums", data.read_queue_nums},
                                      {"write_queue_nums", data.write_queue_nums},
                                      {"perm", data.perm}};
    }
    topics[topic] = std::move(per_broker);
  }
  return {{"legacy_route_json", legacy_route_json_},
          {"brokers", std::move(brokers)},
          {"topics", std::move(topics)}};
}

}  // namespace mqsend
