// `mqsend probe`: the route, one message per writable queue, the per-broker verdict and the
// exit code, against the test cluster.
#include <set>
#include <utility>

#include <catch2/catch.hpp>

#include "harness.hpp"

using mqsend::test::json_lines;
using mqsend::test::run_mqsend;
using mqsend::test::TestCluster;
using nlohmann::json;

namespace {

std::vector<std::string> probe(const TestCluster& cluster, std::vector<std::string> args) {
  args.insert(args.begin(), {"probe", "-n", cluster.namesrv()});
  return args;
}

void control(const TestCluster& cluster, const json& command) {
  const json reply = cluster.control(command);
  INFO(reply.dump());
  REQUIRE(reply.at("ok") == true);
}

json single_report(const std::string& out) {
  const auto lines = json_lines(out);
  REQUIRE(lines.size() == 1);
  return lines.front();
}

const json& broker_row(const json& report, const std::string& name) {
  for (const auto& broker : report.at("brokers")) {
    if (broker.at("broker") == name) return broker;
  }
  FAIL("no row for " << name << " in " << report.dump());
  throw;
}

}  // namespace

TEST_CASE("probe registers its group with every master and unregisters at exit", "[integration][probe]") {
  TestCluster cluster({"--brokers", "2", "--topic", "Probe:2"});
  auto run = run_mqsend(probe(cluster, {"-t", "Probe", "-g", "ProbeGroup"}));
  INFO(run.out << run.err);
  REQUIRE(run.exit_code == 0);
  CHECK(cluster.requests_with_code(34) == 2);  // HEART_BEAT, one per master
  CHECK(cluster.requests_with_code(35) == 2);  // UNREGISTER_CLIENT at exit
}

TEST_CASE("probe: every queue of every master gets one message: exit 0", "[integration][probe]") {
  TestCluster cluster({"--brokers", "2", "--slave", "--topic", "Probe:4"});
  auto run = run_mqsend(probe(cluster, {"-t", "Probe", "--json", "--expect-brokers", "2"}));
  INFO(run.out << run.err);
  REQUIRE(run.exit_code == 0);
  const json report = single_report(run.out);
  CHECK(report.at("ok") == true);
  CHECK(report.at("topic") == "Probe");
  REQUIRE(report.at("route").at("brokers").size() == 2);
  CHECK(report.at("route").at("brokers")[0].at("addresses").size() == 2);  // master and slave
  CHECK(report.at("route").at("queue_datas")[0].at("perm_string") == "RW-");
  for (const std::string name : {"broker-a", "broker-b"}) {
    const json& row = broker_row(report, name);
    CHECK(row.at("address") == cluster.broker_addr(name));
    CHECK(row.at("queues_ok") == 4);
    CHECK(row.at("queues_total") == 4);
    CHECK(row.at("errors").empty());
    CHECK(row.at("rt_min_ms").get<double>() <= row.at("rt_max_ms").get<double>());
  }
  std::set<std::pair<std::string, int>> queues;
  for (const auto& message : cluster.messages("Probe")) {
    queues.emplace(message.at("broker").get<std::string>(), message.at("queue_id").get<int>());
  }
  CHECK(queues.size() == 8);
  CHECK(cluster.messages("Probe").size() == 8);  // exactly one each, none to a slave
}

TEST_CASE("probe: the text report shows the route and the table", "[integration][probe]") {
  TestCluster cluster({"--brokers", "2", "--topic", "Probe:2"});
  auto run = run_mqsend(probe(cluster, {"-t", "Probe"}));
  INFO(run.out << run.err);
  REQUIRE(run.exit_code == 0);
  CHECK_THAT(run.out, Catch::Contains("master   " + cluster.broker_addr("broker-a")));
  CHECK_THAT(run.out, Catch::Contains("read 2, write 2, perm RW- (6)"));
  CHECK_THAT(run.out, Catch::Contains("broker-b  " + cluster.broker_addr("broker-b") + "  2/2"));
  CHECK_THAT(run.out, Catch::EndsWith("OK: 4 queues on 2 brokers accepted\n"));
}

TEST_CASE("probe: a broker that is down is named and the exit is non-zero", "[integration][probe]") {
  const std::string kind = GENERATE("down", "black_hole");
  TestCluster cluster({"--brokers", "2", "--topic", "Probe:4"});
  control(cluster, {{"cmd", "fault"}, {"target", "broker-b"}, {"fault", kind}});
  auto run = run_mqsend(probe(cluster, {"-t", "Probe", "--json", "--timeout", "500"}));
  INFO(kind << "\n" << run.out << run.err);
  CHECK(run.exit_code == 1);  // broker-a's queues were accepted
  CHECK(run.elapsed < std::chrono::seconds(5));  // the broker's other queues do not each wait
  const json report = single_report(run.out);
  CHECK(report.at("ok") == false);
  CHECK(broker_row(report, "broker-a").at("queues_ok") == 4);
  const json& failed = broker_row(report, "broker-b");
  CHECK(failed.at("queues_ok") == 0);
  CHECK(failed.at("queues_total") == 4);
  CHECK_FALSE(failed.at("errors").empty());
  CHECK_THAT(run.err, Catch::Contains("broker broker-b"));
  CHECK(run.err.find("broker broker-a") == std::string::npos);
}

TEST_CASE("probe: every broker down exits 4 and the text names each", "[integration][probe]") {
  TestCluster cluster({"--brokers", "2", "--topic", "Probe:2"});
  control(cluster, {{"cmd", "fault"}, {"target", "broker-a"}, {"fault", "down"}});
  control(cluster, {{"cmd", "fault"}, {"target", "broker-b"}, {"fault", "down"}});
  auto run = run_mqsend(probe(cluster, {"-t", "Probe"}));
  INFO(run.out << run.err);
  CHECK(run.exit_code == 4);
  CHECK_THAT(run.out, Catch::Contains("FAILED: broker-a (0/2 queues accepted); broker-b (0/2 queues accepted)"));
}

TEST_CASE("probe: fewer brokers in the route than expected exits 6", "[integration][probe]") {
  TestCluster cluster({"--brokers", "3", "--topic", "Probe:2"});
  control(cluster, {{"cmd", "remove_broker"}, {"name", "broker-c"}});
  auto run = run_mqsend(probe(cluster, {"-t", "Probe", "--expect-brokers", "3"}));
  INFO(run.out << run.err);
  CHECK(run.exit_code == 6);
  CHECK_THAT(run.out, Catch::Contains("expected 3 brokers, the route has 2"));
  CHECK(cluster.messages("Probe").size() == 4);  // the brokers that are there were probed

  auto enough = run_mqsend(probe(cluster, {"-t", "Probe", "--expect-brokers", "2"}));
  CHECK(enough.exit_code == 0);
}

TEST_CASE("probe: an unknown topic is no route (exit 3), with no fallback to TBW102", "[integration][probe]") {
  TestCluster cluster({"--brokers", "2", "--auto-create-topic"});
  auto run = run_mqsend(probe(cluster, {"-t", "NoSuchTopic", "--json"}));
  INFO(run.out << run.err);
  CHECK(run.exit_code == 3);
  const json report = single_report(run.out);
  CHECK(report.at("route").is_null());
  CHECK_THAT(report.at("errors")[0].get<std::string>(), Catch::Contains("TOPIC_NOT_EXIST"));
  CHECK(cluster.messages("NoSuchTopic").empty());
}

TEST_CASE("probe: a read-only broker is shown but not probed", "[integration][probe]") {
  TestCluster cluster({"--brokers", "2", "--topic", "Probe:2"});
  control(cluster, {{"cmd", "topic"}, {"topic", "Probe"}, {"perm", 4}, {"brokers", {"broker-b"}}});
  auto run = run_mqsend(probe(cluster, {"-t", "Probe", "--json"}));
  INFO(run.out << run.err);
  CHECK(run.exit_code == 0);
  const json report = single_report(run.out);
  CHECK(broker_row(report, "broker-b").at("queues_total") == 0);
  CHECK(broker_row(report, "broker-a").at("queues_ok") == 2);
}

TEST_CASE("probe: --namespace probes NS%TOPIC and reports the plain topic", "[integration][probe]") {
  TestCluster cluster({"--brokers", "1", "--topic", "prod%Orders:2"});
  auto run = run_mqsend(probe(cluster, {"--namespace", "prod", "-t", "Orders"}));
  INFO(run.out << run.err);
  REQUIRE(run.exit_code == 0);
  CHECK_THAT(run.out, Catch::StartsWith("Topic Orders (as prod%Orders)\n"));
  const auto stored = cluster.messages("prod%Orders");
  REQUIRE(stored.size() == 2);
  CHECK(stored[0].at("producer_group") == "prod%mqsend_producer");

  auto without = run_mqsend(probe(cluster, {"-t", "Orders"}));
  CHECK(without.exit_code == 3);
}

TEST_CASE("probe: usage errors exit 2", "[integration][probe]") {
  CHECK(run_mqsend({"probe", "-n", "127.0.0.1:1"}).exit_code == 2);  // no topic
  CHECK(run_mqsend({"probe", "-n", "127.0.0.1:1", "-t", "T", "--mode", "async"}).exit_code == 2);  // send-only flag
  auto no_namesrv = run_mqsend({"probe", "-t", "T"}, "", {"NAMESRV_ADDR=", "MQSEND_NAMESRV="});
  CHECK(no_namesrv.exit_code == 2);
  CHECK_THAT(no_namesrv.err, Catch::Contains("no name server"));
}

TEST_CASE("probe: no name server reachable is no route (exit 3)", "[integration][probe]") {
  auto run = run_mqsend({"probe", "-n", "127.0.0.1:1", "-t", "T", "--timeout", "500"});
  INFO(run.out << run.err);
  CHECK(run.exit_code == 3);
  CHECK_THAT(run.out, Catch::Contains("no route"));
  // The same cause as for a send, with the same code.
  CHECK_THAT(run.err, Catch::Contains("no route: [10004 NO_NAME_SERVER_EXCEPTION] no name server answered"));
  CHECK_THAT(run.err, Catch::Contains("connect to 127.0.0.1:1 failed"));
  auto send = run_mqsend({"-n", "127.0.0.1:1", "-t", "T", "-m", "x", "--timeout", "500"});
  CHECK_THAT(send.err, Catch::Contains("failed: [10004 NO_NAME_SERVER_EXCEPTION]"));
}
