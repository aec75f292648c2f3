// Namespace, a chosen queue, and registration with brokers (heartbeat / unregister).
#include <catch2/catch.hpp>

#include "harness.hpp"

using mqsend::test::json_lines;
using mqsend::test::run_mqsend;
using mqsend::test::TestCluster;
using mqsend::test::with_namesrv;

namespace {

int requests_with_code(const TestCluster& cluster, int code) {
  int count = 0;
  for (const auto& entry : cluster.log()) count += entry.at("code") == code;
  return count;
}

}  // namespace

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
  CHECK(requests_with_code(cluster, 34) == 0);
  CHECK(requests_with_code(cluster, 35) == 0);

  auto stream = run_mqsend(with_namesrv(cluster, {"-t", "Reg", "-g", "StreamGroup"}), "a\nb\nc\n");
  REQUIRE(stream.exit_code == 0);
  CHECK(requests_with_code(cluster, 34) == 2);  // one heartbeat per master
  CHECK(requests_with_code(cluster, 35) == 2);  // one unregister per master at exit
}
