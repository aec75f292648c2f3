// Requests the broker writes to its clients' connections, over sockets: CHECK_TRANSACTION_STATE
// (oneway, Broker2Client.checkProducerTransactionState) and PUSH_REPLY_MESSAGE_TO_CLIENT (a
// request whose answer the replier's response waits for, Broker2Client.callClient), both as
// createRequestCommand builds them on a broker: JSON, language JAVA, the release's version, the
// server's own opaque counter.
#include <chrono>
#include <thread>

#include <catch2/catch.hpp>

#include "client/producer/properties.hpp"
#include "client/remoting/codes.hpp"
#include "test_cluster_client_link.hpp"
#include "test_cluster_support.hpp"

using namespace mqsend;
using mqsend::cluster_test::producer_heartbeat;
using mqsend::cluster_test::RunningCluster;
using mqsend::cluster_test::send_request;
using mqsend::cluster_test::TestSocket;

namespace {

ClusterOptions checking_cluster() {
  ClusterOptions options;
  options.brokers = 1;
  options.topics = {{"T", 4}};
  options.transaction_check_interval = std::chrono::milliseconds(300);
  options.transaction_timeout_ms = 0;
  return options;
}

RemotingCommand exchange(TestSocket& socket, RemotingCommand request, std::int32_t opaque) {
  request.opaque = opaque;
  REQUIRE(socket.send(request));
  RemotingCommand response;
  REQUIRE(socket.read_frame(response) == TestSocket::Read::kFrame);
  REQUIRE(response.opaque == opaque);
  return response;
}

nlohmann::json broker_status(RunningCluster& cluster) {
  return cluster.control({{"cmd", "status"}}).at("brokers")[0];
}

}  // namespace

TEST_CASE("a checked half message reaches its producer's connection and its answer commits it",
          "[cluster][check]") {
  RunningCluster cluster(checking_cluster());
  TestSocket producer(cluster.broker(0));
  REQUIRE(producer.connected());
  exchange(producer, producer_heartbeat("C1", "PG"), 1);
  RemotingCommand half = send_request("T", 1, 2, "tx-body");
  half.ext_fields["f"] = "4";
  half.ext_fields["i"] = "TRAN_MSG\x01true\x02PGROUP\x01PG\x02UNIQ_KEY\x01K1\x02";
  REQUIRE(exchange(producer, half, 2).code == response_code::kSuccess);

  // A round may check again before the answer is read: answer the latest check until committed.
  bool committed = false;
  for (int attempt = 0; attempt < 5 && !committed; ++attempt) {
    RemotingCommand check;
    REQUIRE(producer.read_frame(check, 3000) == TestSocket::Read::kFrame);
    CHECK(check.code == broker_request_code::kCheckTransactionState);
    CHECK(check.flag == kOnewayFlag);
    CHECK(check.language == LanguageCode::kJava);
    CHECK(check.version == 409);
    CHECK(check.serialize_type == SerializeType::kJson);
    CHECK(*check.field("msgId") == "K1");
    RemotingCommand end = RemotingCommand::request(broker_request_code::kEndTransaction);
    end.flag = kOnewayFlag;
    end.ext_fields = {{"producerGroup", "PG"},
                      {"tranStateTableOffset", *check.field("tranStateTableOffset")},
                      {"commitLogOffset", *check.field("commitLogOffset")},
                      {"commitOrRollback", "8"},
                      {"fromTransactionCheck", "true"},
                      {"msgId", "K1"}};
    REQUIRE(producer.send(end));
    for (int poll = 0; poll < 20 && !committed; ++poll) {
      committed = broker_status(cluster).at("transactions").at("committed") == 1;
      if (!committed) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  REQUIRE(committed);
  const auto messages = cluster.control({{"cmd", "messages"}, {"topic", "T"}}).at("messages");
  REQUIRE(messages.size() == 1);
  CHECK(messages[0].at("queue_id") == 1);
  CHECK(broker_status(cluster).at("transactions").at("checks_sent") >= 1);
}

TEST_CASE("a reply is pushed to the requester's connection and the replier answered after it",
          "[cluster][reply]") {
  ClusterOptions options;
  options.brokers = 1;
  RunningCluster cluster(options);
  TestSocket requester(cluster.broker(0));
  TestSocket replier(cluster.broker(0));
  REQUIRE(requester.connected());
  REQUIRE(replier.connected());
  exchange(requester, producer_heartbeat("REQUESTER", "RequestPG"), 1);

  RemotingCommand reply = send_request("DefaultCluster_REPLY_TOPIC", 0, 7, "answer");
  reply.code = broker_request_code::kSendReplyMessageV2;
  reply.ext_fields["i"] = "CORRELATION_ID\x01" "C-1\x02MSG_TYPE\x01reply\x02REPLY_TO_CLIENT\x01REQUESTER\x02";
  REQUIRE(replier.send(reply));

  RemotingCommand push;
  REQUIRE(requester.read_frame(push, 3000) == TestSocket::Read::kFrame);
  CHECK(push.code == broker_request_code::kPushReplyMessageToClient);
  CHECK(push.flag == 0);
  CHECK(push.body == "answer");
  CHECK(decode_properties(*push.field("properties")).at("CORRELATION_ID") == "C-1");
  // Nothing for the replier until the push is answered.
  RemotingCommand early;
  CHECK(replier.read_frame(early, 100) == TestSocket::Read::kTimeout);

  RemotingCommand acknowledged = RemotingCommand::response_to(push, response_code::kSuccess);
  REQUIRE(requester.send(acknowledged));
  RemotingCommand answer;
  REQUIRE(replier.read_frame(answer, 3000) == TestSocket::Read::kFrame);
  CHECK(answer.opaque == 7);
  CHECK(answer.code == response_code::kSuccess);
  const nlohmann::json replies = broker_status(cluster).at("replies");
  CHECK(replies.at("pushed") == 1);
  CHECK(replies.at("stored") == 1);
  // The requester's answer is logged as a response frame.
  const auto log = cluster.control({{"cmd", "log"}, {"code", 0}}).at("log");
  REQUIRE(log.size() == 1);
  CHECK(log[0].at("response") == true);
}

TEST_CASE("control reply answers a stored request by its CORRELATION_ID", "[cluster][reply]") {
  ClusterOptions options;
  options.brokers = 1;
  options.topics = {{"T", 4}};
  RunningCluster cluster(options);
  CHECK(cluster.control({{"cmd", "reply"}, {"correlation_id", "C-9"}, {"body", "pong"}}) ==
        nlohmann::json({{"ok", false}, {"error", "no stored request with CORRELATION_ID C-9"}}));

  TestSocket requester(cluster.broker(0));
  REQUIRE(requester.connected());
  exchange(requester, producer_heartbeat("REQUESTER", "RequestPG"), 1);
  RemotingCommand request = send_request("T", 0, 2, "ping");
  request.ext_fields["i"] = "CORRELATION_ID\x01" "C-9\x02REPLY_TO_CLIENT\x01REQUESTER\x02TTL\x01" "3000\x02";
  REQUIRE(exchange(requester, request, 2).code == response_code::kSuccess);

  CHECK(cluster.control({{"cmd", "reply"}, {"correlation_id", "C-9"}, {"body", "pong"}}) ==
        nlohmann::json({{"ok", true}, {"broker", "broker-a"}}));
  RemotingCommand push;
  REQUIRE(requester.read_frame(push, 3000) == TestSocket::Read::kFrame);
  CHECK(push.code == broker_request_code::kPushReplyMessageToClient);
  CHECK(push.body == "pong");
  const auto properties = decode_properties(*push.field("properties"));
  CHECK(properties.at("CORRELATION_ID") == "C-9");
  CHECK(properties.at("MSG_TYPE") == "reply");
}

TEST_CASE("auto-reply over sockets: the cluster answers a request with an echo pushed to its requester",
          "[cluster][reply]") {
  ClusterOptions options;
  options.brokers = 1;
  options.topics = {{"T", 4}};
  options.auto_reply_delay = std::chrono::milliseconds(0);
  RunningCluster cluster(options);
  TestSocket requester(cluster.broker(0));
  REQUIRE(requester.connected());
  exchange(requester, producer_heartbeat("REQUESTER", "RequestPG"), 1);
  RemotingCommand request = send_request("T", 0, 2, "ping");
  request.ext_fields["i"] = "CORRELATION_ID\x01" "C-5\x02REPLY_TO_CLIENT\x01REQUESTER\x02";
  REQUIRE(exchange(requester, request, 2).code == response_code::kSuccess);

  RemotingCommand push;
  REQUIRE(requester.read_frame(push, 3000) == TestSocket::Read::kFrame);
  CHECK(push.code == broker_request_code::kPushReplyMessageToClient);
  CHECK(push.body == "ping");
  CHECK(decode_properties(*push.field("properties")).at("CORRELATION_ID") == "C-5");
  REQUIRE(requester.send(RemotingCommand::response_to(push, response_code::kSuccess)));
  bool stored = false;
  for (int poll = 0; poll < 100 && !stored; ++poll) {
    stored = broker_status(cluster).at("replies").at("stored") == 1;
    if (!stored) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(stored);
  CHECK(broker_status(cluster).at("replies").at("pushed") == 1);
}
