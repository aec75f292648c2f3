#pragma once
// What the test cluster is started with (the command-line flags, parsed by main).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client/common/error.hpp"
#include "testcluster/acl_guard.hpp"
#include "testcluster/broker.hpp"
#include "testcluster/fault_state.hpp"
#include "testcluster/server_version.hpp"
#include "testcluster/tls_server.hpp"

namespace mqsend {

inline constexpr std::string_view kNameServerTarget = "namesrv";
inline constexpr std::string_view kSlaveSuffix = "-slave";
inline constexpr std::string_view kVipSuffix = "-vip";

struct TopicSpec {
  std::string name;
  int queues = kBrokerDefaultTopicQueueNums;
};

// "T:4" (or "T", 8 queues).
Result<TopicSpec> parse_topic_spec(std::string_view text);

struct ClusterOptions {
  ServerVersion version = ServerVersion::k4_9_8;  // the release the servers answer as
  int brokers = 2;
  std::uint16_t namesrv_port = 0;             // 0 = ephemeral
  std::vector<std::uint16_t> broker_ports;    // per broker in order; missing ones ephemeral
  std::uint16_t control_port = 0;
  std::string cluster_name = "DefaultCluster";
  bool auto_create_topic = false;
  std::vector<TopicSpec> topics;              // created on every broker with perm 6
  bool slave = false;                         // a brokerId-1 slave per broker
  bool legacy_route_json = false;
  bool vip_channel = true;                    // masters also listen on port - 2, as real ones do
  std::size_t max_message_size = kDefaultBrokerMaxMessageSize;
  DelayLevels delay_levels = parse_delay_levels(kDefaultDelayLevels).value();
  std::chrono::milliseconds transaction_check_interval = kDefaultTransactionCheckInterval;
  std::int64_t transaction_timeout_ms = kDefaultTransactionTimeoutMs;
  int transaction_check_max = kDefaultTransactionCheckMax;
  bool store_reply_messages = true;
  std::optional<std::chrono::milliseconds> auto_reply_delay;  // off unless set
  std::vector<TargetedFault> faults;          // applied once everything listens
  std::size_t store_limit = std::numeric_limits<std::size_t>::max();
  std::size_t log_limit = 200000;
  std::vector<AclAccount> acl_accounts;       // non-empty: ACL mode (acl_guard.hpp)
  std::optional<AclVersion> acl_version;      // absent: the release's default
  // TLS on the name server and every broker; permissive by default, as tls.server.mode;
  // nullopt: disabled.
  std::optional<TlsMode> tls = TlsMode::kPermissive;
  bool tls_need_client_auth = false;          // with tls: clients must show a certificate
};

}  // namespace mqsend
