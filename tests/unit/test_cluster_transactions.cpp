// Transactional half messages on the test cluster's broker (issue 14 row 9): stored in
// RMQ_SYS_TRANS_HALF_TOPIC, then committed to the real queue or rolled back by a oneway
// END_TRANSACTION, as EndTransactionProcessor does.
#include <string>

#include <catch2/catch.hpp>

#include "client/producer/properties.hpp"
#include "client/remoting/codes.hpp"
#include "test_cluster_broker_support.hpp"

using namespace mqsend;
using mqsend::cluster_test::BrokerFixture;
using mqsend::cluster_test::send_request;

namespace {

constexpr const char* kHalfTopic = "RMQ_SYS_TRANS_HALF_TOPIC";

RemotingCommand half_request(const std::string& uniq_key, std::int32_t opaque) {
  RemotingCommand request = send_request("VecTopic", 2, opaque, "tx-" + uniq_key);
  request.ext_fields["f"] = "4";  // TRANSACTION_PREPARED_TYPE
  request.ext_fields["i"] = "TRAN_MSG\x01true\x02PGROUP\x01PG\x02UNIQ_KEY\x01" + uniq_key + "\x02";
  return request;
}

// What the Java producer's endTransactionOneway sends: offsets from the half's send result.
RemotingCommand end_transaction(const RemotingCommand& half_answer, int commit_or_rollback,
                                const std::string& group = "PG") {
  RemotingCommand request = RemotingCommand::request(broker_request_code::kEndTransaction);
  request.flag = kOnewayFlag;
  const std::string& offset_msg_id = *half_answer.field("msgId");
  request.ext_fields = {
      {"producerGroup", group},
      {"tranStateTableOffset", *half_answer.field("queueOffset")},
      {"commitLogOffset", std::to_string(std::stoll(offset_msg_id.substr(16), nullptr, 16))},
      {"commitOrRollback", std::to_string(commit_or_rollback)},
      {"fromTransactionCheck", "false"},
      {"msgId", "K"}};
  return request;
}

}  // namespace

TEST_CASE("a half message is stored in RMQ_SYS_TRANS_HALF_TOPIC until its transaction ends", "[cluster]") {
  BrokerFixture fixture;
  const RemotingCommand first = fixture.answer(half_request("K1", 1));
  REQUIRE(first.code == response_code::kSuccess);
  CHECK(*first.field("queueId") == "2");
  CHECK(*first.field("queueOffset") == "0");  // of the half topic's queue 0
  const RemotingCommand second = fixture.answer(half_request("K2", 2));
  CHECK(*second.field("queueOffset") == "1");

  const auto halves = fixture.messages_of(kHalfTopic);
  REQUIRE(halves.size() == 2);
  CHECK(halves[0].queue_id == 0);
  CHECK(halves[0].sys_flag == 0);  // parseHalfMessageInner resets the transaction type
  const auto properties = decode_properties(halves[0].properties);
  CHECK(properties.at("REAL_TOPIC") == "VecTopic");
  CHECK(properties.at("REAL_QID") == "2");
  CHECK(properties.at("TRAN_MSG") == "true");
  CHECK(fixture.messages_of("VecTopic").empty());
  CHECK(fixture.broker->status().at("transactions").at("half") == 2);

  // Commit, oneway: no answer; the real queue gets the message.
  CHECK_FALSE(fixture.broker->handle(end_transaction(first, 8), "p", 0).has_value());
  auto real = fixture.messages_of("VecTopic");
  REQUIRE(real.size() == 1);
  CHECK(real[0].queue_id == 2);
  CHECK(real[0].body == "tx-K1");
  CHECK(real[0].sys_flag == 8);  // TRANSACTION_COMMIT_TYPE
  auto op = fixture.messages_of("RMQ_SYS_TRANS_OP_HALF_TOPIC");
  REQUIRE(op.size() == 1);
  CHECK(op[0].body == "0");
  CHECK(decode_properties(op[0].properties).at("TAGS") == "d");

  // Rollback: dropped.
  CHECK_FALSE(fixture.broker->handle(end_transaction(second, 12), "p", 0).has_value());
  CHECK(fixture.messages_of("VecTopic").size() == 1);
  CHECK(fixture.messages_of("RMQ_SYS_TRANS_OP_HALF_TOPIC").size() == 2);
  const auto transactions = fixture.broker->status().at("transactions");
  CHECK(transactions.at("half") == 0);
  CHECK(transactions.at("committed") == 1);
  CHECK(transactions.at("rolled_back") == 1);
}

TEST_CASE("END_TRANSACTION checks the half message as checkPrepareMessage does", "[cluster]") {
  BrokerFixture fixture;
  const RemotingCommand half = fixture.answer(half_request("K1", 1));
  RemotingCommand wrong_group = end_transaction(half, 8, "Other");
  wrong_group.flag = 0;
  RemotingCommand response = fixture.answer(wrong_group);
  CHECK(response.code == response_code::kSystemError);
  CHECK(*response.remark == "The producer group wrong");

  RemotingCommand wrong_offset = end_transaction(half, 8);
  wrong_offset.flag = 0;
  wrong_offset.ext_fields["tranStateTableOffset"] = "5";
  CHECK(*fixture.answer(wrong_offset).remark == "The transaction state table offset wrong");

  RemotingCommand unknown = end_transaction(half, 8);
  unknown.flag = 0;
  unknown.ext_fields["commitLogOffset"] = "123456";
  CHECK(*fixture.answer(unknown).remark == "Find prepared transaction message failed");

  RemotingCommand commit = end_transaction(half, 8);
  commit.flag = 0;
  CHECK(fixture.answer(commit).code == response_code::kSuccess);
  CHECK(fixture.messages_of("VecTopic").size() == 1);
  // Ended already: nothing left to commit.
  CHECK(*fixture.answer(commit).remark == "Find prepared transaction message failed");
}
