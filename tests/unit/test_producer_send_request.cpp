// Send request headers (reference 3.1, 3.2, 5) and the worked example of section 10.
#include <catch2/catch.hpp>

#include <string>

#include "client/producer/properties.hpp"
#include "client/producer/send_request.hpp"
#include "client/remoting/codes.hpp"
#include "test_producer_support.hpp"

using namespace mqsend;

namespace {

const MessageQueue kExampleQueue{"T1", "broker-a", 0};

SendRequestOptions example_options() {
  SendRequestOptions options;
  options.producer_group = "PG1";
  return options;
}

// Section 10.1 inputs; the properties keep the example's Java HashMap order.
RemotingCommand example_request(SerializeType serialize) {
  SendRequestPayload payload;
  payload.body = "hello";
  append_property("UNIQ_KEY", "C0A8000A12341B6D358647B760000000", payload.properties);
  append_property("WAIT", "true", payload.properties);
  append_property("TAGS", "TagA", payload.properties);
  payload.born_timestamp_ms = 1700000000000;
  SendRequestOptions options = example_options();
  options.serialize = serialize;
  RemotingCommand request = build_send_request(std::move(payload), kExampleQueue, options);
  request.opaque = 1;  // the remoting client's job; fixed here to match the example
  return request;
}

std::string hex_to_bytes(const std::string& hex) {
  std::string bytes;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 3) {
    bytes.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return bytes;
}

}  // namespace

TEST_CASE("worked example 10.1: JSON frame byte for byte", "[producer]") {
  const std::string expected_header =
      R"({"code":310,"extFields":{"a":"PG1","b":"T1","c":"TBW102","d":"4","e":"0","f":"0","g":"1700000000000","h":"0",)"
      R"("i":"UNIQ_KEY\u0001C0A8000A12341B6D358647B760000000\u0002WAIT\u0001true\u0002TAGS\u0001TagA\u0002",)"
      R"("j":"0","k":"false","m":"false","n":"broker-a"},"flag":0,"language":"CPP","opaque":1,)"
      R"("serializeTypeCurrentRPC":"JSON","version":409})";
  REQUIRE(expected_header.size() == 340);
  const std::string expected = std::string("\x00\x00\x01\x5d\x00\x00\x01\x54", 8) + expected_header + "hello";
  const std::string frame = encode_frame(example_request(SerializeType::kJson));
  CHECK(frame.size() == 353);
  CHECK(frame == expected);
}

TEST_CASE("worked example 10.2: ROCKETMQ binary frame byte for byte", "[producer]") {
  const std::string expected = hex_to_bytes(
      "00 00 00 e6 01 00 00 dd 01 36 01 01 99 00 00 00 "
      "01 00 00 00 00 00 00 00 00 00 00 00 c8 00 01 61 "
      "00 00 00 03 50 47 31 00 01 62 00 00 00 02 54 31 "
      "00 01 63 00 00 00 06 54 42 57 31 30 32 00 01 64 "
      "00 00 00 01 34 00 01 65 00 00 00 01 30 00 01 66 "
      "00 00 00 01 30 00 01 67 00 00 00 0d 31 37 30 30 "
      "30 30 30 30 30 30 30 30 30 00 01 68 00 00 00 01 "
      "30 00 01 69 00 00 00 3e 55 4e 49 51 5f 4b 45 59 "
      "01 43 30 41 38 30 30 30 41 31 32 33 34 31 42 36 "
      "44 33 35 38 36 34 37 42 37 36 30 30 30 30 30 30 "
      "30 02 57 41 49 54 01 74 72 75 65 02 54 41 47 53 "
      "01 54 61 67 41 02 00 01 6a 00 00 00 01 30 00 01 "
      "6b 00 00 00 05 66 61 6c 73 65 00 01 6d 00 00 00 "
      "05 66 61 6c 73 65 00 01 6e 00 00 00 08 62 72 6f "
      "6b 65 72 2d 61 68 65 6c 6c 6f ");
  REQUIRE(expected.size() == 234);
  CHECK(encode_frame(example_request(SerializeType::kRocketMQ)) == expected);
}

TEST_CASE("message overload encodes the property map and copies the body", "[producer]") {
  Message message;
  message.topic = "T1";
  message.body = "hello";
  message.flag = 9;
  message.set_tags("TagA");
  message.set_wait_store_msg_ok(true);
  const RemotingCommand request =
      build_send_request(message, MessageQueue{"T1", "broker-b", 3}, 0x301, 42, example_options());
  CHECK(request.code == request_code::kSendMessageV2);
  CHECK(request.body == "hello");
  CHECK(*request.field("i") == std::string("TAGS\x01TagA\x02WAIT\x01true\x02"));
  CHECK(*request.field("e") == "3");
  CHECK(*request.field("f") == "769");
  CHECK(*request.field("g") == "42");
  CHECK(*request.field("h") == "9");
  CHECK(*request.field("n") == "broker-b");
  CHECK(request.field("l") == nullptr);
  CHECK(request.ext_fields.size() == 13);
}

TEST_CASE("v1 requests use code 10 and the long names of a 4.9 client", "[producer]") {
  SendRequestOptions options = example_options();
  options.v2 = false;
  options.default_topic = "OTHER";
  options.default_topic_queue_nums = 8;
  SendRequestPayload payload;
  payload.body = "hello-v1";
  payload.properties = "K\x01V\x02";
  const RemotingCommand request = build_send_request(payload, MessageQueue{"VecTopic", "broker-a", 1}, options);
  CHECK(request.code == request_code::kSendMessage);
  const std::map<std::string, std::string> expected{
      {"producerGroup", "PG1"}, {"topic", "VecTopic"}, {"defaultTopic", "OTHER"},
      {"defaultTopicQueueNums", "8"}, {"queueId", "1"}, {"sysFlag", "0"}, {"bornTimestamp", "0"},
      {"flag", "0"}, {"properties", "K\x01V\x02"}, {"reconsumeTimes", "0"}, {"unitMode", "false"},
      {"batch", "false"}};
  CHECK(request.ext_fields == expected);

  // The captured code-10 request carries exactly the same keys.
  const RemotingCommand captured = test::read_vector_frame("send-v1-json.req.bin");
  REQUIRE(captured.ext_fields.size() == expected.size());
  for (const auto& [key, value] : expected) CHECK(captured.field(key) != nullptr);
}

TEST_CASE("batch requests: code 320, m=true, f=0, h=0", "[producer]") {
  const RemotingCommand request = build_batch_request("records", std::string("WAIT\x01true\x02"),
                                                      MessageQueue{"VecTopic", "broker-a", 0}, 1795295216320,
                                                      [] { SendRequestOptions o; o.producer_group = "VectorPG"; return o; }());
  CHECK(request.code == request_code::kSendBatchMessage);
  CHECK(request.body == "records");
  // Same header as the capture, field for field.
  const RemotingCommand captured = test::read_vector_frame("send-batch.req.bin");
  CHECK(request.ext_fields == captured.ext_fields);
}

TEST_CASE("decode_send_header reads the captured requests", "[producer]") {
  SECTION("code 10, long names") {
    auto header = decode_send_header(test::read_vector_frame("send-v1-json.req.bin"));
    REQUIRE(header.ok());
    CHECK(header->producer_group == "VectorPG");
    CHECK(header->topic == "VecTopic");
    CHECK(header->default_topic == "TBW102");
    CHECK(header->default_topic_queue_nums == 4);
    CHECK(header->queue_id == 1);
    CHECK(header->sys_flag == 0);
    CHECK(header->born_timestamp == 1795295216320);
    CHECK(header->flag == 0);
    CHECK(decode_properties(header->properties).at("UNIQ_KEY") == "7F0000010001AABBCCDD00000000AA02");
    CHECK(header->reconsume_times == 0);
    CHECK_FALSE(header->unit_mode);
    CHECK_FALSE(header->batch);
    CHECK_FALSE(header->max_reconsume_times);
    CHECK(header->broker_name.empty());
  }
  SECTION("code 310, JSON") {
    auto header = decode_send_header(test::read_vector_frame("send-v2-json.req.bin"));
    REQUIRE(header.ok());
    CHECK(header->topic == "VecTopic");
    CHECK(header->queue_id == 0);
    CHECK(header->broker_name == "broker-a");
    const auto properties = decode_properties(header->properties);
    CHECK(properties.at("KEYS") == "k1 k2");
    CHECK(properties.at("color") == "blue");
    CHECK_FALSE(header->batch);
  }
  SECTION("code 310, ROCKETMQ binary header") {
    const RemotingCommand request = test::read_vector_frame("send-v2-rocketmq.req.bin");
    CHECK(request.serialize_type == SerializeType::kRocketMQ);
    auto header = decode_send_header(request);
    REQUIRE(header.ok());
    CHECK(header->queue_id == 2);
    CHECK(header->born_timestamp == 1795295216320);
    CHECK(header->broker_name == "broker-a");
    CHECK(request.body == "hello-binary");
  }
}

TEST_CASE("decode_send_header round-trips what we build", "[producer]") {
  for (bool v2 : {true, false}) {
    SendRequestOptions options = example_options();
    options.v2 = v2;
    SendRequestPayload payload;
    payload.body = "x";
    payload.properties = "A\x01" "B\x02";
    payload.flag = -3;
    payload.sys_flag = 4;
    payload.born_timestamp_ms = 1234567890123;
    auto header = decode_send_header(build_send_request(payload, MessageQueue{"T", "bk", 7}, options));
    REQUIRE(header.ok());
    CHECK(header->producer_group == "PG1");
    CHECK(header->topic == "T");
    CHECK(header->queue_id == 7);
    CHECK(header->flag == -3);
    CHECK(header->sys_flag == 4);
    CHECK(header->born_timestamp == 1234567890123);
    CHECK(header->properties == payload.properties);
    CHECK(header->broker_name == (v2 ? "bk" : ""));
  }
}

TEST_CASE("decode_send_header rejects missing or malformed required fields", "[producer]") {
  const RemotingCommand good = example_request(SerializeType::kJson);
  for (const char* key : {"a", "b", "c", "d", "e", "f", "g", "h"}) {
    RemotingCommand request = good;
    request.ext_fields.erase(key);
    auto header = decode_send_header(request);
    REQUIRE_FALSE(header.ok());
    CHECK(header.error().code == response_code::kSystemError);
    CHECK(header.error().message == std::string("the custom field <") + key + "> is null");
  }
  for (const char* key : {"d", "e", "f", "g", "h", "j", "l"}) {
    for (const char* bad : {"", "x", "1x", "99999999999999999999", " 1"}) {
      RemotingCommand request = good;
      request.ext_fields[key] = bad;
      INFO(key << "=" << bad);
      CHECK_FALSE(decode_send_header(request).ok());
    }
  }
  RemotingCommand lenient = good;
  lenient.ext_fields["e"] = "-1";
  lenient.ext_fields["k"] = "TRUE";
  lenient.ext_fields["m"] = "yes";
  lenient.ext_fields["l"] = "+16";
  lenient.ext_fields.erase("i");
  lenient.ext_fields.erase("j");
  auto header = decode_send_header(lenient);
  REQUIRE(header.ok());
  CHECK(header->queue_id == -1);
  CHECK(header->unit_mode);
  CHECK_FALSE(header->batch);
  CHECK(header->max_reconsume_times == 16);
  CHECK(header->properties.empty());

  // Code 10 does not read letters.
  RemotingCommand letters_as_v1 = good;
  letters_as_v1.code = request_code::kSendMessage;
  CHECK(decode_send_header(letters_as_v1).error().message == "the custom field <producerGroup> is null");
}
