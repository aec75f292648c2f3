// --producers N: N independent producers in one process (each its own client id and
// connections), records round-robin, a sharding key always through one of them.
#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <string>

#include <catch2/catch.hpp>

#include "harness.hpp"

using mqsend::test::json_lines;
using mqsend::test::MqsendProcess;
using mqsend::test::TestCluster;
using mqsend::test::with_namesrv;
using json = nlohmann::json;

namespace {

// The client ids registered (HEART_BEAT) with any master now.
std::set<std::string> registered_clients(const TestCluster& cluster) {
  std::set<std::string> clients;
  for (const auto& broker : cluster.control({{"cmd", "status"}}).at("brokers")) {
    for (const auto& [client_id, groups] : broker.at("clients").items()) clients.insert(client_id);
  }
  return clients;
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
      // The stream is open: every producer has had records and registered; none has unregistered.
      CHECK(mqsend::test::wait_until([&] { return registered_clients(cluster).size() == 3; }, std::chrono::seconds(10)));
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
      CHECK(registered_clients(cluster).empty());  // each unregistered at exit
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
