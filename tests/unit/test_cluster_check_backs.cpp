// Producer channels (ProducerManager: HEART_BEAT registers, UNREGISTER_CLIENT and a closed
// connection remove) and transaction check-backs as TransactionalMessageServiceImpl.check and
// AbstractTransactionalMessageCheckListener.sendCheckMessage (4.9.8) do them: a half message
// older than transactionTimeOut is put back to the half queue and CHECK_TRANSACTION_STATE goes
// to one channel of its producer group; after transactionCheckMax checks it is discarded.
#include <string>

#include <catch2/catch.hpp>

#include "client/producer/message_ext_codec.hpp"
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

constexpr const char* kHalfTopic = "RMQ_SYS_TRANS_HALF_TOPIC";
constexpr const char* kProducerPeer = "127.0.0.1:50001";
constexpr std::int64_t kBorn = 1700000000000;  // send_request's bornTimestamp

BrokerConfig checking_config(int check_max = 15) {
  BrokerConfig config = BrokerFixture::config();
  config.transaction_check_interval = std::chrono::milliseconds(0);  // rounds run by the test
  config.transaction_check_max = check_max;
  return config;
}

// A broker with the producer "C1" of group PG online at kProducerPeer.
struct CheckFixture : BrokerFixture {
  explicit CheckFixture(int check_max = 15) : BrokerFixture(checking_config(check_max)) {
    broker->set_client_link(&link);
    link.connected.insert(kProducerPeer);
    REQUIRE(answer(producer_heartbeat("C1", "PG"), kProducerPeer).code == response_code::kSuccess);
  }

  // A half message of group PG into VecTopic queue 2, with extra properties.
  RemotingCommand send_half(const std::string& uniq_key, std::string extra_properties = {}) {
    RemotingCommand request = send_request("VecTopic", 2, 1, "tx-" + uniq_key);
    request.ext_fields["f"] = "4";  // TRANSACTION_PREPARED_TYPE
    request.ext_fields["h"] = "7";  // flag
    request.ext_fields["j"] = "2";  // reconsumeTimes
    request.ext_fields["i"] = "TRAN_MSG\x01true\x02PGROUP\x01PG\x02UNIQ_KEY\x01" + uniq_key +
                              "\x02" + extra_properties;
    return answer(request, kProducerPeer, kBorn + 5);
  }

  nlohmann::json transactions() const { return broker->status().at("transactions"); }

  RecordingLink link;
};

RemotingCommand end_transaction(const RemotingCommand& check, int commit_or_rollback) {
  RemotingCommand request = RemotingCommand::request(broker_request_code::kEndTransaction);
  request.flag = kOnewayFlag;
  request.ext_fields = {{"producerGroup", "PG"},
                        {"tranStateTableOffset", *check.field("tranStateTableOffset")},
                        {"commitLogOffset", *check.field("commitLogOffset")},
                        {"commitOrRollback", std::to_string(commit_or_rollback)},
                        {"fromTransactionCheck", "true"},
                        {"msgId", *check.field("msgId")}};
  return request;
}

}  // namespace

TEST_CASE("HEART_BEAT registers producer channels, UNREGISTER_CLIENT and a close remove them",
          "[cluster][channels]") {
  BrokerFixture fixture;
  fixture.answer(producer_heartbeat("C1", "PG"), "127.0.0.1:1");
  fixture.answer(producer_heartbeat("C2", "PG"), "127.0.0.1:2");
  fixture.answer(producer_heartbeat("C3", "OTHER"), "127.0.0.1:3");
  nlohmann::json channels = fixture.broker->status().at("producer_channels");
  CHECK(channels.at("groups").at("PG") == nlohmann::json({"127.0.0.1:1", "127.0.0.1:2"}));
  CHECK(channels.at("clients").at("C3") == "127.0.0.1:3");

  RemotingCommand unregister = RemotingCommand::request(request_code::kUnregisterClient);
  unregister.ext_fields = {{"clientID", "C1"}, {"producerGroup", "PG"}};
  fixture.answer(unregister, "127.0.0.1:1");
  fixture.broker->channel_closed("127.0.0.1:3");
  channels = fixture.broker->status().at("producer_channels");
  CHECK(channels.at("groups") == nlohmann::json({{"PG", {"127.0.0.1:2"}}}));
  CHECK(channels.at("clients") == nlohmann::json({{"C2", "127.0.0.1:2"}}));
}

TEST_CASE("a half message past the transaction timeout is put back and checked with its producer",
          "[cluster][check]") {
  CheckFixture fixture;
  const RemotingCommand half = fixture.send_half("K1");
  const std::string first_offset_id = *half.field("msgId");

  // Younger than transactionTimeOut (6 s): nothing.
  fixture.broker->check_transactions(kBorn + 6000);
  CHECK(fixture.link.requests.empty());

  const std::int64_t now = kBorn + 6001;
  fixture.broker->check_transactions(now);
  REQUIRE(fixture.link.requests.size() == 1);
  const auto& sent = fixture.link.requests[0];
  CHECK(sent.peer == kProducerPeer);
  CHECK_FALSE(sent.on_response);  // oneway
  const RemotingCommand& check = sent.request;
  CHECK(check.code == 39);
  CHECK(check.language == LanguageCode::kJava);
  CHECK(check.serialize_type == SerializeType::kJson);
  // The copy put back: the half queue's next offset, a commit-log offset past the first record.
  const auto halves = fixture.messages_of(kHalfTopic);
  REQUIRE(halves.size() == 2);
  const StoredMessage& copy = halves[1];
  CHECK(copy.queue_offset == 1);
  CHECK(copy.flag == 0);  // renewHalfMessageInner does not copy the flag
  CHECK(decode_properties(copy.properties).at("TRANSACTION_CHECK_TIMES") == "1");
  CHECK(check.ext_fields == std::map<std::string, std::string>{
                                {"tranStateTableOffset", "1"},
                                {"commitLogOffset", std::to_string(copy.commit_log_offset)},
                                {"msgId", "K1"},
                                {"transactionId", "K1"},
                                {"offsetMsgId", copy.msg_id}});
  CHECK(copy.msg_id != first_offset_id);

  auto body = decode_message_ext(check.body);
  REQUIRE(body.ok());
  CHECK(body->topic == "VecTopic");
  CHECK(body->queue_id == 2);
  CHECK(body->queue_offset == 1);
  CHECK(body->commit_log_offset == copy.commit_log_offset);
  CHECK(body->flag == 7);             // the checked message is the first copy
  CHECK(body->reconsume_times == 2);
  CHECK(body->sys_flag == 0);
  CHECK(body->born_timestamp == kBorn);
  CHECK(body->born_host == kProducerPeer);
  CHECK(body->store_timestamp == kBorn + 5);
  CHECK(body->store_host == "127.0.0.1:10911");
  CHECK(body->body == "tx-K1");
  const auto properties = decode_properties(body->properties);
  CHECK(properties.at("TRANSACTION_CHECK_TIMES") == "1");
  CHECK(properties.at("REAL_TOPIC") == "VecTopic");
  CHECK(properties.at("UNIQ_KEY") == "K1");

  auto transactions = fixture.transactions();
  CHECK(transactions.at("checks_sent") == 1);
  CHECK(transactions.at("half") == 1);

  // The producer answers from the check: END_TRANSACTION with the new offsets commits.
  CHECK_FALSE(fixture.broker->handle(end_transaction(check, 8), kProducerPeer, now).has_value());
  const auto real = fixture.messages_of("VecTopic");
  REQUIRE(real.size() == 1);
  CHECK(real[0].body == "tx-K1");
  CHECK(decode_properties(real[0].properties).at("TRANSACTION_CHECK_TIMES") == "1");
  transactions = fixture.transactions();
  CHECK(transactions.at("committed") == 1);
  CHECK(transactions.at("half") == 0);
  fixture.broker->check_transactions(now + 60000);
  CHECK(fixture.link.requests.size() == 1);  // nothing left to check
}

TEST_CASE("after a check, UNKNOWN changes nothing and rollback drops the message", "[cluster][check]") {
  CheckFixture fixture;
  fixture.send_half("K1");
  fixture.broker->check_transactions(kBorn + 7000);
  REQUIRE(fixture.link.requests.size() == 1);
  const RemotingCommand check = fixture.link.requests[0].request;
  fixture.broker->handle(end_transaction(check, 0), kProducerPeer, kBorn + 7001);
  CHECK(fixture.transactions().at("half") == 1);
  // Checked again next round, under the next copy's offsets.
  fixture.broker->check_transactions(kBorn + 8000);
  REQUIRE(fixture.link.requests.size() == 2);
  const RemotingCommand second = fixture.link.requests[1].request;
  CHECK(*second.field("tranStateTableOffset") == "2");
  const auto body = decode_message_ext(second.body);
  REQUIRE(body.ok());
  CHECK(decode_properties(body->properties).at("TRANSACTION_CHECK_TIMES") == "2");
  CHECK(body->flag == 0);  // now the put-back copy is the one checked
  CHECK(body->store_timestamp == kBorn + 7000);
  // The first check's offsets are stale now.
  RemotingCommand stale = end_transaction(check, 12);
  stale.flag = 0;
  CHECK(fixture.answer(stale).remark == "Find prepared transaction message failed");

  fixture.broker->handle(end_transaction(second, 12), kProducerPeer, kBorn + 8001);
  CHECK(fixture.transactions().at("rolled_back") == 1);
  CHECK(fixture.transactions().at("half") == 0);
  CHECK(fixture.messages_of("VecTopic").empty());
}

TEST_CASE("CHECK_IMMUNITY_TIME_IN_SECONDS overrides the transaction timeout", "[cluster][check]") {
  CheckFixture fixture;
  fixture.send_half("IMMUNE", "CHECK_IMMUNITY_TIME_IN_SECONDS\x01" "20\x02");
  fixture.send_half("PLAIN");
  // At 10 s the plain one behind it is checked: an immune message does not end the round.
  fixture.broker->check_transactions(kBorn + 10000);
  REQUIRE(fixture.link.requests.size() == 1);
  CHECK(*fixture.link.requests[0].request.field("msgId") == "PLAIN");
  fixture.broker->check_transactions(kBorn + 20001);
  REQUIRE(fixture.link.requests.size() == 3);
  CHECK(*fixture.link.requests[1].request.field("msgId") == "IMMUNE");
}

TEST_CASE("a young message ends the round: those behind it wait", "[cluster][check]") {
  CheckFixture fixture;
  fixture.send_half("OLD");
  RemotingCommand young = send_request("VecTopic", 0, 2, "young");
  young.ext_fields["g"] = std::to_string(kBorn + 5000);
  young.ext_fields["i"] = "TRAN_MSG\x01true\x02PGROUP\x01PG\x02UNIQ_KEY\x01YOUNG\x02";
  fixture.answer(young, kProducerPeer);
  fixture.send_half("BEHIND");
  fixture.broker->check_transactions(kBorn + 7000);
  REQUIRE(fixture.link.requests.size() == 1);
  CHECK(*fixture.link.requests[0].request.field("msgId") == "OLD");
}

TEST_CASE("a half message checked transactionCheckMax times is discarded", "[cluster][check]") {
  CheckFixture fixture(2);
  fixture.send_half("K1");
  for (int round = 1; round <= 3; ++round) fixture.broker->check_transactions(kBorn + 10000 * round);
  CHECK(fixture.link.requests.size() == 2);
  const auto discarded = fixture.messages_of("TRANS_CHECK_MAX_TIME_TOPIC");
  REQUIRE(discarded.size() == 1);
  CHECK(discarded[0].body == "tx-K1");
  CHECK(decode_properties(discarded[0].properties).at("TRANSACTION_CHECK_TIMES") == "2");
  const auto transactions = fixture.transactions();
  CHECK(transactions.at("discarded") == 1);
  CHECK(transactions.at("half") == 0);
  CHECK(transactions.at("checks_sent") == 2);
}

TEST_CASE("with no producer of the group online a check is counted and tried next round",
          "[cluster][check]") {
  CheckFixture fixture;
  fixture.send_half("K1");
  fixture.broker->channel_closed(kProducerPeer);
  fixture.link.connected.clear();
  fixture.broker->check_transactions(kBorn + 7000);
  CHECK(fixture.link.requests.empty());
  CHECK(fixture.transactions().at("checks_without_producer") == 1);
  CHECK(fixture.transactions().at("half") == 1);

  fixture.link.connected.insert("127.0.0.1:50002");
  fixture.answer(producer_heartbeat("C9", "PG"), "127.0.0.1:50002");
  fixture.broker->check_transactions(kBorn + 8000);
  REQUIRE(fixture.link.requests.size() == 1);
  CHECK(fixture.link.requests[0].peer == "127.0.0.1:50002");
  CHECK(*fixture.link.requests[0].request.field("tranStateTableOffset") == "2");
}
