// Messages the test cluster's broker stores in a system topic and delivers later (issue 14 row 6
// and the 5.3 timer messages): where they are stored, what the answer says, when and how the
// real topic gets them.
#include <algorithm>
#include <string>

#include <catch2/catch.hpp>

#include "client/common/base64.hpp"
#include "client/producer/properties.hpp"
#include "client/remoting/codes.hpp"
#include "test_cluster_broker_support.hpp"

using namespace mqsend;
using mqsend::cluster_test::BrokerFixture;
using mqsend::cluster_test::send_request;

namespace {

RemotingCommand send_with(const std::string& properties, int queue_id = 1, std::int32_t opaque = 1) {
  RemotingCommand request = send_request("VecTopic", queue_id, opaque);
  request.ext_fields["i"] = properties;
  return request;
}

BrokerConfig short_delays(ServerVersion version = ServerVersion::k4_9_8) {
  BrokerConfig config = BrokerFixture::config();
  config.version = version;
  config.delay_levels = parse_delay_levels("20ms 40ms 60ms").value();
  return config;
}

}  // namespace

TEST_CASE("delay levels are parsed as messageDelayLevel, plus ms", "[cluster]") {
  const auto levels = parse_delay_levels(kDefaultDelayLevels);
  REQUIRE(levels.ok());
  REQUIRE(levels.value().size() == 18);
  CHECK(levels.value().front() == std::chrono::seconds(1));
  CHECK(levels.value().back() == std::chrono::hours(2));
  CHECK(parse_delay_levels(" 5ms  2d ").value().at(1) == std::chrono::hours(48));
  CHECK_FALSE(parse_delay_levels("").ok());
  CHECK_FALSE(parse_delay_levels("1s 5x").ok());
  CHECK_FALSE(parse_delay_levels("s").ok());
}

TEST_CASE("a delay-level message waits in SCHEDULE_TOPIC_XXXX, then reaches its queue", "[cluster]") {
  BrokerFixture fixture(short_delays());
  const RemotingCommand first = fixture.answer(send_with("DELAY\x01" "2\x02UNIQ_KEY\x01U1\x02"));
  REQUIRE(first.code == response_code::kSuccess);
  CHECK(*first.field("queueId") == "1");       // as requested
  CHECK(*first.field("queueOffset") == "0");   // of SCHEDULE_TOPIC_XXXX queue 1
  const RemotingCommand second = fixture.answer(send_with("DELAY\x01" "2\x02", 3, 2));
  CHECK(*second.field("queueId") == "3");
  CHECK(*second.field("queueOffset") == "1");

  auto scheduled = fixture.messages_of("SCHEDULE_TOPIC_XXXX");
  REQUIRE(scheduled.size() == 2);
  CHECK(scheduled[0].queue_id == 1);  // level 2 → queue 1
  CHECK(scheduled[0].msg_id == *first.field("msgId"));
  auto properties = decode_properties(scheduled[0].properties);
  CHECK(properties.at("REAL_TOPIC") == "VecTopic");
  CHECK(properties.at("REAL_QID") == "1");
  CHECK(properties.at("DELAY") == "2");
  CHECK(decode_properties(scheduled[1].properties).at("REAL_QID") == "3");
  CHECK(fixture.messages_of("VecTopic").empty());
  CHECK(fixture.broker->status().at("scheduled").at("pending") == 2);

  REQUIRE(fixture.run_until([&] { return fixture.messages_of("VecTopic").size() == 2; }));
  const auto delivered = fixture.messages_of("VecTopic");
  CHECK(delivered[0].queue_id == 1);
  CHECK(delivered[0].queue_offset == 0);
  CHECK(delivered[0].body == "hello");
  CHECK(delivered[0].properties == scheduled[0].properties);  // kept as stored
  CHECK(delivered[0].msg_id != scheduled[0].msg_id);          // a new commit-log record
  CHECK(delivered[1].queue_id == 3);
  CHECK(fixture.broker->status().at("scheduled").at("delivered") == 2);
  CHECK(fixture.broker->status().at("scheduled").at("pending") == 0);
}

TEST_CASE("a delay level past maxDelayLevel is clamped to it", "[cluster]") {
  BrokerFixture fixture(short_delays());
  REQUIRE(fixture.answer(send_with("DELAY\x01" "7\x02")).code == response_code::kSuccess);
  const auto scheduled = fixture.messages_of("SCHEDULE_TOPIC_XXXX");
  REQUIRE(scheduled.size() == 1);
  CHECK(scheduled[0].queue_id == 2);
  CHECK(decode_properties(scheduled[0].properties).at("DELAY") == "3");

  BrokerFixture real_levels;
  REQUIRE(real_levels.answer(send_with("DELAY\x01" "19\x02")).code == response_code::kSuccess);
  CHECK(real_levels.messages_of("SCHEDULE_TOPIC_XXXX").at(0).queue_id == 17);
}

TEST_CASE("DELAY that is not a number is a NumberFormatException, and 0 or less no delay", "[cluster]") {
  BrokerFixture fixture(short_delays());
  const RemotingCommand refused = fixture.answer(send_with("DELAY\x01" "abc\x02"));
  CHECK(refused.code == response_code::kSystemError);
  CHECK(refused.serialize_type == SerializeType::kJson);
  CHECK(*refused.remark ==
        "java.lang.NumberFormatException: For input string: \"abc\", "
        "java.lang.NumberFormatException.forInputString(NumberFormatException.java:65)");
  CHECK(fixture.store.messages().empty());

  CHECK(fixture.answer(send_with("DELAY\x01" "0\x02")).code == response_code::kSuccess);
  CHECK(fixture.answer(send_with("DELAY\x01-3\x02")).code == response_code::kSuccess);
  CHECK(fixture.messages_of("VecTopic").size() == 2);
}

TEST_CASE("a 4.9.8 broker stores timer messages at once, as plain messages", "[cluster]") {
  BrokerFixture fixture(short_delays());
  const RemotingCommand response = fixture.answer(send_with("TIMER_DELAY_MS\x01" "5000\x02"));
  REQUIRE(response.code == response_code::kSuccess);
  CHECK(response.field("recallHandle") == nullptr);
  CHECK(response.field("transactionId") == nullptr);
  CHECK(fixture.messages_of("VecTopic").size() == 1);
}

TEST_CASE("5.3: a timer message waits in rmq_sys_wheel_timer and carries a recall handle", "[cluster]") {
  BrokerFixture fixture(short_delays(ServerVersion::k5_3_3));
  const std::int64_t now = 1700000000000;
  const RemotingCommand response = fixture.answer(
      send_with("TIMER_DELAY_MS\x01" "1500\x02UNIQ_KEY\x01U7\x02"), "127.0.0.1:1", now);
  REQUIRE(response.code == response_code::kSuccess);
  CHECK(*response.field("transactionId") == "U7");
  CHECK(*response.field("queueOffset") == "0");
  // The wheel's slot: 1700000001500 rounded down to the second; the handle says one ms more.
  std::string url_safe = *response.field("recallHandle");  // RFC 4648 base64url, padded
  std::replace(url_safe.begin(), url_safe.end(), '-', '+');
  std::replace(url_safe.begin(), url_safe.end(), '_', '/');
  auto handle = base64_decode(url_safe);
  REQUIRE(handle.ok());
  CHECK(handle.value() == "v1 VecTopic broker-a 1700000001001 U7");

  const auto timed = fixture.messages_of("rmq_sys_wheel_timer");
  REQUIRE(timed.size() == 1);
  const auto properties = decode_properties(timed[0].properties);
  CHECK(properties.at("TIMER_OUT_MS") == "1700000001000");
  CHECK(properties.at("REAL_TOPIC") == "VecTopic");
  CHECK(properties.at("REAL_QID") == "1");
  REQUIRE(fixture.run_until([&] { return fixture.messages_of("VecTopic").size() == 1; }));
  CHECK(fixture.messages_of("VecTopic")[0].queue_id == 1);

  const std::string illegal =
      "timer message illegal, the delay time should not be bigger than the max delay 259200000ms; "
      "or if set del msg, the delay time should be bigger than the current time";
  const RemotingCommand too_far =
      fixture.answer(send_with("TIMER_DELAY_SEC\x01" "259201\x02"), "p", now);
  CHECK(too_far.code == response_code::kMessageIllegal);
  CHECK(*too_far.remark == illegal);
  CHECK(*fixture.answer(send_with("TIMER_DELIVER_MS\x01x\x02"), "p", now).remark == illegal);
  // Already due: a plain message.
  const RemotingCommand due = fixture.answer(send_with("TIMER_DELIVER_MS\x01" "1\x02"), "p", now);
  CHECK(due.code == response_code::kSuccess);
  CHECK(due.field("recallHandle") == nullptr);
}

TEST_CASE("5.3: every send answer carries the UNIQ_KEY as transactionId", "[cluster]") {
  BrokerFixture fixture(short_delays(ServerVersion::k5_3_3));
  CHECK(*fixture.answer(send_with("UNIQ_KEY\x01" "ABC\x02")).field("transactionId") == "ABC");
  // Without one the broker makes one, and stores it.
  const RemotingCommand generated = fixture.answer(send_with("TAGS\x01T\x02"));
  const std::string& id = *generated.field("transactionId");
  CHECK(id.size() == 32);
  CHECK(decode_properties(fixture.store.messages().back().properties).at("UNIQ_KEY") == id);
}

TEST_CASE("5.3: RECALL_MESSAGE cancels a pending timer message", "[cluster]") {
  BrokerFixture fixture(short_delays(ServerVersion::k5_3_3));
  const std::int64_t now = UniqueIdGenerator::system_now_ms();
  const RemotingCommand sent = fixture.answer(
      send_with("TIMER_DELAY_MS\x01" "1500\x02UNIQ_KEY\x01R1\x02"), "p", now);
  REQUIRE(sent.code == response_code::kSuccess);
  RemotingCommand recall = RemotingCommand::request(broker_request_code::kRecallMessage);
  recall.ext_fields = {{"producerGroup", "PG"},
                       {"topic", "VecTopic"},
                       {"recallHandle", *sent.field("recallHandle")}};

  RemotingCommand other_topic = recall;
  other_topic.ext_fields["topic"] = "broker-a";
  CHECK(*fixture.answer(other_topic, "p", now).remark == "recall failed, topic not match");
  RemotingCommand garbage = recall;
  garbage.ext_fields["recallHandle"] = "!!";
  const RemotingCommand invalid = fixture.answer(garbage, "p", now);
  CHECK(invalid.code == 604);  // ILLEGAL_OPERATION
  CHECK(*invalid.remark == "recall handle is invalid");

  const RemotingCommand recalled = fixture.answer(recall, "p", now);
  CHECK(recalled.code == response_code::kSuccess);
  CHECK(*recalled.field("msgId") == "R1");
  const auto timed = fixture.messages_of("rmq_sys_wheel_timer");
  REQUIRE(timed.size() == 2);  // the message and the recall marker
  CHECK(decode_properties(timed[1].properties).at("TIMER_DEL_UNIQKEY") == "R1");
  CHECK(fixture.broker->status().at("scheduled").at("pending") == 0);
  CHECK(fixture.broker->status().at("scheduled").at("recalled") == 1);
  // Its time is past: nothing to recall any more.
  CHECK(*fixture.answer(recall, "p", now + 5000).remark == "recall failed, timestamp invalid");
  CHECK(fixture.messages_of("VecTopic").empty());

  // A 4.9.8 broker does not know the request.
  BrokerFixture old_broker;
  CHECK(old_broker.answer(recall).code == response_code::kRequestCodeNotSupported);
}

TEST_CASE("5.3: a UNIQ_KEY given by the broker does not merge with an unterminated last pair", "[cluster]") {
  BrokerFixture fixture(short_delays(ServerVersion::k5_3_3));
  const RemotingCommand response = fixture.answer(send_with("TAGS\x01T"));
  const auto properties = decode_properties(fixture.store.messages().back().properties);
  CHECK(properties.at("TAGS") == "T");
  CHECK(properties.at("UNIQ_KEY") == *response.field("transactionId"));
}

TEST_CASE("a delayed message whose topic was removed meanwhile is dropped when due", "[cluster]") {
  BrokerFixture fixture(short_delays());
  REQUIRE(fixture.answer(send_with("DELAY\x01" "1\x02")).code == response_code::kSuccess);
  REQUIRE(fixture.broker->remove_topic("VecTopic"));
  REQUIRE(fixture.run_until(
      [&] { return fixture.broker->status().at("scheduled").at("dropped") == 1; }));
  CHECK(fixture.messages_of("VecTopic").empty());
}
