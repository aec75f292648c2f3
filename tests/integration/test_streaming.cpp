// Streaming: long stdin streams through the async window, delimiters, binary bodies, JSON
// input, batches, per-record accounting, --failed-output and SIGINT.
#include <signal.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <catch2/catch.hpp>

#include "harness.hpp"

using mqsend::test::base64_decode;
using mqsend::test::count_occurrences;
using mqsend::test::json_lines;
using mqsend::test::kTimeScale;
using mqsend::test::MqsendProcess;
using mqsend::test::read_file;
using mqsend::test::run_mqsend;
using mqsend::test::temp_path;
using mqsend::test::TestCluster;
using mqsend::test::with_namesrv;
using nlohmann::json;

namespace {

// Every index 0..n-1 exactly once; returns the lines by index.
std::map<std::size_t, json> by_index(const std::vector<json>& lines, std::size_t n) {
  std::map<std::size_t, json> indexed;
  for (const auto& line : lines) {
    const auto index = line.at("index").get<std::size_t>();
    CHECK(indexed.count(index) == 0);
    indexed[index] = line;
  }
  CHECK(indexed.size() == n);
  if (!indexed.empty()) CHECK(indexed.rbegin()->first == n - 1);
  return indexed;
}

}  // namespace

TEST_CASE("100k records through the async window: every record one outcome", "[integration][streaming]") {
  TestCluster cluster({"--brokers", "2", "--topic", "Stream:4"});
  // Under the sanitizers (kTimeScale > 1) mqsend needs ~45 s of CPU for 100k records, and the
  // test as long again to check them; 20k still keep the 256-send window full for thousands of
  // round trips, which is what a race or a leak needs.
  const std::size_t n = kTimeScale > 1 ? 20000 : 100000;
  std::string input;
  for (std::size_t i = 0; i < n; ++i) input += "record-" + std::to_string(i) + "\n";
  auto run = run_mqsend(with_namesrv(cluster, {"-t", "Stream", "--mode", "async", "--inflight",
                                               "256", "--json"}),
                        input);
  INFO(run.err.substr(0, 2000));
  REQUIRE(run.exit_code == 0);
  const auto lines = by_index(json_lines(run.out), n);
  std::size_t ok = 0;
  for (const auto& [index, line] : lines) ok += line.at("status") == "SEND_OK";
  CHECK(ok == n);
  CHECK(run.err.find("sent " + std::to_string(n) + ", failed 0") != std::string::npos);
  const auto status = cluster.control({{"cmd", "status"}});
  INFO(status.dump());
  CHECK(cluster.messages("Stream").size() == n);
}

TEST_CASE("custom delimiters keep embedded newlines and binary bytes", "[integration][streaming]") {
  TestCluster cluster({"--brokers", "1", "--topic", "Delim:2"});
  const std::string first("line one\nline two", 17);
  const std::string second("bin\x01\x02\xff\n", 7);
  const std::string input = first + std::string(1, '\0') + second + std::string(1, '\0');
  auto run = run_mqsend(with_namesrv(cluster, {"-t", "Delim", "-D", "\\0", "--json"}), input);
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  CHECK(json_lines(run.out).size() == 2);
  CHECK(cluster.stored_bodies("Delim") == std::multiset<std::string>{first, second});

  auto multi = run_mqsend(with_namesrv(cluster, {"-t", "Delim", "-D", "<=>"}), "a\nb<=>c<=>");
  REQUIRE(multi.exit_code == 0);
  CHECK(cluster.stored_bodies("Delim").count("a\nb") == 1);
}

TEST_CASE("keys and tags taken from each record", "[integration][streaming]") {
  TestCluster cluster({"--brokers", "1", "--topic", "Keyed:1"});
  auto run = run_mqsend(with_namesrv(cluster, {"-t", "Keyed", "-K", ":", "--tag-delimiter", "|",
                                               "--tags", "default", "-k", "fixed"}),
                        "id-1,id-2:TagX|body one\nno key here\n");
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  std::map<std::string, json> by_body;
  for (const auto& message : cluster.messages("Keyed")) {
    by_body[base64_decode(message.at("body").get<std::string>())] = message.at("properties");
  }
  REQUIRE(by_body.size() == 2);
  CHECK(by_body.at("body one").at("KEYS") == "id-1 id-2");
  CHECK(by_body.at("body one").at("TAGS") == "TagX");
  CHECK(by_body.at("no key here").at("KEYS") == "fixed");
  CHECK(by_body.at("no key here").at("TAGS") == "default");
}

TEST_CASE("JSON-lines input: body, base64 body, tags, keys, properties, delay", "[integration][streaming]") {
  TestCluster cluster({"--brokers", "1", "--topic", "Json:1", "--delay-levels", "10ms 20ms"});
  const std::string input =
      R"({"body":"plain","tags":"T1","keys":["a","b"],"properties":{"p":"v"},"delay":2})" "\n"
      R"({"body_base64":"AAH/","keys":"c,d"})" "\n"
      R"({"body":"typo","tagz":"x"})" "\n";
  auto run = run_mqsend(with_namesrv(cluster, {"-t", "Json", "--input", "json", "--json"}), input);
  INFO(run.err);
  CHECK(run.exit_code == 1);
  const auto lines = by_index(json_lines(run.out), 3);
  CHECK(lines.at(0).at("status") == "SEND_OK");
  CHECK(lines.at(1).at("status") == "SEND_OK");
  CHECK(lines.at(2).at("status") == "FAILED");
  // The delayed one arrives once its level's time has passed.
  CHECK(mqsend::test::wait_until([&] { return cluster.messages("Json").size() == 2; },
                                 std::chrono::seconds(10)));
  std::map<std::string, json> by_body;
  for (const auto& message : cluster.messages("Json")) {
    by_body[base64_decode(message.at("body").get<std::string>())] = message.at("properties");
  }
  REQUIRE(by_body.size() == 2);
  const auto& plain = by_body.at("plain");
  CHECK(plain.at("TAGS") == "T1");
  CHECK(plain.at("KEYS") == "a b");
  CHECK(plain.at("p") == "v");
  CHECK(plain.at("DELAY") == "2");
  CHECK(by_body.at(std::string("\x00\x01\xff", 3)).at("KEYS") == "c d");
}

TEST_CASE("a record over the max size fails alone and lands in --failed-output", "[integration][streaming]") {
  TestCluster cluster({"--brokers", "1", "--topic", "Over:1"});
  const std::string failed = temp_path("failed-over");
  const std::string input = "small-1\n" + std::string(100, 'x') + "\nsmall-2\n{bad}\n";
  auto run = run_mqsend(with_namesrv(cluster, {"-t", "Over", "--max-size", "50", "--json",
                                               "--failed-output", failed}),
                        input);
  INFO(run.err);
  CHECK(run.exit_code == 1);
  const auto lines = by_index(json_lines(run.out), 4);
  CHECK(lines.at(1).at("status") == "FAILED");
  CHECK(lines.at(1).at("error").at("code") == 13);
  CHECK(lines.at(3).at("status") == "SEND_OK");
  CHECK(run.err.find("message 1 failed") != std::string::npos);
  CHECK(cluster.stored_bodies("Over") == std::multiset<std::string>{"small-1", "small-2", "{bad}"});
  std::remove(failed.c_str());
}

TEST_CASE("records that finally failed are written back byte for byte and can be replayed", "[integration][streaming]") {
  TestCluster cluster({"--brokers", "1", "--topic", "Replay:1"});
  const std::string failed = temp_path("failed-replay");
  // Every send fails: the broker answers a non-retryable code.
  REQUIRE(cluster.control({{"cmd", "fault"}, {"target", "broker-a"}, {"fault", "code"},
                           {"code", "MESSAGE_ILLEGAL"}, {"count", 2}})
              .at("ok") == true);
  const std::string input = "r0|x\nr1|y\n";
  auto first = run_mqsend(with_namesrv(cluster, {"-t", "Replay", "-D", "\\n", "--failed-output", failed}), input);
  CHECK(first.exit_code == 4);
  CHECK(read_file(failed) == input);
  auto replay = run_mqsend(with_namesrv(cluster, {"-t", "Replay", "-l", failed}));
  CHECK(replay.exit_code == 0);
  CHECK(cluster.stored_bodies("Replay") == std::multiset<std::string>{"r0|x", "r1|y"});
  std::remove(failed.c_str());
}

TEST_CASE("batches: one SEND_BATCH_MESSAGE per N records, outcomes per record", "[integration][streaming]") {
  const std::string mode = GENERATE("sync", "async");
  TestCluster cluster({"--brokers", "1", "--topic", "Batch:1"});
  std::string input;
  for (int i = 0; i < 10; ++i) input += "b" + std::to_string(i) + "\n";
  auto run = run_mqsend(with_namesrv(cluster, {"-t", "Batch", "--batch", "4", "--mode", mode, "--json"}), input);
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  const auto lines = by_index(json_lines(run.out), 10);
  std::set<std::string> msg_ids;
  std::set<std::int64_t> offsets;
  for (const auto& [index, line] : lines) {
    CHECK(line.at("status") == "SEND_OK");
    msg_ids.insert(line.at("msgId").get<std::string>());
    offsets.insert(line.at("queueOffset").get<std::int64_t>());
    CHECK(line.at("offsetMsgId").get<std::string>().size() == 32);
  }
  CHECK(msg_ids.size() == 10);
  CHECK(offsets.size() == 10);
  int batches = 0;
  for (const auto& entry : cluster.log()) batches += entry.at("code") == 320;
  CHECK(batches == 3);  // 4 + 4 + 2
  const auto stored = cluster.messages("Batch");
  REQUIRE(stored.size() == 10);
  std::set<std::string> stored_ids;
  for (const auto& message : stored) stored_ids.insert(message.at("properties").at("UNIQ_KEY").get<std::string>());
  CHECK(stored_ids == msg_ids);
}

TEST_CASE("option --count and --repeat send copies of one body: --rate limits", "[integration][streaming]") {
  TestCluster cluster({"--brokers", "1", "--topic", "Repeat:1"});
  auto run = run_mqsend(with_namesrv(cluster, {"-t", "Repeat", "-m", "copy", "--count", "25",
                                               "--mode", "async", "--rate", "100", "-q"}));
  INFO(run.err);
  CHECK(run.exit_code == 0);
  CHECK(run.out.empty());
  CHECK(cluster.messages("Repeat").size() == 25);
  // 25 messages at 100/s with a 10-message burst take at least ~0.15 s.
  CHECK(run.elapsed >= std::chrono::milliseconds(140));
}

TEST_CASE("SIGINT mid-stream: reading stops, every record read is accounted for", "[integration][streaming]") {
  TestCluster cluster({"--brokers", "1", "--topic", "Sigint:1"});
  // A black-holed broker keeps sends in flight, and the full window keeps a record waiting.
  REQUIRE(cluster.control({{"cmd", "fault"}, {"target", "broker-a"}, {"fault", "black_hole"}})
              .at("ok") == true);
  const std::string failed = temp_path("failed-sigint");
  MqsendProcess mqsend(with_namesrv(cluster, {"-t", "Sigint", "--mode", "async", "--inflight", "5",
                                              "--json", "--timeout", "1500", "--failed-output", failed}));
  std::string written;
  for (int i = 0; i < 20; ++i) written += "s" + std::to_string(i) + "\n";
  mqsend.write(written);
  // The window is full once 5 sends (SEND_MESSAGE_V2) have reached the black hole.
  REQUIRE(cluster.wait_for_requests(310, 5, std::chrono::seconds(5)));
  const auto signalled = std::chrono::steady_clock::now();
  mqsend.signal(SIGINT);
  auto run = mqsend.wait(std::chrono::seconds(10));  // stdin still open: only the signal ends it
  const auto after_signal = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - signalled);
  INFO(run.err);
  INFO("exit " << after_signal.count() << " ms after SIGINT");
  CHECK(run.exit_code == 1);
  // Bounded by --timeout and the unregister at exit (at most 200 ms); a slower build
  // (kTimeScale) gets another second of slack per step.
  CHECK(after_signal < std::chrono::milliseconds(2500) + std::chrono::seconds(1) * (kTimeScale - 1));
  CHECK(run.err.find("(interrupted)") != std::string::npos);
  const auto lines = json_lines(run.out);
  REQUIRE(lines.size() >= 6);  // 5 in flight + 1 waiting for the window
  const auto indexed = by_index(lines, lines.size());
  std::multiset<std::string> failed_expected;
  for (const auto& [index, line] : indexed) {
    CHECK(line.at("status") == "FAILED");
    failed_expected.insert("s" + std::to_string(index));
  }
  std::multiset<std::string> failed_written;
  std::istringstream in(read_file(failed));
  for (std::string line; std::getline(in, line);) failed_written.insert(line);
  CHECK(failed_written == failed_expected);
  std::remove(failed.c_str());
}

TEST_CASE("option --stats-interval prints progress lines", "[integration][streaming]") {
  TestCluster cluster({"--brokers", "1", "--topic", "Stats:1"});
  auto run = run_mqsend(with_namesrv(cluster, {"-t", "Stats", "-m", "x", "--repeat", "--count",
                                               "300", "--rate", "500", "--stats-interval", "0.2",
                                               "-q"}));
  CHECK(run.exit_code == 0);
  CHECK(run.err.find("msgs/s, failed 0, RT p50") != std::string::npos);
}

TEST_CASE("a closed stdout does not lose the accounting", "[integration][streaming]") {
  TestCluster cluster({"--brokers", "1", "--topic", "Pipe:1"});
  // `head -c1` closes the pipe early; mqsend must still send everything, say once that result
  // lines were lost, and exit 7 (every message sent, results lost).
  const std::string cmd = std::string(MQSEND_BIN) + " -n " + cluster.namesrv() +
                          " -t Pipe -m x --count 2000 --mode async | head -c1 >/dev/null; "
                          "echo \"exit=${PIPESTATUS[0]}\"";
  auto run = mqsend::test::run_process({"/bin/bash", "-c", cmd});
  INFO(run.err);
  CHECK(run.out.find("exit=7") != std::string::npos);
  CHECK(cluster.messages("Pipe").size() == 2000);
  CHECK(count_occurrences(run.err, "writing results to stdout failed: Broken pipe") == 1);
  CHECK(run.err.find("sent 2000, failed 0") != std::string::npos);
}

TEST_CASE("a SIGINT ignored by the parent stays ignored (background job of a script)", "[integration][streaming]") {
  TestCluster cluster({"--brokers", "1", "--topic", "Bg:2"});
  // A non-interactive shell starts `cmd &` with SIGINT ignored; a ^C for the script's process
  // group must not stop the job.
  const std::string script =
      "trap '' INT; seq 1 10 | '" MQSEND_BIN "' -n " + cluster.namesrv() +
      " -t Bg --rate 10 -q --summary & pid=$!; sleep 0.3; kill -INT $pid; wait $pid; echo rc=$?";
  auto run = mqsend::test::run_process({"/bin/sh", "-c", script});
  INFO(run.err);
  CHECK(run.out.find("rc=0") != std::string::npos);
  CHECK(run.err.find("sent 10, failed 0") != std::string::npos);
  CHECK(run.err.find("(interrupted)") == std::string::npos);
  CHECK(cluster.messages("Bg").size() == 10);
}
