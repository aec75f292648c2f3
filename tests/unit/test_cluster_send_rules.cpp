// The test cluster's 4.9.8 send rules of issue 14: batch or single by the m field (row 2), the
// stored properties length (7), the body and record size (8), a batch with DELAY (10), absent
// and malformed header fields (12), malformed batch bodies (13).
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "client/producer/batch_codec.hpp"
#include "client/producer/properties.hpp"
#include "client/remoting/codes.hpp"
#include "test_cluster_broker_support.hpp"

using namespace mqsend;
using mqsend::cluster_test::BrokerFixture;
using mqsend::cluster_test::send_request;

namespace {

constexpr const char* kNumberFormatAbc =
    "java.lang.NumberFormatException: For input string: \"abc\", "
    "java.lang.NumberFormatException.forInputString(NumberFormatException.java:65)";

std::string batch_body(int members) {
  std::vector<Message> messages(static_cast<std::size_t>(members));
  for (int i = 0; i < members; ++i) {
    messages[static_cast<std::size_t>(i)].body = "member-" + std::to_string(i);
    messages[static_cast<std::size_t>(i)].properties = {{"UNIQ_KEY", "K" + std::to_string(i)}};
  }
  auto body = encode_batch(messages);
  REQUIRE(body.ok());
  return body.value();
}

RemotingCommand batch_request(std::string body, int code = request_code::kSendBatchMessage,
                              bool batch_flag = true) {
  RemotingCommand request = send_request("VecTopic", 0, 9, std::move(body));
  request.code = code;
  request.ext_fields["m"] = batch_flag ? "true" : "false";
  request.ext_fields["i"] = "WAIT\x01true\x02";
  return request;
}

void check_exception_answer(const RemotingCommand& response, std::string_view remark_start) {
  CHECK(response.code == response_code::kSystemError);
  CHECK(response.serialize_type == SerializeType::kJson);
  REQUIRE(response.remark.has_value());
  CHECK(response.remark->rfind(remark_start, 0) == 0);
}

std::string properties_of_length(std::size_t length) {
  std::string properties = "p\x01";
  properties.append(length - 3, 'x');
  properties += '\x02';
  return properties;
}

}  // namespace

TEST_CASE("the m field, not the request code, decides batch or single", "[cluster]") {
  BrokerFixture fixture;
  const std::string body = batch_body(2);

  // 320 with m=false: one message whose body is the batch encoding.
  RemotingCommand single = fixture.answer(batch_request(body, request_code::kSendBatchMessage, false));
  REQUIRE(single.code == response_code::kSuccess);
  CHECK(single.field("msgId")->size() == 32);
  REQUIRE(fixture.store.messages().size() == 1);
  CHECK(fixture.store.messages()[0].body == body);

  // 310 with m=true: unpacked as a batch.
  RemotingCommand batch = fixture.answer(batch_request(body, request_code::kSendMessageV2, true));
  REQUIRE(batch.code == response_code::kSuccess);
  CHECK(batch.field("msgId")->size() == 2 * 32 + 1);
  REQUIRE(fixture.store.messages().size() == 3);
  CHECK(fixture.store.messages()[1].body == "member-0");
  CHECK(fixture.store.messages()[2].body == "member-1");
  CHECK(fixture.store.messages()[2].request_code == 310);
}

TEST_CASE("the properties limit counts them as stored: WAIT dropped, CLUSTER added", "[cluster]") {
  BrokerFixture fixture;
  // "CLUSTER\x01DefaultCluster\x02" is 23 bytes: 32767 - 23 = 32744 sent bytes fit.
  RemotingCommand request = send_request("VecTopic", 0, 1);
  request.ext_fields["i"] = properties_of_length(32744);
  CHECK(fixture.answer(request).code == response_code::kSuccess);

  request.ext_fields["i"] = properties_of_length(32745);
  RemotingCommand refused = fixture.answer(request);
  CHECK(refused.code == response_code::kMessageIllegal);
  CHECK(*refused.remark ==
        "the message is illegal, maybe msg body or properties length not matched. msg body length "
        "limit 4194304B, msg properties length limit 32KB.");

  // The 10 bytes of WAIT\x01true\x02 do not count.
  request.ext_fields["i"] = "WAIT\x01true\x02" + properties_of_length(32744);
  CHECK(fixture.answer(request).code == response_code::kSuccess);

  // A longer cluster name leaves less room.
  BrokerConfig config = BrokerFixture::config();
  config.cluster = "AMuchLongerClusterName";
  BrokerFixture long_name(config);
  request.ext_fields["i"] = properties_of_length(32744);
  CHECK(long_name.answer(request).code == response_code::kMessageIllegal);
}

TEST_CASE("a body of exactly maxMessageSize is accepted, one byte more is not", "[cluster]") {
  BrokerFixture fixture;
  RemotingCommand request = send_request("VecTopic", 0, 1, std::string(4194304, 'b'));
  CHECK(fixture.answer(request).code == response_code::kSuccess);
  request.body += 'b';
  CHECK(fixture.answer(request).code == response_code::kMessageIllegal);

  // A batch: its whole body against maxMessageSize.
  BrokerConfig config = BrokerFixture::config();
  config.max_message_size = 64;
  BrokerFixture small(config);
  const std::string body = batch_body(2);  // 2 x 42 bytes
  REQUIRE(body.size() > 64);
  CHECK(small.answer(batch_request(body)).code == response_code::kMessageIllegal);
  CHECK(small.answer(batch_request(batch_body(1))).code == response_code::kSuccess);
}

TEST_CASE("a batch with DELAY or a transaction flag in its own properties is illegal", "[cluster]") {
  BrokerFixture fixture;
  RemotingCommand request = batch_request(batch_body(2));
  request.ext_fields["i"] = "DELAY\x01" "2\x02WAIT\x01true\x02";
  RemotingCommand refused = fixture.answer(request);
  CHECK(refused.code == response_code::kMessageIllegal);
  CHECK(refused.remark->rfind("the message is illegal, maybe msg body", 0) == 0);

  request.ext_fields["i"] = "DELAY\x01" "abc\x02";
  check_exception_answer(fixture.answer(request), kNumberFormatAbc);

  request.ext_fields["i"] = "DELAY\x01" "0\x02";
  CHECK(fixture.answer(request).code == response_code::kSuccess);

  request.ext_fields["f"] = "4";
  CHECK(fixture.answer(request).code == response_code::kMessageIllegal);
  CHECK(fixture.store.messages().size() == 2);
}

TEST_CASE("absent and malformed send header fields are answered as 4.9.8 does", "[cluster]") {
  BrokerFixture fixture;
  RemotingCommand request = send_request("VecTopic", 0, 1);

  SECTION("no producerGroup or defaultTopic: accepted") {
    request.ext_fields.erase("a");
    CHECK(fixture.answer(request).code == response_code::kSuccess);
    request.ext_fields.erase("c");
    CHECK(fixture.answer(request).code == response_code::kSuccess);
    // Unless the topic must be created from the (null) defaultTopic.
    request.ext_fields["b"] = "NotYetCreated";
    check_exception_answer(fixture.answer(request), "java.lang.NullPointerException, ");
  }
  SECTION("no queueId: a NullPointerException") {
    request.ext_fields.erase("e");
    check_exception_answer(fixture.answer(request),
                           "java.lang.NullPointerException, org.apache.rocketmq.broker.processor."
                           "AbstractSendMessageProcessor.msgCheck(");
  }
  SECTION("queueId abc: a NumberFormatException") {
    request.ext_fields["e"] = "abc";
    const RemotingCommand response = fixture.answer(request);
    check_exception_answer(response, kNumberFormatAbc);
    CHECK(*response.remark == kNumberFormatAbc);
    CHECK(response.field("MSG_REGION") == nullptr);
  }
  SECTION("oneway: processed alike, never answered") {
    request.ext_fields["e"] = "abc";
    request.flag = kOnewayFlag;
    CHECK_FALSE(fixture.broker->handle(request, "p", 0).has_value());
  }
  CHECK(fixture.store.messages().size() <= 2);
}

TEST_CASE("malformed batch bodies fail with the JDK's exception", "[cluster]") {
  BrokerFixture fixture;
  check_exception_answer(fixture.answer(batch_request("")),
                         "java.lang.NullPointerException, org.apache.rocketmq.store."
                         "DefaultMessageStore.checkMessages(");

  // totalSize is never read: 0 is accepted.
  std::string zero_size = batch_body(1);
  zero_size.replace(0, 4, std::string(4, '\0'));
  CHECK(fixture.answer(batch_request(zero_size)).code == response_code::kSuccess);

  // The last member's properties cut short: Buffer.position past the limit.
  std::string truncated = batch_body(2);
  truncated.resize(truncated.size() - 3);
  const RemotingCommand response = fixture.answer(batch_request(truncated));
  check_exception_answer(response, "java.lang.IllegalArgumentException: newPosition > limit: (");
  CHECK(*response.remark ==
        "java.lang.IllegalArgumentException: newPosition > limit: (" +
            std::to_string(truncated.size() + 3) + " > " + std::to_string(truncated.size()) +
            "), java.nio.Buffer.createPositionException(Buffer.java:269)");

  // A body length past the end: the CRC's bounds check comes first.
  std::string long_body = batch_body(1);
  long_body[19] = '\x7f';
  check_exception_answer(fixture.answer(batch_request(long_body)),
                         "java.lang.ArrayIndexOutOfBoundsException, ");
  // Trailing bytes too few for the next member's totalSize.
  check_exception_answer(fixture.answer(batch_request(batch_body(1) + "xy")),
                         "java.nio.BufferUnderflowException, ");
  CHECK(fixture.store.messages().size() == 1);
}
