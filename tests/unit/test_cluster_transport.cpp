// The test cluster's remoting layer against real 4.9.8 / 5.3.3 behaviour (issue 14): pipelined
// requests answered out of order and the reorder fault (row 1), response-flag frames (row 3),
// unknown request codes (row 4), GET_BROKER_CLUSTER_INFO (row 5), TLS and the VIP channel on by
// default (row 16), and what 5.3 writes differently.
#include <chrono>
#include <memory>
#include <set>
#include <vector>

#include <catch2/catch.hpp>

#include "client/remoting/codes.hpp"
#include "client/remoting/remoting_client.hpp"
#include "test_cluster_support.hpp"

using namespace mqsend;
using mqsend::cluster_test::RunningCluster;
using mqsend::cluster_test::round_trip_once;
using mqsend::cluster_test::fault;
using mqsend::cluster_test::send_request;
using mqsend::cluster_test::TestSocket;

namespace {

ClusterOptions one_broker(ServerVersion version = ServerVersion::k4_9_8) {
  ClusterOptions options;
  options.version = version;
  options.brokers = 1;
  options.topics = {{"T", 4}};
  return options;
}

RemotingCommand route_request(std::int32_t opaque, const std::string& topic = "T") {
  RemotingCommand request = RemotingCommand::request(request_code::kGetRouteInfoByTopic);
  request.opaque = opaque;
  request.ext_fields = {{"topic", topic}};
  return request;
}

RemotingCommand heartbeat_request(std::int32_t opaque) {
  RemotingCommand request = RemotingCommand::request(request_code::kHeartBeat);
  request.opaque = opaque;
  request.body = R"({"clientID":"127.0.0.1@t","consumerDataSet":[],"producerDataSet":[{"groupName":"PG"}]})";
  return request;
}

// Every request in one write, as a pipelining client sends them; the opaques of the answers in
// the order they came.
std::vector<std::int32_t> pipelined(TestSocket& socket, const std::vector<RemotingCommand>& requests) {
  std::string bytes;
  for (const RemotingCommand& request : requests) encode_frame(request, bytes);
  REQUIRE(socket.send_bytes(bytes));
  std::vector<std::int32_t> opaques;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    RemotingCommand response;
    REQUIRE(socket.read_frame(response) == TestSocket::Read::kFrame);
    opaques.push_back(response.opaque);
  }
  return opaques;
}

// `silent` is sent and logged, then a route request: the next frame is the route answer, so
// `silent` got none, and the connection is still open.
void expect_no_answer(RunningCluster& cluster, const std::string& address, const std::string& target,
                      const RemotingCommand& silent, std::int32_t probe_opaque) {
  TestSocket socket(address);
  REQUIRE(socket.connected());
  const std::size_t logged = cluster.control({{"cmd", "log"}, {"target", target}}).at("log").size();
  REQUIRE(socket.send(silent));
  REQUIRE(cluster.wait_for_requests(target, logged + 1));
  RemotingCommand probe = route_request(probe_opaque);
  if (target != std::string(kNameServerTarget)) probe = heartbeat_request(probe_opaque);
  REQUIRE(socket.send(probe));
  RemotingCommand response;
  REQUIRE(socket.read_frame(response) == TestSocket::Read::kFrame);
  CHECK(response.opaque == probe_opaque);
  CHECK(response.code == response_code::kSuccess);
}

}  // namespace

TEST_CASE("pipelined requests are answered out of order, as the real servers' pools answer them",
          "[cluster]") {
  RunningCluster cluster(one_broker());
  TestSocket broker(cluster.broker(0));
  REQUIRE(broker.connected());
  // A real 4.9.8 answered send+send [1,0] and a 1 MiB send then HEART_BEAT [1,0].
  CHECK(pipelined(broker, {send_request("T", 0, 0), send_request("T", 1, 1)}) ==
        std::vector<std::int32_t>{1, 0});
  CHECK(pipelined(broker, {send_request("T", 0, 10, std::string(1024 * 1024, 'x')), heartbeat_request(11)}) ==
        std::vector<std::int32_t>{11, 10});
  // ... and three route queries [1,2,0].
  TestSocket name_server(cluster.namesrv());
  REQUIRE(name_server.connected());
  CHECK(pipelined(name_server, {route_request(20), route_request(21), route_request(22)}) ==
        std::vector<std::int32_t>{21, 22, 20});
  // One request at a time is answered at once, in order.
  for (std::int32_t opaque = 30; opaque < 40; ++opaque) {
    CHECK(round_trip_once(cluster.namesrv(), route_request(opaque)).code == response_code::kSuccess);
  }
  // Every send was stored, whatever the order of the answers.
  CHECK(cluster.control({{"cmd", "messages"}, {"topic", "T"}}).at("messages").size() == 3);
}

TEST_CASE("fault reorder: each response waits for the next one, at most the given time", "[cluster]") {
  auto parsed = parse_fault_flag("broker-a=reorder:200");
  REQUIRE(parsed.ok());
  CHECK(parsed->spec.kind == FaultKind::kReorder);
  CHECK(parsed->spec.value == 200);
  CHECK_FALSE(parse_fault_flag("broker-a=reorder").ok());

  RunningCluster cluster(one_broker());
  REQUIRE(cluster.control(fault("broker-a", {{"fault", "reorder"}, {"ms", 5000}})).at("ok") == true);
  CHECK(cluster.control({{"cmd", "status"}}).at("brokers")[0].at("faults").at("reorder_ms") == 5000);
  TestSocket socket(cluster.broker(0));
  REQUIRE(socket.connected());
  // The first send waits; the second, sent once the first is logged, is answered before it.
  REQUIRE(socket.send(send_request("T", 0, 1)));
  REQUIRE(cluster.wait_for_requests("broker-a", 1));
  REQUIRE(socket.send(heartbeat_request(2)));
  RemotingCommand first;
  RemotingCommand second;
  REQUIRE(socket.read_frame(first) == TestSocket::Read::kFrame);
  REQUIRE(socket.read_frame(second) == TestSocket::Read::kFrame);
  CHECK(first.opaque == 2);
  CHECK(second.opaque == 1);

  // The hold is bounded: a lone request is answered once it is over.
  REQUIRE(cluster.control(fault("broker-a", {{"fault", "reorder"}, {"ms", 50}})).at("ok") == true);
  REQUIRE(socket.send(heartbeat_request(3)));
  RemotingCommand lone;
  REQUIRE(socket.read_frame(lone, 2000) == TestSocket::Read::kFrame);
  CHECK(lone.opaque == 3);

  // clear: back to answering at once; corruptions still hit the responses they were armed for.
  REQUIRE(cluster.control(fault("broker-a", {{"fault", "clear"}})).at("ok") == true);
  REQUIRE(cluster.control(fault("broker-a", {{"fault", "wrong_opaque"}, {"count", 1}})).at("ok") == true);
  CHECK(pipelined(socket, {heartbeat_request(4), heartbeat_request(5)}) ==
        std::vector<std::int32_t>{4 ^ 0x40000000, 5});
}

TEST_CASE("a frame with the response flag gets no answer and the connection stays open", "[cluster]") {
  RunningCluster cluster(one_broker());
  RemotingCommand stray = RemotingCommand::request(request_code::kSendMessageV2);
  stray.flag = kResponseFlag;
  stray.opaque = 7;
  expect_no_answer(cluster, cluster.broker(0), "broker-a", stray, 8);
  stray.code = request_code::kGetRouteInfoByTopic;
  expect_no_answer(cluster, cluster.namesrv(), "namesrv", stray, 9);
  const auto log = cluster.control({{"cmd", "log"}, {"target", "namesrv"}}).at("log");
  CHECK(log[0].at("response") == true);
  CHECK_FALSE(log[1].contains("response"));
  CHECK(cluster.control({{"cmd", "messages"}}).at("messages").empty());
}

TEST_CASE("unknown request codes: no answer from a 4.9.8 name server, 3 in kind from the broker",
          "[cluster]") {
  RunningCluster cluster(one_broker());
  RemotingCommand unknown = RemotingCommand::request(4242);
  unknown.opaque = 1;
  for (const SerializeType type : {SerializeType::kJson, SerializeType::kRocketMQ}) {
    for (const bool oneway : {false, true}) {
      unknown.serialize_type = type;
      unknown.flag = oneway ? kOnewayFlag : 0;
      expect_no_answer(cluster, cluster.namesrv(), "namesrv", unknown, 2);
    }
  }
  // The broker's default processor answers in the request's serialization, never to oneway.
  unknown.flag = 0;
  for (const SerializeType type : {SerializeType::kJson, SerializeType::kRocketMQ}) {
    unknown.serialize_type = type;
    const RemotingCommand response = round_trip_once(cluster.broker(0), unknown);
    CHECK(response.code == response_code::kRequestCodeNotSupported);
    CHECK(response.remark == " request type 4242 not supported");
    CHECK(response.serialize_type == type);
    CHECK(response.version == 409);
  }
  unknown.flag = kOnewayFlag;
  expect_no_answer(cluster, cluster.broker(0), "broker-a", unknown, 3);
}

TEST_CASE("5.3: version 479 and JSON in every response, nothing for oneway, 3 from the name server",
          "[cluster]") {
  RunningCluster cluster(one_broker(ServerVersion::k5_3_3));
  RemotingCommand unknown = RemotingCommand::request(4242);
  unknown.opaque = 1;
  unknown.serialize_type = SerializeType::kRocketMQ;
  for (const std::string& address : {cluster.namesrv(), cluster.broker(0)}) {
    const RemotingCommand response = round_trip_once(address, unknown);
    CHECK(response.code == response_code::kRequestCodeNotSupported);
    CHECK(response.version == 479);
    CHECK(response.serialize_type == SerializeType::kJson);
  }
  RemotingCommand send = send_request("T", 0, 2);
  send.serialize_type = SerializeType::kRocketMQ;
  const RemotingCommand sent = round_trip_once(cluster.broker(0), send);
  CHECK(sent.code == response_code::kSuccess);
  CHECK(sent.version == 479);
  CHECK(sent.serialize_type == SerializeType::kJson);

  // The flow-control rejection is not written for oneway requests on 5.x.
  REQUIRE(cluster.control(fault("broker-a", {{"fault", "code"}, {"code", "SYSTEM_BUSY"}, {"count", 1}})).at("ok") ==
          true);
  RemotingCommand oneway = send_request("T", 0, 3);
  oneway.flag = kOnewayFlag;
  expect_no_answer(cluster, cluster.broker(0), "broker-a", oneway, 4);
  unknown.flag = kOnewayFlag;
  expect_no_answer(cluster, cluster.namesrv(), "namesrv", unknown, 5);
}

TEST_CASE("4.9.8 writes the flow-control rejection even for oneway requests, in JSON", "[cluster]") {
  RunningCluster cluster(one_broker());
  REQUIRE(cluster.control(fault("broker-a", {{"fault", "code"}, {"code", "SYSTEM_BUSY"}, {"count", 1}})).at("ok") ==
          true);
  RemotingCommand oneway = send_request("T", 0, 3);
  oneway.flag = kOnewayFlag;
  oneway.serialize_type = SerializeType::kRocketMQ;
  const RemotingCommand response = round_trip_once(cluster.broker(0), oneway);
  CHECK(response.code == response_code::kSystemBusy);
  CHECK(response.serialize_type == SerializeType::kJson);
}

TEST_CASE("GET_BROKER_CLUSTER_INFO: the ClusterInfo with bare integer keys for any client version",
          "[cluster]") {
  ClusterOptions options = one_broker();
  options.brokers = 2;
  options.slave = true;
  RunningCluster cluster(options);
  const nlohmann::json& brokers = cluster.ready().at("brokers");
  auto data = [&brokers](int index) {
    const nlohmann::json& broker = brokers.at(index);
    return "{\"brokerAddrs\":{0:\"" + broker.at("addr").get<std::string>() + "\",1:\"" +
           broker.at("slave").get<std::string>() + "\"},\"brokerName\":\"" + broker.at("name").get<std::string>() +
           "\",\"cluster\":\"DefaultCluster\"}";
  };
  // HashMap order: broker-b before broker-a.
  const std::string expected = "{\"brokerAddrTable\":{\"broker-b\":" + data(1) + ",\"broker-a\":" + data(0) +
                               "},\"clusterAddrTable\":{\"DefaultCluster\":[\"broker-b\",\"broker-a\"]}}";
  RemotingCommand request = RemotingCommand::request(request_code::kGetBrokerClusterInfo);
  for (const std::int32_t version : {0, 409, 479}) {
    request.version = version;
    request.opaque = version;
    const RemotingCommand response = round_trip_once(cluster.namesrv(), request);
    CHECK(response.code == response_code::kSuccess);
    CHECK_FALSE(response.remark.has_value());
    CHECK(response.body == expected);
  }
}

TEST_CASE("TLS (permissive) and the VIP channel are on by default, as on a real broker", "[cluster]") {
  RunningCluster cluster(one_broker());
  CHECK(cluster.ready().at("tls") == "permissive");
  const nlohmann::json& broker = cluster.ready().at("brokers")[0];
  const std::string address = broker.at("addr");
  const std::string vip = broker.at("vip");
  const int port = std::stoi(address.substr(address.rfind(':') + 1));
  CHECK(vip == "127.0.0.1:" + std::to_string(port - 2));
  CHECK(round_trip_once(vip, heartbeat_request(1)).code == response_code::kSuccess);
  CHECK(cluster.wait_for_requests("broker-a-vip", 1));

  // A TLS client gets through on the plain port of the name server and of the broker.
  TlsOptions tls;
  tls.enabled = true;
  tls.insecure = true;
  RemotingClient client(nullptr, tls);
  for (const std::string& target : {cluster.namesrv(), address, vip}) {
    auto answer = client.invoke_sync(target, route_request(2), Milliseconds(3000));
    REQUIRE(answer.ok());
    // The name server routes it; a broker does not know the code.
    CHECK(answer->code == (target == cluster.namesrv() ? response_code::kSuccess
                                                       : response_code::kRequestCodeNotSupported));
  }

  ClusterOptions plain = one_broker();
  plain.tls.reset();
  plain.vip_channel = false;
  RunningCluster without(plain);
  CHECK_FALSE(without.ready().contains("tls"));
  CHECK_FALSE(without.ready().at("brokers")[0].contains("vip"));
}

TEST_CASE("many clusters start side by side with VIP ports, quickly", "[cluster]") {
  // Each broker needs a free (port - 2, port) pair; the search retries on collisions.
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::unique_ptr<RunningCluster>> clusters;
  for (int i = 0; i < 8; ++i) {
    ClusterOptions options = one_broker();
    options.brokers = 3;
    clusters.push_back(std::make_unique<RunningCluster>(options));
  }
  const auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK(elapsed < std::chrono::seconds(5 * MQSEND_TEST_TIME_SCALE));
  std::set<std::string> vips;
  for (const auto& cluster : clusters) {
    for (const auto& broker : cluster->ready().at("brokers")) vips.insert(broker.at("vip").get<std::string>());
  }
  CHECK(vips.size() == 24);
}
