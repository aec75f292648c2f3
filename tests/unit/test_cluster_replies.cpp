// Request-reply on the test cluster's broker as ReplyMessageProcessor (4.9.8) does it: a
// SEND_REPLY_MESSAGE(_V2) is pushed to the requester's channel (REPLY_TO_CLIENT, findChannel) as
// PUSH_REPLY_MESSAGE_TO_CLIENT, stored in <cluster>_REPLY_TOPIC, and the replier answered once
// the push is; and the cluster's own responder (--auto-reply, the control command `reply`).
#include <string>

#include <catch2/catch.hpp>

#include "client/producer/properties.hpp"
#include "client/remoting/codes.hpp"
#include "test_cluster_broker_support.hpp"
#include "test_cluster_client_link.hpp"

using namespace mqsend;
using mqsend::cluster_test::BrokerFixture;
using mqsend::cluster_test::producer_heartbeat;
using mqsend::cluster_test::RecordingLink;
using mqsend::cluster_test::send_request;

namespace {

constexpr const char* kReplyTopic = "DefaultCluster_REPLY_TOPIC";
constexpr const char* kRequesterPeer = "127.0.0.1:50001";
constexpr const char* kReplierPeer = "127.0.0.1:50002";
constexpr std::int64_t kNow = 1700000000000;

struct ReplyFixture : BrokerFixture {
  explicit ReplyFixture(BrokerConfig config = BrokerFixture::config()) : BrokerFixture(std::move(config)) {
    broker->set_client_link(&link);
    link.connected = {kRequesterPeer, kReplierPeer};
    answer(producer_heartbeat("REQUESTER", "RequestPG"), kRequesterPeer);
  }
  nlohmann::json replies() const { return broker->status().at("replies"); }
  RecordingLink link;
};

// A replying consumer's SEND_REPLY_MESSAGE_V2 (the letters of SEND_MESSAGE_V2).
RemotingCommand reply_v2(const std::string& reply_to, std::int32_t opaque = 9) {
  RemotingCommand request = send_request(kReplyTopic, 0, opaque, "answer");
  request.code = broker_request_code::kSendReplyMessageV2;
  request.ext_fields["a"] = "ReplierPG";
  request.ext_fields["i"] = "CORRELATION_ID\x01" "C-1\x02MSG_TYPE\x01reply\x02REPLY_TO_CLIENT\x01" +
                            reply_to + "\x02TTL\x01" "3000\x02";
  return request;
}

// The same reply with SEND_REPLY_MESSAGE's long field names.
RemotingCommand reply_v1(const std::string& reply_to) {
  const RemotingCommand v2 = reply_v2(reply_to);
  RemotingCommand request = RemotingCommand::request(broker_request_code::kSendReplyMessage);
  request.opaque = v2.opaque;
  request.body = v2.body;
  const std::pair<const char*, const char*> names[] = {
      {"a", "producerGroup"}, {"b", "topic"},     {"c", "defaultTopic"}, {"d", "defaultTopicQueueNums"},
      {"e", "queueId"},       {"f", "sysFlag"},   {"g", "bornTimestamp"}, {"h", "flag"},
      {"i", "properties"},    {"j", "reconsumeTimes"}, {"k", "unitMode"}};
  for (const auto& [letter, name] : names) request.ext_fields[name] = v2.ext_fields.at(letter);
  return request;
}

RemotingCommand acknowledgement(int code) {
  RemotingCommand response;
  response.code = code;
  response.flag = kResponseFlag;
  return response;
}

}  // namespace

TEST_CASE("SEND_REPLY_MESSAGE(_V2) is pushed to the requester and answered once the push is",
          "[cluster][reply]") {
  for (const bool v2 : {true, false}) {
    DYNAMIC_SECTION((v2 ? "V2" : "V1")) {
      ReplyFixture fixture;
      const RemotingCommand reply = v2 ? reply_v2("REQUESTER") : reply_v1("REQUESTER");
      CHECK_FALSE(fixture.broker->handle(reply, kReplierPeer, kNow).has_value());  // answered later
      REQUIRE(fixture.link.requests.size() == 1);
      auto& push = fixture.link.requests[0];
      CHECK(push.peer == kRequesterPeer);
      CHECK(push.timeout == std::chrono::milliseconds(10000));
      REQUIRE(push.on_response);
      CHECK(push.request.code == 326);
      CHECK(push.request.serialize_type == SerializeType::kJson);
      CHECK(push.request.body == "answer");
      const std::string properties = *push.request.field("properties");
      CHECK(push.request.ext_fields == std::map<std::string, std::string>{
                                           {"producerGroup", "ReplierPG"},
                                           {"topic", kReplyTopic},
                                           {"defaultTopic", "TBW102"},
                                           {"defaultTopicQueueNums", "4"},
                                           {"queueId", "0"},
                                           {"sysFlag", "0"},
                                           {"bornTimestamp", "1700000000000"},
                                           {"flag", "0"},
                                           {"properties", properties},
                                           {"reconsumeTimes", "0"},
                                           {"unitMode", "false"},
                                           {"bornHost", "/127.0.0.1:50002"},
                                           {"storeHost", "/127.0.0.1:10911"},
                                           {"storeTimestamp", "1700000000000"}});
      const auto pushed_properties = decode_properties(properties);
      CHECK(pushed_properties.at("PUSH_REPLY_TIME") == "1700000000000");
      CHECK(pushed_properties.at("CORRELATION_ID") == "C-1");
      CHECK(fixture.messages_of(kReplyTopic).empty());  // stored after the push

      push.on_response(acknowledgement(response_code::kSuccess));
      REQUIRE(fixture.link.responses.size() == 1);
      const auto& answered = fixture.link.responses[0];
      CHECK(answered.peer == kReplierPeer);
      CHECK(answered.response.opaque == 9);
      CHECK(answered.response.code == response_code::kSuccess);
      CHECK_FALSE(answered.response.remark.has_value());
      const auto stored = fixture.messages_of(kReplyTopic);
      REQUIRE(stored.size() == 1);
      CHECK(stored[0].body == "answer");
      CHECK(decode_properties(stored[0].properties).count("PUSH_REPLY_TIME") == 0);
      CHECK(*answered.response.field("msgId") == stored[0].msg_id);
      CHECK(*answered.response.field("queueOffset") == "0");
      CHECK(fixture.replies().at("pushed") == 1);
      CHECK(fixture.replies().at("stored") == 1);
    }
  }
}

TEST_CASE("a push the requester refuses or leaves unanswered fails the reply, which is stored",
          "[cluster][reply]") {
  ReplyFixture fixture;
  fixture.broker->handle(reply_v2("REQUESTER", 1), kReplierPeer, kNow);
  fixture.broker->handle(reply_v2("REQUESTER", 2), kReplierPeer, kNow);
  REQUIRE(fixture.link.requests.size() == 2);
  fixture.link.requests[0].on_response(acknowledgement(response_code::kSystemError));
  fixture.link.requests[1].on_response(std::nullopt);  // the timeout
  REQUIRE(fixture.link.responses.size() == 2);
  for (const auto& answered : fixture.link.responses) {
    CHECK(answered.response.code == response_code::kSystemError);
    CHECK(answered.response.remark == "push reply message to REQUESTERfail.");
    CHECK(answered.response.field("msgId") != nullptr);  // stored all the same
  }
  CHECK(fixture.messages_of(kReplyTopic).size() == 2);
  CHECK(fixture.replies().at("push_failed") == 2);
}

TEST_CASE("a reply for a client without a channel is refused at once, with Java's remarks",
          "[cluster][reply]") {
  BrokerConfig config = BrokerFixture::config();
  config.store_reply_messages = false;
  ReplyFixture fixture(config);
  RemotingCommand unknown = fixture.answer(reply_v2("NOBODY"), kReplierPeer);
  CHECK(unknown.code == response_code::kSystemError);
  CHECK(unknown.remark == "push reply message fail, channel of <NOBODY> not found.");
  CHECK(unknown.field("msgId") == nullptr);  // not stored: nothing to name

  RemotingCommand no_target = reply_v2("X");
  no_target.ext_fields["i"] = "CORRELATION_ID\x01" "C-1\x02";
  CHECK(fixture.answer(no_target, kReplierPeer).remark ==
        "reply message properties[REPLY_TO_CLIENT] is null");

  // The requester's connection is gone.
  fixture.broker->channel_closed(kRequesterPeer);
  CHECK(fixture.answer(reply_v2("REQUESTER"), kReplierPeer).remark ==
        "push reply message fail, channel of <REQUESTER> not found.");
  CHECK(fixture.link.requests.empty());
  CHECK(fixture.messages_of(kReplyTopic).empty());
  CHECK(fixture.replies().at("push_failed") == 3);
}

TEST_CASE("auto-reply answers a stored request with an echo reply after the delay",
          "[cluster][reply]") {
  BrokerConfig config = BrokerFixture::config();
  config.auto_reply_delay = std::chrono::milliseconds(20);
  ReplyFixture fixture(config);
  RemotingCommand request = send_request("VecTopic", 1, 3, "ping");
  request.ext_fields["i"] =
      "CORRELATION_ID\x01" "C-7\x02REPLY_TO_CLIENT\x01REQUESTER\x02TTL\x01" "3000\x02";
  fixture.answer(request, kRequesterPeer);
  fixture.answer(send_request("VecTopic", 1, 4, "no request"), kRequesterPeer);
  CHECK(fixture.replies().at("auto_replies_pending") == 1);
  REQUIRE(fixture.run_until([&] { return !fixture.link.requests.empty(); }));

  const auto& push = fixture.link.requests[0];
  CHECK(push.peer == kRequesterPeer);
  CHECK(push.request.body == "ping");
  CHECK(*push.request.field("topic") == kReplyTopic);
  const auto properties = decode_properties(*push.request.field("properties"));
  CHECK(properties.at("MSG_TYPE") == "reply");
  CHECK(properties.at("CORRELATION_ID") == "C-7");
  CHECK(properties.at("REPLY_TO_CLIENT") == "REQUESTER");
  CHECK(properties.at("TTL") == "3000");
  CHECK(properties.at("UNIQ_KEY").size() == 32);
  push.on_response(acknowledgement(response_code::kSuccess));
  CHECK(fixture.link.responses.empty());  // the responder reads no answer
  CHECK(fixture.messages_of(kReplyTopic).size() == 1);
  CHECK(fixture.replies().at("sent_by_cluster") == 1);
  CHECK(fixture.replies().at("pushed") == 1);
}
