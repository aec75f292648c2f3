// The failover matrix: each broker fault injected through the test cluster, for sync, async and
// oneway sends, with the latency fault strategy (--latency-fault) off and on. Every run checks
// that each input record ends in exactly one outcome, that the brokers stored exactly the
// records reported sent (once, on the broker reported), which broker saw each attempt, the exit
// code and the worst time to an outcome. broker-a carries the fault, broker-b is healthy.
// Brokers added or removed mid-stream and the first name server down: test_route_refresh.cpp.
// scripts/fault-matrix.sh prints the same matrix as a table.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "harness.hpp"

using mqsend::test::base64_decode;
using mqsend::test::json_lines;
using mqsend::test::MqsendProcess;
using mqsend::test::ProcessResult;
using mqsend::test::run_mqsend;
using mqsend::test::TestCluster;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

constexpr int kRecords = 20;
// Records written before the pause; the strategy has seen their outcomes when the rest come.
constexpr int kFirstPhase = 4;
const std::string kTopic = "Matrix";
const std::string kFaulty = "broker-a";
const std::string kHealthy = "broker-b";

struct Setup {
  std::string mode;  // sync | async | oneway
  bool strategy = false;
};

Setup generate_setup() {
  Setup setup;
  setup.mode = GENERATE(as<std::string>(), "sync", "async", "oneway");
  setup.strategy = GENERATE(false, true);
  return setup;
}

std::string describe(const Setup& setup) {
  return setup.mode + ", latency fault strategy " + (setup.strategy ? "on" : "off");
}

// What became of one input record.
struct RecordFate {
  json outcome;                     // its JSON line
  std::vector<json> stored_copies;  // the brokers' stored messages with its body

  const std::string& status() const { return outcome.at("status").get_ref<const std::string&>(); }
  bool failed() const { return status() == "FAILED"; }
  std::vector<std::string> brokers_tried() const {
    return outcome.at("brokersTried").get<std::vector<std::string>>();
  }
  bool tried(const std::string& broker) const {
    const auto tried = brokers_tried();
    return std::find(tried.begin(), tried.end(), broker) != tried.end();
  }
  int error_code() const { return outcome.at("error").at("code").get<int>(); }
};

struct StreamRun {
  ProcessResult process;
  std::vector<RecordFate> records;          // by input index
  std::map<std::string, int> attempts;      // per broker, from brokersTried
  std::map<std::string, int> logged_sends;  // per broker, from the cluster's request log
  double worst_latency_ms = 0;

  int failed() const {
    return static_cast<int>(std::count_if(records.begin(), records.end(),
                                          [](const RecordFate& r) { return r.failed(); }));
  }
  // Records from `first` on whose attempts included `broker`.
  int tried(const std::string& broker, int first = 0) const {
    return static_cast<int>(std::count_if(records.begin() + first, records.end(),
                                          [&](const RecordFate& r) { return r.tried(broker); }));
  }
};

std::string record_body(int index) { return "record " + std::to_string(index); }

// The input index a stored body belongs to, -1 for a body no record has.
int record_index(const std::string& body) {
  const std::string prefix = "record ";
  if (body.compare(0, prefix.size(), prefix) != 0) return -1;
  return std::stoi(body.substr(prefix.size()));
}

std::string records(int from, int to) {
  std::string input;
  for (int i = from; i < to; ++i) input += record_body(i) + "\n";
  return input;
}

void fault(const TestCluster& cluster, json command) {
  command["cmd"] = "fault";
  command["target"] = kFaulty;
  const json reply = cluster.control(command);
  INFO(command.dump() << " -> " << reply.dump());
  REQUIRE(reply.at("ok") == true);
}

bool is_send_request(int code) { return code == 10 || code == 310 || code == 320; }

// Oneway frames may still be on their way into the broker when mqsend exits: waits until the
// request log stops growing.
void wait_until_cluster_settles(const TestCluster& cluster) {
  auto total = cluster.control({{"cmd", "log"}, {"code", 0}}).at("total").get<std::int64_t>();
  for (int i = 0; i < 40; ++i) {
    std::this_thread::sleep_for(25ms);
    const auto now = cluster.control({{"cmd", "log"}, {"code", 0}}).at("total").get<std::int64_t>();
    if (now == total) return;
    total = now;
  }
}

// Sends kRecords records in two phases with `pause` between them (`between_phases` runs at its
// end), then collects every record's outcome, its stored copies and the request log.
StreamRun run_stream(const TestCluster& cluster, const Setup& setup,
                     const std::vector<std::string>& extra_args, std::chrono::milliseconds pause,
                     const std::function<void()>& between_phases = {}) {
  std::vector<std::string> args{"-n", cluster.namesrv(), "-t", kTopic, "--json", "--mode", setup.mode};
  if (setup.strategy) args.push_back("--latency-fault");
  args.insert(args.end(), extra_args.begin(), extra_args.end());

  StreamRun run;
  {
    MqsendProcess mqsend(args);
    mqsend.write(records(0, kFirstPhase));
    std::this_thread::sleep_for(pause);
    if (between_phases) between_phases();
    mqsend.write(records(kFirstPhase, kRecords));
    run.process = mqsend.wait(30s);
  }
  INFO("stderr: " << run.process.err);
  REQUIRE(run.process.exit_code >= 0);  // not killed by the time limit

  // Exactly one outcome per input record.
  run.records.resize(kRecords);
  std::vector<int> outcomes(kRecords, 0);
  for (const json& line : json_lines(run.process.out)) {
    const int index = line.at("index").get<int>();
    REQUIRE(index >= 0);
    REQUIRE(index < kRecords);
    ++outcomes[static_cast<std::size_t>(index)];
    run.records[static_cast<std::size_t>(index)].outcome = line;
  }
  for (int i = 0; i < kRecords; ++i) {
    INFO("record " << i);
    REQUIRE(outcomes[static_cast<std::size_t>(i)] == 1);
  }

  wait_until_cluster_settles(cluster);
  for (const json& stored : cluster.messages(kTopic)) {
    const std::string body = base64_decode(stored.at("body").get<std::string>());
    const int index = record_index(body);
    INFO("stored body '" << body << "'");
    REQUIRE(index >= 0);
    REQUIRE(index < kRecords);
    run.records[static_cast<std::size_t>(index)].stored_copies.push_back(stored);
  }
  for (const RecordFate& record : run.records) {
    for (const auto& broker : record.brokers_tried()) ++run.attempts[broker];
    run.worst_latency_ms = std::max(run.worst_latency_ms, record.outcome.at("latencyMs").get<double>());
  }
  for (const json& entry : cluster.log()) {
    if (is_send_request(entry.at("code").get<int>())) ++run.logged_sends[entry.at("target").get<std::string>()];
  }
  return run;
}

// A oneway frame written to the faulty broker: what the fault does to it.
enum class OnewayFate { kStored, kLost, kStoredOrLost };

// Whether each attempt on the faulty broker reaches it (and its request log).
enum class FaultyAttempts { kAllLogged, kNoneLogged, kSomeLogged };

struct Expectations {
  OnewayFate oneway_to_faulty = OnewayFate::kStored;
  // The faulty broker stores what it answers too late: a record retried elsewhere after that
  // is stored twice (at-least-once, as in Java).
  bool late_answers_stored = false;
  FaultyAttempts faulty_attempts = FaultyAttempts::kAllLogged;
  std::chrono::milliseconds latency_bound{0};  // worst time to an outcome
};

// The checks every cell of the matrix shares.
void check_invariants(const StreamRun& run, const Expectations& expect) {
  INFO("stdout:\n" << run.process.out << "stderr:\n" << run.process.err);
  for (std::size_t i = 0; i < run.records.size(); ++i) {
    const RecordFate& record = run.records[i];
    INFO("record " << i << ": " << record.outcome.dump());
    if (record.failed()) {
      CHECK(record.stored_copies.empty());  // a failure report is never a stored message
      continue;
    }
    const std::string broker = record.outcome.at("broker").get<std::string>();
    CHECK(record.tried(broker));  // not always the last: an earlier attempt may answer late
    if (record.status() == "SENT_ONEWAY" && broker == kFaulty &&
        expect.oneway_to_faulty != OnewayFate::kStored) {
      const std::size_t most = expect.oneway_to_faulty == OnewayFate::kLost ? 0 : 1;
      CHECK(record.stored_copies.size() <= most);
      continue;
    }
    // Otherwise stored exactly once (never sent twice), on the broker reported.
    const bool stored_twice = expect.late_answers_stored && broker != kFaulty && record.tried(kFaulty);
    REQUIRE(record.stored_copies.size() == (stored_twice ? 2u : 1u));
    for (const json& copy : record.stored_copies) {
      CHECK(copy.at("properties").at("UNIQ_KEY") == record.outcome.at("msgId"));
    }
    CHECK(record.stored_copies.back().at("broker") == broker);
  }

  // Every attempt on the healthy broker reached it; the faulty one as the fault allows.
  auto count = [](const std::map<std::string, int>& counts, const std::string& broker) {
    const auto it = counts.find(broker);
    return it == counts.end() ? 0 : it->second;
  };
  CHECK(count(run.logged_sends, kHealthy) == count(run.attempts, kHealthy));
  switch (expect.faulty_attempts) {
    case FaultyAttempts::kAllLogged: CHECK(count(run.logged_sends, kFaulty) == count(run.attempts, kFaulty)); break;
    case FaultyAttempts::kNoneLogged: CHECK(count(run.logged_sends, kFaulty) == 0); break;
    case FaultyAttempts::kSomeLogged: CHECK(count(run.logged_sends, kFaulty) <= count(run.attempts, kFaulty)); break;
  }

  const int failed = run.failed();
  CHECK(failed < kRecords);
  CHECK(run.process.exit_code == (failed == 0 ? 0 : 1));
  CHECK(run.worst_latency_ms <= static_cast<double>(expect.latency_bound.count()));
}

// With the strategy on and a fault it learns from, records after the pause go straight to the
// healthy broker (one entry in brokersTried); without it round robin keeps trying the faulty one.
void check_strategy(const StreamRun& run, const Setup& setup, bool fault_isolates) {
  if (setup.strategy && fault_isolates) {
    CHECK(run.tried(kFaulty, kFirstPhase) == 0);
    for (int i = kFirstPhase; i < kRecords; ++i) {
      INFO("record " << i);
      CHECK(run.records[static_cast<std::size_t>(i)].brokers_tried() == std::vector<std::string>{kHealthy});
    }
    // Sync sends learn from the first failure: only one record ever tried the faulty broker.
    if (setup.mode == "sync") CHECK(run.tried(kFaulty) == 1);
  } else {
    CHECK(run.tried(kFaulty, kFirstPhase) > 0);
  }
}

// Whether some socket on this machine, still open on its own side, is connected to
// 127.0.0.1:`port` after that end closed (CLOSE_WAIT, state 08 in /proc/net/tcp): a client
// that has not yet read the close.
bool close_unread_by_a_client(std::uint16_t port) {
  std::ifstream table("/proc/net/tcp");
  std::string line;
  std::getline(table, line);  // header
  char wanted[16];
  std::snprintf(wanted, sizeof wanted, ":%04X", port);
  while (std::getline(table, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state;
    fields >> slot >> local >> remote >> state;
    if (state == "08" && remote.size() > 5 && remote.compare(remote.size() - 5, 5, wanted) == 0) return true;
  }
  return false;
}

TestCluster matrix_cluster() { return TestCluster({"--brokers", "2", "--topic", kTopic + ":2"}); }

}  // namespace

TEST_CASE("matrix: a broker that refuses connections", "[integration][matrix]") {
  const Setup setup = generate_setup();
  INFO(describe(setup));
  TestCluster cluster = matrix_cluster();
  fault(cluster, {{"fault", "down"}});
  const StreamRun run = run_stream(cluster, setup, {"--timeout", "2000"}, 300ms);
  check_invariants(run, {OnewayFate::kStored, false, FaultyAttempts::kNoneLogged, 2500ms});
  // A refused connect sent nothing: the record goes to broker-b in every mode, oneway too, and
  // broker-a is skipped from then on (with or without the strategy) until it can be reached.
  CHECK(run.tried(kFaulty, kFirstPhase) == 0);
  if (setup.mode == "sync") CHECK(run.tried(kFaulty) <= 1);
  for (const RecordFate& record : run.records) {
    INFO(record.outcome.dump());
    CHECK_FALSE(record.failed());
    CHECK(record.outcome.at("broker") == kHealthy);
    if (record.tried(kFaulty)) CHECK(record.brokers_tried() == std::vector<std::string>{kFaulty, kHealthy});
  }
  CHECK(run.process.exit_code == 0);
}

TEST_CASE("matrix: a slow broker that still answers within the attempt budget", "[integration][matrix]") {
  const Setup setup = generate_setup();
  INFO(describe(setup));
  TestCluster cluster = matrix_cluster();
  // 600 ms is over the 550 ms latency step: the strategy isolates the broker for 30 s.
  fault(cluster, {{"fault", "delay"}, {"ms", 600}});
  // The first of three attempts gets 3000 / 3 = 1000 ms: enough for a 600 ms answer.
  const StreamRun run = run_stream(cluster, setup, {"--timeout", "3000"}, 1000ms);
  check_invariants(run, {OnewayFate::kStored, false, FaultyAttempts::kAllLogged, 3500ms});
  // Oneway never waits for an answer: the strategy sees no latency to learn from.
  check_strategy(run, setup, setup.mode != "oneway");
  CHECK(run.failed() == 0);
  CHECK(run.process.exit_code == 0);
  CHECK(run.tried(kFaulty) > 0);
  for (const RecordFate& record : run.records) CHECK(record.brokers_tried().size() == 1);
  if (setup.mode != "oneway") CHECK(run.worst_latency_ms >= 600);
}

TEST_CASE("matrix: a broker slower than the attempt budget", "[integration][matrix]") {
  const Setup setup = generate_setup();
  INFO(describe(setup));
  TestCluster cluster = matrix_cluster();
  // The first attempt gives up after 1200 / 3 = 400 ms; broker-a stores the message at once
  // and answers at 900 ms, to a request the producer already retried on broker-b.
  fault(cluster, {{"fault", "delay"}, {"ms", 900}});
  const StreamRun run = run_stream(cluster, setup, {"--timeout", "1200"}, 800ms);
  check_invariants(run, {OnewayFate::kStored, true, FaultyAttempts::kAllLogged, 1700ms});
  check_strategy(run, setup, setup.mode != "oneway");
  CHECK(run.failed() == 0);
  CHECK(run.process.exit_code == 0);
  CHECK(run.tried(kFaulty) > 0);
  for (const RecordFate& record : run.records) {
    INFO(record.outcome.dump());
    if (setup.mode == "oneway") continue;
    CHECK(record.outcome.at("broker") == kHealthy);
    if (record.tried(kFaulty)) CHECK(record.brokers_tried() == std::vector<std::string>{kFaulty, kHealthy});
  }
}

TEST_CASE("matrix: a broker answering a retryable code", "[integration][matrix]") {
  const std::string code_name = GENERATE(as<std::string>(), "SYSTEM_BUSY", "SERVICE_NOT_AVAILABLE");
  const Setup setup = generate_setup();
  INFO(code_name << ", " << describe(setup));
  TestCluster cluster = matrix_cluster();
  fault(cluster, {{"fault", "code"}, {"code", code_name}});
  const StreamRun run = run_stream(cluster, setup, {"--timeout", "2000"}, 300ms);
  // Oneway requests get no answer: the rejected frame is neither stored nor reported.
  check_invariants(run, {OnewayFate::kLost, false, FaultyAttempts::kAllLogged, 2500ms});
  check_strategy(run, setup, setup.mode != "oneway");
  CHECK(run.tried(kFaulty) > 0);
  for (const RecordFate& record : run.records) {
    INFO(record.outcome.dump());
    if (setup.mode == "oneway") {
      CHECK(record.status() == "SENT_ONEWAY");
      continue;
    }
    // Nothing was stored: sync and async alike retry on the other broker (async goes beyond
    // Java's onExceptionImpl, which retries network failures only).
    CHECK(record.outcome.at("broker") == kHealthy);
    if (record.tried(kFaulty)) CHECK(record.brokers_tried() == std::vector<std::string>{kFaulty, kHealthy});
  }
  CHECK(run.failed() == 0);
  CHECK(run.process.exit_code == 0);
}

TEST_CASE("matrix: a broker answering a non-retryable code", "[integration][matrix]") {
  const Setup setup = generate_setup();
  INFO(describe(setup));
  TestCluster cluster = matrix_cluster();
  fault(cluster, {{"fault", "code"}, {"code", "MESSAGE_ILLEGAL"}});
  const StreamRun run = run_stream(cluster, setup, {"--timeout", "2000"}, 300ms);
  check_invariants(run, {OnewayFate::kLost, false, FaultyAttempts::kAllLogged, 2500ms});
  check_strategy(run, setup, setup.mode != "oneway");
  CHECK(run.tried(kFaulty) > 0);
  for (const RecordFate& record : run.records) {
    INFO(record.outcome.dump());
    CHECK(record.brokers_tried().size() == 1);  // never retried
    if (setup.mode != "oneway" && record.tried(kFaulty)) {
      REQUIRE(record.failed());
      CHECK(record.error_code() == 13);  // MESSAGE_ILLEGAL, as the broker answered
    } else {
      CHECK_FALSE(record.failed());
    }
  }
  CHECK(run.process.exit_code == (setup.mode == "oneway" ? 0 : 1));
}

TEST_CASE("matrix: connections to a broker closed or reset mid-stream", "[integration][matrix]") {
  // From the pause on, broker-a drops each connection as its next request arrives, unanswered:
  // an orderly close after logging the request (close_after 0), or a reset (RST) before
  // reading it (reset_after 0 bytes), which the client sees as "connection reset".
  const bool reset = GENERATE(false, true);
  const Setup setup = generate_setup();
  INFO((reset ? "reset, " : "close, ") << describe(setup));
  TestCluster cluster = matrix_cluster();
  // The 6 s budget gives a first attempt 2 s: an in-flight request must fail well before that.
  const StreamRun run = run_stream(cluster, setup, {"--timeout", "6000"}, 300ms, [&] {
    fault(cluster, reset ? json{{"fault", "reset_after"}, {"bytes", 0}} : json{{"fault", "close_after"}, {"requests", 0}});
  });
  // A oneway frame is written before the broker drops it: lost, or failed if the client saw
  // the close first.
  check_invariants(run, {OnewayFate::kStoredOrLost, false, FaultyAttempts::kSomeLogged, 1500ms});
  CHECK(run.tried(kFaulty, kFirstPhase) > 0);
  if (setup.mode == "oneway") {
    for (int i = kFirstPhase; i < kRecords; ++i) {
      const RecordFate& record = run.records[static_cast<std::size_t>(i)];
      INFO(record.outcome.dump());
      if (record.tried(kFaulty)) CHECK(record.stored_copies.empty());
    }
    return;
  }
  CHECK(run.failed() == 0);
  CHECK(run.process.exit_code == 0);
  for (const RecordFate& record : run.records) {
    INFO(record.outcome.dump());
    CHECK(record.status() == "SEND_OK");
    if (record.tried(kFaulty) && record.outcome.at("broker") == kHealthy) {
      CHECK(record.brokers_tried() == std::vector<std::string>{kFaulty, kHealthy});
    }
  }
  if (setup.strategy && setup.mode == "sync") {
    CHECK(run.tried(kFaulty, kFirstPhase) == 1);  // isolated after the first close
  } else if (!setup.strategy && !reset) {
    // A closed connection is reopened at its next use: broker-a keeps getting requests.
    CHECK(run.logged_sends.at(kFaulty) >= 3);
  }
}

TEST_CASE("matrix: a connection that goes half-open mid-stream is given up", "[integration][matrix]") {
  const Setup setup = generate_setup();
  INFO(describe(setup));
  TestCluster cluster = matrix_cluster();
  // The first phase opens the connections; then broker-a's freeze (nothing read or written,
  // sockets open), as a flow a firewall dropped. A request that times out there retires the
  // connection; the next request to broker-a dials anew, and that works. --rate spreads the
  // second phase over more than one attempt budget (900 / 3 = 300 ms).
  const StreamRun run = run_stream(cluster, setup, {"--timeout", "900", "--rate", "20"}, 300ms,
                                   [&] { fault(cluster, {{"fault", "half_open"}}); });
  check_invariants(run, {OnewayFate::kStoredOrLost, false, FaultyAttempts::kSomeLogged,
                         1000ms * mqsend::test::kTimeScale});
  CHECK(run.failed() == 0);
  // Oneway has no answer to time out on: its frames into the frozen connection are lost unseen.
  if (setup.mode == "oneway") return;
  int timed_out_on_faulty = 0;
  int sent_by_faulty_after = 0;
  for (int i = kFirstPhase; i < kRecords; ++i) {
    const RecordFate& record = run.records[static_cast<std::size_t>(i)];
    INFO(record.outcome.dump());
    CHECK(record.outcome.at("broker") != json());
    timed_out_on_faulty += record.brokers_tried().size() > 1 && record.brokers_tried().front() == kFaulty;
    sent_by_faulty_after += record.outcome.at("broker") == kFaulty;
  }
  // Sync: only the first record routed to the frozen connection waits on it.
  if (setup.mode == "sync") CHECK(timed_out_on_faulty == 1);
  CHECK(timed_out_on_faulty >= 1);
  // Without the strategy (which isolates broker-a), broker-a serves again over a new connection.
  if (!setup.strategy) CHECK(sent_by_faulty_after > 0);
}

TEST_CASE("matrix: a black-hole broker", "[integration][matrix]") {
  const Setup setup = generate_setup();
  INFO(describe(setup));
  TestCluster cluster = matrix_cluster();
  fault(cluster, {{"fault", "black_hole"}});
  // The first attempt times out after 900 / 3 = 300 ms, leaving time for another broker.
  const StreamRun run = run_stream(cluster, setup, {"--timeout", "900"}, 700ms);
  // The black hole reads and logs requests but never stores them.
  check_invariants(run, {OnewayFate::kLost, false, FaultyAttempts::kAllLogged, 1400ms});
  check_strategy(run, setup, setup.mode != "oneway");
  CHECK(run.tried(kFaulty) > 0);
  CHECK(run.failed() == 0);
  CHECK(run.process.exit_code == 0);
  for (const RecordFate& record : run.records) {
    INFO(record.outcome.dump());
    if (setup.mode == "oneway") {
      CHECK(record.status() == "SENT_ONEWAY");
      continue;
    }
    CHECK(record.outcome.at("broker") == kHealthy);
    if (record.tried(kFaulty)) CHECK(record.brokers_tried() == std::vector<std::string>{kFaulty, kHealthy});
  }
}

// The whole-send budget with brokers slower than an attempt's share (issue 13, item 5). Each
// attempt's request may be answered until the budget ends (Java's sendDefaultImpl); the share
// only says when the send also tries another broker. Columns: the answer that ends the send
// (the first broker tried, or the healthy broker-b) and the copies stored per UNIQ_KEY.
// Before this rule a share was a hard timeout: the one slow broker got three 1000 ms attempts,
// each stored and none in time (FAILED, exit 5, 3 copies).
TEST_CASE("matrix: slow brokers within the whole-send budget", "[integration][matrix]") {
  struct Row {
    std::string name;
    int brokers;
    std::vector<json> faults;  // each with its "target"
    std::string timeout;
    bool answered_by_first_tried;  // else by broker-b
    std::size_t copies;
  };
  const std::vector<Row> rows = {
      // One broker, slower than a third of the budget: waited for, stored once.
      {"one broker delayed 1500 ms", 1, {{{"target", "broker-a"}, {"fault", "delay"}, {"ms", 1500}}}, "3000", true, 1},
      // Two brokers, one black-holed: after its share the send moves to broker-b, in time.
      {"one of two black-holed", 2, {{{"target", "broker-a"}, {"fault", "black_hole"}}}, "900", false, 1},
      // Both slow: the second attempt starts after the first one's share, and the first
      // answer (the first broker's, late for its share, in time for the budget) is the
      // outcome; the other attempt's answer is ignored, though its copy is stored.
      {"both of two delayed 1500 ms", 2,
       {{{"target", "broker-a"}, {"fault", "delay"}, {"ms", 1500}},
        {{"target", "broker-b"}, {"fault", "delay"}, {"ms", 1500}}}, "3000", true, 2},
  };
  const Row& row = rows.at(static_cast<std::size_t>(GENERATE(0, 1, 2)));
  const std::string mode = GENERATE(as<std::string>(), "sync", "async");
  INFO(row.name << ", " << mode);
  TestCluster cluster({"--brokers", std::to_string(row.brokers), "--topic", kTopic + ":2"});
  for (json command : row.faults) {
    command["cmd"] = "fault";
    REQUIRE(cluster.control(command).at("ok") == true);
  }
  constexpr int kSlowRecords = 3;  // 3 of the 4 queues in a row: one at least on broker-a
  const ProcessResult sent = run_mqsend({"-n", cluster.namesrv(), "-t", kTopic, "--json", "--mode", mode,
                                         "--timeout", row.timeout, "--retries", "2", "--async-retries", "2"},
                                        records(0, kSlowRecords));
  INFO("stdout:\n" << sent.out << "stderr:\n" << sent.err);
  REQUIRE(sent.exit_code == 0);
  wait_until_cluster_settles(cluster);
  std::map<std::string, std::size_t> copies;  // per UNIQ_KEY
  for (const json& stored : cluster.messages(kTopic)) {
    ++copies[stored.at("properties").at("UNIQ_KEY").get<std::string>()];
  }
  std::vector<int> outcomes(kSlowRecords, 0);
  for (const json& line : json_lines(sent.out)) {
    INFO(line.dump());
    ++outcomes.at(line.at("index").get<std::size_t>());
    REQUIRE(line.at("status") == "SEND_OK");
    const auto tried = line.at("brokersTried").get<std::vector<std::string>>();
    CHECK(line.at("broker") == (row.answered_by_first_tried ? tried.front() : kHealthy));
    CHECK(copies[line.at("msgId").get<std::string>()] == row.copies);
    CHECK(line.at("latencyMs").get<double>() <= std::stod(row.timeout) + 200.0 * mqsend::test::kTimeScale);
  }
  CHECK(outcomes == std::vector<int>(kSlowRecords, 1));  // exactly one outcome each
}

// A broker stopped mid-stream (issue 13): a record whose connect is refused sent nothing, so
// it goes to the other broker in every mode, oneway and batches included, and the stopped
// broker is skipped from then on. Before: oneway reported those records CONNECT_BROKER_EXCEPTION.
TEST_CASE("matrix: a broker stopped mid-stream loses no record", "[integration][matrix]") {
  const std::string mode = GENERATE(as<std::string>(), "oneway", "oneway --batch 4", "async", "sync");
  INFO(mode);
  TestCluster cluster = matrix_cluster();
  std::vector<std::string> args{"-n", cluster.namesrv(), "-t", kTopic, "--json", "--mode", mode.substr(0, mode.find(' '))};
  if (mode.find("--batch") != std::string::npos) args.insert(args.end(), {"--batch", "4"});
  constexpr int kBurst = 20;  // records sent at once after the stop, twice
  constexpr int kTotal = kFirstPhase + 2 * kBurst;
  MqsendProcess mqsend(args);
  auto outcomes_so_far = [&] {
    const std::string out = mqsend.out_so_far();
    return std::count(out.begin(), out.end(), '\n');  // whole lines only
  };
  // The first records open connections to both brokers.
  mqsend.write(records(0, kFirstPhase));
  REQUIRE(mqsend::test::wait_until([&] { return cluster.messages(kTopic).size() == kFirstPhase; },
                                   5000ms * mqsend::test::kTimeScale));
  fault(cluster, {{"fault", "down"}});
  // mqsend learns of the close when its I/O thread reads it; a oneway frame written before
  // that goes into a socket the broker no longer reads (TCP cannot tell), and a sync one
  // fails there instead of at the connect. Real brokers stop the same way; the test is about
  // what comes after, so it waits until mqsend has closed its end.
  const std::string faulty_addr = cluster.broker_addr(kFaulty);
  const auto faulty_port = static_cast<std::uint16_t>(std::stoi(faulty_addr.substr(faulty_addr.rfind(':') + 1)));
  REQUIRE(mqsend::test::wait_until([&] { return !close_unread_by_a_client(faulty_port); },
                                   5000ms * mqsend::test::kTimeScale));
  // The records of the first burst routed to broker-a share its refused connect; once it is
  // refused the broker is skipped for a second: the second burst does not try it.
  mqsend.write(records(kFirstPhase, kFirstPhase + kBurst));
  REQUIRE(mqsend::test::wait_until([&] { return outcomes_so_far() == kFirstPhase + kBurst; },
                                   5000ms * mqsend::test::kTimeScale));
  mqsend.write(records(kFirstPhase + kBurst, kTotal));
  const ProcessResult result = mqsend.wait(30s);
  INFO("stdout:\n" << result.out << "stderr:\n" << result.err);
  REQUIRE(result.exit_code == 0);
  wait_until_cluster_settles(cluster);
  std::vector<std::string> stored_on(kTotal);
  for (const json& stored : cluster.messages(kTopic)) {
    const std::string body = base64_decode(stored.at("body").get<std::string>());
    INFO("stored " << stored.dump());
    const int index = record_index(body);
    REQUIRE(index >= 0);
    REQUIRE(index < kTotal);
    CHECK(stored_on[static_cast<std::size_t>(index)].empty());  // never twice
    stored_on[static_cast<std::size_t>(index)] = stored.at("broker").get<std::string>();
  }
  int failed = 0;
  int first_burst_tried_stopped = 0;
  for (const json& line : json_lines(result.out)) {
    INFO(line.dump());
    failed += line.at("status") == "FAILED";
    const int index = line.at("index").get<int>();
    const auto tried = line.at("brokersTried").get<std::vector<std::string>>();
    if (index < kFirstPhase) continue;
    if (tried.front() == kFaulty) CHECK(tried == std::vector<std::string>{kFaulty, kHealthy});
    if (index < kFirstPhase + kBurst) first_burst_tried_stopped += tried.front() == kFaulty;
    else CHECK(tried == std::vector<std::string>{kHealthy});
  }
  CHECK(failed == 0);
  CHECK(first_burst_tried_stopped > 0);  // round robin did route records to the stopped broker
  for (int i = 0; i < kTotal; ++i) {
    INFO("record " << i);
    CHECK_FALSE(stored_on[static_cast<std::size_t>(i)].empty());
    if (i >= kFirstPhase) CHECK(stored_on[static_cast<std::size_t>(i)] == kHealthy);
  }
  // Sync sends one at a time: only the first record after the stop tried broker-a.
  if (mode == "sync") CHECK(first_burst_tried_stopped == 1);
}

// BUG (open, transport: src/client/remoting/connection.cpp): when the broker closes a connection
// while a batch of oneway frames is being written, Connection::close() (the read side seeing
// EOF) fails every oneway request of the batch in progress with CONNECTION_CLOSED, although the
// first frames of that batch reached the broker and were stored. A oneway reported FAILED must
// be one that could not be written; frames fully written before the close are sent (see
// on_written: async_write's bytes_transferred tells which). Fails in most runs until fixed.
TEST_CASE("matrix BUG: a oneway frame the broker stored is never reported failed", "[integration][matrix]") {
  TestCluster cluster({"--brokers", "1", "--topic", kTopic + ":1"});
  fault(cluster, {{"fault", "close_after"}, {"requests", 3}});
  constexpr int kBurst = 2000;  // one batch after another: the close lands mid-batch
  const std::string input = records(0, kBurst);
  // The race shows in most runs; a few runs make the test fail reliably while the bug is there.
  for (int run = 0; run < 4; ++run) {
    REQUIRE(cluster.control({{"cmd", "reset_messages"}}).at("ok") == true);
    const auto sent = run_mqsend(
        {"-n", cluster.namesrv(), "-t", kTopic, "--json", "--mode", "oneway", "--timeout", "3000"}, input);
    REQUIRE(sent.exit_code >= 0);
    wait_until_cluster_settles(cluster);
    std::vector<int> stored(kBurst, 0);
    for (const json& message : cluster.messages(kTopic)) {
      const int index = record_index(base64_decode(message.at("body").get<std::string>()));
      REQUIRE(index >= 0);
      REQUIRE(index < kBurst);
      ++stored[static_cast<std::size_t>(index)];
    }
    std::vector<int> outcomes(kBurst, 0);
    int failed_but_stored = 0;
    for (const json& line : json_lines(sent.out)) {
      const int index = line.at("index").get<int>();
      REQUIRE(index >= 0);
      REQUIRE(index < kBurst);
      ++outcomes[static_cast<std::size_t>(index)];
      if (line.at("status") == "FAILED" && stored[static_cast<std::size_t>(index)] > 0) {
        UNSCOPED_INFO("reported failed, yet stored: " << line.dump());
        ++failed_but_stored;
      }
    }
    CHECK(std::count(outcomes.begin(), outcomes.end(), 1) == kBurst);
    CHECK(std::count_if(stored.begin(), stored.end(), [](int copies) { return copies > 1; }) == 0);
    INFO("run " << run);
    REQUIRE(failed_but_stored == 0);
  }
}
