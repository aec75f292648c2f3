// Broker and name-server faults injected through the test cluster's control port: the send
// loop retries on another broker, fails with the right code, and never hangs.
#include <algorithm>
#include <map>
#include <set>

#include <catch2/catch.hpp>

#include "harness.hpp"

using mqsend::test::json_lines;
using mqsend::test::run_mqsend;
using mqsend::test::TestCluster;
using mqsend::test::with_namesrv;
using nlohmann::json;

namespace {

void fault(const TestCluster& cluster, json command) {
  command["cmd"] = "fault";
  const json reply = cluster.control(command);
  INFO(reply.dump());
  REQUIRE(reply.at("ok") == true);
}

std::string lines(int n) {
  std::string input;
  for (int i = 0; i < n; ++i) input += "message " + std::to_string(i) + "\n";
  return input;
}

}  // namespace

TEST_CASE("a retryable broker code sends the message to the other broker", "[integration][faults]") {
  const std::string code = GENERATE("SYSTEM_BUSY", "SERVICE_NOT_AVAILABLE", "NO_PERMISSION");
  TestCluster cluster({"--brokers", "2", "--topic", "Busy:2"});
  fault(cluster, {{"target", "broker-a"}, {"fault", "code"}, {"code", code}});
  auto run = run_mqsend(with_namesrv(cluster, {"-t", "Busy", "--json"}), lines(6));
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  const auto results = json_lines(run.out);
  REQUIRE(results.size() == 6);
  int retried = 0;
  for (const auto& result : results) {
    CHECK(result.at("broker") == "broker-b");
    const auto tried = result.at("brokersTried").get<std::vector<std::string>>();
    if (tried.size() == 2) {
      CHECK(tried == std::vector<std::string>{"broker-a", "broker-b"});
      ++retried;
    }
  }
  CHECK(retried >= 1);
  const auto sends = cluster.sends_per_target();
  CHECK(sends.at("broker-a") == retried);
  CHECK(sends.at("broker-b") == 6);
  CHECK(cluster.messages("Busy").size() == 6);
}

TEST_CASE("a non-retryable broker code fails the message with that code at once", "[integration][faults]") {
  TestCluster cluster({"--brokers", "2", "--topic", "Illegal:2"});
  for (const char* broker : {"broker-a", "broker-b"}) {
    fault(cluster, {{"target", broker}, {"fault", "code"}, {"code", "MESSAGE_ILLEGAL"}});
  }
  auto run = run_mqsend(with_namesrv(cluster, {"-t", "Illegal", "--json", "-m", "x"}));
  CHECK(run.exit_code == 4);
  const auto results = json_lines(run.out);
  REQUIRE(results.size() == 1);
  CHECK(results[0].at("status") == "FAILED");
  CHECK(results[0].at("error").at("code") == 13);
  CHECK(results[0].at("brokersTried").size() == 1);
  CHECK(run.err.find("MESSAGE_ILLEGAL") != std::string::npos);
}

TEST_CASE("every attempt failing gives the Java summary and the last code", "[integration][faults]") {
  TestCluster cluster({"--brokers", "2", "--topic", "AllBusy:2"});
  for (const char* broker : {"broker-a", "broker-b"}) {
    fault(cluster, {{"target", broker}, {"fault", "code"}, {"code", "SYSTEM_BUSY"}});
  }
  auto run = run_mqsend(with_namesrv(cluster, {"-t", "AllBusy", "-m", "x"}));
  INFO(run.err);
  CHECK(run.exit_code == 4);
  CHECK(run.err.find("[2 SYSTEM_BUSY]") != std::string::npos);
  CHECK(run.err.find("Send [3] times, still failed") != std::string::npos);
  CHECK(run.err.find("Topic: AllBusy") != std::string::npos);
  const auto sends = cluster.sends_per_target();
  CHECK(sends.at("broker-a") + sends.at("broker-b") == 3);
}

TEST_CASE("FLUSH_DISK_TIMEOUT is stored with a warning and not retried", "[integration][faults]") {
  TestCluster cluster({"--brokers", "1", "--topic", "Flush:1"});
  fault(cluster, {{"target", "broker-a"}, {"fault", "code"}, {"code", "FLUSH_DISK_TIMEOUT"}, {"count", 1}});
  auto run = run_mqsend(with_namesrv(cluster, {"-t", "Flush", "--json", "-m", "x"}));
  INFO(run.err);
  CHECK(run.exit_code == 0);
  const auto results = json_lines(run.out);
  REQUIRE(results.size() == 1);
  CHECK(results[0].at("status") == "FLUSH_DISK_TIMEOUT");
  CHECK(cluster.messages("Flush").size() == 1);
}

TEST_CASE("option --retry-another-broker-when-not-store-ok tries the next broker", "[integration][faults]") {
  TestCluster cluster({"--brokers", "2", "--topic", "Flush2:1"});
  fault(cluster, {{"target", "broker-a"}, {"fault", "code"}, {"code", "FLUSH_SLAVE_TIMEOUT"}});
  fault(cluster, {{"target", "broker-b"}, {"fault", "code"}, {"code", "FLUSH_SLAVE_TIMEOUT"}});
  auto run = run_mqsend(with_namesrv(cluster, {"-t", "Flush2", "--json", "-m", "x",
                                               "--retry-another-broker-when-not-store-ok"}));
  CHECK(run.exit_code == 0);
  const auto results = json_lines(run.out);
  REQUIRE(results.size() == 1);
  CHECK(results[0].at("status") == "FLUSH_SLAVE_TIMEOUT");
  CHECK(results[0].at("brokersTried").size() == 3);
  CHECK(cluster.messages("Flush2").size() == 3);  // stored every time: the documented cost
}

TEST_CASE("a broker that refuses connections is left for the other one", "[integration][faults]") {
  const std::string mode = GENERATE("sync", "async");
  TestCluster cluster({"--brokers", "2", "--topic", "Down:2"});
  fault(cluster, {{"target", "broker-a"}, {"fault", "down"}});
  auto run = run_mqsend(with_namesrv(cluster, {"-t", "Down", "--json", "--mode", mode}), lines(8));
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  for (const auto& result : json_lines(run.out)) CHECK(result.at("broker") == "broker-b");
  CHECK(cluster.messages("Down").size() == 8);
}

TEST_CASE("malformed and oversized frames from the broker are protocol errors", "[integration][faults]") {
  const std::string corruption = GENERATE("malformed", "oversized");
  TestCluster cluster({"--brokers", "1", "--topic", "Garbage:1"});
  fault(cluster, {{"target", "broker-a"}, {"fault", corruption}});
  auto run = run_mqsend(with_namesrv(cluster, {"-t", "Garbage", "--retries", "0", "-m", "x"}));
  INFO(run.err);
  CHECK(run.exit_code == 4);
  CHECK(run.err.find("PROTOCOL_ERROR") != std::string::npos);
  CHECK(run.elapsed < std::chrono::seconds(3));
}

TEST_CASE("a black-holed broker times out within the budget", "[integration][faults]") {
  TestCluster cluster({"--brokers", "1", "--topic", "Hole:1"});
  fault(cluster, {{"target", "broker-a"}, {"fault", "black_hole"}});
  auto run = run_mqsend(with_namesrv(cluster, {"-t", "Hole", "--timeout", "900", "-m", "x"}));
  INFO(run.err);
  CHECK(run.exit_code == 5);
  CHECK(run.err.find("ACCESS_BROKER_TIMEOUT") != std::string::npos);
  CHECK(run.elapsed < std::chrono::milliseconds(2500) * mqsend::test::kTimeScale);
}

TEST_CASE("a slow first attempt leaves time for a retry on another broker", "[integration][faults]") {
  TestCluster cluster({"--brokers", "2", "--topic", "Slow:1"});
  fault(cluster, {{"target", "broker-a"}, {"fault", "black_hole"}});
  auto run = run_mqsend(with_namesrv(cluster, {"-t", "Slow", "--timeout", "1500", "--json"}), lines(4));
  INFO(run.err);
  CHECK(run.exit_code == 0);
  for (const auto& result : json_lines(run.out)) {
    CHECK(result.at("status") == "SEND_OK");
    CHECK(result.at("broker") == "broker-b");
  }
}

TEST_CASE("a connection closed with a request in flight fails it at once and reconnects", "[integration][faults]") {
  TestCluster cluster({"--brokers", "1", "--topic", "Close:1"});
  // Each connection is closed when the next request arrives after one answer.
  fault(cluster, {{"target", "broker-a"}, {"fault", "close_after"}, {"requests", 1}});
  auto run = run_mqsend(with_namesrv(cluster, {"-t", "Close", "--json", "--timeout", "10000"}), lines(3));
  INFO(run.err);
  CHECK(run.exit_code == 0);
  CHECK(json_lines(run.out).size() == 3);
  CHECK(run.elapsed < std::chrono::seconds(5));  // closed requests fail now, not at 10 s
}

TEST_CASE("the first name server down: the route comes from the second", "[integration][faults]") {
  TestCluster cluster({"--brokers", "1", "--topic", "Ns:1"});
  const std::string namesrvs = "127.0.0.1:1;" + cluster.namesrv();
  auto run = run_mqsend({"-n", namesrvs, "-t", "Ns", "-m", "x"});
  INFO(run.err);
  CHECK(run.exit_code == 0);
}

TEST_CASE("a slow name server is bounded by the timeout", "[integration][faults]") {
  TestCluster cluster({"--brokers", "1", "--topic", "NsSlow:1"});
  fault(cluster, {{"target", "namesrv"}, {"fault", "black_hole"}});
  auto run = run_mqsend(with_namesrv(cluster, {"-t", "NsSlow", "--timeout", "800", "-m", "x"}));
  CHECK(run.exit_code == 3);
  CHECK(run.elapsed < std::chrono::milliseconds(2500) * mqsend::test::kTimeScale);
}

TEST_CASE("oneway with --latency-fault charges the attempt, not the route lookup, to the broker",
          "[integration][faults]") {
  // The first record's route lookup takes 1.5 s; charged to the broker it would isolate it
  // for a minute and send every later record to the other one. --rate lets the strategy see
  // the first outcome before the later records are placed.
  TestCluster cluster({"--brokers", "2", "--topic", "Iso:2", "--fault", "namesrv=delay:1500"});
  auto run = run_mqsend(with_namesrv(cluster, {"-t", "Iso", "--mode", "oneway", "--latency-fault",
                                               "--timeout", "3000", "--rate", "20", "-q"}),
                        lines(10));
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  const auto sends = cluster.sends_per_target();
  CHECK(sends.at("broker-a") >= 3);
  CHECK(sends.at("broker-b") >= 3);
}

TEST_CASE("a name server that never answers costs one timeout for the whole stream, not one per record",
          "[integration][faults]") {
  const std::string mode = GENERATE("sync", "async", "oneway");
  INFO(mode);
  TestCluster cluster({"--brokers", "1", "--topic", "Mute:2", "--fault", "namesrv=black_hole"});
  auto run = run_mqsend(with_namesrv(cluster, {"-t", "Mute", "--mode", mode, "--timeout", "1000", "--json"}),
                        lines(10));
  INFO(run.err);
  CHECK(run.exit_code == 3);
  // One lookup in flight for the topic; the records waiting on it fail together, and the
  // failure is remembered for the retry gap instead of asked again per record.
  CHECK(run.elapsed < std::chrono::milliseconds(2500) * mqsend::test::kTimeScale);
  CHECK(cluster.requests_with_code(105) == 1);
  const auto results = json_lines(run.out);
  REQUIRE(results.size() == 10);
  for (const auto& result : results) {
    CHECK(result.at("status") == "FAILED");
    CHECK(result.at("error").at("code") == 10004);  // NO_NAME_SERVER_EXCEPTION
  }
}

TEST_CASE("responses out of order (fault reorder) are matched by opaque: every message sent once", "[integration][faults]") {
  TestCluster cluster({"--brokers", "1", "--topic", "Order:4"});
  fault(cluster, {{"target", "broker-a"}, {"fault", "reorder"}, {"ms", 100}});
  auto run = run_mqsend(with_namesrv(cluster, {"-t", "Order", "--json", "--mode", "async"}), lines(20));
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  const auto results = json_lines(run.out);
  REQUIRE(results.size() == 20);
  // Each result carries the broker's answer for that very message: its stored offsetMsgId.
  std::map<std::string, std::string> stored;  // UNIQ_KEY -> offsetMsgId
  for (const auto& message : cluster.messages("Order")) {
    stored[message.at("properties").at("UNIQ_KEY").get<std::string>()] = message.at("msg_id").get<std::string>();
  }
  CHECK(stored.size() == 20);
  for (const auto& result : results) {
    CHECK(result.at("status") == "SEND_OK");
    CHECK(stored[result.at("msgId").get<std::string>()] == result.at("offsetMsgId").get<std::string>());
  }
}
