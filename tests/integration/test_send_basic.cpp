// The real mqsend binary against the bundled test cluster: the happy paths of issue 2.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <set>

#include <catch2/catch.hpp>

#include "client/producer/compression.hpp"
#include "harness.hpp"

using mqsend::test::base64_decode;
using mqsend::test::json_lines;
using mqsend::test::run_mqsend;
using mqsend::test::TestCluster;
using mqsend::test::with_namesrv;

TEST_CASE("sync send of one message is stored with tags, keys, properties and delay", "[integration]") {
  // Short delay levels: level 3 waits 300 ms (the real broker: 10 s).
  TestCluster cluster({"--brokers", "2", "--topic", "OrderTopic:4", "--delay-levels",
                       "100ms 200ms 300ms 400ms 500ms 600ms 700ms 800ms 900ms 1s 1s 1s 1s 1s 1s 1s 1s 1s"});
  auto run = run_mqsend(with_namesrv(cluster, {"-t", "OrderTopic", "--tags", "TagA", "--keys",
                                               "k1,k2", "-p", "color=red", "-p", "size=L",
                                               "--delay-level", "3", "-m", "hello"}));
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  CHECK(run.out.rfind("SendResult [sendStatus=SEND_OK, msgId=", 0) == 0);
  CHECK(run.out.find("messageQueue=MessageQueue [topic=OrderTopic, brokerName=broker-") !=
        std::string::npos);

  // As a real broker does: first kept in SCHEDULE_TOPIC_XXXX queue level - 1, with the real
  // topic and queue in REAL_TOPIC / REAL_QID; the answer's queueOffset is that queue's.
  const auto scheduled = cluster.messages("SCHEDULE_TOPIC_XXXX");
  REQUIRE(scheduled.size() == 1);
  CHECK(scheduled[0].at("queue_id") == 2);
  CHECK(scheduled[0].at("properties").at("REAL_TOPIC") == "OrderTopic");
  const std::string real_queue = scheduled[0].at("properties").at("REAL_QID").get<std::string>();
  CHECK(run.out.find("queueId=" + real_queue + "]") != std::string::npos);
  CHECK(run.out.find("queueOffset=0") != std::string::npos);

  // Then delivered to the topic's queue.
  REQUIRE(mqsend::test::wait_until([&] { return cluster.messages("OrderTopic").size() == 1; },
                                   std::chrono::seconds(10)));
  const auto stored = cluster.messages("OrderTopic");
  const auto& message = stored[0];
  CHECK(std::to_string(message.at("queue_id").get<int>()) == real_queue);
  CHECK(base64_decode(message.at("body").get<std::string>()) == "hello");
  CHECK(message.at("sys_flag") == 0);
  const auto& properties = message.at("properties");
  CHECK(properties.at("TAGS") == "TagA");
  CHECK(properties.at("KEYS") == "k1 k2");
  CHECK(properties.at("color") == "red");
  CHECK(properties.at("size") == "L");
  CHECK(properties.at("DELAY") == "3");
  CHECK(properties.at("UNIQ_KEY").get<std::string>().size() == 32);
  CHECK(message.at("producer_group") == "mqsend_producer");
  CHECK(message.at("request_code") == 310);
  // The printed msgId is the UNIQ_KEY the broker stored.
  CHECK(run.out.find("msgId=" + properties.at("UNIQ_KEY").get<std::string>()) != std::string::npos);
}

TEST_CASE("every stdin line is one message, in every mode", "[integration]") {
  const std::string mode = GENERATE("sync", "async", "oneway");
  TestCluster cluster({"--brokers", "2", "--topic", "Lines:1"});
  const std::string input = "one\r\ntwo\n\n\nthree\nfour";
  auto run = run_mqsend(with_namesrv(cluster, {"-t", "Lines", "--mode", mode, "--json"}), input);
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  const auto lines = json_lines(run.out);
  REQUIRE(lines.size() == 4);
  std::set<std::size_t> indexes;
  for (const auto& line : lines) {
    indexes.insert(line.at("index").get<std::size_t>());
    CHECK(line.at("status") == (mode == "oneway" ? "SENT_ONEWAY" : "SEND_OK"));
    CHECK(line.at("msgId").get<std::string>().size() == 32);
    if (mode != "oneway") {
      CHECK(line.at("offsetMsgId").get<std::string>().size() == 32);
      CHECK(line.at("queueOffset").get<long>() >= 0);
    }
  }
  CHECK(indexes == std::set<std::size_t>{0, 1, 2, 3});
  std::vector<std::string> bodies;
  // Oneway frames are written before mqsend exits; the broker has read them by the time it
  // answers the control command on its single I/O thread.
  for (const auto& message : cluster.messages("Lines")) {
    bodies.push_back(base64_decode(message.at("body").get<std::string>()));
  }
  std::sort(bodies.begin(), bodies.end());
  CHECK(bodies == std::vector<std::string>{"four", "one", "three", "two"});
  // One queue per broker: round robin alternates between the two brokers.
  std::set<std::string> brokers;
  for (const auto& line : lines) brokers.insert(line.at("broker").get<std::string>());
  CHECK(brokers.size() == 2);
}

TEST_CASE("a body above the compression threshold is stored compressed and inflates back", "[integration]") {
  TestCluster cluster({"--brokers", "1", "--topic", "Big:4"});
  std::string body;
  while (body.size() < 12000) body += "line " + std::to_string(body.size()) + " of a long body; ";
  auto run = run_mqsend(with_namesrv(cluster, {"-t", "Big", "--json"}), body + "\n" + "small\n");
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  const auto stored = cluster.messages("Big");
  REQUIRE(stored.size() == 2);
  bool saw_compressed = false;
  for (const auto& message : stored) {
    const std::string wire = base64_decode(message.at("body").get<std::string>());
    if (message.at("sys_flag") == 0x301) {
      saw_compressed = true;
      CHECK(wire.size() < body.size());
      auto inflated = mqsend::zlib_decompress(wire, 1 << 20);
      REQUIRE(inflated.ok());
      CHECK(inflated.value() == body);
    } else {
      CHECK(message.at("sys_flag") == 0);
      CHECK(wire == "small");
    }
  }
  CHECK(saw_compressed);
}

TEST_CASE("option --compress-over moves the threshold", "[integration]") {
  TestCluster cluster({"--brokers", "1", "--topic", "Small:1"});
  auto run = run_mqsend(with_namesrv(cluster, {"-t", "Small", "--compress-over", "10", "-m",
                                               "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}));
  REQUIRE(run.exit_code == 0);
  const auto stored = cluster.messages("Small");
  REQUIRE(stored.size() == 1);
  CHECK(stored[0].at("sys_flag") == 0x301);
}

TEST_CASE("an unknown topic is served through the TBW102 default route", "[integration]") {
  TestCluster cluster({"--brokers", "2", "--auto-create-topic"});
  auto run = run_mqsend(with_namesrv(cluster, {"-t", "BrandNewTopic", "--json", "-m", "first"}));
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  const auto lines = json_lines(run.out);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].at("topic") == "BrandNewTopic");
  CHECK(lines[0].at("queueId").get<int>() < 4);  // clamped to defaultTopicQueueNums
  const auto stored = cluster.messages("BrandNewTopic");
  REQUIRE(stored.size() == 1);
  CHECK(base64_decode(stored[0].at("body").get<std::string>()) == "first");
}

TEST_CASE("the binary ROCKETMQ header serialization works end to end", "[integration]") {
  TestCluster cluster({"--brokers", "1", "--topic", "Binary:2"});
  auto run = run_mqsend(with_namesrv(cluster, {"-t", "Binary", "--serialize", "rocketmq",
                                               "--tags", "T", "-m", "bin"}));
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  const auto stored = cluster.messages("Binary");
  REQUIRE(stored.size() == 1);
  CHECK(stored[0].at("properties").at("TAGS") == "T");
}

TEST_CASE("option --file sends the whole file as one binary-safe message", "[integration]") {
  TestCluster cluster({"--brokers", "1", "--topic", "Files:2"});
  const std::string path = "/tmp/mqsend-it-file-" + std::to_string(getpid());
  const std::string content("bin\0ary\nwith\r\nlines", 19);
  {
    FILE* f = fopen(path.c_str(), "wb");
    REQUIRE(f != nullptr);
    fwrite(content.data(), 1, content.size(), f);
    fclose(f);
  }
  auto run = run_mqsend(with_namesrv(cluster, {"-t", "Files", "--file", path}));
  std::remove(path.c_str());
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  const auto stored = cluster.messages("Files");
  REQUIRE(stored.size() == 1);
  CHECK(base64_decode(stored[0].at("body").get<std::string>()) == content);
}

TEST_CASE("NAMESRV_ADDR is used when -n is absent", "[integration]") {
  TestCluster cluster({"--brokers", "1", "--topic", "Env:1"});
  auto run = run_mqsend({"-t", "Env", "-m", "x"}, "", {"NAMESRV_ADDR=" + cluster.namesrv()});
  INFO(run.err);
  CHECK(run.exit_code == 0);
  CHECK(cluster.messages("Env").size() == 1);
}

TEST_CASE("option -q: a run that sent everything is silent, a failing one still reports, --summary keeps it", "[integration]") {
  TestCluster cluster({"--brokers", "1", "--topic", "Quiet:1"});
  auto silent = run_mqsend(with_namesrv(cluster, {"-t", "Quiet", "-q", "-m", "x"}));
  CHECK(silent.exit_code == 0);
  CHECK(silent.out.empty());
  CHECK(silent.err.empty());

  auto with_summary = run_mqsend(with_namesrv(cluster, {"-t", "Quiet", "-q", "--summary", "-m", "x"}));
  CHECK(with_summary.exit_code == 0);
  CHECK(with_summary.out.empty());
  CHECK(with_summary.err.rfind("mqsend: sent 1, failed 0,", 0) == 0);

  auto failing = run_mqsend({"-n", "127.0.0.1:1", "-t", "Quiet", "-q", "-m", "x", "--timeout", "500"});
  INFO(failing.err);
  CHECK(failing.exit_code == 3);
  CHECK(failing.out.empty());
  CHECK(failing.err.find("mqsend: message 0 failed: [10004 NO_NAME_SERVER_EXCEPTION]") != std::string::npos);
  CHECK(failing.err.find("mqsend: sent 0, failed 1,") != std::string::npos);
  CHECK(cluster.messages("Quiet").size() == 2);
}

TEST_CASE("the broker-created topics are routed: the cluster and broker names take messages", "[integration]") {
  // As on a real 4.9.8 broker (TopicConfigManager): no --topic needed for these.
  TestCluster cluster({"--brokers", "2", "--cluster-name", "MyCluster"});
  for (const std::string topic : {"MyCluster", "broker-b"}) {
    auto run = run_mqsend(with_namesrv(cluster, {"-t", topic, "-m", "to " + topic}));
    INFO(run.err);
    CHECK(run.exit_code == 0);
    const auto stored = cluster.messages(topic);
    REQUIRE(stored.size() == 1);
    CHECK(base64_decode(stored[0].at("body").get<std::string>()) == "to " + topic);
  }
  // broker-b's own topic lives on broker-b only.
  CHECK(cluster.messages("broker-b")[0].at("broker") == "broker-b");
}
