#include "testcluster/cluster.hpp"

#include <algorithm>

#include "client/producer/message_id.hpp"
#include "client/producer/properties.hpp"
#include "testcluster/broker.hpp"
#include "testcluster/control_commands.hpp"

namespace mqsend {

namespace {

Error unknown_target(std::string_view target) {
  return Error{error_code::kInvalidArgument, "unknown target '" + std::string(target) + "'"};
}

}  // namespace

// One broker server: its logic, its faults and its listeners, through which the broker reaches
// its clients (a client is on either listener).
struct Cluster::Node final : ClientLink {
  std::string name;
  FaultState faults;
  std::unique_ptr<Broker> broker;
  std::unique_ptr<RemotingEndpoint> endpoint;
  // With --vip-channel, masters only: the same broker on port - 2 (the Java broker's
  // fastRemotingServer), logged as "<name>-vip"; faults apply to both listeners.
  std::unique_ptr<RemotingEndpoint> vip_endpoint;

  void shutdown() {
    endpoint->shutdown();
    if (vip_endpoint) vip_endpoint->shutdown();
  }
  Status apply_down_state() {
    if (Status error = endpoint->apply_down_state()) return error;
    return vip_endpoint ? vip_endpoint->apply_down_state() : std::nullopt;
  }

  bool send_request(std::string_view peer, RemotingCommand request,
                    std::chrono::milliseconds timeout, ResponseHandler on_response) override {
    RemotingEndpoint* owner = endpoint_of(peer);
    return owner && owner->send_request(peer, std::move(request), timeout, std::move(on_response));
  }
  bool send_response(std::string_view peer, const RemotingCommand& request,
                     RemotingCommand response) override {
    RemotingEndpoint* owner = endpoint_of(peer);
    return owner && owner->send_response(peer, request, std::move(response));
  }

 private:
  RemotingEndpoint* endpoint_of(std::string_view peer) const {
    if (endpoint->has_connection(peer)) return endpoint.get();
    if (vip_endpoint && vip_endpoint->has_connection(peer)) return vip_endpoint.get();
    return nullptr;
  }
};

// A master with its optional slave entry (brokerId 1).
struct Cluster::BrokerNode {
  std::unique_ptr<Node> master;
  std::unique_ptr<Node> slave;
};

Cluster::Cluster(ClusterOptions options)
    : options_(std::move(options)),
      acl_(options_.acl_accounts, options_.acl_version.value_or(default_acl_version(options_.version))),
      log_(options_.log_limit),
      store_(options_.store_limit),
      name_server_(options_.version, options_.legacy_route_json, &name_server_faults_) {}

Cluster::~Cluster() {
  if (control_channel_) control_channel_->shutdown();
  for (auto& broker : brokers_) {
    broker->master->shutdown();
    if (broker->slave) broker->slave->shutdown();
  }
  if (name_server_endpoint_) name_server_endpoint_->shutdown();
}

Status Cluster::start() {
  if (options_.brokers < 1) return Error{error_code::kInvalidArgument, "--brokers must be at least 1"};
  if (options_.tls) {
    auto certificate = generate_self_signed_certificate();
    if (!certificate) return certificate.error();
    auto server = TlsServer::create(*options_.tls, std::move(certificate.value()),
                                    options_.tls_need_client_auth);
    if (!server) return server.error();
    tls_ = std::move(server.value());
  }
  name_server_endpoint_ = std::make_unique<RemotingEndpoint>(
      io_, std::string(kNameServerTarget), options_.version, name_server_faults_, log_,
      acl_.guard(GuardedServer::kNameServer, [this](const RemotingCommand& request, std::string_view,
                                                    std::int64_t) {
        return name_server_.handle(request);
      }),
      tls_.get());
  if (Status error = name_server_endpoint_->listen(options_.namesrv_port)) return error;

  for (int i = 0; i < options_.brokers; ++i) {
    const auto index = static_cast<std::size_t>(i);
    const std::uint16_t port = index < options_.broker_ports.size() ? options_.broker_ports[index] : 0;
    if (Status error = start_broker(next_broker_name(), port)) return error;
  }
  for (const TargetedFault& fault : options_.faults) {
    if (Status error = apply_fault(fault.target, fault.spec)) return error;
  }
  control_channel_ = std::make_unique<ControlChannel>(
      io_, [this](std::string_view line) { return control(line); });
  return control_channel_->listen(options_.control_port);
}

void Cluster::run() { io_.run(); }

void Cluster::stop() { io_.stop(); }

std::unique_ptr<Cluster::Node> Cluster::make_broker_node(const std::string& name, bool slave) {
  auto node = std::make_unique<Cluster::Node>();
  node->name = slave ? name + std::string(kSlaveSuffix) : name;
  node->endpoint = make_broker_endpoint(*node, node->name);
  if (options_.vip_channel && !slave) {
    node->vip_endpoint = make_broker_endpoint(*node, node->name + std::string(kVipSuffix));
  }
  return node;
}

std::unique_ptr<RemotingEndpoint> Cluster::make_broker_endpoint(Node& node, const std::string& target) {
  Node* raw = &node;
  auto endpoint = std::make_unique<RemotingEndpoint>(
      io_, target, options_.version, node.faults, log_,
      acl_.guard(GuardedServer::kBroker, [raw](const RemotingCommand& request, std::string_view peer,
                                               std::int64_t now_ms) {
        return raw->broker->handle(request, peer, now_ms);
      }),
      tls_.get());
  endpoint->set_close_handler([raw](const std::string& peer) {
    if (raw->broker) raw->broker->channel_closed(peer);
  });
  return endpoint;
}

// Without a VIP listener: the port as asked. With one: the VIP port is the broker port - 2, so
// an ephemeral pair is found by binding the VIP port first and trying the port 2 above it.
Status Cluster::listen_broker(Node& node, std::uint16_t port) {
  if (!node.vip_endpoint) return node.endpoint->listen(port);
  if (port != 0) {
    if (port < 3) return Error{error_code::kInvalidArgument, "a broker port with a VIP port must be over 2"};
    if (Status error = node.vip_endpoint->listen(static_cast<std::uint16_t>(port - 2))) return error;
    return node.endpoint->listen(port);
  }
  constexpr int kAttempts = 100;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    if (Status error = node.vip_endpoint->listen(0)) return error;
    const std::uint16_t vip_port = node.vip_endpoint->port();
    if (vip_port <= 65533 && !node.endpoint->listen(static_cast<std::uint16_t>(vip_port + 2))) {
      return std::nullopt;
    }
    node.vip_endpoint->shutdown();
  }
  return Error{error_code::kInvalidArgument,
               "no free pair of ports (broker port, port - 2) for " + node.name + " and its VIP channel"};
}

Status Cluster::start_broker(const std::string& name, std::uint16_t port) {
  auto entry = std::make_unique<BrokerNode>();
  entry->master = make_broker_node(name, false);
  if (Status error = listen_broker(*entry->master, port)) return error;

  BrokerConfig config;
  config.name = name;
  config.version = options_.version;
  config.cluster = options_.cluster_name;
  config.port = entry->master->endpoint->port();
  config.auto_create_topic = options_.auto_create_topic;
  config.max_message_size = options_.max_message_size;
  config.delay_levels = options_.delay_levels;
  config.transaction_check_interval = options_.transaction_check_interval;
  config.transaction_timeout_ms = options_.transaction_timeout_ms;
  config.transaction_check_max = options_.transaction_check_max;
  config.store_reply_messages = options_.store_reply_messages;
  config.auto_reply_delay = options_.auto_reply_delay;

  if (options_.slave) {
    entry->slave = make_broker_node(name, true);
    if (Status error = entry->slave->endpoint->listen(0)) return error;
    BrokerConfig slave_config = config;
    slave_config.port = entry->slave->endpoint->port();
    slave_config.slave = true;
    entry->slave->broker =
        std::make_unique<Broker>(slave_config, store_, entry->slave->faults, nullptr, io_);
    entry->slave->broker->set_client_link(entry->slave.get());
  }
  // Register the addresses first: the broker registers its topics while it is built.
  BrokerNode& node = *brokers_.emplace_back(std::move(entry));
  register_broker(node);
  node.master->broker =
      std::make_unique<Broker>(config, store_, node.master->faults, &name_server_, io_);
  node.master->broker->set_client_link(node.master.get());
  for (const TopicSpec& topic : options_.topics) {
    TopicConfig topic_config;
    topic_config.name = topic.name;
    topic_config.read_queue_nums = topic_config.write_queue_nums = topic.queues;
    node.master->broker->put_topic(topic_config);
  }
  return std::nullopt;
}

void Cluster::register_broker(BrokerNode& node) {
  name_server_.register_broker(options_.cluster_name, node.master->name, kMasterBrokerId,
                               node.master->endpoint->address());
  if (node.slave) {
    name_server_.register_broker(options_.cluster_name, node.master->name, 1,
                                 node.slave->endpoint->address());
  }
}

std::string Cluster::next_broker_name() const {
  for (std::size_t index = 0;; ++index) {
    // broker-a .. broker-z, then broker-aa, broker-ab, ...
    std::string suffix;
    for (std::size_t n = index + 1; n > 0; n = (n - 1) / 26) {
      suffix.insert(suffix.begin(), static_cast<char>('a' + (n - 1) % 26));
    }
    std::string name = "broker-" + suffix;
    const bool taken = std::any_of(brokers_.begin(), brokers_.end(), [&name](const auto& broker) {
      return broker->master->name == name;
    });
    if (!taken) return name;
  }
}

Cluster::BrokerNode* Cluster::find_broker(std::string_view name) {
  for (auto& broker : brokers_) {
    if (broker->master->name == name) return broker.get();
  }
  return nullptr;
}

Cluster::Node* Cluster::find_node(std::string_view target) {
  for (auto& broker : brokers_) {
    if (broker->master->name == target) return broker->master.get();
    if (broker->slave && broker->slave->name == target) return broker->slave.get();
  }
  return nullptr;
}

Status Cluster::apply_fault(const std::string& target, const FaultSpec& spec) {
  if (target == kNameServerTarget) {
    name_server_faults_.apply(spec);
    return name_server_endpoint_->apply_down_state();
  }
  Node* node = find_node(target);
  if (!node) return unknown_target(target);
  node->faults.apply(spec);
  return node->apply_down_state();
}

Result<nlohmann::json> Cluster::add_broker(const std::string& name, std::uint16_t port) {
  const std::string broker_name = name.empty() ? next_broker_name() : name;
  BrokerNode* node = find_broker(broker_name);
  if (node) {
    if (name_server_.has_broker(broker_name)) {
      return Error{error_code::kInvalidArgument, broker_name + " is already registered"};
    }
    register_broker(*node);
    node->master->broker->register_all_topics();
  } else {
    if (Status error = start_broker(broker_name, port)) return *error;
    node = brokers_.back().get();
  }
  nlohmann::json info = {{"name", broker_name},
                         {"addr", node->master->endpoint->address()},
                         {"cluster", options_.cluster_name}};
  if (node->slave) info["slave"] = node->slave->endpoint->address();
  return info;
}

Status Cluster::remove_broker(const std::string& name) {
  if (!find_broker(name)) return unknown_target(name);
  name_server_.unregister_broker(name);
  return std::nullopt;
}

Status Cluster::change_topic(const TopicChange& change) {
  if (!change.remove) {
    if (Status invalid = validate_topic_name(change.topic)) {
      return Error{error_code::kInvalidArgument, invalid->message};
    }
  }
  std::vector<BrokerNode*> targets;
  if (change.brokers.empty()) {
    for (auto& broker : brokers_) {
      if (name_server_.has_broker(broker->master->name)) targets.push_back(broker.get());
    }
  } else {
    for (const std::string& name : change.brokers) {
      BrokerNode* broker = find_broker(name);
      if (!broker) return unknown_target(name);
      targets.push_back(broker);
    }
  }
  for (BrokerNode* target : targets) {
    Broker& broker = *target->master->broker;
    if (change.remove) {
      broker.remove_topic(change.topic);
      continue;
    }
    TopicConfig config;
    if (const TopicConfig* existing = broker.find_topic(change.topic)) {
      config = *existing;
    } else {
      config.name = change.topic;
      config.read_queue_nums = config.write_queue_nums = kBrokerDefaultTopicQueueNums;
    }
    if (change.queues) config.read_queue_nums = config.write_queue_nums = *change.queues;
    if (change.read_queue_nums) config.read_queue_nums = *change.read_queue_nums;
    if (change.write_queue_nums) config.write_queue_nums = *change.write_queue_nums;
    if (change.perm) config.perm = *change.perm;
    broker.put_topic(config);
  }
  return std::nullopt;
}

Result<std::string> Cluster::reply(const std::string& correlation_id, std::string body) {
  const auto& messages = store_.messages();
  for (auto message = messages.rbegin(); message != messages.rend(); ++message) {
    const auto properties = decode_properties(message->properties);
    const auto correlation = properties.find("CORRELATION_ID");
    const auto type = properties.find("MSG_TYPE");
    if (correlation == properties.end() || correlation->second != correlation_id ||
        properties.count("REPLY_TO_CLIENT") == 0 ||
        (type != properties.end() && type->second == "reply")) {
      continue;
    }
    BrokerNode* broker = find_broker(message->broker);
    if (!broker) break;
    broker->master->broker->reply_to_request(message->properties, std::move(body),
                                             UniqueIdGenerator::system_now_ms());
    return message->broker;
  }
  return Error{error_code::kInvalidArgument,
               "no stored request with CORRELATION_ID " + correlation_id};
}

nlohmann::json Cluster::ready_info() const {
  nlohmann::json brokers = nlohmann::json::array();
  for (const auto& broker : brokers_) {
    nlohmann::json info = {{"name", broker->master->name},
                           {"addr", broker->master->endpoint->address()},
                           {"cluster", options_.cluster_name}};
    if (broker->slave) info["slave"] = broker->slave->endpoint->address();
    if (broker->master->vip_endpoint) info["vip"] = broker->master->vip_endpoint->address();
    brokers.push_back(std::move(info));
  }
  nlohmann::json info = {{"namesrv", name_server_endpoint_ ? name_server_endpoint_->address() : ""},
                         {"control", control_channel_ ? control_channel_->address() : ""},
                         {"brokers", std::move(brokers)},
                         {"version", server_version_name(options_.version)}};
  if (tls_) info["tls"] = tls_mode_name(tls_->mode());
  if (acl_.enabled()) info["acl"] = acl_version_name(acl_.version());
  return info;
}

const TlsCertificate* Cluster::tls_certificate() const {
  return tls_ ? &tls_->certificate() : nullptr;
}

nlohmann::json Cluster::node_status(const Node& node) const {
  nlohmann::json out = node.broker->status();
  out["name"] = node.name;
  out["up"] = node.endpoint->listening();
  out["connections"] = node.endpoint->connection_count();
  if (node.vip_endpoint) out["vip_connections"] = node.vip_endpoint->connection_count();
  out["faults"] = node.faults.to_json();
  return out;
}

nlohmann::json Cluster::status() const {
  nlohmann::json brokers = nlohmann::json::array();
  for (const auto& broker : brokers_) {
    nlohmann::json out = node_status(*broker->master);
    out["registered"] = name_server_.has_broker(broker->master->name);
    if (broker->slave) out["slave"] = node_status(*broker->slave);
    brokers.push_back(std::move(out));
  }
  nlohmann::json namesrv = name_server_.status();
  namesrv["addr"] = name_server_endpoint_->address();
  namesrv["up"] = name_server_endpoint_->listening();
  namesrv["connections"] = name_server_endpoint_->connection_count();
  namesrv["faults"] = name_server_faults_.to_json();
  return {{"namesrv", std::move(namesrv)},
          {"brokers", std::move(brokers)},
          {"requests_total", log_.total()},
          {"messages_accepted", store_.total_added()},
          {"messages_kept", store_.messages().size()}};
}

std::string Cluster::control(std::string_view line) { return run_control_command(*this, line); }

}  // namespace mqsend
