// The CLI's accounting promise, however a shell treats mqsend: every record read gets exactly
// one outcome, and --failed-output can be fed back in. Signals (buffered records, the final
// wait, SIGHUP), --failed-output on the input itself, closed or full stdout and stderr,
// partial batches (--batch-linger), delayed records in batches, faithful replay files.
#include <signal.h>
#include <sys/stat.h>

#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "harness.hpp"

using mqsend::test::count_occurrences;
using mqsend::test::first_lines_and_last;
using mqsend::test::json_lines;
using mqsend::test::kTimeScale;
using mqsend::test::MqsendProcess;
using mqsend::test::ProcessResult;
using mqsend::test::read_file;
using mqsend::test::run_mqsend;
using mqsend::test::run_process;
using mqsend::test::temp_path;
using mqsend::test::TestCluster;
using mqsend::test::with_namesrv;
using mqsend::test::write_file;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

constexpr int kSendMessageV2 = 310;
constexpr int kSendBatch = 320;

std::string numbered_lines(const std::string& prefix, int count) {
  std::string lines;
  for (int i = 0; i < count; ++i) lines += prefix + std::to_string(i) + "\n";
  return lines;
}

std::multiset<std::string> lines_of(const std::string& text) {
  std::multiset<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.insert(line);
  return lines;
}

// "sent N, failed M" from the summary line.
std::pair<long, long> summary_counts(const std::string& err) {
  const auto at = err.rfind("mqsend: sent ");
  if (at == std::string::npos) return {-1, -1};
  long sent = -1;
  long failed = -1;
  std::sscanf(err.c_str() + at, "mqsend: sent %ld, failed %ld", &sent, &failed);
  return {sent, failed};
}

// Runs `script` with sh; MQSEND stands for the mqsend binary with -n set.
ProcessResult run_shell(const TestCluster& cluster, const std::string& script, const std::string& input = "") {
  const std::string mqsend = "'" + mqsend::test::mqsend_bin() + "' -n " + cluster.namesrv();
  std::string command = script;
  for (auto at = command.find("MQSEND"); at != std::string::npos; at = command.find("MQSEND", at + mqsend.size())) {
    command.replace(at, 6, mqsend);
  }
  return run_process({"/bin/sh", "-c", command}, input);
}

void fault(const TestCluster& cluster, const json& command) {
  json full = command;
  full["cmd"] = "fault";
  const json reply = cluster.control(full);
  INFO(reply.dump());
  REQUIRE(reply.at("ok") == true);
}

// mqsend with one record sent to a black-holed broker (--timeout 20 s), its input closed: in
// the final wait.
std::unique_ptr<MqsendProcess> one_send_in_flight(const TestCluster& cluster) {
  auto mqsend = std::make_unique<MqsendProcess>(
      with_namesrv(cluster, {"-t", "FinalWait", "--timeout", "20000", "--json"}));
  mqsend->write("x\n");
  mqsend->close_stdin();
  REQUIRE(cluster.wait_for_requests(kSendMessageV2, 1, 5s));
  return mqsend;
}

long ms_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

TEST_CASE("SIGINT: records already read but not sent fail and go to --failed-output", "[integration][contract]") {
  TestCluster cluster({"--brokers", "1", "--topic", "Buffered:2"});
  const std::string failed = temp_path("buffered-failed");
  MqsendProcess mqsend(with_namesrv(cluster, {"-t", "Buffered", "--rate", "20", "-q", "--failed-output", failed}));
  const std::string input = numbered_lines("b", 1000);
  mqsend.write(input);  // one write: mqsend reads it all into its buffer; stdin stays open
  REQUIRE(cluster.wait_for_requests(kSendMessageV2, 3, 5s));
  mqsend.signal(SIGINT);
  const auto run = mqsend.wait(10s);
  INFO(first_lines_and_last(run.err, 3));
  CHECK(run.exit_code == 1);
  CHECK(run.err.find("(interrupted)") != std::string::npos);
  const auto [sent, failed_count] = summary_counts(run.err);
  CHECK(sent >= 3);
  CHECK(sent + failed_count == 1000);
  // Stored and failed together are the input, each record once.
  std::multiset<std::string> accounted = lines_of(read_file(failed));
  CHECK(accounted.size() == static_cast<std::size_t>(failed_count));
  for (const std::string& body : cluster.stored_bodies("Buffered")) accounted.insert(body);
  CHECK(accounted == lines_of(input));
  std::remove(failed.c_str());
}

TEST_CASE("option --failed-output may be the input file: the retry loop keeps exactly the failures", "[integration][contract]") {
  TestCluster cluster({"--brokers", "1", "--topic", "Loop:2"});
  const std::string pending = temp_path("pending");
  const std::string too_long(80, 'L');
  const std::string input = "ok-0\n" + too_long + "-1\nok-2\n" + too_long + "-3\nok-4\n";
  write_file(pending, input);
  chmod(pending.c_str(), 0640);
  SECTION("-l FILE --failed-output FILE") {
    const auto run = run_mqsend(with_namesrv(cluster, {"-t", "Loop", "--max-size", "50", "-l", pending,
                                                       "--failed-output", pending}));
    INFO(run.err);
    CHECK(run.exit_code == 1);
  }
  SECTION("< FILE --failed-output FILE") {
    const auto run = run_shell(cluster, "MQSEND -t Loop --max-size 50 --failed-output '" + pending + "' < '" + pending + "'");
    INFO(run.err);
    CHECK(run.exit_code == 1);
  }
  CHECK(read_file(pending) == too_long + "-1\n" + too_long + "-3\n");
  CHECK(cluster.stored_bodies("Loop") == std::multiset<std::string>{"ok-0", "ok-2", "ok-4"});
  struct stat status {};
  REQUIRE(stat(pending.c_str(), &status) == 0);
  CHECK((status.st_mode & 0777) == 0640);  // the replaced file keeps its permissions
  // The loop's last round: nothing fails, the file ends empty and the exit status is 0.
  write_file(pending, "ok-5\n");
  const auto last = run_mqsend(with_namesrv(cluster, {"-t", "Loop", "-l", pending, "--failed-output", pending}));
  CHECK(last.exit_code == 0);
  CHECK(read_file(pending).empty());
  std::remove(pending.c_str());
}

TEST_CASE("option --failed-output-append appends, and refuses the input file", "[integration][contract]") {
  TestCluster cluster({"--brokers", "1", "--topic", "Append:1"});
  const std::string failed = temp_path("append-failed");
  write_file(failed, "earlier\n");
  const std::string too_long(80, 'A');
  const auto run = run_mqsend(with_namesrv(cluster, {"-t", "Append", "--max-size", "50", "--failed-output", failed,
                                                     "--failed-output-append"}),
                              "fine\n" + too_long + "\n");
  CHECK(run.exit_code == 1);
  CHECK(read_file(failed) == "earlier\n" + too_long + "\n");
  const auto refused = run_mqsend(with_namesrv(cluster, {"-t", "Append", "-l", failed, "--failed-output", failed,
                                                         "--failed-output-append"}));
  CHECK(refused.exit_code == 2);
  CHECK(refused.err.find("it is the input") != std::string::npos);
  CHECK(read_file(failed) == "earlier\n" + too_long + "\n");  // untouched
  CHECK(cluster.stored_bodies("Append") == std::multiset<std::string>{"fine"});
  std::remove(failed.c_str());
}

TEST_CASE("a closed or full stderr never ends the run: --failed-output complete, exit status real", "[integration][contract]") {
  TestCluster cluster({"--brokers", "1", "--topic", "Err:2"});
  const std::string failed = temp_path("err-failed");
  const std::string too_long(80, 'E');
  const std::string input = numbered_lines("e", 300) + too_long + "\n" + numbered_lines("f", 300);
  for (const std::string redirect : {"2>&-", "2>/dev/full", "2>&1 | head -1 >/dev/null"}) {
    INFO(redirect);
    cluster.control({{"cmd", "reset_messages"}});
    const auto run = run_shell(cluster, "MQSEND -t Err --mode async --max-size 50 -q --failed-output '" + failed +
                                            "' " + redirect + "; echo rc=$?",
                               input);
    // For the pipe, $? is head's: the records show that mqsend ran to the end.
    if (redirect.find('|') == std::string::npos) CHECK(run.out.find("rc=1") != std::string::npos);
    CHECK(read_file(failed) == too_long + "\n");
    CHECK(cluster.stored_bodies("Err").size() == 600);
  }
  // A one-shot send with stderr closed: stored, exit 0, and no file mqsend opens lands on fd 2.
  const auto one = run_shell(cluster, "MQSEND -t Err -m once 2>&-; echo rc=$?");
  CHECK(one.out.find("SEND_OK") != std::string::npos);
  CHECK(one.out.find("rc=0") != std::string::npos);
  std::remove(failed.c_str());
}

TEST_CASE("stdout write errors: sending goes on, one stderr line, exit 7", "[integration][contract]") {
  TestCluster cluster({"--brokers", "1", "--topic", "Full:2"});
  const auto run = run_shell(cluster, "MQSEND -t Full --json --mode async > /dev/full; echo rc=$? >&2",
                             numbered_lines("full", 500));
  INFO(run.err);
  CHECK(run.err.find("rc=7") != std::string::npos);
  CHECK(count_occurrences(run.err, "writing results to stdout failed: No space left on device") == 1);
  CHECK(run.err.find("sent 500, failed 0") != std::string::npos);
  CHECK(cluster.stored_bodies("Full").size() == 500);
  // A run with failures keeps their exit status.
  const auto failing = run_shell(cluster, "MQSEND -t Full --max-size 3 -m toolong -m ok > /dev/full; echo rc=$? >&2");
  CHECK(failing.err.find("rc=1") != std::string::npos);
}

TEST_CASE("text output: a failed record has its line on stdout, with its index", "[integration][contract]") {
  TestCluster cluster({"--brokers", "1", "--topic", "Text:1"});
  const auto run = run_mqsend(with_namesrv(cluster, {"-t", "Text", "--max-size", "5"}), "one\ntoo-long\nthree\n");
  CHECK(run.exit_code == 1);
  const auto lines = lines_of(run.out);
  REQUIRE(lines.size() == 3);
  CHECK(count_occurrences(run.out, "SendResult [sendStatus=SEND_OK") == 2);
  CHECK(run.out.find("SendFailed [index=1, code=13, name=MESSAGE_ILLEGAL, message=") != std::string::npos);
}

TEST_CASE("option --batch: a partial batch goes out after --batch-linger while input is idle", "[integration][contract]") {
  TestCluster cluster({"--brokers", "1", "--topic", "Linger:2"});
  MqsendProcess mqsend(with_namesrv(cluster, {"-t", "Linger", "--batch", "64", "--mode", "async", "--json"}));
  mqsend.write(numbered_lines("l", 5));  // stdin stays open, as `tail -F log | mqsend`
  CHECK(mqsend::test::wait_until([&] { return cluster.stored_bodies("Linger").size() == 5; }, 3s * kTimeScale));
  CHECK(cluster.requests_with_code(kSendBatch) == 1);
  mqsend.close_stdin();
  const auto run = mqsend.wait(10s);
  CHECK(run.exit_code == 0);
  CHECK(json_lines(run.out).size() == 5);
}

TEST_CASE("option --batch: a signal sends the partial batch instead of failing it", "[integration][contract]") {
  TestCluster cluster({"--brokers", "1", "--topic", "SigBatch:2"});
  MqsendProcess mqsend(with_namesrv(cluster, {"-t", "SigBatch", "--batch", "64", "--batch-linger", "600000",
                                              "--json"}));
  // One write of 70 records: the first 64 make a batch, the other 6 wait for the linger.
  mqsend.write(numbered_lines("s", 70));
  REQUIRE(cluster.wait_for_requests(kSendBatch, 1, 5s));
  REQUIRE(mqsend::test::wait_until([&] { return cluster.stored_bodies("SigBatch").size() == 64; }, 5s));
  mqsend.signal(SIGINT);
  const auto run = mqsend.wait(10s);
  INFO(run.err);
  CHECK(run.exit_code == 1);  // interrupted
  CHECK(cluster.stored_bodies("SigBatch").size() == 70);
  const auto lines = json_lines(run.out);
  CHECK(lines.size() == 70);
  for (const auto& line : lines) CHECK(line.at("status") == "SEND_OK");
}

TEST_CASE("option --input json --batch: a delayed record goes alone, the others batch", "[integration][contract]") {
  TestCluster cluster({"--brokers", "1", "--topic", "JsonDelay:1", "--delay-levels", "10ms 20ms 30ms"});
  std::string input;
  for (int i = 0; i < 8; ++i) {
    input += i == 3 ? R"({"body":"d3","delay":3})" "\n" : R"({"body":"j)" + std::to_string(i) + "\"}\n";
  }
  const auto run = run_mqsend(with_namesrv(cluster, {"-t", "JsonDelay", "--input", "json", "--batch", "8", "--json"}),
                              input);
  INFO(run.err);
  CHECK(run.exit_code == 0);
  // The delayed record reaches the topic once its level's time has passed.
  CHECK(cluster.messages("SCHEDULE_TOPIC_XXXX").size() == 1);
  CHECK(mqsend::test::wait_until([&] { return cluster.stored_bodies("JsonDelay").size() == 8; },
                                 std::chrono::seconds(10)));
  CHECK(cluster.requests_with_code(kSendMessageV2) == 1);
  CHECK(cluster.requests_with_code(kSendBatch) == 1);
  for (const auto& message : cluster.messages("JsonDelay")) {
    if (message.at("request_code") == kSendMessageV2) {
      CHECK(message.at("properties").at("DELAY") == "3");
    }
  }
}

TEST_CASE("option --failed-output replays -m, --count, --file and stream records as the same records", "[integration][contract]") {
  TestCluster cluster({"--brokers", "1", "--topic", "Faithful:1"});
  const std::string failed = temp_path("faithful-failed");
  const std::string blob_path = temp_path("faithful-blob");
  const std::string blob = std::string("line one\nline two\n\0\xff\xfe binary", 28);
  write_file(blob_path, blob);
  struct Case {
    std::string name;
    std::vector<std::string> args;
    std::string input;
    std::vector<std::string> replay_args;  // besides -l FILE
    std::multiset<std::string> bodies;
  };
  const std::vector<std::string> json_input{"--input", "json"};
  const std::vector<Case> cases = {
      {"-m with newlines", {"-m", "two\nlines", "-m", "plain"}, "", json_input, {"two\nlines", "plain"}},
      {"-m --count", {"-m", "c\nc", "--count", "2"}, "", json_input, {"c\nc", "c\nc"}},
      {"--file blob", {"--file", blob_path}, "", json_input, {blob}},
      {"stdin, CRLF", {}, "a\r\nb\r\n", {}, {"a", "b"}},
      {"stdin, custom delimiter", {"-D", "|"}, "x\ny|z", {"-D", "|"}, {"x\ny", "z"}},
      {"stdin, keys", {"-K", ":"}, "k1:body1\n", {"-K", ":"}, {"body1"}},
      {"stdin, JSON records", json_input, "{\"body\":\"j\\n1\",\"tags\":\"T\"}\n", json_input, {"j\n1"}},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    cluster.control({{"cmd", "reset_messages"}});
    fault(cluster, {{"target", "broker-a"}, {"fault", "code"}, {"code", "MESSAGE_ILLEGAL"}});
    std::vector<std::string> args{"-t", "Faithful", "--failed-output", failed};
    args.insert(args.end(), c.args.begin(), c.args.end());
    const auto first = run_mqsend(with_namesrv(cluster, args), c.input);
    CHECK(first.exit_code == 4);
    fault(cluster, {{"target", "broker-a"}, {"fault", "clear"}});
    std::vector<std::string> replay{"-t", "Faithful", "-l", failed};
    replay.insert(replay.end(), c.replay_args.begin(), c.replay_args.end());
    const auto second = run_mqsend(with_namesrv(cluster, replay));
    INFO(second.err);
    CHECK(second.exit_code == 0);
    CHECK(cluster.stored_bodies("Faithful") == c.bodies);
  }
  std::remove(failed.c_str());
  std::remove(blob_path.c_str());
}

TEST_CASE("a record too large to keep is not written as an empty record to --failed-output", "[integration][contract]") {
  TestCluster cluster({"--brokers", "1", "--topic", "Huge:1"});
  const std::string failed = temp_path("huge-failed");
  // Over --max-size plus the 64 KiB record slack: its bytes are dropped as they are read.
  const std::string input = "small\n" + std::string(200 * 1024, 'h') + "\nnext\n";
  const auto run = run_mqsend(with_namesrv(cluster, {"-t", "Huge", "--max-size", "1024", "--failed-output", failed}), input);
  INFO(run.err);
  CHECK(run.exit_code == 1);
  CHECK(run.err.find("message 1 failed: [13 MESSAGE_ILLEGAL]") != std::string::npos);
  CHECK(run.err.find("not in --failed-output") != std::string::npos);
  CHECK(read_file(failed).empty());
  std::remove(failed.c_str());
}

TEST_CASE("after the input ends, a first signal bounds the final wait and a second ends it", "[integration][contract]") {
  TestCluster cluster({"--brokers", "1", "--topic", "FinalWait:1"});
  fault(cluster, {{"target", "broker-a"}, {"fault", "black_hole"}});
  SECTION("one signal: the in-flight send gets the grace (3 s), not its 20 s --timeout") {
    auto mqsend = one_send_in_flight(cluster);
    const auto signalled = std::chrono::steady_clock::now();
    mqsend->signal(SIGINT);
    const auto run = mqsend->wait(30s);
    const long waited = ms_since(signalled);
    INFO(run.err);
    CHECK(run.exit_code == 1);
    CHECK(run.err.find("(interrupted)") != std::string::npos);
    CHECK(run.err.find("interrupt again to stop now") != std::string::npos);
    CHECK(waited >= 2900);
    CHECK(waited < 3000 + 1500 * kTimeScale);
    REQUIRE(json_lines(run.out).size() == 1);
    CHECK(json_lines(run.out).front().at("status") == "FAILED");
  }
  SECTION("two signals: stop at once, the send fails, exit 1") {
    for (const int second : {SIGINT, SIGTERM}) {
      cluster.control({{"cmd", "reset_log"}});
      auto mqsend = one_send_in_flight(cluster);
      const auto signalled = std::chrono::steady_clock::now();
      mqsend->signal(SIGINT);
      // Signals of one kind do not queue: the second goes once the first has been seen.
      REQUIRE(mqsend::test::wait_until(
          [&] { return mqsend->err_so_far().find("interrupt again to stop now") != std::string::npos; }, 5s));
      mqsend->signal(second);
      const auto run = mqsend->wait(30s);
      INFO(run.err);
      CHECK(run.exit_code == 1);
      CHECK(ms_since(signalled) < 1000 * kTimeScale);
      REQUIRE(json_lines(run.out).size() == 1);
      CHECK(json_lines(run.out).front().at("error").at("name") == "SHUTDOWN");
    }
  }
}

TEST_CASE("SIGHUP ends a stream like SIGTERM: every record accounted, the summary printed", "[integration][contract]") {
  TestCluster cluster({"--brokers", "1", "--topic", "Hup:1"});
  MqsendProcess mqsend(with_namesrv(cluster, {"-t", "Hup", "--json"}));
  mqsend.write(numbered_lines("h", 10));
  REQUIRE(mqsend::test::wait_until([&] { return cluster.stored_bodies("Hup").size() == 10; }, 5s));
  mqsend.signal(SIGHUP);
  const auto run = mqsend.wait(10s);
  CHECK(run.exit_code == 1);
  CHECK(run.err.find("mqsend: sent 10, failed 0") != std::string::npos);
  CHECK(run.err.find("(interrupted)") != std::string::npos);
  CHECK(json_lines(run.out).size() == 10);
}
