// Message helpers, the properties string (reference 3.3, 3.4) and the client checks (7.1-7.3, 5).
#include <catch2/catch.hpp>

#include <string>

#include "client/producer/message.hpp"
#include "client/producer/properties.hpp"
#include "client/producer/validators.hpp"

using namespace mqsend;

namespace {

Message valid_message() {
  Message message;
  message.topic = "T1";
  message.body = "hello";
  return message;
}

}  // namespace

TEST_CASE("message setters write the protocol property keys", "[producer]") {
  Message message;
  message.set_tags("TagA");
  message.set_keys({"k1", "k2", "k3"});
  message.set_delay_level(3);
  message.set_wait_store_msg_ok(false);
  CHECK(message.properties.at("TAGS") == "TagA");
  CHECK(message.properties.at("KEYS") == "k1 k2 k3");
  CHECK(message.properties.at("DELAY") == "3");
  CHECK(message.properties.at("WAIT") == "false");
  CHECK(message.property(property_key::kTags) == "TagA");
  CHECK(message.property("absent").empty());
  CHECK(message.delay_level() == 3);
  CHECK_FALSE(message.wait_store_msg_ok());

  message.set_delay_level(0);
  message.set_tags("");
  CHECK(message.properties.count("DELAY") == 0);
  CHECK(message.properties.count("TAGS") == 0);
  message.set_wait_store_msg_ok(true);
  CHECK(message.wait_store_msg_ok());
  CHECK(Message{}.wait_store_msg_ok());  // WAIT absent means true, as in Java
}

TEST_CASE("reserved property keys cannot be user properties", "[producer]") {
  for (const char* key : {"TAGS", "KEYS", "WAIT", "UNIQ_KEY", "DELAY", "TRAN_MSG", "PGROUP", "RETRY_TOPIC",
                          "REAL_TOPIC", "REAL_QID", "MIN_OFFSET", "MAX_OFFSET", "ORIGIN_MESSAGE_ID",
                          "RECONSUME_TIME", "MSG_REGION", "TRACE_ON", "MAX_RECONSUME_TIMES", "CLUSTER",
                          "INNER_MULTI_QUEUE_OFFSET", "INSTANCE_ID", "__transactionId__"}) {
    INFO(key);
    CHECK(is_reserved_property(key));
  }
  CHECK_FALSE(is_reserved_property("color"));
  CHECK_FALSE(is_reserved_property("tags"));  // keys are case-sensitive
  CHECK_FALSE(is_reserved_property(""));
}

TEST_CASE("properties encode as key 0x01 value 0x02 and skip empty values", "[producer]") {
  const std::map<std::string, std::string> properties{{"TAGS", "TagA"}, {"EMPTY", ""}, {"WAIT", "true"}};
  CHECK(encode_properties(properties) == std::string("TAGS\x01TagA\x02WAIT\x01true\x02"));
  std::string out = "prefix";
  append_property("K", "V", out);
  append_property("SKIPPED", "", out);
  CHECK(out == std::string("prefixK\x01V\x02"));
  CHECK(encode_properties({}).empty());
}

TEST_CASE("properties decode like the broker", "[producer]") {
  const auto decoded = decode_properties(std::string(
      "UNIQ_KEY\x01" "ABC\x02" "WAIT\x01true\x02" "TAGS\x01TagA\x02" "KEYS\x01k1 k2\x02" "color\x01" "blue\x02"));
  CHECK(decoded == std::map<std::string, std::string>{
                       {"UNIQ_KEY", "ABC"}, {"WAIT", "true"}, {"TAGS", "TagA"}, {"KEYS", "k1 k2"}, {"color", "blue"}});

  // Short segments, empty key or value, no separator, no trailing 0x02, later duplicates win.
  const auto tolerant = decode_properties(std::string(
      "a\x01\x02" "\x01val\x02" "key\x01\x02" "noseparator\x02" "k\x01v\x02" "k\x01w\x02" "x\x01y\x01z\x02" "last\x01one"));
  CHECK(tolerant == std::map<std::string, std::string>{{"k", "w"}, {"x", std::string("y\x01z")}, {"last", "one"}});
  CHECK(decode_properties("").empty());
  CHECK(decode_properties(std::string("\x02\x02\x02")).empty());

  const std::map<std::string, std::string> round{{"a", "1"}, {"b", "two words"}};
  CHECK(decode_properties(encode_properties(round)) == round);
}

TEST_CASE("topic rules", "[producer]") {
  CHECK_FALSE(check_topic("T1"));
  CHECK_FALSE(check_topic("%RETRY%group|a_b-c"));
  CHECK_FALSE(check_topic(std::string(127, 'a')));

  auto blank = check_topic("  ");
  REQUIRE(blank);
  CHECK(blank->code == error_code::kMessageIllegal);
  CHECK(blank->message == "The specified topic is blank");
  CHECK(check_topic("")->message == "The specified topic is blank");

  auto too_long = check_topic(std::string(128, 'a'));
  REQUIRE(too_long);
  CHECK(too_long->message == "The specified topic is longer than topic max length 127.");

  for (const char* bad : {"a b", "topic.x", "t/x", "t\xc3\xa9", "t*", "t\x01"}) {
    INFO(bad);
    auto error = check_topic(bad);
    REQUIRE(error);
    CHECK(error->message == std::string("The specified topic[") + bad +
                                "] contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$");
  }

  for (const char* forbidden : {"SCHEDULE_TOPIC_XXXX", "RMQ_SYS_TRANS_HALF_TOPIC", "RMQ_SYS_TRANS_OP_HALF_TOPIC",
                                "TRANS_CHECK_MAX_TIME_TOPIC", "SELF_TEST_TOPIC", "OFFSET_MOVED_EVENT"}) {
    auto error = check_topic(forbidden);
    REQUIRE(error);
    CHECK(error->message == std::string("Sending message to topic[") + forbidden + "] is forbidden.");
  }
  CHECK_FALSE(check_topic("TBW102"));  // a system topic, but sending to it is allowed
}

TEST_CASE("message checks", "[producer]") {
  CHECK_FALSE(check_message(valid_message()));

  Message empty_body = valid_message();
  empty_body.body.clear();
  auto error = check_message(empty_body);
  REQUIRE(error);
  CHECK(error->code == error_code::kMessageIllegal);
  CHECK(error->message == "the message body length is zero");

  Message big = valid_message();
  big.body.assign(4194304, 'x');
  CHECK_FALSE(check_message(big));
  big.body.push_back('x');
  error = check_message(big);
  REQUIRE(error);
  CHECK(error->message == "the message body size over max value, MAX: 4194304");
  CHECK(check_message(valid_message(), 4)->message == "the message body size over max value, MAX: 4");

  Message bad_topic = valid_message();
  bad_topic.topic = "bad topic";
  CHECK(check_message(bad_topic)->code == error_code::kMessageIllegal);

  Message separator = valid_message();
  separator.properties["k"] = std::string("a\x02" "b");
  CHECK(check_message(separator));
  separator.properties = {{std::string("k\x01"), "v"}};
  CHECK(check_message(separator));
}

TEST_CASE("producer group checks", "[producer]") {
  CHECK_FALSE(check_group("PG1"));
  CHECK_FALSE(check_group(std::string(255, 'g')));
  CHECK(check_group("")->message == "the specified group is blank");
  CHECK(check_group(std::string(256, 'g'))->message == "the specified group is longer than group max length 255.");
  CHECK(check_group("a.b")->message ==
        "the specified group[a.b] contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$");
  auto error = check_group("DEFAULT_PRODUCER");
  REQUIRE(error);
  CHECK(error->code == error_code::kInvalidArgument);
  CHECK(error->message == "producerGroup can not equal DEFAULT_PRODUCER, please specify another one.");
}

TEST_CASE("batch checks", "[producer]") {
  std::vector<Message> batch{valid_message(), valid_message()};
  CHECK_FALSE(check_batch(batch));
  CHECK(check_batch({})->code == error_code::kMessageIllegal);

  auto with = [&](auto change) {
    std::vector<Message> copy = batch;
    change(copy.back());
    auto error = check_batch(copy);
    REQUIRE(error);
    CHECK(error->code == error_code::kMessageIllegal);
    return error->message;
  };
  CHECK(with([](Message& m) { m.set_delay_level(2); }) == "TimeDelayLevel is not supported for batching");
  CHECK(with([](Message& m) { m.topic = "T2"; }) == "The topic of the messages in one batch should be the same");
  CHECK(with([](Message& m) { m.set_wait_store_msg_ok(false); }) ==
        "The waitStoreMsgOK of the messages in one batch should the same");
  CHECK(with([](Message& m) { m.body.clear(); }) == "the message body length is zero");

  std::vector<Message> retry{valid_message()};
  retry[0].topic = "%RETRY%group";
  CHECK(check_batch(retry)->message == "Retry Group is not supported for batching");
}
