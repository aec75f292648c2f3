// Send responses → SendResult or error (reference 2.3, 4.1), against the captured responses.
#include <catch2/catch.hpp>

#include <string>

#include "client/producer/send_result.hpp"
#include "client/remoting/codes.hpp"
#include "test_producer_support.hpp"

using namespace mqsend;

namespace {

const MessageQueue kSentTo{"VecTopic", "broker-a", 3};

RemotingCommand success_response(int code) {
  RemotingCommand response;
  response.code = code;
  response.flag = kResponseFlag;
  response.ext_fields = {{"msgId", "C0A8001400002A9F0000000000001000"}, {"queueId", "1"}, {"queueOffset", "7"}};
  return response;
}

}  // namespace

TEST_CASE("captured SEND_MESSAGE_V2 response", "[producer]") {
  auto result = process_send_response(test::read_vector_frame("send-v2-json.resp.bin"), "UNIQ1", kSentTo);
  REQUIRE(result.ok());
  CHECK(result->status == SendStatus::kSendOk);
  CHECK(result->msg_id == "UNIQ1");
  CHECK(result->offset_msg_id == "7F00000100002A9F0000000008DD4A56");
  CHECK(result->queue == MessageQueue{"VecTopic", "broker-a", 0});  // queue id from the response
  CHECK(result->queue_offset == 0);
  CHECK(result->region_id == "DefaultRegion");
  CHECK(result->trace_on);
  CHECK(result->transaction_id.empty());
  CHECK(to_string(*result) ==
        "SendResult [sendStatus=SEND_OK, msgId=UNIQ1, offsetMsgId=7F00000100002A9F0000000008DD4A56, "
        "messageQueue=MessageQueue [topic=VecTopic, brokerName=broker-a, queueId=0], queueOffset=0]");
}

TEST_CASE("captured binary-header response", "[producer]") {
  auto result = process_send_response(test::read_vector_frame("send-v2-rocketmq.resp.bin"), "U", kSentTo);
  REQUIRE(result.ok());
  CHECK(result->offset_msg_id == "7F00000100002A9F0000000008DD4BD3");
  CHECK(result->queue.queue_id == 2);
}

TEST_CASE("captured batch response: comma list of offset ids, first offset", "[producer]") {
  auto result = process_send_response(test::read_vector_frame("send-batch.resp.bin"), "A,B,C", kSentTo);
  REQUIRE(result.ok());
  CHECK(result->msg_id == "A,B,C");
  CHECK(result->offset_msg_id ==
        "7F00000100002A9F0000000008DD4D75,7F00000100002A9F0000000008DD4E3D,7F00000100002A9F0000000008DD4F05");
  CHECK(result->queue_offset == 1);
  CHECK(result->queue.queue_id == 0);
}

TEST_CASE("captured error responses become broker errors", "[producer]") {
  auto bad_queue = process_send_response(test::read_vector_frame("send-bad-queue.resp.bin"), "U", kSentTo);
  REQUIRE_FALSE(bad_queue.ok());
  CHECK(bad_queue.error().code == response_code::kSystemError);
  CHECK(bad_queue.error().message.rfind("CODE: 1  DESC: request queueId[99] is illegal, TopicConfig [", 0) == 0);
  CHECK(error_class(bad_queue.error().code) == ErrorClass::kBrokerRetryable);

  auto oversize = process_send_response(test::read_vector_frame("send-oversize.resp.bin"), "U", kSentTo);
  REQUIRE_FALSE(oversize.ok());
  CHECK(oversize.error().code == response_code::kMessageIllegal);
  CHECK(oversize.error().message ==
        "CODE: 13  DESC: the message is illegal, maybe msg body or properties length not matched. "
        "msg body length limit 4194304B, msg properties length limit 32KB.");
  CHECK(error_class(oversize.error().code) == ErrorClass::kValidation);

  RemotingCommand no_remark;
  no_remark.code = response_code::kSystemBusy;
  CHECK(process_send_response(no_remark, "U", kSentTo).error().message == "CODE: 2  DESC: null");

  // A code no client knows is a broker error with that code, naming the broker as Java does.
  RemotingCommand unknown;
  unknown.code = 777;
  unknown.remark = "new in some later broker";
  const auto error = process_send_response(unknown, "U", kSentTo, "127.0.0.1:10911").error();
  CHECK(error.code == 777);
  CHECK(error.message == "CODE: 777  DESC: new in some later broker BROKER: 127.0.0.1:10911");
}

TEST_CASE("stored-with-warning codes map to statuses", "[producer]") {
  const std::pair<int, SendStatus> cases[] = {
      {response_code::kSuccess, SendStatus::kSendOk},
      {response_code::kFlushDiskTimeout, SendStatus::kFlushDiskTimeout},
      {response_code::kFlushSlaveTimeout, SendStatus::kFlushSlaveTimeout},
      {response_code::kSlaveNotAvailable, SendStatus::kSlaveNotAvailable}};
  for (const auto& [code, status] : cases) {
    auto result = process_send_response(success_response(code), "U", kSentTo);
    REQUIRE(result.ok());
    CHECK(result->status == status);
    CHECK(result->queue_offset == 7);
  }
  CHECK(send_status_name(SendStatus::kSendOk) == "SEND_OK");
  CHECK(send_status_name(SendStatus::kFlushDiskTimeout) == "FLUSH_DISK_TIMEOUT");
  CHECK(send_status_name(SendStatus::kFlushSlaveTimeout) == "FLUSH_SLAVE_TIMEOUT");
  CHECK(send_status_name(SendStatus::kSlaveNotAvailable) == "SLAVE_NOT_AVAILABLE");
}

TEST_CASE("optional response fields", "[producer]") {
  RemotingCommand response = success_response(0);
  response.ext_fields["transactionId"] = "TX";
  response.ext_fields["MSG_REGION"] = "east";
  response.ext_fields["TRACE_ON"] = "false";
  auto result = process_send_response(response, "U", kSentTo);
  REQUIRE(result.ok());
  CHECK(result->transaction_id == "TX");
  CHECK(result->region_id == "east");
  CHECK_FALSE(result->trace_on);

  response.ext_fields["MSG_REGION"] = "";
  response.ext_fields["TRACE_ON"] = "FALSE";  // only the exact "false" switches tracing off
  result = process_send_response(response, "U", kSentTo);
  REQUIRE(result.ok());
  CHECK(result->region_id == "DefaultRegion");
  CHECK(result->trace_on);
}

TEST_CASE("malformed success responses are protocol errors", "[producer]") {
  for (const char* key : {"msgId", "queueId", "queueOffset"}) {
    RemotingCommand response = success_response(0);
    response.ext_fields.erase(key);
    auto result = process_send_response(response, "U", kSentTo);
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().code == error_code::kProtocolError);
  }
  for (const char* bad : {"", "x", "1.5", "99999999999999999999999"}) {
    RemotingCommand response = success_response(0);
    response.ext_fields["queueOffset"] = bad;
    CHECK_FALSE(process_send_response(response, "U", kSentTo).ok());
    response = success_response(0);
    response.ext_fields["queueId"] = bad;
    CHECK_FALSE(process_send_response(response, "U", kSentTo).ok());
  }
}

TEST_CASE("retryable broker codes", "[producer]") {
  for (int code : {17, 14, 1, 16, 204, 205, 2}) CHECK((error_class(code) == ErrorClass::kBrokerRetryable));
  for (int code : {0, 3, 10, 11, 12, 13, 15, 18, 26, 29, 215, 1500, 10001}) CHECK_FALSE((error_class(code) == ErrorClass::kBrokerRetryable));
}
