// Namespace, a chosen queue, and registration with brokers (heartbeat / unregister).
#include <map>
#include <string>

#include <catch2/catch.hpp>

#include "harness.hpp"

using mqsend::test::json_lines;
using mqsend::test::run_mqsend;
using mqsend::test::TestCluster;
using mqsend::test::with_namesrv;

TEST_CASE("option --namespace prefixes topic and group: results show the plain topic", "[integration]") {
  TestCluster cluster({"--brokers", "1", "--topic", "prod%Orders:2"});
  auto run = run_mqsend(with_namesrv(cluster, {"--namespace", "prod", "-t", "Orders", "--json", "-m", "x"}));
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  const auto lines = json_lines(run.out);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].at("topic") == "Orders");
  const auto stored = cluster.messages("prod%Orders");
  REQUIRE(stored.size() == 1);
  CHECK(stored[0].at("producer_group") == "prod%mqsend_producer");
  CHECK(stored[0].at("properties").at("INSTANCE_ID") == "prod");
}

TEST_CASE("option --broker and --queue-id send to that queue only", "[integration]") {
  TestCluster cluster({"--brokers", "2", "--topic", "Pinned:4"});
  auto run = run_mqsend(with_namesrv(cluster, {"-t", "Pinned", "--broker", "broker-b", "--queue-id", "3",
                                               "--json", "--mode", "async"}),
                        "1\n2\n3\n4\n5\n");
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  for (const auto& line : json_lines(run.out)) {
    CHECK(line.at("broker") == "broker-b");
    CHECK(line.at("queueId") == 3);
  }
  const auto stored = cluster.messages("Pinned");
  REQUIRE(stored.size() == 5);
  for (const auto& message : stored) {
    CHECK(message.at("broker") == "broker-b");
    CHECK(message.at("queue_id") == 3);
  }
}

TEST_CASE("option --broker needs --queue-id", "[integration]") {
  auto run = run_mqsend({"-n", "127.0.0.1:1", "-t", "T", "--broker", "broker-a", "-m", "x"});
  CHECK(run.exit_code == 2);
  CHECK(run.err.find("queue-id") != std::string::npos);
}

TEST_CASE("a stream registers with the brokers: a one-shot send does not", "[integration]") {
  TestCluster cluster({"--brokers", "2", "--topic", "Reg:1"});
  auto one_shot = run_mqsend(with_namesrv(cluster, {"-t", "Reg", "-m", "x"}));
  REQUIRE(one_shot.exit_code == 0);
  CHECK(cluster.requests_with_code(34) == 0);
  CHECK(cluster.requests_with_code(35) == 0);

  auto stream = run_mqsend(with_namesrv(cluster, {"-t", "Reg", "-g", "StreamGroup"}), "a\nb\nc\n");
  REQUIRE(stream.exit_code == 0);
  CHECK(cluster.requests_with_code(34) == 2);  // one heartbeat per master
  CHECK(cluster.requests_with_code(35) == 2);  // one unregister per master at exit
}

TEST_CASE("option --vip-channel sends to the broker port - 2", "[integration]") {
  TestCluster cluster({"--brokers", "2", "--vip-channel", "--topic", "Vip:2"});
  for (const auto& broker : cluster.ready().at("brokers")) {
    const std::string addr = broker.at("addr");
    const std::string vip = broker.at("vip");
    const int port = std::stoi(addr.substr(addr.rfind(':') + 1));
    CHECK(vip == "127.0.0.1:" + std::to_string(port - 2));
  }
  auto vip_run = run_mqsend(with_namesrv(cluster, {"-t", "Vip", "--vip-channel", "--mode", "async"}),
                            "1\n2\n3\n4\n");
  INFO(vip_run.err);
  REQUIRE(vip_run.exit_code == 0);
  CHECK(cluster.sends_per_target() == std::map<std::string, int>{{"broker-a-vip", 2}, {"broker-b-vip", 2}});

  cluster.control({{"cmd", "reset_log"}});
  // Four messages cover the four queues whatever queue the round robin starts at.
  auto plain_run = run_mqsend(with_namesrv(cluster, {"-t", "Vip", "-m", "w", "-m", "x", "-m", "y", "-m", "z"}));
  REQUIRE(plain_run.exit_code == 0);
  CHECK(cluster.sends_per_target() == std::map<std::string, int>{{"broker-a", 2}, {"broker-b", 2}});
  CHECK(cluster.messages("Vip").size() == 8);
}

TEST_CASE("cluster VIP listeners are on by default, --no-vip-channel turns them off", "[integration]") {
  TestCluster by_default({"--brokers", "1", "--topic", "Vip:1"});
  CHECK(by_default.ready().at("brokers")[0].contains("vip"));
  TestCluster without({"--brokers", "1", "--topic", "Vip:1", "--no-vip-channel"});
  CHECK_FALSE(without.ready().at("brokers")[0].contains("vip"));
  auto run = run_mqsend(with_namesrv(without, {"-t", "Vip", "-m", "x"}));
  INFO(run.err);
  CHECK(run.exit_code == 0);
}

TEST_CASE("option --vip-channel: a broker down on both ports fails over like any other", "[integration]") {
  TestCluster cluster({"--brokers", "2", "--vip-channel", "--topic", "Vip:1"});
  REQUIRE(cluster.control({{"cmd", "fault"}, {"target", "broker-a"}, {"fault", "down"}}).at("ok") == true);
  auto run = run_mqsend(with_namesrv(cluster, {"-t", "Vip", "--vip-channel", "--json", "-m", "1", "-m", "2"}));
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  for (const auto& line : json_lines(run.out)) CHECK(line.at("broker") == "broker-b");
}
