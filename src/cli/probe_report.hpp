#pragma once
// What `mqsend probe` found, and its two renderings: text (the route, then a per-broker
// table, then the verdict) and one JSON object.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "cli/exit_codes.hpp"
#include "client/route/topic_route_data.hpp"

namespace mqsend::cli {

struct BrokerProbe {
  std::string broker;
  std::string address;  // the master's, "" when the route has no master
  std::size_t queues_ok = 0;
  std::size_t queues_total = 0;
  std::vector<double> rt_ms;        // of the accepted sends
  std::vector<std::string> errors;  // "queue 3: [10001 CONNECT_BROKER_EXCEPTION] ..."

  bool ok() const { return errors.empty() && queues_ok == queues_total; }
};

struct ProbeReport {
  std::string topic;         // as given
  std::string routed_topic;  // with the namespace, as the name server knows it
  std::optional<TopicRouteData> route;  // absent: no route
  std::vector<BrokerProbe> brokers;     // sorted by name
  std::vector<std::string> errors;      // route-level: no route, fewer brokers than expected
  int exit_code = exit_code::kAllSent;

  bool ok() const { return exit_code == exit_code::kAllSent; }
};

// Java PermName.perm2String: "R"/"W"/"X" (inherit) or '-' each, e.g. 6 -> "RW-".
std::string perm_string(int perm);

std::string render_text(const ProbeReport& report);
// One line: {"topic","route":{"brokers":[...],"queue_datas":[...],"order_topic_conf"}|null,
// "brokers":[{"broker","address","queues_ok","queues_total","rt_min_ms","rt_avg_ms",
// "rt_max_ms","errors"}],"errors":[...],"ok"}. RT fields are null without an accepted send.
std::string render_json(const ProbeReport& report);

}  // namespace mqsend::cli
