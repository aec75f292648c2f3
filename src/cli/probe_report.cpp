#include "cli/probe_report.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace mqsend::cli {

namespace {

struct RoundTrip {
  double min = 0;
  double avg = 0;
  double max = 0;
};

std::optional<RoundTrip> round_trip(const BrokerProbe& broker) {
  if (broker.rt_ms.empty()) return std::nullopt;
  const auto [min, max] = std::minmax_element(broker.rt_ms.begin(), broker.rt_ms.end());
  const double sum = std::accumulate(broker.rt_ms.begin(), broker.rt_ms.end(), 0.0);
  return RoundTrip{*min, sum / static_cast<double>(broker.rt_ms.size()), *max};
}

double rounded(double ms) { return std::round(ms * 1000.0) / 1000.0; }

std::vector<const BrokerData*> sorted_brokers(const TopicRouteData& route) {
  std::vector<const BrokerData*> brokers;
  for (const BrokerData& broker : route.broker_datas) brokers.push_back(&broker);
  std::stable_sort(brokers.begin(), brokers.end(),
                   [](const BrokerData* a, const BrokerData* b) { return a->broker_name < b->broker_name; });
  return brokers;
}

std::string queue_data_text(const QueueData& queue) {
  return fmt::format("read {}, write {}, perm {} ({})", queue.read_queue_nums, queue.write_queue_nums,
                     perm_string(queue.perm), queue.perm);
}

void append_route(const TopicRouteData& route, std::string& out) {
  out += "Route:\n";
  for (const BrokerData* broker : sorted_brokers(route)) {
    out += fmt::format("  {}  cluster {}\n", broker->broker_name, broker->cluster);
    if (broker->broker_addrs.count(kMasterBrokerId) == 0) out += "    master   (none)\n";
    for (const auto& [id, address] : broker->broker_addrs) {
      out += id == kMasterBrokerId ? fmt::format("    master   {}\n", address)
                                   : fmt::format("    slave {}  {}\n", id, address);
    }
    for (const QueueData& queue : route.queue_datas) {
      if (queue.broker_name == broker->broker_name) out += "    queues   " + queue_data_text(queue) + "\n";
    }
  }
  for (const QueueData& queue : route.queue_datas) {
    const bool known = std::any_of(route.broker_datas.begin(), route.broker_datas.end(),
                                   [&](const BrokerData& broker) { return broker.broker_name == queue.broker_name; });
    if (!known) out += fmt::format("  {}  (no broker data)\n    queues   {}\n", queue.broker_name, queue_data_text(queue));
  }
  if (!route.order_topic_conf.empty()) out += "  order topic conf: " + route.order_topic_conf + "\n";
}

void append_table(const std::vector<BrokerProbe>& brokers, std::string& out) {
  struct Row {
    std::vector<std::string> cells;
  };
  std::vector<Row> rows{{{"BROKER", "ADDRESS", "QUEUES OK", "RT MIN ms", "RT AVG ms", "RT MAX ms", "ERRORS"}}};
  for (const BrokerProbe& broker : brokers) {
    const auto rt = round_trip(broker);
    auto ms = [&](double RoundTrip::*field) { return rt ? fmt::format("{:.3f}", (*rt).*field) : std::string("-"); };
    rows.push_back({{broker.broker, broker.address.empty() ? "-" : broker.address,
                     fmt::format("{}/{}", broker.queues_ok, broker.queues_total), ms(&RoundTrip::min),
                     ms(&RoundTrip::avg), ms(&RoundTrip::max), std::to_string(broker.errors.size())}});
  }
  std::vector<std::size_t> widths(rows.front().cells.size(), 0);
  for (const Row& row : rows) {
    for (std::size_t i = 0; i < row.cells.size(); ++i) widths[i] = std::max(widths[i], row.cells[i].size());
  }
  for (const Row& row : rows) {
    std::string line;
    for (std::size_t i = 0; i < row.cells.size(); ++i) {
      line += i + 1 < row.cells.size() ? fmt::format("{:<{}}  ", row.cells[i], widths[i]) : row.cells[i];
    }
    out += line + "\n";
  }
  for (const BrokerProbe& broker : brokers) {
    for (const std::string& error : broker.errors) out += fmt::format("  {}: {}\n", broker.broker, error);
  }
}

std::string verdict(const ProbeReport& report) {
  if (report.ok()) {
    std::size_t queues = 0;
    for (const BrokerProbe& broker : report.brokers) queues += broker.queues_total;
    return fmt::format("OK: {} queues on {} brokers accepted", queues, report.brokers.size());
  }
  std::vector<std::string> problems = report.errors;
  for (const BrokerProbe& broker : report.brokers) {
    if (!broker.ok()) {
      problems.push_back(fmt::format("{} ({}/{} queues accepted)", broker.broker, broker.queues_ok,
                                     broker.queues_total));
    }
  }
  return "FAILED: " + fmt::format("{}", fmt::join(problems, "; "));
}

nlohmann::ordered_json route_json(const TopicRouteData& route) {
  nlohmann::ordered_json brokers = nlohmann::ordered_json::array();
  for (const BrokerData* broker : sorted_brokers(route)) {
    nlohmann::ordered_json addresses = nlohmann::ordered_json::object();
    for (const auto& [id, address] : broker->broker_addrs) addresses[std::to_string(id)] = address;
    auto master = broker->broker_addrs.find(kMasterBrokerId);
    brokers.push_back({{"broker", broker->broker_name},
                       {"cluster", broker->cluster},
                       {"master", master == broker->broker_addrs.end() ? nlohmann::ordered_json() : nlohmann::ordered_json(master->second)},
                       {"addresses", addresses}});
  }
  nlohmann::ordered_json queues = nlohmann::ordered_json::array();
  for (const QueueData& queue : route.queue_datas) {
    queues.push_back({{"broker", queue.broker_name},
                      {"read_queues", queue.read_queue_nums},
                      {"write_queues", queue.write_queue_nums},
                      {"perm", queue.perm},
                      {"perm_string", perm_string(queue.perm)},
                      {"topic_sys_flag", queue.topic_sys_flag}});
  }
  return {{"brokers", brokers}, {"queue_datas", queues}, {"order_topic_conf", route.order_topic_conf}};
}

}  // namespace

std::string perm_string(int perm) {
  std::string text = "---";
  if ((perm & perm::kRead) != 0) text[0] = 'R';
  if ((perm & perm::kWrite) != 0) text[1] = 'W';
  if ((perm & perm::kInherit) != 0) text[2] = 'X';
  return text;
}

std::string render_text(const ProbeReport& report) {
  std::string out = report.routed_topic == report.topic
                        ? fmt::format("Topic {}\n", report.topic)
                        : fmt::format("Topic {} (as {})\n", report.topic, report.routed_topic);
  if (report.route) {
    append_route(*report.route, out);
    out += "Probe: one message to every writable queue of every master broker\n";
    append_table(report.brokers, out);
  }
  return out + verdict(report) + "\n";
}

std::string render_json(const ProbeReport& report) {
  nlohmann::ordered_json brokers = nlohmann::ordered_json::array();
  for (const BrokerProbe& broker : report.brokers) {
    const auto rt = round_trip(broker);
    auto ms = [&](double RoundTrip::*field) { return rt ? nlohmann::ordered_json(rounded((*rt).*field)) : nlohmann::ordered_json(); };
    brokers.push_back({{"broker", broker.broker},
                       {"address", broker.address.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(broker.address)},
                       {"queues_ok", broker.queues_ok},
                       {"queues_total", broker.queues_total},
                       {"rt_min_ms", ms(&RoundTrip::min)},
                       {"rt_avg_ms", ms(&RoundTrip::avg)},
                       {"rt_max_ms", ms(&RoundTrip::max)},
                       {"errors", broker.errors}});
  }
  const nlohmann::ordered_json document{{"topic", report.topic},
                                {"route", report.route ? route_json(*report.route) : nlohmann::ordered_json()},
                                {"brokers", brokers},
                                {"errors", report.errors},
                                {"ok", report.ok()}};
  return document.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace mqsend::cli
