// The probe report: permission text, the text table and the JSON document.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli/probe_report.hpp"

using namespace mqsend::cli;

namespace {

ProbeReport two_broker_report() {
  ProbeReport report;
  report.topic = "Orders";
  report.routed_topic = "prod%Orders";
  mqsend::TopicRouteData route;
  route.broker_datas = {{"DefaultCluster", "broker-b", {{0, "10.0.0.2:10911"}}},
                        {"DefaultCluster", "broker-a", {{0, "10.0.0.1:10911"}, {1, "10.0.0.11:10911"}}}};
  route.queue_datas = {{"broker-a", 4, 4, 6, 0}, {"broker-b", 4, 2, 7, 0}};
  report.route = route;
  BrokerProbe a;
  a.broker = "broker-a";
  a.address = "10.0.0.1:10911";
  a.queues_ok = 4;
  a.queues_total = 4;
  a.rt_ms = {1.0, 2.0, 3.0, 6.0};
  BrokerProbe b;
  b.broker = "broker-b";
  b.address = "10.0.0.2:10911";
  b.queues_total = 2;
  b.errors = {"queue 0: [10001 CONNECT_BROKER_EXCEPTION] refused", "1 more queue(s) not tried"};
  report.brokers = {a, b};
  report.exit_code = exit_code::kSomeFailed;
  return report;
}

}  // namespace

TEST_CASE("probe report: perm_string as Java's PermName.perm2String", "[cli]") {
  CHECK(perm_string(6) == "RW-");
  CHECK(perm_string(7) == "RWX");
  CHECK(perm_string(4) == "R--");
  CHECK(perm_string(2) == "-W-");
  CHECK(perm_string(0) == "---");
  CHECK(perm_string(8 | 4) == "R--");  // priority is not shown
}

TEST_CASE("probe report: text shows the route, the table and names the failing broker", "[cli]") {
  const std::string text = render_text(two_broker_report());
  INFO(text);
  CHECK_THAT(text, Catch::StartsWith("Topic Orders (as prod%Orders)\n"));
  CHECK_THAT(text, Catch::Contains("slave 1  10.0.0.11:10911"));
  CHECK_THAT(text, Catch::Contains("read 4, write 2, perm RWX (7)"));
  CHECK_THAT(text, Catch::Contains("broker-a  10.0.0.1:10911  4/4        1.000      3.000      6.000      0"));
  CHECK_THAT(text, Catch::Contains("  broker-b: queue 0: [10001 CONNECT_BROKER_EXCEPTION] refused\n"));
  CHECK_THAT(text, Catch::EndsWith("FAILED: broker-b (0/2 queues accepted)\n"));
  // Brokers are listed by name whatever the route's order.
  CHECK(text.find("  broker-a  cluster") < text.find("  broker-b  cluster"));
}

TEST_CASE("probe report: JSON carries the route, per-broker results and the verdict", "[cli]") {
  const auto document = nlohmann::json::parse(render_json(two_broker_report()));
  CHECK(document.at("topic") == "Orders");
  CHECK(document.at("ok") == false);
  const auto& route = document.at("route");
  REQUIRE(route.at("brokers").size() == 2);
  CHECK(route.at("brokers")[0].at("broker") == "broker-a");
  CHECK(route.at("brokers")[0].at("addresses").at("1") == "10.0.0.11:10911");
  CHECK(route.at("queue_datas")[1].at("perm_string") == "RWX");
  const auto& brokers = document.at("brokers");
  REQUIRE(brokers.size() == 2);
  CHECK(brokers[0].at("queues_ok") == 4);
  CHECK(brokers[0].at("rt_min_ms") == 1.0);
  CHECK(brokers[0].at("rt_avg_ms") == 3.0);
  CHECK(brokers[0].at("rt_max_ms") == 6.0);
  CHECK(brokers[1].at("rt_avg_ms").is_null());
  CHECK(brokers[1].at("errors").size() == 2);
}

TEST_CASE("probe report: no route", "[cli]") {
  ProbeReport report;
  report.topic = report.routed_topic = "Nope";
  report.errors = {"no route: [17 TOPIC_NOT_EXIST] No topic route info"};
  report.exit_code = exit_code::kNoRoute;
  CHECK(render_text(report) == "Topic Nope\nFAILED: no route: [17 TOPIC_NOT_EXIST] No topic route info\n");
  const auto document = nlohmann::json::parse(render_json(report));
  CHECK(document.at("route").is_null());
  CHECK(document.at("brokers").empty());
  CHECK(document.at("ok") == false);
}
