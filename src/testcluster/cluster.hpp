#pragma once
// The bundled test cluster: one name server, N brokers (optionally each with a slave entry),
// and the control channel, all on 127.0.0.1 and one I/O thread. Also the runtime operations
// the control channel exposes (faults, route changes, adding brokers, logs, stored messages).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <asio.hpp>
#include <nlohmann/json.hpp>

#include "client/common/error.hpp"
#include "testcluster/cluster_options.hpp"
#include "testcluster/control_channel.hpp"
#include "testcluster/message_store.hpp"
#include "testcluster/name_server.hpp"
#include "testcluster/remoting_endpoint.hpp"
#include "testcluster/request_log.hpp"

namespace mqsend {

// Topic settings to apply on brokers; absent fields keep the broker's current value
// (a new topic starts from `queues` or 8 queues, perm 6).
struct TopicChange {
  std::string topic;
  std::optional<int> queues;  // read and write
  std::optional<int> read_queue_nums;
  std::optional<int> write_queue_nums;
  std::optional<int> perm;
  std::vector<std::string> brokers;  // empty: every broker registered with the name server
  bool remove = false;
};

class Cluster {
 public:
  explicit Cluster(ClusterOptions options);
  ~Cluster();
  Cluster(const Cluster&) = delete;
  Cluster& operator=(const Cluster&) = delete;

  // Binds the name server, the brokers and the control port, then applies the start faults.
  Status start();
  // Serves on the calling thread until stop().
  void run();
  // Thread-safe; run() returns soon after.
  void stop();
  asio::io_context& io_context() { return io_; }

  // {"namesrv":..,"control":..,"brokers":[{"name","addr","cluster"[,"slave"]}][,"tls":MODE]}
  nlohmann::json ready_info() const;
  // In TLS mode (after start): the certificate and key every endpoint serves; else null.
  const TlsCertificate* tls_certificate() const;

  // --- Operations of the control channel; call on the I/O thread (or before run()). ---
  // One JSON command line → one JSON reply line (see control_commands.hpp).
  std::string control(std::string_view line);
  Status apply_fault(const std::string& target, const FaultSpec& spec);
  // Starts a broker (name: next free "broker-x" when empty) and registers it; a broker that
  // was removed is registered again instead.
  Result<nlohmann::json> add_broker(const std::string& name, std::uint16_t port);
  // Unregisters the broker from the name server (it keeps serving; add "down" to stop it).
  Status remove_broker(const std::string& name);
  Status change_topic(const TopicChange& change);
  // Replies to the newest stored request with this CORRELATION_ID (a message with REPLY_TO_CLIENT
  // that is no reply itself) from the broker that stored it, as --auto-reply does; the broker's
  // name, or an error when no such request is kept.
  Result<std::string> reply(const std::string& correlation_id, std::string body);
  nlohmann::json status() const;
  RequestLog& request_log() { return log_; }
  MessageStore& message_store() { return store_; }

 private:
  struct Node;
  struct BrokerNode;

  Status start_broker(const std::string& name, std::uint16_t port);
  std::unique_ptr<Node> make_broker_node(const std::string& name, bool slave);
  std::unique_ptr<RemotingEndpoint> make_broker_endpoint(Node& node, const std::string& target);
  Status listen_broker(Node& node, std::uint16_t port);
  Node* find_node(std::string_view target);
  BrokerNode* find_broker(std::string_view name);
  void register_broker(BrokerNode& node);
  std::string next_broker_name() const;
  nlohmann::json node_status(const Node& node) const;

  ClusterOptions options_;
  AclGuard acl_;  // before the endpoints whose handlers it guards
  std::unique_ptr<TlsServer> tls_;  // before io_: outlives every connection
  asio::io_context io_;
  RequestLog log_;
  MessageStore store_;
  FaultState name_server_faults_;
  NameServer name_server_;
  std::unique_ptr<RemotingEndpoint> name_server_endpoint_;
  std::vector<std::unique_ptr<BrokerNode>> brokers_;
  std::unique_ptr<ControlChannel> control_channel_;
};

}  // namespace mqsend
