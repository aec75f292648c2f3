#include "testcluster/name_server.hpp"

#include "client/remoting/codes.hpp"
#include "testcluster/server_response.hpp"

namespace mqsend {

namespace {
// MQVersion.Version.V4_9_4: clients from here on get standard JSON.
constexpr std::int32_t kStandardJsonVersion = 401;
}  // namespace

void NameServer::register_broker(const std::string& cluster, const std::string& broker_name,
                                 std::int64_t broker_id, const std::string& address) {
  BrokerData& data = brokers_[broker_name];
  data.cluster = cluster;
  data.broker_name = broker_name;
  data.broker_addrs[broker_id] = address;
}

void NameServer::unregister_broker(const std::string& broker_name) {
  brokers_.erase(broker_name);
  for (auto it = topics_.begin(); it != topics_.end();) {
    it->second.erase(broker_name);
    it = it->second.empty() ? topics_.erase(it) : std::next(it);
  }
}

bool NameServer::has_broker(const std::string& broker_name) const {
  return brokers_.count(broker_name) > 0;
}

void NameServer::register_topic(const std::string& broker_name, const TopicConfig& config) {
  // A real name server ignores topic registrations of brokers it does not know.
  if (!has_broker(broker_name)) return;
  topics_[config.name][broker_name] = config.queue_data(broker_name);
}

void NameServer::unregister_topic(const std::string& broker_name, const std::string& topic) {
  auto it = topics_.find(topic);
  if (it == topics_.end()) return;
  it->second.erase(broker_name);
  if (it->second.empty()) topics_.erase(it);
}

std::optional<TopicRouteData> NameServer::route(const std::string& topic) const {
  auto queues = topics_.find(topic);
  if (queues == topics_.end()) return std::nullopt;
  TopicRouteData route;
  for (const auto& [broker_name, queue_data] : queues->second) {
    auto broker = brokers_.find(broker_name);
    if (broker == brokers_.end()) continue;
    route.queue_datas.push_back(queue_data);
    route.broker_datas.push_back(broker->second);
  }
  if (route.broker_datas.empty()) return std::nullopt;
  return route;
}

std::optional<RemotingCommand> NameServer::handle(const RemotingCommand& request) {
  if (request.code != request_code::kGetRouteInfoByTopic) return request_code_not_supported(request);
  const std::optional<int> forced_code = faults_ ? faults_->take_forced_code() : std::nullopt;
  if (request.is_oneway()) return std::nullopt;
  if (forced_code) {
    return server_response(request, *forced_code, fault_injection_remark(*forced_code));
  }
  return handle_route_request(request);
}

RemotingCommand NameServer::handle_route_request(const RemotingCommand& request) const {
  const std::string* topic = request.field("topic");
  if (!topic) {
    return framework_response(request, response_code::kSystemError,
                              "the custom field <topic> is null");
  }
  auto found = route(*topic);
  if (!found) {
    return server_response(request, response_code::kTopicNotExist,
                           "No topic route info in name server for the topic: " + *topic +
                               std::string(faq_apply_topic_suffix()));
  }
  const std::string* standard_only = request.field("acceptStandardJsonOnly");
  const bool standard = !legacy_route_json_ && (request.version >= kStandardJsonVersion ||
                                                (standard_only && *standard_only == "true"));
  RemotingCommand response = server_response(request, response_code::kSuccess);
  response.body = serialize_topic_route_data(*found, !standard);
  return response;
}

nlohmann::json NameServer::status() const {
  nlohmann::json brokers = nlohmann::json::array();
  for (const auto& [name, data] : brokers_) {
    nlohmann::json addrs = nlohmann::json::object();
    for (const auto& [id, address] : data.broker_addrs) addrs[std::to_string(id)] = address;
    brokers.push_back({{"name", name}, {"cluster", data.cluster}, {"addrs", std::move(addrs)}});
  }
  nlohmann::json topics = nlohmann::json::object();
  for (const auto& [topic, queues] : topics_) {
    nlohmann::json per_broker = nlohmann::json::object();
    for (const auto& [broker, data] : queues) {
      per_broker[broker] = {{"read_queue_nums", data.read_queue_nums},
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
