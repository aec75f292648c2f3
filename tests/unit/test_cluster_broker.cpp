// The test cluster's broker logic against the frames a real RocketMQ 4.9.8 broker answered.
#include <limits>
#include <set>

#include <catch2/catch.hpp>

#include "client/producer/compression.hpp"
#include "client/producer/properties.hpp"
#include "client/remoting/codes.hpp"
#include "client/remoting/header_codec.hpp"
#include "test_cluster_broker_support.hpp"
#include "testcluster/broker.hpp"
#include "testcluster/name_server.hpp"

using namespace mqsend;
using mqsend::cluster_test::BrokerFixture;
using mqsend::cluster_test::vector_command;

namespace {

std::set<std::string> keys_of(const RemotingCommand& command) {
  std::set<std::string> keys;
  for (const auto& [key, value] : command.ext_fields) keys.insert(key);
  return keys;
}

// Everything but addresses, offsets and timestamps must be as the real broker answered.
void check_like_real(const RemotingCommand& ours, const std::string& name) {
  const RemotingCommand real = vector_command(name + ".resp.bin");
  INFO(name);
  CHECK(ours.code == real.code);
  CHECK(ours.flag == real.flag);
  CHECK(ours.opaque == real.opaque);
  CHECK(ours.language == real.language);
  CHECK(ours.version == real.version);
  CHECK(ours.serialize_type == real.serialize_type);
  CHECK(keys_of(ours) == keys_of(real));
  CHECK(ours.remark == real.remark);
  CHECK(ours.body.empty() == real.body.empty());
  for (const char* key : {"MSG_REGION", "TRACE_ON", "queueId"}) {
    if (real.field(key)) CHECK(*ours.field(key) == *real.field(key));
  }
}

// 7F000001 (127.0.0.1) 00002A9F (10911) then the 16-hex-digit commit-log offset.
void check_msg_id(const std::string& id) {
  CHECK(id.size() == 32);
  CHECK(id.substr(0, 16) == "7F00000100002A9F");
}

}  // namespace

TEST_CASE("broker answers the captured sends like the real broker", "[cluster]") {
  BrokerFixture fixture;
  // Replayed in the order of the capture, so queue offsets match too.
  for (const std::string name : {"send-v2-json", "send-v1-json", "send-v2-rocketmq",
                                 "send-v2-compressed", "send-batch"}) {
    const RemotingCommand response = fixture.answer_vector(name);
    check_like_real(response, name);
    const RemotingCommand real = vector_command(name + ".resp.bin");
    CHECK(*response.field("queueOffset") == *real.field("queueOffset"));
    const std::string& ids = *response.field("msgId");
    if (name == "send-batch") {
      REQUIRE(ids.size() == 3 * 32 + 2);
      for (std::size_t at = 0; at < ids.size(); at += 33) check_msg_id(ids.substr(at, 32));
      CHECK(ids.substr(32, 1) == ",");
    } else {
      check_msg_id(ids);
    }
  }
  // Commit-log offsets grow with every stored message; the ids are all different.
  std::set<std::string> ids;
  for (const StoredMessage& message : fixture.store.messages()) ids.insert(message.msg_id);
  CHECK(ids.size() == 7);
  CHECK(fixture.broker->commit_log_offset() > 0);
}

TEST_CASE("broker answers a ROCKETMQ-serialized send in the binary form", "[cluster]") {
  BrokerFixture fixture;
  const RemotingCommand response = fixture.answer_vector("send-v2-rocketmq");
  CHECK(response.serialize_type == SerializeType::kRocketMQ);
  check_like_real(response, "send-v2-rocketmq");
}

TEST_CASE("broker stores each message as received", "[cluster]") {
  BrokerFixture fixture;
  fixture.answer_vector("send-v2-json");
  fixture.answer_vector("send-v2-compressed");
  fixture.answer_vector("send-batch");
  const auto& messages = fixture.store.messages();
  REQUIRE(messages.size() == 5);

  const StoredMessage& plain = messages[0];
  CHECK(plain.broker == "broker-a");
  CHECK(plain.topic == "VecTopic");
  CHECK(plain.queue_id == 0);
  CHECK(plain.queue_offset == 0);
  CHECK(plain.body == "hello");
  CHECK(plain.producer_group == "VectorPG");
  CHECK(plain.born_timestamp == 1795295216320);
  CHECK(plain.request_code == 310);
  const auto properties = decode_properties(plain.properties);
  CHECK(properties.at("KEYS") == "k1 k2");
  CHECK(properties.at("color") == "blue");
  CHECK(properties.at("UNIQ_KEY") == "7F0000010001AABBCCDD00000000AA01");

  const StoredMessage& compressed = messages[1];
  CHECK(compressed.sys_flag == 0x301);
  CHECK(compressed.body == vector_command("send-v2-compressed.req.bin").body);
  auto inflated = zlib_decompress(compressed.body, 1 << 20);
  REQUIRE(inflated.ok());
  CHECK(inflated.value().size() == 12000);

  // The batch is split into its members, each with its own properties and offsets.
  std::set<std::string> uniq_keys;
  for (std::size_t i = 2; i < 5; ++i) {
    CHECK(messages[i].request_code == 320);
    CHECK(messages[i].queue_id == 0);
    CHECK(messages[i].queue_offset == static_cast<std::int64_t>(i - 1));
    CHECK(messages[i].body == "batch-" + std::to_string(i - 2));
    uniq_keys.insert(decode_properties(messages[i].properties).at("UNIQ_KEY"));
  }
  CHECK(uniq_keys.size() == 3);

  const auto json = MessageStore::to_json(plain);
  CHECK(json.at("body") == "aGVsbG8=");
  CHECK(json.at("properties").at("TAGS") == "TagA");
  CHECK(json.at("sys_flag") == 0);
}

TEST_CASE("broker refuses a queueId out of range like the real broker", "[cluster]") {
  BrokerFixture fixture;
  // The capture's producer was 127.0.0.1:40476: the whole remark matches.
  check_like_real(fixture.answer_vector("send-bad-queue"), "send-bad-queue");
  CHECK(fixture.store.messages().empty());
}

TEST_CASE("broker auto-creates a topic sent with defaultTopic TBW102", "[cluster]") {
  BrokerFixture fixture;
  check_like_real(fixture.answer_vector("send-autocreate"), "send-autocreate");
  const TopicConfig* created = fixture.broker->find_topic("VecAutoCreated16320");
  REQUIRE(created != nullptr);
  CHECK(created->write_queue_nums == 4);  // min(header d = 4, TBW102's 8)
  CHECK(created->perm == 6);              // TBW102's 7 without the inherit bit
  auto route = fixture.name_server.route("VecAutoCreated16320");
  REQUIRE(route.has_value());
  CHECK(route->queue_datas.at(0).write_queue_nums == 4);
}

TEST_CASE("broker without auto-create answers TOPIC_NOT_EXIST for unknown topics", "[cluster]") {
  BrokerFixture fixture(false);
  const RemotingCommand response = fixture.answer_vector("send-autocreate");
  CHECK(response.code == response_code::kTopicNotExist);
  CHECK(*response.remark ==
        "topic[VecAutoCreated16320] not exist, apply first please!\n"
        "See http://rocketmq.apache.org/docs/faq/ for further details.");
  CHECK(response.field("MSG_REGION") != nullptr);
  CHECK(fixture.broker->find_topic("VecAutoCreated16320") == nullptr);
}

TEST_CASE("broker refuses an oversize body with the real MESSAGE_ILLEGAL remark", "[cluster]") {
  BrokerFixture fixture;
  RemotingCommand request = vector_command("send-v2-json.req.bin");
  request.opaque = 112;
  request.body.assign(4718592, 'x');  // 4.5 MiB as in the capture
  check_like_real(fixture.answer(request), "send-oversize");
  CHECK(fixture.store.total_added() == 0);
}

TEST_CASE("broker answers heartbeat and unknown codes like the real broker", "[cluster]") {
  BrokerFixture fixture;
  check_like_real(fixture.answer_vector("heartbeat"), "heartbeat");
  CHECK(fixture.broker->status().at("clients").at("127.0.0.1@vectors")[0] == "VectorPG");
  check_like_real(fixture.answer_vector("unknown-request"), "unknown-request");

  RemotingCommand unregister = RemotingCommand::request(request_code::kUnregisterClient);
  unregister.ext_fields = {{"clientID", "127.0.0.1@vectors"}, {"producerGroup", "VectorPG"}};
  const RemotingCommand unregistered = fixture.answer(unregister);
  CHECK(unregistered.code == response_code::kSuccess);
  CHECK(fixture.broker->status().at("clients").empty());
  // A response built from an empty custom header: "extFields":{} on the wire, as 4.9.8 writes.
  std::string header;
  encode_json_header(unregistered, header);
  CHECK(header.find("\"extFields\":{}") != std::string::npos);
}

TEST_CASE("broker applies the other 4.9 send checks", "[cluster]") {
  BrokerFixture fixture;
  using mqsend::cluster_test::send_request;

  RemotingCommand response = fixture.answer(send_request("bad topic!", 0, 1));
  CHECK(response.code == response_code::kSystemError);
  CHECK(*response.remark ==
        "The specified topic contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$");

  response = fixture.answer(send_request("SCHEDULE_TOPIC_XXXX", 0, 2));
  CHECK(response.code == response_code::kNoPermission);
  CHECK(*response.remark == "Sending message to topic[SCHEDULE_TOPIC_XXXX] is forbidden.");

  // A negative queueId makes the broker pick a writable queue.
  response = fixture.answer(send_request("VecTopic", -1, 3));
  REQUIRE(response.code == response_code::kSuccess);
  const int picked = std::stoi(*response.field("queueId"));
  CHECK(picked >= 0);
  CHECK(picked < 4);

  // A request missing a header field every send dereferences: the Java exception's SYSTEM_ERROR.
  RemotingCommand incomplete = send_request("VecTopic", 0, 4);
  incomplete.ext_fields.erase("h");
  response = fixture.answer(incomplete);
  CHECK(response.code == response_code::kSystemError);
  CHECK(response.remark->rfind("java.lang.NullPointerException, ", 0) == 0);
}

TEST_CASE("broker obeys --max-message-size", "[cluster]") {
  MessageStore store(10);
  FaultState faults;
  BrokerConfig config;
  config.name = "broker-a";
  config.max_message_size = 1024;
  asio::io_context io;
  Broker broker(config, store, faults, nullptr, io);
  TopicConfig topic;
  topic.name = "T";
  topic.read_queue_nums = topic.write_queue_nums = 1;
  broker.put_topic(topic);
  // The limit is on the body alone (the record may be 64 KiB larger).
  auto at_limit = broker.handle(mqsend::cluster_test::send_request("T", 0, 1, std::string(1024, 'x')), "p", 0);
  CHECK(at_limit->code == response_code::kSuccess);
  auto large = broker.handle(mqsend::cluster_test::send_request("T", 0, 2, std::string(1025, 'x')), "p", 0);
  REQUIRE(large->code == response_code::kMessageIllegal);
  CHECK(large->remark->find("msg body length limit 1024B") != std::string::npos);
}

TEST_CASE("broker does not answer oneway sends but stores them", "[cluster]") {
  BrokerFixture fixture;
  RemotingCommand request = mqsend::cluster_test::send_request("VecTopic", 1, 7);
  request.flag = kOnewayFlag;
  CHECK_FALSE(fixture.broker->handle(request, "p", 0).has_value());
  CHECK(fixture.store.messages().size() == 1);
  // An unknown code goes to the default processor, AdminBrokerProcessor, whose answer to a
  // oneway request is not written either.
  RemotingCommand unknown = RemotingCommand::request(9999);
  unknown.flag = kOnewayFlag;
  CHECK_FALSE(fixture.broker->handle(unknown, "p", 0).has_value());
}

TEST_CASE("broker forces injected response codes on the next sends", "[cluster]") {
  BrokerFixture fixture;
  using mqsend::cluster_test::send_request;

  fixture.faults.apply({FaultKind::kCode, response_code::kFlushDiskTimeout, 1});
  RemotingCommand response = fixture.answer(send_request("VecTopic", 0, 1));
  // Stored, with the full send header, like the real broker.
  CHECK(response.code == response_code::kFlushDiskTimeout);
  CHECK(response.field("msgId") != nullptr);
  CHECK(response.field("queueOffset") != nullptr);
  CHECK(fixture.store.messages().size() == 1);
  CHECK(fixture.answer(send_request("VecTopic", 0, 2)).code == response_code::kSuccess);

  fixture.faults.apply({FaultKind::kCode, response_code::kSystemBusy, 2});
  for (int i = 0; i < 2; ++i) {
    response = fixture.answer(send_request("VecTopic", 0, 3 + i));
    CHECK(response.code == response_code::kSystemBusy);
    CHECK(*response.remark == "[REJECTREQUEST]system busy, start flow control for a while");
  }
  CHECK(fixture.answer(send_request("VecTopic", 0, 5)).code == response_code::kSuccess);

  fixture.faults.apply({FaultKind::kCode, response_code::kServiceNotAvailable, std::nullopt});
  for (int i = 0; i < 3; ++i) {
    response = fixture.answer(send_request("VecTopic", 0, 6 + i));
    CHECK(response.code == response_code::kServiceNotAvailable);
    CHECK(response.field("msgId") == nullptr);
  }
  // Heartbeats are not sends: they are never forced.
  CHECK(fixture.answer_vector("heartbeat").code == response_code::kSuccess);
  CHECK(fixture.store.messages().size() == 3);
}

TEST_CASE("a slave broker refuses sends", "[cluster]") {
  MessageStore store(10);
  FaultState faults;
  BrokerConfig config;
  config.name = "broker-a";
  config.slave = true;
  asio::io_context io;
  Broker slave(config, store, faults, nullptr, io);
  auto response = slave.handle(vector_command("send-v2-json.req.bin"), "p", 0);
  CHECK(response->code == response_code::kServiceNotAvailable);
  CHECK(store.messages().empty());
}

TEST_CASE("UPDATE_AND_CREATE_TOPIC creates the topic and registers its route", "[cluster]") {
  BrokerFixture fixture;
  RemotingCommand create = RemotingCommand::request(request_code::kUpdateAndCreateTopic);
  create.ext_fields = {{"topic", "Created"},        {"defaultTopic", "TBW102"},
                       {"readQueueNums", "3"},      {"writeQueueNums", "2"},
                       {"perm", "6"},               {"topicFilterType", "SINGLE_TAG"},
                       {"topicSysFlag", "0"},       {"order", "false"}};
  const RemotingCommand created = fixture.answer(create);
  CHECK(created.code == response_code::kSuccess);
  CHECK(*created.remark == "not set any response code");  // createResponseCommand's default
  auto route = fixture.name_server.route("Created");
  REQUIRE(route.has_value());
  CHECK(route->queue_datas.at(0).read_queue_nums == 3);
  CHECK(route->queue_datas.at(0).write_queue_nums == 2);

  create.ext_fields["topic"] = "TBW102";
  RemotingCommand refused = fixture.answer(create);
  CHECK(refused.code == response_code::kSystemError);
  CHECK(*refused.remark == "The topic[TBW102] is conflict with system topic.");
  // The cluster and broker names are system topics too (TopicConfigManager.addSystemTopic).
  for (const char* name : {"DefaultCluster", "broker-a", "DefaultCluster_REPLY_TOPIC"}) {
    create.ext_fields["topic"] = name;
    CHECK(*fixture.answer(create).remark ==
          "The topic[" + std::string(name) + "] is conflict with system topic.");
  }

  create.ext_fields["topic"] = "Other";
  create.ext_fields.erase("perm");
  CHECK(fixture.answer(create).code == response_code::kSystemError);
}

TEST_CASE("the broker creates the 4.9.8 system topics and routes them", "[cluster]") {
  struct Expected {
    const char* topic;
    int queues;
    int perm;
  };
  for (const bool auto_create : {true, false}) {
    BrokerFixture fixture(auto_create);
    INFO("auto-create " << auto_create);
    const Expected expected[] = {{"SELF_TEST_TOPIC", 1, 6},     {"DefaultCluster", 16, 7},
                                 {"broker-a", 1, 7},            {"OFFSET_MOVED_EVENT", 1, 6},
                                 {"SCHEDULE_TOPIC_XXXX", 18, 6}, {"DefaultCluster_REPLY_TOPIC", 1, 6},
                                 {"TBW102", 8, 7},              {"BenchmarkTest", 1024, 6}};
    for (const Expected& topic : expected) {
      INFO(topic.topic);
      const bool needs_auto_create = std::string(topic.topic) == "TBW102" ||
                                     std::string(topic.topic) == "BenchmarkTest";
      auto route = fixture.name_server.route(topic.topic);
      if (needs_auto_create && !auto_create) {
        CHECK_FALSE(route.has_value());
        continue;
      }
      REQUIRE(route.has_value());
      CHECK(route->queue_datas.at(0).write_queue_nums == topic.queues);
      CHECK(route->queue_datas.at(0).perm == topic.perm);
    }
    // The cluster topic has the inherit bit: a defaultTopic for auto-creation, whatever the
    // autoCreateTopicEnable setting.
    RemotingCommand request = mqsend::cluster_test::send_request("FromCluster", 0, 1);
    request.ext_fields["c"] = "DefaultCluster";
    CHECK(fixture.answer(request).code == response_code::kSuccess);
    const TopicConfig* created = fixture.broker->find_topic("FromCluster");
    REQUIRE(created != nullptr);
    CHECK(created->write_queue_nums == 4);  // min(d = 4, 16)
    CHECK(created->perm == 6);
  }
}

TEST_CASE("a heartbeat with an empty or non-JSON body is a Java exception", "[cluster]") {
  BrokerFixture fixture;
  RemotingCommand heartbeat = RemotingCommand::request(request_code::kHeartBeat);
  RemotingCommand response = fixture.answer(heartbeat);
  CHECK(response.code == response_code::kSystemError);
  CHECK(response.remark->rfind("java.lang.NullPointerException, ", 0) == 0);
  heartbeat.body = "not json";
  response = fixture.answer(heartbeat);
  CHECK(response.code == response_code::kSystemError);
  CHECK(response.remark->rfind("com.alibaba.fastjson.JSONException: ", 0) == 0);
  heartbeat.flag = kOnewayFlag;
  CHECK_FALSE(fixture.broker->handle(heartbeat, "p", 0).has_value());
}

TEST_CASE("GET_MAX_OFFSET answers a queue's next offset", "[cluster]") {
  BrokerFixture fixture;
  for (int i = 0; i < 2; ++i) fixture.answer(mqsend::cluster_test::send_request("VecTopic", 1, i));
  RemotingCommand request = RemotingCommand::request(broker_request_code::kGetMaxOffset);
  request.ext_fields = {{"topic", "VecTopic"}, {"queueId", "1"}};
  RemotingCommand response = fixture.answer(request);
  CHECK(response.code == response_code::kSuccess);
  CHECK(*response.field("offset") == "2");
  request.ext_fields["topic"] = "Unknown";
  CHECK(*fixture.answer(request).field("offset") == "0");
  request.ext_fields.erase("queueId");
  response = fixture.answer(request);
  CHECK(response.code == response_code::kSystemError);
  CHECK(response.remark->rfind("java.lang.NullPointerException, ", 0) == 0);
}
