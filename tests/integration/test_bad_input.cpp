// The bad-input matrix: every way a user or a server can be wrong gives ONE clear error line
// on stderr, the documented exit code, and the records accepted around the bad one are still
// sent and reported.
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include <catch2/catch.hpp>

#include "harness.hpp"

using mqsend::test::json_lines;
using mqsend::test::MqsendProcess;
using mqsend::test::ProcessResult;
using mqsend::test::run_mqsend;
using mqsend::test::temp_path;
using mqsend::test::TestCluster;
using mqsend::test::with_namesrv;
using nlohmann::json;

namespace {

// The documented exit codes (man/mqsend.1 EXIT STATUS, src/cli/exit_codes.hpp).
constexpr int kAllSent = 0;
constexpr int kSomeFailed = 1;
constexpr int kUsage = 2;
constexpr int kNoRoute = 3;
constexpr int kAllFailed = 4;
constexpr int kTimeout = 5;

// A name server address where nothing listens: a usage error must be found before any send.
const std::string kNowhere = "127.0.0.1:1";

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Every stderr line but the run's summary ("mqsend: sent N, failed M, ...").
std::vector<std::string> error_lines(const std::string& err) {
  std::vector<std::string> errors;
  for (const auto& line : lines_of(err)) {
    if (line.rfind("mqsend: sent ", 0) != 0) errors.push_back(line);
  }
  return errors;
}

// The run's one error line: prefixed, with a message, naming the problem (`needle`).
void check_one_error_line(const ProcessResult& run, const std::string& needle) {
  const auto errors = error_lines(run.err);
  REQUIRE(errors.size() == 1);
  const std::string& line = errors.front();
  CHECK(line.rfind("mqsend: ", 0) == 0);
  CHECK(line.size() > std::string("mqsend: ").size() + 10);
  CHECK(line.find(needle) != std::string::npos);
  CHECK(line.find("what()") == std::string::npos);
  CHECK(line.find("terminate called") == std::string::npos);
}

// Checks a stream run whose record `bad` failed with `code` while every other one of `total`
// was sent: the JSON outcomes, the one error line naming that record, the summary counts.
void check_stream_outcomes(const ProcessResult& run, std::size_t total, std::size_t bad, int code,
                           const std::string& needle) {
  INFO(run.err);
  CHECK(run.exit_code == kSomeFailed);
  const auto lines = json_lines(run.out);
  REQUIRE(lines.size() == total);
  std::set<std::size_t> seen;
  for (const auto& line : lines) {
    const auto index = line.at("index").get<std::size_t>();
    seen.insert(index);
    if (index == bad) {
      CHECK(line.at("status") == "FAILED");
      CHECK(line.at("error").at("code") == code);
    } else {
      CHECK(line.at("status") == "SEND_OK");
    }
  }
  CHECK(seen.size() == total);
  check_one_error_line(run, "mqsend: message " + std::to_string(bad) + " failed: [" +
                                std::to_string(code) + " ");
  CHECK(error_lines(run.err).front().find(needle) != std::string::npos);
  CHECK(run.err.find("sent " + std::to_string(total - 1) + ", failed 1,") != std::string::npos);
}

// Waits until mqsend has printed `count` outcome lines.
bool wait_for_outcomes(MqsendProcess& mqsend, std::size_t count) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (json_lines(mqsend.out_so_far()).size() < count) {
    if (std::chrono::steady_clock::now() > give_up) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

json fault(const std::string& target, json spec) {
  spec["cmd"] = "fault";
  spec["target"] = target;
  return spec;
}

struct UsageCase {
  std::string what;
  std::vector<std::string> args;
  std::string needle;  // the error line names the problem with this
};

}  // namespace

TEST_CASE("bad flags and arguments exit 2 with one line, before anything is sent", "[integration][bad-input]") {
  const std::string body_file = temp_path("body");
  std::ofstream(body_file) << "body";
  const std::string long_topic(128, 'a');
  const std::vector<UsageCase> cases = {
      {"unknown flag", {"-t", "T", "-m", "x", "--bogus"}, "The following argument was not expected: --bogus"},
      {"unknown short flag", {"-t", "T", "-m", "x", "-Z"}, "The following argument was not expected: -Z"},
      {"flag without its value", {"-t", "T", "--timeout"}, "--timeout: 1 required"},
      {"missing topic", {"-m", "x"}, "mqsend: --topic is required (-t TOPIC)"},
      {"-m with --file", {"-t", "T", "-m", "x", "--file", body_file}, "--message excludes --file"},
      {"-m with -l", {"-t", "T", "-m", "x", "-l", body_file}, "--message excludes --input-file"},
      {"--broker without --queue-id", {"-t", "T", "-m", "x", "--broker", "broker-a"}, "--broker requires --queue-id"},
      {"--repeat without a body", {"-t", "T", "--repeat"}, "--repeat needs a -m, --file or --size body"},
      {"--count with two bodies", {"-t", "T", "-m", "a", "-m", "b", "--count", "3"}, "exactly one -m"},
      {"--size with -m", {"-t", "T", "-m", "x", "--size", "8"}, "--message excludes --size"},
      {"--size with -l", {"-t", "T", "-l", body_file, "--size", "8"}, "--input-file excludes --size"},
      {"zero size", {"-t", "T", "--size", "0"}, "--size: Value 0 not in range 1 to 16777216"},
      {"--no-template without -m", {"-t", "T", "--no-template"}, "--no-template requires --message"},
      {"-l - twice", {"-t", "T", "-l", "-", "-l", "-"}, "-l - names stdin, which can be read once"},
      {"-l of a missing file", {"-t", "T", "-l", "-", "-l", "/nonexistent/x"}, "/nonexistent/x"},
      {"a malformed {{random}}", {"-t", "T", "-m", "{{random -1}}"}, "body template: '{{random -1}}' is not {{random N}}"},
      {"-K with -m", {"-t", "T", "-m", "x", "-K", ":"}, "-K, --tag-delimiter and --input json apply to stdin or -l records"},
      {"--batch with --delay-level", {"-t", "T", "--batch", "4", "--delay-level", "2"}, "--batch cannot carry a --delay-level"},
      {"latency fault lists of different lengths",
       {"-t", "T", "-m", "x", "--fault-latency-max", "1,2", "--fault-not-available", "1"}, "same number"},
      {"bad delimiter escape", {"-t", "T", "-D", "\\xZZ"}, "-D: bad delimiter '\\xZZ': \\x needs two hex digits"},
      {"unknown mode", {"-t", "T", "-m", "x", "--mode", "sometimes"}, "--mode: sometimes not in {sync,async,oneway}"},
      {"zero timeout", {"-t", "T", "-m", "x", "--timeout", "0"}, "--timeout: Value 0 not in range 1 to 3600000"},
      {"negative timeout", {"-t", "T", "-m", "x", "--timeout", "-5"}, "--timeout: Value -5 not in range 1 to 3600000"},
      {"timeout not a number", {"-t", "T", "-m", "x", "--timeout", "soon"}, "--timeout: Value soon is not a number"},
      {"zero inflight", {"-t", "T", "-m", "x", "--inflight", "0"}, "--inflight: Value 0 not in range 1 to 1048576"},
      {"zero max size", {"-t", "T", "-m", "x", "--max-size", "0"}, "--max-size: Value 0 not in range 1 to 16777216"},
      {"negative max size", {"-t", "T", "-m", "x", "--max-size", "-1"}, "--max-size: Value -1 not in range"},
      {"negative count", {"-t", "T", "-m", "x", "--count", "-1"}, "--count: Value -1 is negative"},
      {"negative rate", {"-t", "T", "-m", "x", "--rate", "-1"}, "--rate: Value -1 is negative"},
      {"negative retries", {"-t", "T", "-m", "x", "--retries", "-1"}, "--retries: Value -1 not in range 0 to 100"},
      {"negative async retries", {"-t", "T", "-m", "x", "--async-retries", "-1"}, "--async-retries: Value -1 not in range 0 to 100"},
      {"negative compress threshold", {"-t", "T", "-m", "x", "--compress-over", "-1"}, "--compress-over: Value -1 is negative"},
      {"zero batch bytes", {"-t", "T", "--batch", "2", "--batch-bytes", "0"}, "--batch-bytes: Value 0 not in range 64 to 16777216"},
      {"negative batch", {"-t", "T", "--batch", "-2"}, "--batch: Value -2 not in range 0 to 100000"},
      {"negative stats interval", {"-t", "T", "-m", "x", "--stats-interval", "-1"}, "--stats-interval: Value -1 is negative"},
      {"zero route refresh", {"-t", "T", "-m", "x", "--route-refresh", "0"}, "--route-refresh: Value 0 not in range 1 to 3600000"},
      {"delay level past 18", {"-t", "T", "-m", "x", "--delay-level", "19"}, "--delay-level: Value 19 not in range 0 to 18"},
      {"negative delay level", {"-t", "T", "-m", "x", "--delay-level", "-1"}, "--delay-level: Value -1 not in range 0 to 18"},
      {"negative queue id", {"-t", "T", "-m", "x", "--broker", "broker-a", "--queue-id", "-1"}, "--queue-id: Value -1 is negative"},
      {"topic with illegal characters", {"-t", "bad topic", "-m", "x"},
       "The specified topic[bad topic] contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$"},
      {"blank topic", {"-t", " ", "-m", "x"}, "The specified topic is blank"},
      {"topic too long", {"-t", long_topic, "-m", "x"}, "The specified topic is longer than topic max length 127."},
      {"reserved topic", {"-t", "SCHEDULE_TOPIC_XXXX", "-m", "x"},
       "Sending message to topic[SCHEDULE_TOPIC_XXXX] is forbidden."},
      {"reserved group", {"-t", "T", "-g", "DEFAULT_PRODUCER", "-m", "x"},
       "producerGroup can not equal DEFAULT_PRODUCER, please specify another one."},
      {"reserved property", {"-t", "T", "-p", "UNIQ_KEY=x", "-m", "x"},
       "property 'UNIQ_KEY' is reserved by RocketMQ and cannot be set"},
      {"reserved property without a flag yet", {"-t", "T", "-p", "__SHARDINGKEY=u1", "-m", "x"},
       "property '__SHARDINGKEY' is reserved by RocketMQ and cannot be set"},
      {"reserved transaction property", {"-t", "T", "-p", "TRAN_MSG=true", "-m", "x"},
       "property 'TRAN_MSG' is reserved by RocketMQ and cannot be set"},
      {"reserved property a flag sets: KEYS", {"-t", "T", "-p", "KEYS=k", "-m", "x"},
       "property 'KEYS' is reserved by RocketMQ; use -k/--keys"},
      {"property with an empty value", {"-t", "T", "-p", "empty=", "-m", "x"},
       "property 'empty' has a blank value: RocketMQ needs a name and a value"},
      {"property with a blank name", {"-t", "T", "-p", " =v", "-m", "x"}, "property ' ' has a blank name"},
      {"--file that does not exist", {"-t", "T", "--file", "/nonexistent/body"}, "--file: File does not exist: /nonexistent/body"},
      {"--file that is a directory", {"-t", "T", "--file", "/tmp"}, "--file: File is actually a directory: /tmp"},
      {"-l that does not exist", {"-t", "T", "-l", "/nonexistent/records"}, "--input-file: File does not exist: /nonexistent/records"},
      {"-l that is a directory", {"-t", "T", "-l", "/tmp"}, "--input-file: File is actually a directory: /tmp"},
      {"--failed-output in a missing directory", {"-t", "T", "--failed-output", "/nonexistent/failed"},
       "cannot write --failed-output /nonexistent/failed: No such file or directory"},
      {"--failed-output that is a directory", {"-t", "T", "--failed-output", "/tmp"},
       "cannot write --failed-output /tmp: Is a directory"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args = {"-n", kNowhere};
    args.insert(args.end(), c.args.begin(), c.args.end());
    // Stdin records, should a case read any: a usage error must come before the first send.
    auto run = run_mqsend(args, "record\n");
    INFO(c.what << ": " << run.err);
    CHECK(run.exit_code == kUsage);
    check_one_error_line(run, c.needle);
    CHECK(run.out.empty());
    CHECK(run.elapsed < std::chrono::seconds(2));  // no connect attempt, no timeout
  }
  std::remove(body_file.c_str());
}

TEST_CASE("no name server at all is a usage error", "[integration][bad-input]") {
  auto run = run_mqsend({"-t", "T", "-m", "x"}, "", {"NAMESRV_ADDR=", "MQSEND_NAMESRV="});
  CHECK(run.exit_code == kUsage);
  check_one_error_line(run, "no name server address: use -n 'host:port;host:port' or NAMESRV_ADDR");
}

TEST_CASE("an unreachable, unresolvable or malformed name server exits 3 with one line", "[integration][bad-input]") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"127.0.0.1:1", "connect to 127.0.0.1:1 failed"},
      {"no-such-host.invalid:9876", "connect to no-such-host.invalid:9876 failed: resolve"},
      {"localhost", "connect to localhost failed: invalid address, expected host:port"},
  };
  for (const auto& [address, needle] : cases) {
    auto run = run_mqsend({"-n", address, "-t", "T", "-m", "x", "--timeout", "1000"});
    INFO(address << ": " << run.err);
    CHECK(run.exit_code == kNoRoute);
    check_one_error_line(run, "[10004 NO_NAME_SERVER_EXCEPTION]");
    CHECK(error_lines(run.err).front().find(needle) != std::string::npos);
    CHECK(run.err.find("sent 0, failed 1,") != std::string::npos);
    CHECK(run.elapsed < std::chrono::seconds(5));
  }
}

TEST_CASE("a name server answering garbage exits 3 with one line", "[integration][bad-input]") {
  TestCluster cluster({"--brokers", "1", "--topic", "T:1", "--fault", "namesrv=garbage"});
  auto run = run_mqsend(with_namesrv(cluster, {"-t", "T", "-m", "x", "--timeout", "1000"}));
  INFO(run.err);
  CHECK(run.exit_code == kNoRoute);
  check_one_error_line(run, "[10004 NO_NAME_SERVER_EXCEPTION]");
  CHECK(error_lines(run.err).front().find("protocol error on " + cluster.namesrv()) != std::string::npos);
  CHECK(run.elapsed < std::chrono::seconds(3));
  CHECK(cluster.messages("T").empty());
}

TEST_CASE("a broker answering wrong: one line, and in a stream only that record fails", "[integration][bad-input]") {
  struct ServerCase {
    std::string what;
    json fault;
    int code;           // the error code of the failed record (one attempt)
    int all_failed_exit;
    std::string needle;
  };
  const std::vector<ServerCase> cases = {
      {"a frame over the limit", {{"fault", "oversized"}}, 10103, kAllFailed,
       "frame length 2147483632 exceeds the maximum of"},
      {"a malformed frame", {{"fault", "malformed"}}, 10103, kAllFailed, "protocol error on"},
      {"another protocol's bytes", {{"fault", "garbage"}}, 10103, kAllFailed, "exceeds the maximum"},
      {"a truncated frame", {{"fault", "truncated"}}, 10102, kAllFailed,
       "closed by peer in the middle of a frame"},
      {"a response with an unknown opaque", {{"fault", "wrong_opaque"}}, 10002, kTimeout,
       "matched no request"},
      {"an unknown response code", {{"fault", "code"}, {"code", 777}}, 777, kAllFailed,
       "CODE: 777  DESC: [fault injection] response code 777 BROKER: 127.0.0.1:"},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.what) {
      TestCluster cluster({"--brokers", "1", "--topic", "Faulty:1"});

      // Every attempt meets the fault: the message fails, with the documented exit code.
      REQUIRE(cluster.control(fault("broker-a", c.fault)).at("ok") == true);
      auto once = run_mqsend(with_namesrv(cluster, {"-t", "Faulty", "-m", "x", "--timeout", "600"}));
      {
        INFO(once.err);
        CHECK(once.exit_code == c.all_failed_exit);
        check_one_error_line(once, c.needle);
        CHECK(once.elapsed < std::chrono::seconds(3));
      }

      // Mid-stream the fault hits one record: the ones before and after are sent.
      REQUIRE(cluster.control(fault("broker-a", {{"fault", "clear"}})).at("ok") == true);
      MqsendProcess mqsend(with_namesrv(
          cluster, {"-t", "Faulty", "--json", "--retries", "0", "--timeout", "600"}));
      mqsend.write("good-0\n");
      REQUIRE(wait_for_outcomes(mqsend, 1));
      // The stream's heartbeat went first on the same connection: the counted fault is the send's.
      REQUIRE(cluster.requests_with_code(34) == 1);
      json counted = c.fault;
      counted["count"] = 1;
      REQUIRE(cluster.control(fault("broker-a", counted)).at("ok") == true);
      mqsend.write("bad-1\n");
      REQUIRE(wait_for_outcomes(mqsend, 2));
      mqsend.write("good-2\n");
      const auto run = mqsend.wait(std::chrono::seconds(10));
      check_stream_outcomes(run, 3, 1, c.code, c.needle);
      const auto stored = cluster.stored_bodies("Faulty");
      CHECK(stored.count("good-0") == 1);
      CHECK(stored.count("good-2") == 1);
    }
  }
}

TEST_CASE("a body over the max size or an empty body: exit 2 alone, the only failure in a stream", "[integration][bad-input]") {
  TestCluster cluster({"--brokers", "1", "--topic", "Sized:1"});
  const std::string empty_file = temp_path("empty");
  std::ofstream(empty_file).close();
  const std::vector<UsageCase> alone = {
      {"body over --max-size", {"--max-size", "4", "-m", "12345"},
       "[13 MESSAGE_ILLEGAL] the message body size over max value, MAX: 4"},
      {"empty -m body", {"-m", ""}, "[13 MESSAGE_ILLEGAL] the message body length is zero"},
      {"empty --file", {"--file", empty_file}, "[13 MESSAGE_ILLEGAL] the message body length is zero"},
  };
  for (const auto& c : alone) {
    std::vector<std::string> args = {"-t", "Sized"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    auto run = run_mqsend(with_namesrv(cluster, args));
    INFO(c.what << ": " << run.err);
    CHECK(run.exit_code == kUsage);
    check_one_error_line(run, "mqsend: message 0 failed: " + c.needle);
    CHECK(run.err.find("sent 0, failed 1,") != std::string::npos);
  }
  std::remove(empty_file.c_str());

  check_stream_outcomes(run_mqsend(with_namesrv(cluster, {"-t", "Sized", "--json", "--max-size", "50"}),
                                   "ok-0\n" + std::string(51, 'x') + "\nok-2\n"),
                        3, 1, 13, "the message body size over max value, MAX: 50");
  check_stream_outcomes(run_mqsend(with_namesrv(cluster, {"-t", "Sized", "--json", "-m", "ok-0", "-m", "",
                                                          "-m", "ok-2"})),
                        3, 1, 13, "the message body length is zero");
  check_stream_outcomes(
      run_mqsend(with_namesrv(cluster, {"-t", "Sized", "--json", "--input", "json"}),
                 "{\"body\":\"ok-0\"}\n{\"body\":\"\"}\n{\"body\":\"ok-2\"}\n"),
      3, 1, 13, "the message body length is zero");
  CHECK(cluster.stored_bodies("Sized") ==
        std::multiset<std::string>{"ok-0", "ok-2", "ok-0", "ok-2", "ok-0", "ok-2"});
}

TEST_CASE("a JSON record with a blank or reserved property fails alone and the stream goes on", "[integration][bad-input]") {
  TestCluster cluster({"--brokers", "1", "--topic", "Props:1"});
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"body":"bad-1","properties":{"empty":""}})", "property \"empty\" has a blank value"},
      {R"({"body":"bad-1","properties":{"KEYS":"k"}})", "property \"KEYS\" is reserved by RocketMQ; use the \"keys\" field"},
      {R"({"body":"bad-1","properties":{"TRAN_MSG":"true"}})", "property \"TRAN_MSG\" is reserved by RocketMQ and cannot be set"},
  };
  for (const auto& [record, needle] : cases) {
    INFO(record);
    check_stream_outcomes(
        run_mqsend(with_namesrv(cluster, {"-t", "Props", "--json", "--input", "json"}),
                   "{\"body\":\"ok-0\"}\n" + record + "\n{\"body\":\"ok-2\"}\n"),
        3, 1, 10104, needle);
  }
  CHECK(cluster.stored_bodies("Props") ==
        std::multiset<std::string>{"ok-0", "ok-2", "ok-0", "ok-2", "ok-0", "ok-2"});
}

TEST_CASE("JSON records with null tags, keys, properties or delay are sent as if those were absent", "[integration][bad-input]") {
  TestCluster cluster({"--brokers", "1", "--topic", "Nulls:1"});
  auto run = run_mqsend(with_namesrv(cluster, {"-t", "Nulls", "--input", "json", "--tags", "Kept"}),
                        R"({"body":"n","tags":null,"keys":null,"properties":null,"delay":null})"
                        "\n");
  INFO(run.err);
  CHECK(run.exit_code == kAllSent);
  const auto stored = cluster.messages("Nulls");
  REQUIRE(stored.size() == 1);
  CHECK(stored.front().at("properties").at("TAGS") == "Kept");
  // A null body is no body: still the record's error.
  auto null_body = run_mqsend(with_namesrv(cluster, {"-t", "Nulls", "--input", "json"}), "{\"body\":null}\n");
  CHECK(null_body.exit_code == kUsage);
  check_one_error_line(null_body, "\"body\" must be a string");
}

TEST_CASE("a line far longer than the max size fails alone and the stream goes on", "[integration][bad-input]") {
  TestCluster cluster({"--brokers", "1", "--topic", "Long:1"});
  // Past the reader's record limit (max size + 64 KiB): it skips to the next newline.
  const std::string input = "ok-0\n" + std::string(300000, 'y') + "\nok-2\n";
  auto run = run_mqsend(with_namesrv(cluster, {"-t", "Long", "--json", "--max-size", "1000"}), input);
  check_stream_outcomes(run, 3, 1, 13, "input record of 300000 bytes exceeds the 1000 byte limit; skipped");
  CHECK(cluster.stored_bodies("Long") == std::multiset<std::string>{"ok-0", "ok-2"});
}

TEST_CASE("stdin closed at once: nothing to send is success, only the summary", "[integration][bad-input]") {
  TestCluster cluster({"--brokers", "1", "--topic", "Quiet:1"});
  auto run = run_mqsend(with_namesrv(cluster, {"-t", "Quiet"}), "");
  INFO(run.err);
  CHECK(run.exit_code == kAllSent);
  CHECK(run.out.empty());
  CHECK(error_lines(run.err).empty());
  CHECK(run.err.find("mqsend: sent 0, failed 0,") != std::string::npos);
  CHECK(cluster.sends_per_target().empty());
}

TEST_CASE("NUL bytes inside newline-delimited lines are body bytes, sent intact", "[integration][bad-input]") {
  TestCluster cluster({"--brokers", "1", "--topic", "Nul:1"});
  const std::string first("a\0b", 3);
  const std::string second("\0\0tail", 6);
  const std::string only_nul(1, '\0');
  auto run = run_mqsend(with_namesrv(cluster, {"-t", "Nul", "--json"}),
                        first + "\n" + second + "\n" + only_nul + "\n");
  INFO(run.err);
  CHECK(run.exit_code == kAllSent);
  CHECK(json_lines(run.out).size() == 3);
  CHECK(error_lines(run.err).empty());
  CHECK(cluster.stored_bodies("Nul") == std::multiset<std::string>{first, second, only_nul});
}

TEST_CASE("a --failed-output that fails late: every outcome still reported, one line says so", "[integration][bad-input]") {
  TestCluster cluster({"--brokers", "1", "--topic", "Full:1"});
  // /dev/full opens fine and fails the first write that reaches it.
  auto run = run_mqsend(with_namesrv(cluster, {"-t", "Full", "--json", "--max-size", "10",
                                               "--failed-output", "/dev/full"}),
                        "ok-0\n" + std::string(20, 'z') + "\nok-2\n");
  INFO(run.err);
  CHECK(run.exit_code == kSomeFailed);
  CHECK(json_lines(run.out).size() == 3);
  const auto errors = error_lines(run.err);
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].find("mqsend: message 1 failed: [13 MESSAGE_ILLEGAL]") == 0);
  CHECK(errors[1] ==
        "mqsend: writing --failed-output /dev/full failed: No space left on device; it lacks "
        "failed records (each failure is still reported above)");
  CHECK(run.err.find("sent 2, failed 1,") != std::string::npos);
  CHECK(cluster.stored_bodies("Full") == std::multiset<std::string>{"ok-0", "ok-2"});
}
