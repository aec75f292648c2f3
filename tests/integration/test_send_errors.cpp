// Bad input and failures: each gives a clear one-line error, its exit code, and nothing hangs.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <set>

#include <catch2/catch.hpp>

#include "harness.hpp"

using mqsend::test::json_lines;
using mqsend::test::run_mqsend;
using mqsend::test::TestCluster;
using mqsend::test::with_namesrv;

namespace {

// Lines of stderr that report a failed message (the summary line aside).
std::size_t failure_lines(const std::string& text) {
  std::size_t lines = 0;
  for (std::size_t at = text.find("mqsend: message "); at != std::string::npos;
       at = text.find("mqsend: message ", at + 1)) {
    ++lines;
  }
  return lines;
}

}  // namespace

TEST_CASE("usage and validation errors exit 2 with one clear line", "[integration]") {
  TestCluster cluster({"--brokers", "1", "--topic", "Valid:1"});
  struct Case {
    std::vector<std::string> args;
    std::string expected;
    bool per_message = false;  // the message failed validation: its failure line is on stdout
  };
  const std::vector<Case> cases = {
      {{"-t", "Valid", "-m", ""}, "body", true},
      {{"-t", "Valid", "--max-size", "4", "-m", "12345"}, "MAX: 4", true},
      {{"-t", "bad topic", "-m", "x"}, "illegal characters"},
      {{"-t", "SCHEDULE_TOPIC_XXXX", "-m", "x"}, "SCHEDULE_TOPIC_XXXX"},
      {{"-t", std::string(128, 'a'), "-m", "x"}, "127"},
      {{"-t", "Valid", "-p", "UNIQ_KEY=x", "-m", "x"}, "reserved"},
      {{"-t", "Valid", "-p", "novalue", "-m", "x"}, "key=value"},
      {{"-t", "Valid", "--mode", "sometimes", "-m", "x"}, "--mode"},
      {{"-t", "Valid", "--group", "DEFAULT_PRODUCER", "-m", "x"}, "DEFAULT_PRODUCER"},
  };
  for (const auto& c : cases) {
    auto run = run_mqsend(with_namesrv(cluster, c.args));
    INFO(c.args[1] << " -> " << run.err);
    CHECK(run.exit_code == 2);
    CHECK(run.err.find(c.expected) != std::string::npos);
    if (c.per_message) {
      CHECK(run.out.rfind("SendFailed [index=0, code=13, name=MESSAGE_ILLEGAL, message=", 0) == 0);
    } else {
      CHECK(run.out.empty());
    }
  }
  CHECK(cluster.messages("Valid").empty());
}

TEST_CASE("no name server given is a usage error", "[integration]") {
  auto run = run_mqsend({"-t", "T", "-m", "x"}, "", {"NAMESRV_ADDR="});
  CHECK(run.exit_code == 2);
  CHECK(run.err.find("NAMESRV_ADDR") != std::string::npos);
}

TEST_CASE("an unreachable name server exits 3 within the timeout", "[integration]") {
  auto run = run_mqsend({"-n", "127.0.0.1:1", "-t", "T", "-m", "x", "--timeout", "1000"});
  CHECK(run.exit_code == 3);
  CHECK(run.err.find("127.0.0.1:1") != std::string::npos);
  CHECK(failure_lines(run.err) == 1);
  CHECK(run.err.find("sent 0, failed 1") != std::string::npos);
  CHECK(run.elapsed < std::chrono::seconds(5));
}

TEST_CASE("an unknown topic without a default route exits 3", "[integration]") {
  TestCluster cluster({"--brokers", "1"});
  auto run = run_mqsend(with_namesrv(cluster, {"-t", "Nowhere", "-m", "x"}));
  CHECK(run.exit_code == 3);
  CHECK(run.err.find("NOT_FOUND_TOPIC_EXCEPTION") != std::string::npos);
  CHECK(run.err.find("Nowhere") != std::string::npos);
}

TEST_CASE("a bad record in a stream fails alone: the others are sent (exit 1)", "[integration]") {
  TestCluster cluster({"--brokers", "1", "--topic", "Mixed:2"});
  auto run = run_mqsend(with_namesrv(cluster, {"-t", "Mixed", "--max-size", "5", "--json"}),
                        "ok1\ntoo long\nok2\n");
  CHECK(run.exit_code == 1);
  const auto lines = json_lines(run.out);
  REQUIRE(lines.size() == 3);
  for (const auto& line : lines) {
    if (line.at("index") == 1) {
      CHECK(line.at("status") == "FAILED");
      CHECK(line.at("error").at("code") == 13);
    } else {
      CHECK(line.at("status") == "SEND_OK");
    }
  }
  CHECK(cluster.messages("Mixed").size() == 2);
}
