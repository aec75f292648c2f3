// Ordered sends (--shard-key, --shard-by, JSON "shardingKey") against the bundled cluster:
// Java's placement, one send in flight per queue, a failed key stopped, the usage errors.
// The expected queues are Java's: String.hashCode() % 8 (Math.abs when negative) over
// broker-a queues 0..3 then broker-b queues 0..3, computed outside this code.
#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

#include "harness.hpp"

using mqsend::test::base64_decode;
using mqsend::test::json_lines;
using mqsend::test::read_file;
using mqsend::test::run_mqsend;
using mqsend::test::TestCluster;
using mqsend::test::with_namesrv;
using nlohmann::json;

namespace {

const std::string kTopic = "Ordered";

TestCluster ordered_cluster() { return TestCluster({"--brokers", "2", "--topic", kTopic + ":4"}); }

struct Placement {
  std::string key;
  std::string broker;
  int queue_id;
};

// key, String.hashCode(), queue index in the list of 8
const std::vector<Placement> kPlacements = {
    {"polygenelubricants", "broker-a", 0},             // hash Integer.MIN_VALUE, index 0
    {"hello", "broker-a", 2},                          // 99162322
    {"user-3", "broker-b", 3},                         // -836031823: remainder -7
    {"order-1001", "broker-b", 3},                     // 708180863
    {"\xE8\xAE\xA2\xE5\x8D\x95-42", "broker-a", 0},   // "订单-42", -711980392
    {"\xF0\x9F\x98\x80-emoji", "broker-b", 0},        // U+1F600 as a surrogate pair, -1200436388
    {"k1", "broker-b", 2},                             // 3366
    {"k4", "broker-a", 1},                             // 3369
};

std::string json_record(const std::string& body, const std::string& key) {
  return json{{"body", body}, {"shardingKey", key}}.dump() + "\n";
}

}  // namespace

TEST_CASE("ordered: each sharding key lands on the queue Java's SelectMessageQueueByHash picks", "[integration][ordered]") {
  TestCluster cluster = ordered_cluster();
  std::string input;
  for (int round = 0; round < 3; ++round) {
    for (std::size_t k = 0; k < kPlacements.size(); ++k) {
      input += json_record(std::to_string(k) + "/" + std::to_string(round), kPlacements[k].key);
    }
  }
  for (const std::string mode : {"sync", "async"}) {
    INFO(mode);
    REQUIRE(cluster.control({{"cmd", "reset_messages"}}).at("ok") == true);
    const auto run = run_mqsend(with_namesrv(cluster, {"-t", kTopic, "--input", "json", "--mode", mode, "--json"}), input);
    INFO(run.err);
    REQUIRE(run.exit_code == 0);
    CHECK(run.err.find(std::to_string(kPlacements.size()) + " sharding keys") != std::string::npos);
    for (const json& line : json_lines(run.out)) {
      const auto& expected = kPlacements[static_cast<std::size_t>(line.at("index").get<int>()) % kPlacements.size()];
      INFO(line.dump());
      CHECK(line.at("broker") == expected.broker);
      CHECK(line.at("queueId") == expected.queue_id);
      CHECK(line.at("brokersTried").size() == 1);
    }
    std::map<std::string, std::vector<std::int64_t>> offsets_per_key;  // in stored order
    for (const json& stored : cluster.messages(kTopic)) {
      const std::string body = base64_decode(stored.at("body").get<std::string>());
      const auto& expected = kPlacements[std::stoul(body.substr(0, body.find('/')))];
      INFO(stored.dump());
      CHECK(stored.at("broker") == expected.broker);
      CHECK(stored.at("queue_id") == expected.queue_id);
      offsets_per_key[expected.key].push_back(stored.at("queue_offset").get<std::int64_t>());
      // A remoting producer sets no property for the key (only 5.x proxies set __SHARDINGKEY).
      CHECK_FALSE(stored.at("properties").contains("__SHARDINGKEY"));
    }
    CHECK(offsets_per_key.size() == kPlacements.size());
  }
}

TEST_CASE("ordered: --shard-by keys and tags take the key from the message", "[integration][ordered]") {
  TestCluster cluster = ordered_cluster();
  // -K splits each line into KEYS and body: "hello" -> broker-a queue 2, "k1" -> broker-b queue 2.
  auto run = run_mqsend(with_namesrv(cluster, {"-t", kTopic, "-K", ":", "--shard-by", "keys", "--json"}),
                        "hello:one\nk1:two\nhello:three\n");
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  auto lines = json_lines(run.out);
  REQUIRE(lines.size() == 3);
  CHECK(lines[0].at("queueId") == 2);
  CHECK(lines[0].at("broker") == "broker-a");
  CHECK(lines[1].at("broker") == "broker-b");
  CHECK(lines[1].at("queueId") == 2);
  CHECK(lines[2].at("queueId") == 2);
  run = run_mqsend(with_namesrv(cluster, {"-t", kTopic, "--tags", "k4", "--shard-by", "tags", "--json", "-m", "x"}));
  REQUIRE(run.exit_code == 0);
  CHECK(json_lines(run.out).at(0).at("broker") == "broker-a");
  CHECK(json_lines(run.out).at(0).at("queueId") == 1);
  // A record without keys cannot be placed: it fails alone, the others go.
  run = run_mqsend(with_namesrv(cluster, {"-t", kTopic, "--input", "json", "--shard-by", "keys"}),
                   "{\"body\":\"a\",\"keys\":\"hello\"}\n{\"body\":\"b\"}\n");
  CHECK(run.exit_code == 1);
  CHECK(run.out.find("index=1, code=10104") != std::string::npos);
  CHECK(run.err.find("--shard-by keys: the record has no keys") != std::string::npos);
}

// A broker that runs sends on several threads may store two pipelined sends of one queue in
// either order: only waiting for each answer keeps the order. With every answer 150 ms late,
// the sends of one queue must reach the broker at least that far apart, while other queues
// go meanwhile.
TEST_CASE("ordered: async sends keep one message in flight per queue", "[integration][ordered]") {
  TestCluster cluster = ordered_cluster();
  for (const std::string broker : {"broker-a", "broker-b"}) {
    REQUIRE(cluster.control({{"cmd", "fault"}, {"target", broker}, {"fault", "delay"}, {"ms", 150}}).at("ok") == true);
  }
  std::string input;
  for (int i = 0; i < 4; ++i) {
    for (const std::string key : {"hello", "k1", "k4"}) input += json_record(key + std::to_string(i), key);
  }
  const auto run = run_mqsend(with_namesrv(cluster, {"-t", kTopic, "--input", "json", "--mode", "async", "-q"}), input);
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  std::map<std::string, std::vector<std::int64_t>> arrivals;  // per broker/queue
  for (const json& entry : cluster.log()) {
    if (!entry.contains("queue_id")) continue;
    arrivals[entry.at("target").get<std::string>() + "/" + std::to_string(entry.at("queue_id").get<int>())]
        .push_back(entry.at("time_ms").get<std::int64_t>());
  }
  REQUIRE(arrivals.size() == 3);
  for (const auto& [queue, times] : arrivals) {
    INFO(queue);
    REQUIRE(times.size() == 4);
    for (std::size_t i = 1; i < times.size(); ++i) CHECK(times[i] - times[i - 1] >= 140);
  }
  // The three queues ran side by side: the whole run took about 4 delays, not 12.
  CHECK(run.elapsed < std::chrono::milliseconds(12 * 150));
}

TEST_CASE("ordered: a failed send stops its key, whose later records fail unsent in order", "[integration][ordered]") {
  TestCluster cluster = ordered_cluster();
  // The next send to broker-a fails with a code an unordered send would retry elsewhere.
  REQUIRE(cluster.control({{"cmd", "fault"}, {"target", "broker-a"}, {"fault", "code"}, {"code", "SYSTEM_ERROR"}, {"count", 1}})
              .at("ok") == true);
  std::string input;
  for (int i = 0; i < 3; ++i) input += json_record("hello-" + std::to_string(i), "hello");  // broker-a
  for (int i = 0; i < 3; ++i) input += json_record("k1-" + std::to_string(i), "k1");        // broker-b
  const std::string failed_file = mqsend::test::temp_path("ordered-failed");
  const auto run = run_mqsend(with_namesrv(cluster, {"-t", kTopic, "--input", "json", "--mode", "sync",
                                                     "--json", "--failed-output", failed_file}),
                              input);
  INFO(run.out << run.err);
  CHECK(run.exit_code == 1);
  std::map<int, json> by_index;
  for (const json& line : json_lines(run.out)) by_index[line.at("index").get<int>()] = line;
  REQUIRE(by_index.size() == 6);
  CHECK(by_index[0].at("status") == "FAILED");
  CHECK(by_index[0].at("error").at("code") == 1);
  // Java's sendSelectImpl throws the broker's answer as it is: no "Send [N] times".
  CHECK(by_index[0].at("error").at("message").get<std::string>().rfind("CODE: 1  DESC:", 0) == 0);
  CHECK(by_index[0].at("brokersTried").size() == 1);  // not retried on another queue
  for (int i : {1, 2}) CHECK(by_index[i].at("error").at("name") == "ORDER_KEY_STOPPED");
  for (int i : {3, 4, 5}) CHECK(by_index[i].at("status") == "SEND_OK");
  CHECK(cluster.messages(kTopic).size() == 3);  // k1's three only
  CHECK(cluster.requests_with_code(310) == 4);   // hello-0 once, then k1's three
  // The failed records, in input order: a rerun of the file replays the key in order.
  CHECK(read_file(failed_file) == input.substr(0, input.find("k1-0") - std::string("{\"body\":\"").size()));
}

TEST_CASE("ordered: combinations that cannot keep an order are usage errors", "[integration][ordered]") {
  TestCluster cluster = ordered_cluster();
  const std::vector<std::vector<std::string>> refused = {
      {"--shard-key", "a", "--mode", "oneway"},
      {"--shard-key", "a", "--batch", "8"},
      {"--shard-by", "keys", "--broker", "broker-a", "--queue-id", "0"},
      {"--shard-key", "a", "--shard-by", "tags"},
      {"--shard-by", "body"},
  };
  for (const auto& extra : refused) {
    std::vector<std::string> args{"-t", kTopic, "-m", "x"};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto run = run_mqsend(with_namesrv(cluster, args));
    INFO(run.err);
    CHECK(run.exit_code == 2);
    CHECK(std::count(run.err.begin(), run.err.end(), '\n') <= 2);
  }
  CHECK(cluster.messages(kTopic).empty());
}
