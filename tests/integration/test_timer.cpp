// Timer messages (--deliver-at, --delay) against the cluster as RocketMQ 5.3 (kept in the timer
// topic, delivered at their time, answered with a recallHandle) and as 4.9.8 (stored at once:
// mqsend says so).
#include <catch2/catch.hpp>

#include <chrono>
#include <string>

#include "client/common/base64.hpp"
#include "harness.hpp"

using mqsend::test::json_lines;
using mqsend::test::run_mqsend;
using mqsend::test::TestCluster;
using mqsend::test::wait_until;
using mqsend::test::with_namesrv;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

TEST_CASE("timer: a 5.3 broker keeps the message until its time and answers a recallHandle", "[integration][timer]") {
  TestCluster cluster({"--rocketmq-version", "5.3", "--brokers", "1", "--topic", "Timer:1"});
  const std::int64_t sent_at = now_ms();
  auto run = run_mqsend(with_namesrv(cluster, {"-t", "Timer", "--delay", "1500ms", "--json", "-m", "later"}));
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  const json line = json_lines(run.out).at(0);
  CHECK(line.at("status") == "SEND_OK");
  REQUIRE(line.contains("recallHandle"));
  CHECK_FALSE(line.contains("timerIgnored"));
  CHECK(cluster.messages("Timer").empty());  // in the timer topic until it is due
  REQUIRE(wait_until([&] { return cluster.messages("Timer").size() == 1; }, 10000ms));
  // The timer wheel works in whole seconds (timerPrecisionMs 1000): due at the second boundary.
  const std::int64_t due = (sent_at + 1500) / 1000 * 1000;
  CHECK(now_ms() >= due);
  // The text form ends with the handle, as 5.3's SendResult.toString.
  run = run_mqsend(with_namesrv(cluster, {"-t", "Timer", "--deliver-at", std::to_string(now_ms() + 60000), "-m", "x"}));
  REQUIRE(run.exit_code == 0);
  CHECK(run.out.find(", recallHandle=") != std::string::npos);
  CHECK(run.out.find("]\n") != std::string::npos);
}

TEST_CASE("timer: a 4.9.8 broker stores a timer message at once, and mqsend warns", "[integration][timer]") {
  TestCluster cluster({"--rocketmq-version", "4.9", "--brokers", "1", "--topic", "Timer:1"});
  const auto run = run_mqsend(with_namesrv(cluster, {"-t", "Timer", "--delay", "10m", "--json", "-m", "a", "-m", "b"}));
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  for (const json& line : json_lines(run.out)) {
    CHECK(line.at("timerIgnored") == true);
    CHECK_FALSE(line.contains("recallHandle"));
  }
  CHECK(cluster.messages("Timer").size() == 2);  // delivered at once
  CHECK(mqsend::test::count_occurrences(run.err, "which has no timer messages") == 1);  // once a run
  const auto stored = cluster.messages("Timer").at(0);
  CHECK(stored.at("properties").at("TIMER_DELAY_MS") == "600000");
}

TEST_CASE("timer: per-record times in JSON, a past time fails its record alone", "[integration][timer]") {
  TestCluster cluster({"--rocketmq-version", "5.3", "--brokers", "1", "--topic", "Timer:1"});
  const std::string input = json{{"body", "soon"}, {"timerDelay", "1s"}}.dump() + "\n" +
                            json{{"body", "past"}, {"deliverAt", "2020-01-01T00:00:00Z"}}.dump() + "\n" +
                            json{{"body", "now"}}.dump() + "\n";
  const auto run = run_mqsend(with_namesrv(cluster, {"-t", "Timer", "--input", "json", "--json", "--batch", "8"}), input);
  INFO(run.out << run.err);
  CHECK(run.exit_code == 1);
  CHECK(run.err.find("in the past") != std::string::npos);
  REQUIRE(wait_until([&] { return cluster.messages("Timer").size() == 2; }, 10000ms));
}

TEST_CASE("timer: flags that conflict with a timer are usage errors", "[integration][timer]") {
  TestCluster cluster({"--brokers", "1", "--topic", "Timer:1"});
  const std::vector<std::vector<std::string>> refused = {
      {"--delay", "1s", "--deliver-at", "2030-01-01T00:00:00Z"},
      {"--delay", "1s", "--delay-level", "3"},
      {"--delay", "1s", "--batch", "8"},
      {"--deliver-at", "2020-01-01T00:00:00Z"},
      {"--deliver-at", "next tuesday"},
      {"--delay", "0s"},
  };
  for (const auto& extra : refused) {
    std::vector<std::string> args{"-t", "Timer", "-m", "x"};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto run = run_mqsend(with_namesrv(cluster, args));
    INFO(run.err);
    CHECK(run.exit_code == 2);
  }
  CHECK(cluster.messages("Timer").empty());
}

TEST_CASE("timer: mqsend recall cancels a pending timer message by its handle", "[integration][timer]") {
  TestCluster cluster({"--rocketmq-version", "5.3", "--brokers", "2", "--topic", "Timer:1"});
  auto sent = run_mqsend(with_namesrv(cluster, {"-t", "Timer", "--delay", "1h", "--json", "-m", "never"}));
  REQUIRE(sent.exit_code == 0);
  const json line = json_lines(sent.out).at(0);
  const std::string handle = line.at("recallHandle").get<std::string>();
  auto recalled = run_mqsend(with_namesrv(cluster, {"recall", "-t", "Timer", handle}));
  INFO(recalled.out << recalled.err);
  CHECK(recalled.exit_code == 0);
  CHECK(recalled.out == "RecallResult [msgId=" + line.at("msgId").get<std::string>() + ", topic=Timer]\n");
  const json status = cluster.control({{"cmd", "status"}});
  int cancelled = 0;
  for (const json& broker : status.at("brokers")) cancelled += broker.at("scheduled").at("recalled").get<int>();
  CHECK(cancelled == 1);
  // A handle that is not one, and one already recalled (its broker still says SUCCESS, as
  // RecallMessageProcessor writes the marker again): one line each, exit 1 for the mix.
  recalled = run_mqsend(with_namesrv(cluster, {"recall", "-t", "Timer", "--json", "bm90IGEgaGFuZGxl", handle}));
  CHECK(recalled.exit_code == 1);
  const auto lines = json_lines(recalled.out);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].at("status") == "FAILED");
  CHECK(lines[0].at("error").at("message") == "recall handle is invalid");
  CHECK(lines[1].at("status") == "RECALLED");
}

TEST_CASE("timer: a 4.9.8 broker does not know RECALL_MESSAGE", "[integration][timer]") {
  TestCluster cluster({"--rocketmq-version", "4.9", "--brokers", "1", "--topic", "Timer:1"});
  // A handle as a 5.3 broker-a would give: "v1 Timer broker-a <time> <key>", URL-safe base64.
  const std::string raw = "v1 Timer broker-a 4102444800000 C0A8000100002A9F0000000000000000";
  const std::string handle = mqsend::base64_encode(raw);
  const auto run = run_mqsend(with_namesrv(cluster, {"recall", "-t", "Timer", handle}));
  INFO(run.out << run.err);
  CHECK(run.exit_code == 4);
  CHECK(run.out.find("code=3, name=REQUEST_CODE_NOT_SUPPORTED") != std::string::npos);
}
