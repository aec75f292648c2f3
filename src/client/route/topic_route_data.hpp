#pragma once
// TopicRouteData as the name server sends it (protocol reference 6.2), its tolerant parser
// (standard JSON and the legacy fastjson form with bare integer map keys) and its serializer.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "client/common/error.hpp"

namespace mqsend {

namespace perm {
inline constexpr int kPriority = 8;
inline constexpr int kRead = 4;
inline constexpr int kWrite = 2;
inline constexpr int kInherit = 1;
}  // namespace perm

inline constexpr std::int64_t kMasterBrokerId = 0;

struct QueueData {
  std::string broker_name;
  int read_queue_nums = 0;
  int write_queue_nums = 0;
  int perm = 0;
  int topic_sys_flag = 0;

  bool operator==(const QueueData& other) const {
    return broker_name == other.broker_name && read_queue_nums == other.read_queue_nums &&
           write_queue_nums == other.write_queue_nums && perm == other.perm &&
           topic_sys_flag == other.topic_sys_flag;
  }
};

struct BrokerData {
  std::string cluster;
  std::string broker_name;
  std::map<std::int64_t, std::string> broker_addrs;  // brokerId -> "ip:port"; 0 = master

  bool operator==(const BrokerData& other) const {
    return cluster == other.cluster && broker_name == other.broker_name &&
           broker_addrs == other.broker_addrs;
  }
};

struct TopicRouteData {
  std::string order_topic_conf;
  std::vector<QueueData> queue_datas;
  std::vector<BrokerData> broker_datas;

  // Field-wise, lists in order (Java's topicRouteDataIsChange compares sorted copies).
  bool operator==(const TopicRouteData& other) const {
    return order_topic_conf == other.order_topic_conf && queue_datas == other.queue_datas &&
           broker_datas == other.broker_datas;
  }
  bool operator!=(const TopicRouteData& other) const { return !(*this == other); }
};

// Unknown fields are ignored, absent or null fields keep their defaults. Errors (not JSON, a
// field of the wrong type, a non-integer broker id, nesting deeper than 64) carry
// error_code::kProtocolError; no exception escapes.
Result<TopicRouteData> parse_topic_route_data(std::string_view json);

// How a Java name server writes route JSON.
struct RouteJsonStyle {
  bool legacy_integer_keys = false;   // brokerAddrs keys bare ({0:"..."}), else quoted
  bool acting_master_field = false;   // 5.x: "enableActingMaster":false in every BrokerData
};

// As the Java name server writes it: fields sorted, "filterServerTable":{}, lists in the
// route's order.
std::string serialize_topic_route_data(const TopicRouteData& route, RouteJsonStyle style);
inline std::string serialize_topic_route_data(const TopicRouteData& route, bool legacy_integer_keys) {
  return serialize_topic_route_data(route, RouteJsonStyle{legacy_integer_keys, false});
}

// One BrokerData object as in a route (also the values of a ClusterInfo's brokerAddrTable).
void append_broker_data_json(std::string& out, const BrokerData& broker, RouteJsonStyle style);

}  // namespace mqsend
