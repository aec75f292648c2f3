// Sends still in flight when the run ends (input over, or SIGINT): mqsend waits for them within
// --timeout, and every record gets exactly one outcome line, whatever ended the run.
#include <signal.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "harness.hpp"

using mqsend::test::first_lines_and_last;
using mqsend::test::json_lines;
using mqsend::test::MqsendProcess;
using mqsend::test::ProcessResult;
using mqsend::test::run_mqsend;
using mqsend::test::TestCluster;
using mqsend::test::with_namesrv;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

constexpr int kRecords = 50;
constexpr long kTimeoutMs = 1000;
// Room for start-up (route lookup, connect), the last outcome lines and the UNREGISTER_CLIENT
// at exit (at most 200 ms to a broker that does not answer), not for another timeout; scaled
// for slow (sanitized) builds.
constexpr long kExitMarginMs = 700;
constexpr int kSendMessageV2 = 310;  // the request code of mqsend's sends
constexpr int kAccessBrokerTimeout = 10002;
constexpr int kCallTimeout = 10105;

std::string records() {
  std::string input;
  for (int i = 0; i < kRecords; ++i) input += "drain-" + std::to_string(i) + "\n";
  return input;
}

// A single broker that reads and logs every request and never answers.
void black_hole_the_broker(const TestCluster& cluster) {
  const json reply = cluster.control({{"cmd", "fault"}, {"target", "broker-a"}, {"fault", "black_hole"}});
  INFO(reply.dump());
  REQUIRE(reply.at("ok") == true);
}

// Every record 0..kRecords-1 has exactly one outcome line, and it is FAILED; returns the lines
// by index.
std::map<int, json> one_failure_per_record(const ProcessResult& run) {
  std::map<int, int> lines_per_index;
  std::map<int, json> by_index;
  for (const auto& line : json_lines(run.out)) {
    const int index = line.at("index");
    ++lines_per_index[index];
    by_index[index] = line;
  }
  for (int i = 0; i < kRecords; ++i) {
    INFO("record " << i);
    CHECK(lines_per_index[i] == 1);
    if (by_index.count(i) != 0) CHECK(by_index.at(i).at("status") == "FAILED");
  }
  CHECK(lines_per_index.size() == static_cast<std::size_t>(kRecords));
  return by_index;
}

}  // namespace

TEST_CASE("input ends with sends in flight to a black hole: each fails once by timeout, within --timeout",
          "[integration][drain]") {
  TestCluster cluster({"--brokers", "1", "--topic", "Drain:2"});
  black_hole_the_broker(cluster);
  const auto run = run_mqsend(with_namesrv(cluster, {"-t", "Drain", "--mode", "async", "--json",
                                                     "--timeout", std::to_string(kTimeoutMs)}),
                              records());
  INFO("stderr: " << first_lines_and_last(run.err, 3));
  CHECK(run.exit_code == 5);  // every message failed by timeout
  for (const auto& [index, line] : one_failure_per_record(run)) {
    INFO("record " << index << ": " << line.dump());
    const int code = line.at("error").at("code");
    CHECK((code == kAccessBrokerTimeout || code == kCallTimeout));
  }
  CHECK(run.err.find("sent 0, failed 50") != std::string::npos);
  // The sends reached the broker (it swallowed them), and mqsend waited for their budget...
  CHECK(cluster.requests_with_code(kSendMessageV2) >= kRecords);
  const long elapsed_ms = run.elapsed.count();
  CHECK(elapsed_ms >= kTimeoutMs);
  // ...but no longer than that.
  CHECK(elapsed_ms < kTimeoutMs + kExitMarginMs * mqsend::test::kTimeScale);
}

TEST_CASE("SIGINT with sends in flight to a black hole: each record one outcome, exit 1",
          "[integration][drain]") {
  TestCluster cluster({"--brokers", "1", "--topic", "Drain:2"});
  black_hole_the_broker(cluster);
  MqsendProcess mqsend(with_namesrv(cluster, {"-t", "Drain", "--mode", "async", "--json",
                                              "--timeout", std::to_string(kTimeoutMs)}));
  mqsend.write(records());  // stdin stays open: only the signal ends the run
  // Every record's first attempt has arrived at the black hole: all 50 are in flight.
  REQUIRE(cluster.wait_for_requests(kSendMessageV2, kRecords, 5s));
  const auto signalled = std::chrono::steady_clock::now();
  mqsend.signal(SIGINT);
  const auto run = mqsend.wait(10s);
  const long exit_after_signal_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                       std::chrono::steady_clock::now() - signalled)
                                       .count();
  INFO("stderr: " << first_lines_and_last(run.err, 3));
  CHECK(run.exit_code == 1);
  CHECK(run.err.find("(interrupted)") != std::string::npos);
  one_failure_per_record(run);
  CHECK(run.err.find("failed 50") != std::string::npos);
  // The sends in flight keep what is left of their --timeout, no more.
  CHECK(exit_after_signal_ms < kTimeoutMs + kExitMarginMs * mqsend::test::kTimeScale);
}
