#pragma once
// The name server's route table and its answers as RocketMQ 4.9.8 (or 5.3.3) writes them,
// without sockets: GET_ROUTEINFO_BY_TOPIC and GET_BROKER_CLUSTER_INFO. Brokers register
// themselves (master id 0, optional slave id 1) and their topics; a broker that is unregistered
// disappears from every route. Tables are kept in registration order, which with Java's HashMap
// order (java_hash_order.hpp) gives the order the real lists come in.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "client/remoting/remoting_command.hpp"
#include "client/route/topic_route_data.hpp"
#include "testcluster/fault_state.hpp"
#include "testcluster/server_version.hpp"
#include "testcluster/topic_config.hpp"

namespace mqsend {

class NameServer : public TopicRegistry {
 public:
  // `legacy_route_json`: always answer the fastjson form with bare integer keys, as name
  // servers up to 4.9.3 do; otherwise only clients below version 401 without
  // acceptStandardJsonOnly get it. `faults` (optional) supplies forced route response codes.
  NameServer(ServerVersion version, bool legacy_route_json, FaultState* faults = nullptr)
      : version_(version), legacy_route_json_(legacy_route_json), faults_(faults) {}

  void register_broker(const std::string& cluster, const std::string& broker_name,
                       std::int64_t broker_id, const std::string& address);
  // Drops the broker's addresses and its queue data from every topic.
  void unregister_broker(const std::string& broker_name);
  bool has_broker(const std::string& broker_name) const;

  void register_topic(const std::string& broker_name, const TopicConfig& config) override;
  void unregister_topic(const std::string& broker_name, const std::string& topic) override;

  // RouteInfoManager.pickupTopicRouteData: nullopt when no registered broker serves the topic.
  std::optional<TopicRouteData> route(const std::string& topic) const;

  // The response to write, nullopt for oneway requests and, as 4.9.8's DefaultRequestProcessor
  // returns null for them, for unknown request codes (5.3 answers REQUEST_CODE_NOT_SUPPORTED).
  std::optional<RemotingCommand> handle(const RemotingCommand& request);
  // The GET_BROKER_CLUSTER_INFO body: ClusterInfo in fastjson's default form.
  std::string cluster_info_body() const;

  nlohmann::json status() const;

 private:
  RemotingCommand handle_route_request(const RemotingCommand& request) const;
  const BrokerData* find_broker(const std::string& broker_name) const;
  RouteJsonStyle route_style(bool legacy_integer_keys) const;

  ServerVersion version_;
  bool legacy_route_json_;
  FaultState* faults_;
  std::vector<BrokerData> brokers_;                              // in registration order
  std::map<std::string, std::vector<QueueData>> topics_;  // topic → queues, in registration order
};

}  // namespace mqsend
