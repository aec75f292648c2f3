// --trace: the Java client's message trace (enableMsgTrace, apache/rocketmq 4.9.8
// SendMessageTraceHookImpl + AsyncTraceDispatcher), read back from the cluster's store and
// decoded field by field as TraceDataEncoder.decoderFromTraceDataString does.
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "harness.hpp"

using mqsend::test::base64_decode;
using mqsend::test::run_mqsend;
using mqsend::test::TestCluster;
using mqsend::test::with_namesrv;
using json = nlohmann::json;

namespace {

constexpr const char* kTraceTopic = "RMQ_SYS_TRACE_TOPIC";

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::string part;
  for (char c : text) {
    if (c == separator) {
      parts.push_back(part);
      part.clear();
    } else {
      part += c;
    }
  }
  if (!part.empty()) parts.push_back(part);
  return parts;
}

// A Pub record's fields by name (the encoder's order).
using TraceRecord = std::map<std::string, std::string>;

TraceRecord decode_pub(const std::string& record) {
  static const char* const kNames[] = {"type",    "timestamp",  "region", "group",    "topic",
                                       "msgId",   "tags",       "keys",   "storeHost", "bodyLength",
                                       "costTime", "msgType",   "offsetMsgId", "success"};
  const auto fields = split(record, '\x01');
  REQUIRE(fields.size() == 14);
  TraceRecord decoded;
  for (std::size_t i = 0; i < fields.size(); ++i) decoded[kNames[i]] = fields[i];
  return decoded;
}

// Every record of every trace message stored in `topic`.
std::vector<TraceRecord> trace_records(const TestCluster& cluster, const std::string& topic = kTraceTopic) {
  std::vector<TraceRecord> records;
  for (const auto& message : cluster.messages(topic)) {
    // Over 4 KiB the trace producer compresses, as Java's does (compressMsgBodyOverHowmuch).
    const char* field = message.contains("body_decoded") ? "body_decoded" : "body";
    const std::string body = base64_decode(message.at(field).get<std::string>());
    REQUIRE(body.back() == '\x02');
    for (const auto& record : split(body, '\x02')) records.push_back(decode_pub(record));
  }
  return records;
}

// The stored messages of `topic` by UNIQ_KEY.
std::map<std::string, json> stored_by_msg_id(const TestCluster& cluster, const std::string& topic) {
  std::map<std::string, json> stored;
  for (const auto& message : cluster.messages(topic)) {
    stored[message.at("properties").at("UNIQ_KEY").get<std::string>()] = message;
  }
  return stored;
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void check_matches_stored(const TraceRecord& record, const json& stored, const TestCluster& cluster) {
  CHECK(record.at("type") == "Pub");
  CHECK(record.at("region") == "DefaultRegion");
  CHECK(record.at("group") == "mqsend_producer");
  CHECK(record.at("storeHost") == cluster.broker_addr(stored.at("broker").get<std::string>()));
  CHECK(record.at("offsetMsgId") == stored.at("msg_id").get<std::string>());
  CHECK(record.at("bodyLength") == std::to_string(stored.at("body_size").get<std::size_t>()));
  CHECK(std::stoll(record.at("costTime")) >= 0);
  CHECK(record.at("msgType") == "0");
  CHECK(record.at("success") == "true");
}

}  // namespace

TEST_CASE("option --trace: a sync send's trace record names the message, its broker and its ids", "[integration][trace]") {
  TestCluster cluster;
  const std::int64_t before = now_ms();
  auto run = run_mqsend(with_namesrv(cluster, {"-t", "Traced", "--tags", "TagA", "--keys", "k1,k2", "--trace",
                                               "-m", "hello", "-m", "world!"}));
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  const auto stored = stored_by_msg_id(cluster, "Traced");
  REQUIRE(stored.size() == 2);
  // Closing waits for the trace sends' answers: they are stored when mqsend has exited.
  const auto records = trace_records(cluster);
  REQUIRE(records.size() == 2);
  for (const auto& record : records) {
    INFO(record.at("msgId"));
    REQUIRE(stored.count(record.at("msgId")) == 1);
    check_matches_stored(record, stored.at(record.at("msgId")), cluster);
    CHECK(record.at("topic") == "Traced");
    CHECK(record.at("tags") == "TagA");
    CHECK(record.at("keys") == "k1 k2");
    CHECK(std::stoll(record.at("timestamp")) >= before);
    CHECK(std::stoll(record.at("timestamp")) <= now_ms());
  }
  // The trace message: sent by the trace producer's own group, keyed by the traced msgIds and keys.
  const auto trace_messages = cluster.messages(kTraceTopic);
  REQUIRE(trace_messages.size() == 1);  // both records within the 500 ms batch window
  const json& trace = trace_messages[0];
  CHECK(trace.at("producer_group").get<std::string>().rfind("_INNER_TRACE_PRODUCER-mqsend_producer-PRODUCE-", 0) == 0);
  CHECK(trace.at("properties").count("TAGS") == 0);
  const std::string keys = trace.at("properties").at("KEYS").get<std::string>();
  for (const auto& [msg_id, message] : stored) CHECK(keys.find(msg_id) != std::string::npos);
  CHECK(keys.find("k1 k2") != std::string::npos);
}

TEST_CASE("option --trace: every async send gets one trace record", "[integration][trace]") {
  TestCluster cluster;
  std::string input;
  for (int i = 0; i < 50; ++i) input += "message " + std::to_string(i) + "\n";
  auto run = run_mqsend(with_namesrv(cluster, {"-t", "TracedAsync", "--mode", "async", "--trace"}), input);
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  const auto stored = stored_by_msg_id(cluster, "TracedAsync");
  REQUIRE(stored.size() == 50);
  const auto records = trace_records(cluster);
  REQUIRE(records.size() == 50);
  std::map<std::string, int> seen;
  for (const auto& record : records) {
    REQUIRE(stored.count(record.at("msgId")) == 1);
    check_matches_stored(record, stored.at(record.at("msgId")), cluster);
    CHECK(record.at("tags") == "null");  // Java writes the absent tags and keys as null
    CHECK(record.at("keys") == "null");
    ++seen[record.at("msgId")];
  }
  CHECK(seen.size() == 50);
}

TEST_CASE("option --trace: oneway sends get no trace record, as Java's hook needs a SendResult", "[integration][trace]") {
  TestCluster cluster;
  auto run = run_mqsend(with_namesrv(cluster, {"-t", "TracedOneway", "--mode", "oneway", "--trace", "-m", "a", "-m", "b"}));
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  REQUIRE(mqsend::test::wait_until([&] { return cluster.messages("TracedOneway").size() == 2; },
                                   std::chrono::seconds(10)));
  CHECK(cluster.messages(kTraceTopic).empty());
}

TEST_CASE("option --trace: a batch is traced once, with the members' msgIds", "[integration][trace]") {
  TestCluster cluster;
  auto run = run_mqsend(with_namesrv(cluster, {"-t", "TracedBatch", "--batch", "3", "--trace", "--keys", "bk"}),
                        "one\ntwo\nthree\n");
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  const auto members = cluster.messages("TracedBatch");
  REQUIRE(members.size() == 3);
  std::string msg_ids;
  std::string offset_msg_ids;
  for (const auto& member : members) {
    if (!msg_ids.empty()) msg_ids += ',', offset_msg_ids += ',';
    msg_ids += member.at("properties").at("UNIQ_KEY").get<std::string>();
    offset_msg_ids += member.at("msg_id").get<std::string>();
  }
  const auto records = trace_records(cluster);
  REQUIRE(records.size() == 1);
  const auto& record = records[0];
  CHECK(record.at("msgId") == msg_ids);
  CHECK(record.at("offsetMsgId") == offset_msg_ids);
  CHECK(record.at("topic") == "TracedBatch");
  CHECK(record.at("tags") == "null");  // a MessageBatch has no tags or keys of its own
  CHECK(record.at("keys") == "null");
  CHECK(record.at("storeHost") == cluster.broker_addr(members[0].at("broker").get<std::string>()));
  CHECK(record.at("success") == "true");
  CHECK(std::stoul(record.at("bodyLength")) > 3 + 3 + 5);  // the encoded batch, not the bodies
}

TEST_CASE("option --trace: a stored-with-warning send is traced with success false, a failed one not at all",
          "[integration][trace]") {
  TestCluster cluster({"--brokers", "1", "--auto-create-topic"});
  const json warn = {{"cmd", "fault"}, {"target", "broker-a"}, {"fault", "code"}, {"code", "FLUSH_DISK_TIMEOUT"}, {"count", 1}};
  REQUIRE(cluster.control(warn).at("ok") == true);
  auto warned = run_mqsend(with_namesrv(cluster, {"-t", "TracedWarn", "--trace", "-m", "x"}));
  INFO(warned.err);
  REQUIRE(warned.exit_code == 0);
  auto records = trace_records(cluster);
  REQUIRE(records.size() == 1);
  CHECK(records[0].at("success") == "false");
  CHECK(records[0].at("topic") == "TracedWarn");

  // An error answer throws in Java's sendKernelImpl: sendMessageAfter sees no SendResult.
  const json refuse = {{"cmd", "fault"}, {"target", "broker-a"}, {"fault", "code"}, {"code", "MESSAGE_ILLEGAL"}, {"count", 1}};
  REQUIRE(cluster.control(refuse).at("ok") == true);
  auto failed = run_mqsend(with_namesrv(cluster, {"-t", "TracedWarn", "--trace", "-m", "y"}));
  CHECK(failed.exit_code != 0);
  CHECK(trace_records(cluster).size() == 1);
}

TEST_CASE("option --trace-topic: records go to that topic, and a failed trace send fails no record", "[integration][trace]") {
  SECTION("a topic of its own") {
    TestCluster cluster;
    auto run = run_mqsend(with_namesrv(cluster, {"-t", "T", "--trace-topic", "MyTrace", "-m", "a"}));
    INFO(run.err);
    REQUIRE(run.exit_code == 0);
    CHECK(trace_records(cluster, "MyTrace").size() == 1);
    CHECK(cluster.messages(kTraceTopic).empty());
  }
  SECTION("a trace topic no broker has") {
    TestCluster cluster({"--brokers", "2", "--topic", "T:4"});  // no auto-creation: the trace topic has no route
    auto run = run_mqsend(with_namesrv(cluster, {"-t", "T", "--trace", "-m", "a", "-m", "b"}));
    INFO(run.err);
    CHECK(run.exit_code == 0);
    CHECK(cluster.messages("T").size() == 2);
    CHECK(mqsend::test::count_occurrences(run.err, "trace messages failed") == 1);
  }
}
