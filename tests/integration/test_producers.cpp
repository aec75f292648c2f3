// --producers N: N independent producers in one process (each its own client id and
// connections), records round-robin, a sharding key always through one of them.
#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "harness.hpp"

using mqsend::test::json_lines;
using mqsend::test::MqsendProcess;
using mqsend::test::TestCluster;
using mqsend::test::with_namesrv;
using json = nlohmann::json;

namespace {

// Each broker's open client connections now.
std::vector<int> broker_connections(const TestCluster& cluster) {
  std::vector<int> connections;
  const json status = cluster.control({{"cmd", "status"}});  // kept: the loop reads into it
  for (const auto& broker : status.at("brokers")) {
    connections.push_back(broker.at("connections").get<int>());
  }
  return connections;
}

// The client ids registered (HEART_BEAT) with each broker now.
std::vector<std::set<std::string>> broker_client_ids(const TestCluster& cluster) {
  std::vector<std::set<std::string>> client_ids;
  const json status = cluster.control({{"cmd", "status"}});
  for (const auto& broker : status.at("brokers")) {
    std::set<std::string> ids;
    for (const auto& client : broker.at("clients").items()) ids.insert(client.key());
    client_ids.push_back(std::move(ids));
  }
  return client_ids;
}

std::string numbered_lines(const std::string& prefix, int count) {
  std::string lines;
  for (int i = 0; i < count; ++i) lines += prefix + std::to_string(i) + "\n";
  return lines;
}

}  // namespace

TEST_CASE("option --producers 3: three clients register, each record has one outcome and is stored once",
          "[integration][producers]") {
  for (const char* mode : {"async", "sync"}) {
    DYNAMIC_SECTION("mode " << mode) {
      TestCluster cluster({"--brokers", "2", "--topic", "Pool:4"});
      MqsendProcess mqsend(with_namesrv(cluster, {"-t", "Pool", "--producers", "3", "--mode", mode, "--json"}));
      mqsend.write(numbered_lines("p", 30));
      // The stream is open: each producer has its own connection to each broker and has
      // registered there under its own client id (the heartbeat goes to every master).
      CHECK(mqsend::test::wait_until(
          [&] {
            const auto ids = broker_client_ids(cluster);
            return broker_connections(cluster) == std::vector<int>{3, 3} && ids.size() == 2 &&
                   ids[0].size() == 3 && ids[1] == ids[0];
          },
          std::chrono::seconds(10)));
      auto run = mqsend.wait();
      INFO(run.err);
      REQUIRE(run.exit_code == 0);
      std::map<int, int> outcomes;
      for (const auto& line : json_lines(run.out)) {
        CHECK(line.at("status") == "SEND_OK");
        ++outcomes[line.at("index").get<int>()];
      }
      CHECK(outcomes.size() == 30);
      for (const auto& [index, count] : outcomes) CHECK(count == 1);
      const auto bodies = cluster.stored_bodies("Pool");
      CHECK(bodies.size() == 30);
      CHECK(std::set<std::string>(bodies.begin(), bodies.end()).size() == 30);
      CHECK(run.err.find("sent 30, failed 0") != std::string::npos);
      CHECK(run.err.find(", 3 producers") != std::string::npos);
      for (const auto& ids : broker_client_ids(cluster)) CHECK(ids.empty());  // unregistered at exit
    }
  }
}

TEST_CASE("option --producers with --shard-key: the key's records stay in order on one queue",
          "[integration][producers]") {
  TestCluster cluster({"--brokers", "2", "--topic", "PoolOrder:4"});
  MqsendProcess mqsend(
      with_namesrv(cluster, {"-t", "PoolOrder", "--producers", "4", "--mode", "async", "--shard-key", "K1"}));
  mqsend.write(numbered_lines("o", 40));
  auto run = mqsend.wait();
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  auto stored = cluster.messages("PoolOrder");
  REQUIRE(stored.size() == 40);
  std::sort(stored.begin(), stored.end(), [](const json& a, const json& b) {
    return a.at("queue_offset").get<long>() < b.at("queue_offset").get<long>();
  });
  for (std::size_t i = 0; i < stored.size(); ++i) {
    CHECK(stored[i].at("queue_id") == stored[0].at("queue_id"));
    CHECK(stored[i].at("broker") == stored[0].at("broker"));
    CHECK(mqsend::test::base64_decode(stored[i].at("body").get<std::string>()) == "o" + std::to_string(i));
  }
}

TEST_CASE("option --producers: SIGINT with every window full reports each record read once", "[integration][producers]") {
  TestCluster cluster({"--brokers", "1", "--topic", "PoolSigint:1"});
  REQUIRE(cluster.control({{"cmd", "fault"}, {"target", "broker-a"}, {"fault", "black_hole"}}).at("ok") == true);
  const std::string failed = mqsend::test::temp_path("failed-pool-sigint");
  // --inflight 6 over 3 producers: two sends each before the windows are full.
  MqsendProcess mqsend(with_namesrv(cluster, {"-t", "PoolSigint", "--producers", "3", "--mode", "async", "--inflight",
                                              "6", "--json", "--timeout", "1500", "--failed-output", failed}));
  mqsend.write(numbered_lines("s", 20));
  REQUIRE(cluster.wait_for_requests(310, 6, std::chrono::seconds(5)));
  mqsend.signal(SIGINT);
  auto run = mqsend.wait(std::chrono::seconds(10));
  INFO(run.err);
  CHECK(run.exit_code == 1);
  std::map<int, int> outcomes;
  std::multiset<std::string> failed_expected;
  for (const auto& line : json_lines(run.out)) {
    CHECK(line.at("status") == "FAILED");
    const int index = line.at("index").get<int>();
    ++outcomes[index];
    failed_expected.insert("s" + std::to_string(index));
  }
  CHECK(outcomes.size() >= 7);  // 6 in flight + 1 waiting for its producer's window
  for (const auto& [index, count] : outcomes) CHECK(count == 1);
  CHECK(run.err.find("sent 0, failed " + std::to_string(outcomes.size())) != std::string::npos);
  std::multiset<std::string> failed_written;
  std::istringstream in(mqsend::test::read_file(failed));
  for (std::string line; std::getline(in, line);) failed_written.insert(line);
  CHECK(failed_written == failed_expected);
  std::remove(failed.c_str());
}
