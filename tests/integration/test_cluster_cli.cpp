// The test cluster's command line: `mqsend-testcluster ctl` (the control client) and
// scripts/with-cluster.sh (installed as mqsend-with-cluster) with its default cluster flags.
#include <algorithm>
#include <cstdio>

#include <catch2/catch.hpp>

#include "harness.hpp"

using mqsend::test::json_lines;
using mqsend::test::run_mqsend;
using mqsend::test::run_process;
using mqsend::test::temp_path;
using mqsend::test::TestCluster;
using mqsend::test::with_namesrv;
using mqsend::test::write_file;
using Json = nlohmann::json;

namespace {

const std::string kSourceRoot = [] {
  std::string path = __FILE__;  // <root>/tests/integration/test_cluster_cli.cpp
  for (int i = 0; i < 3; ++i) path = path.substr(0, path.rfind('/'));
  return path;
}();

// `mqsend-testcluster ctl ARGS...`, without an inherited MQSEND_CLUSTER_CONTROL unless `env` sets one.
mqsend::test::ProcessResult ctl(const std::vector<std::string>& args, std::vector<std::string> env = {}) {
  std::vector<std::string> argv{MQSEND_CLUSTER_BIN, "ctl"};
  argv.insert(argv.end(), args.begin(), args.end());
  env.insert(env.begin(), "MQSEND_CLUSTER_CONTROL=");
  return run_process(argv, "", std::chrono::seconds(30), env);
}

std::string control_of(const TestCluster& cluster) { return cluster.ready().at("control").get<std::string>(); }

// The one JSON line `run` printed.
Json answer_of(const mqsend::test::ProcessResult& run) {
  const auto lines = json_lines(run.out);
  REQUIRE(lines.size() == 1);
  return lines.front();
}

const Json& broker_status(const Json& status, const std::string& name) {
  const Json& brokers = status.at("brokers");
  const auto found = std::find_if(brokers.begin(), brokers.end(),
                                  [&](const Json& broker) { return broker.at("name") == name; });
  REQUIRE(found != brokers.end());
  return *found;
}

bool has_topic(const Json& broker, const std::string& topic) {
  const Json& topics = broker.at("topics");
  return std::any_of(topics.begin(), topics.end(), [&](const Json& entry) { return entry.at("topic") == topic; });
}

}  // namespace

TEST_CASE("testcluster ctl: status, fault and messages through --control", "[integration][cluster-cli]") {
  TestCluster cluster({"--brokers", "2", "--topic", "CtlTopic:2"});
  auto status = ctl({"--control", control_of(cluster), "status"});
  INFO(status.err);
  REQUIRE(status.exit_code == 0);
  CHECK(answer_of(status).at("ok") == true);
  CHECK(answer_of(status).at("brokers").size() == 2);

  auto fault = ctl({"--control", control_of(cluster), "fault", "broker-a", "delay", "500"});
  INFO(fault.err);
  CHECK(fault.exit_code == 0);
  const Json faults = broker_status(cluster.control({{"cmd", "status"}}), "broker-a").at("faults");
  CHECK(faults.at("delay_ms") == 500);
  CHECK(ctl({"--control", control_of(cluster), "fault", "broker-a", "clear"}).exit_code == 0);
  CHECK(broker_status(cluster.control({{"cmd", "status"}}), "broker-a").at("faults").at("delay_ms") == 0);

  REQUIRE(run_mqsend(with_namesrv(cluster, {"-t", "CtlTopic", "-q", "-m", "one"})).exit_code == 0);
  auto messages = ctl({"--control", control_of(cluster), "messages", "--topic", "CtlTopic"});
  CHECK(messages.exit_code == 0);
  REQUIRE(answer_of(messages).at("messages").size() == 1);
  CHECK(answer_of(messages).at("messages")[0].at("topic") == "CtlTopic");
  auto other_topic = ctl({"--control", control_of(cluster), "messages", "--topic=Elsewhere"});
  CHECK(answer_of(other_topic).at("messages").empty());
}

TEST_CASE("testcluster ctl: the address from --ready-file or MQSEND_CLUSTER_CONTROL", "[integration][cluster-cli]") {
  TestCluster cluster({"--brokers", "1", "--topic", "CtlTopic:1"});
  const std::string ready_file = temp_path("ctl-ready");
  write_file(ready_file, cluster.ready().dump() + "\n");
  auto from_file = ctl({"--ready-file", ready_file, "topic", "--topic", "Added", "--queues", "3"});
  INFO(from_file.err);
  CHECK(from_file.exit_code == 0);
  CHECK(has_topic(broker_status(cluster.control({{"cmd", "status"}}), "broker-a"), "Added"));
  std::remove(ready_file.c_str());

  auto from_env = ctl({"ready"}, {"MQSEND_CLUSTER_CONTROL=" + control_of(cluster)});
  INFO(from_env.err);
  CHECK(from_env.exit_code == 0);
  CHECK(answer_of(from_env).at("namesrv") == cluster.namesrv());
}

TEST_CASE("testcluster ctl: an error answer exits 1, an unreachable cluster 3, a usage error 2", "[integration][cluster-cli]") {
  TestCluster cluster({"--brokers", "1"});
  auto refused = ctl({"--control", control_of(cluster), "fault", "broker-z", "down"});
  CHECK(refused.exit_code == 1);
  CHECK(answer_of(refused).at("ok") == false);
  CHECK_THAT(refused.err, Catch::StartsWith("mqsend-testcluster ctl: "));
  auto unknown = ctl({"--control", control_of(cluster), "no_such_command"});
  CHECK(unknown.exit_code == 1);
  CHECK_THAT(unknown.err, Catch::Contains("unknown cmd 'no_such_command'"));

  cluster.stop();  // its port is closed now: connections are refused
  auto unreachable = ctl({"--control", control_of(cluster), "status"});
  CHECK(unreachable.exit_code == 3);
  CHECK_THAT(unreachable.err, Catch::Contains("cannot connect"));
  CHECK(ctl({"--ready-file", temp_path("no-such-ready-file"), "status"}).exit_code == 3);

  auto no_address = ctl({"status"});
  CHECK(no_address.exit_code == 2);
  CHECK_THAT(no_address.err, Catch::Contains("MQSEND_CLUSTER_CONTROL"));
  auto bad_fault = ctl({"--control", "127.0.0.1:1", "fault", "broker-a", "sideways"});
  CHECK(bad_fault.exit_code == 2);
  CHECK_THAT(bad_fault.err, Catch::Contains("unknown fault 'sideways'"));
  CHECK(ctl({"--control", "127.0.0.1:1"}).exit_code == 2);  // no command
}

TEST_CASE("with-cluster.sh: cluster flags before -- add to the defaults or replace them", "[integration][cluster-cli]") {
  // The command: the cluster's status through ctl, which finds it by MQSEND_CLUSTER_CONTROL.
  auto status_with = [](std::vector<std::string> cluster_flags) {
    std::vector<std::string> argv{kSourceRoot + "/scripts/with-cluster.sh"};
    argv.insert(argv.end(), cluster_flags.begin(), cluster_flags.end());
    if (!cluster_flags.empty()) argv.push_back("--");
    argv.insert(argv.end(), {MQSEND_CLUSTER_BIN, "ctl", "status"});
    auto run = run_process(argv, "", std::chrono::seconds(30),
                           {std::string("MQSEND_CLUSTER_BIN=") + MQSEND_CLUSTER_BIN});
    INFO(run.err);
    REQUIRE(run.exit_code == 0);
    return answer_of(run);
  };
  const Json defaults = status_with({});
  CHECK(defaults.at("brokers").size() == 2);
  CHECK(has_topic(broker_status(defaults, "broker-a"), "TBW102"));  // --auto-create-topic

  const Json added = status_with({"--topic", "Extra:2"});
  CHECK(added.at("brokers").size() == 2);
  CHECK(has_topic(broker_status(added, "broker-b"), "TBW102"));
  CHECK(has_topic(broker_status(added, "broker-b"), "Extra"));

  const Json more_brokers = status_with({"--brokers", "3"});
  CHECK(more_brokers.at("brokers").size() == 3);
  CHECK(has_topic(broker_status(more_brokers, "broker-c"), "TBW102"));

  const Json no_auto_create = status_with({"--brokers=1", "--no-auto-create-topic"});
  CHECK(no_auto_create.at("brokers").size() == 1);
  CHECK_FALSE(has_topic(broker_status(no_auto_create, "broker-a"), "TBW102"));
}

TEST_CASE("with-cluster.sh: the command's exit status is the script's", "[integration][cluster-cli]") {
  auto run = run_process({kSourceRoot + "/scripts/with-cluster.sh", "/bin/sh", "-c", "exit 7"}, "",
                         std::chrono::seconds(30), {std::string("MQSEND_CLUSTER_BIN=") + MQSEND_CLUSTER_BIN});
  CHECK(run.exit_code == 7);
}
