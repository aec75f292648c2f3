// Fault injection of the test cluster: the fault commands, and each fault over real sockets.
#include <chrono>

#include <catch2/catch.hpp>

#include "client/remoting/codes.hpp"
#include "test_cluster_support.hpp"

using namespace mqsend;
using mqsend::cluster_test::RunningCluster;
using mqsend::cluster_test::fault;
using mqsend::cluster_test::round_trip;
using mqsend::cluster_test::send_request;
using mqsend::cluster_test::TestSocket;

namespace {

ClusterOptions one_broker() {
  ClusterOptions options;
  options.brokers = 1;
  options.topics = {{"T", 4}};
  return options;
}

RemotingCommand route_request(const std::string& topic, std::int32_t opaque) {
  RemotingCommand request = RemotingCommand::request(request_code::kGetRouteInfoByTopic);
  request.opaque = opaque;
  request.ext_fields = {{"topic", topic}};
  return request;
}

}  // namespace

TEST_CASE("fault flags parse into fault specs", "[cluster]") {
  auto down = parse_fault_flag("broker-a=down");
  REQUIRE(down.ok());
  CHECK(down->target == "broker-a");
  CHECK(down->spec.kind == FaultKind::kDown);

  auto busy = parse_fault_flag("broker-b=code:SYSTEM_BUSY:3");
  REQUIRE(busy.ok());
  CHECK(busy->spec.kind == FaultKind::kCode);
  CHECK(busy->spec.value == response_code::kSystemBusy);
  CHECK(busy->spec.count == 3);

  auto slow = parse_fault_flag("namesrv=delay:250");
  REQUIRE(slow.ok());
  CHECK(slow->spec.kind == FaultKind::kDelay);
  CHECK(slow->spec.value == 250);
  CHECK_FALSE(slow->spec.count.has_value());

  auto truncated = parse_fault_flag("broker-a=truncated:1");
  REQUIRE(truncated.ok());
  CHECK(truncated->spec.kind == FaultKind::kTruncated);
  CHECK(truncated->spec.count == 1);
  CHECK(parse_fault_flag("broker-a=wrong_opaque").value().spec.kind == FaultKind::kWrongOpaque);
  CHECK(parse_fault_flag("namesrv=garbage:2").value().spec.kind == FaultKind::kGarbage);
  CHECK(parse_fault_flag("broker-a=code:777").value().spec.value == 777);  // a code no client knows

  auto numeric = parse_fault_flag("broker-a=code:14");
  REQUIRE(numeric.ok());
  CHECK(numeric->spec.value == response_code::kServiceNotAvailable);

  CHECK_FALSE(parse_fault_flag("broker-a").ok());
  CHECK_FALSE(parse_fault_flag("broker-a=explode").ok());
  CHECK_FALSE(parse_fault_flag("broker-a=delay").ok());
  CHECK_FALSE(parse_fault_flag("broker-a=delay:-5").ok());
  CHECK_FALSE(parse_fault_flag("broker-a=code:NOT_A_CODE").ok());
  CHECK_FALSE(parse_fault_flag("broker-a=code:UNKNOWN").ok());  // not the first unnamed code
  CHECK_FALSE(parse_fault_flag("broker-a=down:3").ok());
}

TEST_CASE("fault JSON commands parse, response codes by name or number", "[cluster]") {
  auto spec = fault_spec_from_json({{"fault", "code"}, {"code", "flush_disk_timeout"}, {"count", 2}});
  REQUIRE(spec.ok());
  CHECK(spec->value == response_code::kFlushDiskTimeout);
  CHECK(spec->count == 2);
  spec = fault_spec_from_json({{"fault", "close_after"}, {"requests", 3}});
  REQUIRE(spec.ok());
  CHECK(spec->value == 3);
  spec = fault_spec_from_json({{"fault", "reset_after"}, {"bytes", 5000}});
  REQUIRE(spec.ok());
  CHECK(spec->kind == FaultKind::kResetAfter);
  CHECK(spec->value == 5000);
  CHECK_FALSE(fault_spec_from_json({{"fault", "reset_after"}}).ok());
  CHECK(parse_fault_flag("broker-a=reset_after:100")->spec.value == 100);
  CHECK(fault_spec_from_json({{"fault", "code"}, {"code", 16}})->value == response_code::kNoPermission);
  CHECK_FALSE(fault_spec_from_json({{"fault", "delay"}}).ok());
  CHECK_FALSE(fault_spec_from_json({{"fault", "code"}, {"code", true}}).ok());
  CHECK_FALSE(fault_spec_from_json({{"nofault", 1}}).ok());
  CHECK(parse_response_code("TOPIC_NOT_EXIST").value() == 17);
  CHECK(parse_response_code("2").value() == 2);
}

TEST_CASE("counted faults are used up, uncounted ones last until cleared", "[cluster]") {
  FaultState state;
  state.apply({FaultKind::kMalformed, 0, 2});
  CHECK(state.take_corruption() == FrameCorruption::kMalformed);
  CHECK(state.take_corruption() == FrameCorruption::kMalformed);
  CHECK(state.take_corruption() == FrameCorruption::kNone);

  state.apply({FaultKind::kCode, 2, std::nullopt});
  for (int i = 0; i < 5; ++i) CHECK(state.take_forced_code() == 2);
  state.apply({FaultKind::kDown, 0, std::nullopt});
  state.apply({FaultKind::kDelay, 100, std::nullopt});
  CHECK(state.down());
  state.apply({FaultKind::kClear, 0, std::nullopt});
  CHECK_FALSE(state.down());
  CHECK(state.delay().count() == 0);
  CHECK_FALSE(state.take_forced_code().has_value());
}

TEST_CASE("a broker taken down refuses connections and comes back on the same port", "[cluster]") {
  RunningCluster cluster(one_broker());
  const std::string address = cluster.broker(0);
  TestSocket before(address);
  REQUIRE(before.connected());
  CHECK(round_trip(before, send_request("T", 0, 1)).code == response_code::kSuccess);

  CHECK(cluster.control(fault("broker-a", {{"fault", "down"}})).at("ok") == true);
  CHECK(before.closed_by_peer());
  CHECK_FALSE(TestSocket(address).connected());
  CHECK(cluster.control({{"cmd", "status"}}).at("brokers")[0].at("up") == false);

  CHECK(cluster.control(fault("broker-a", {{"fault", "up"}})).at("ok") == true);
  TestSocket after(address);
  REQUIRE(after.connected());
  CHECK(round_trip(after, send_request("T", 0, 2)).code == response_code::kSuccess);
}

TEST_CASE("a name server taken down or slowed down", "[cluster]") {
  RunningCluster cluster(one_broker());
  CHECK(cluster.control(fault("namesrv", {{"fault", "down"}})).at("ok") == true);
  CHECK_FALSE(TestSocket(cluster.namesrv()).connected());
  CHECK(cluster.control(fault("namesrv", {{"fault", "up"}})).at("ok") == true);

  CHECK(cluster.control(fault("namesrv", {{"fault", "slow"}, {"ms", 300}})).at("ok") == true);
  TestSocket socket(cluster.namesrv());
  const auto start = std::chrono::steady_clock::now();
  CHECK(round_trip(socket, route_request("T", 5)).code == response_code::kSuccess);
  CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(300));
}

TEST_CASE("a delayed broker answers after the delay", "[cluster]") {
  ClusterOptions options = one_broker();
  options.faults = {parse_fault_flag("broker-a=delay:200").value()};
  RunningCluster cluster(options);
  TestSocket socket(cluster.broker(0));
  const auto start = std::chrono::steady_clock::now();
  // Two pipelined requests: both delayed, both answered.
  REQUIRE(socket.send(send_request("T", 0, 1)));
  REQUIRE(socket.send(send_request("T", 1, 2)));
  RemotingCommand response;
  REQUIRE(socket.read_frame(response) == TestSocket::Read::kFrame);
  REQUIRE(socket.read_frame(response) == TestSocket::Read::kFrame);
  CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(200));

  CHECK(cluster.control(fault("broker-a", {{"fault", "clear"}})).at("ok") == true);
  const auto fast = std::chrono::steady_clock::now();
  round_trip(socket, send_request("T", 0, 3));
  CHECK(std::chrono::steady_clock::now() - fast < std::chrono::milliseconds(200));
}

TEST_CASE("a forced response code applies to the next N sends over the wire", "[cluster]") {
  RunningCluster cluster(one_broker());
  TestSocket socket(cluster.broker(0));
  CHECK(cluster.control(fault("broker-a", {{"fault", "code"}, {"code", "SYSTEM_BUSY"}, {"count", 2}}))
            .at("ok") == true);
  CHECK(round_trip(socket, send_request("T", 0, 1)).code == response_code::kSystemBusy);
  CHECK(round_trip(socket, send_request("T", 0, 2)).code == response_code::kSystemBusy);
  CHECK(round_trip(socket, send_request("T", 0, 3)).code == response_code::kSuccess);
  CHECK(cluster.control({{"cmd", "messages"}, {"topic", "T"}}).at("messages").size() == 1);
}

TEST_CASE("close after N requests drops the connection once N are answered", "[cluster]") {
  RunningCluster cluster(one_broker());
  CHECK(cluster.control(fault("broker-a", {{"fault", "close_after"}, {"requests", 2}})).at("ok") == true);
  for (int connection = 0; connection < 2; ++connection) {
    TestSocket socket(cluster.broker(0));
    CHECK(round_trip(socket, send_request("T", 0, 1)).code == response_code::kSuccess);
    CHECK(round_trip(socket, send_request("T", 0, 2)).code == response_code::kSuccess);
    CHECK(socket.closed_by_peer());
  }
  // 0: the next request closes the connection unanswered.
  CHECK(cluster.control(fault("broker-a", {{"fault", "close_after"}, {"requests", 0}})).at("ok") == true);
  TestSocket socket(cluster.broker(0));
  REQUIRE(socket.send(send_request("T", 0, 3)));
  CHECK(socket.closed_by_peer());
}

TEST_CASE("a black-holed broker keeps the connection and never answers", "[cluster]") {
  RunningCluster cluster(one_broker());
  CHECK(cluster.control(fault("broker-a", {{"fault", "black_hole"}})).at("ok") == true);
  TestSocket socket(cluster.broker(0));
  REQUIRE(socket.send(send_request("T", 0, 1)));
  RemotingCommand response;
  CHECK(socket.read_frame(response, 400) == TestSocket::Read::kTimeout);
  // The request reached the broker (logged) but nothing was stored.
  auto log = cluster.control({{"cmd", "log"}, {"target", "broker-a"}});
  CHECK(log.at("log").size() == 1);
  CHECK(cluster.control({{"cmd", "messages"}}).at("messages").empty());

  CHECK(cluster.control(fault("broker-a", {{"fault", "clear"}})).at("ok") == true);
  CHECK(round_trip(socket, send_request("T", 0, 2)).code == response_code::kSuccess);
}

TEST_CASE("half_open freezes the connections open now, later ones work", "[cluster]") {
  RunningCluster cluster(one_broker());
  TestSocket frozen(cluster.broker(0));
  REQUIRE(round_trip(frozen, send_request("T", 0, 1)).code == response_code::kSuccess);
  CHECK(cluster.control(fault("broker-a", {{"fault", "half_open"}})).at("ok") == true);
  REQUIRE(frozen.send(send_request("T", 0, 2)));
  RemotingCommand response;
  CHECK(frozen.read_frame(response, 400) == TestSocket::Read::kTimeout);
  CHECK_FALSE(frozen.closed_by_peer());
  CHECK(cluster.control({{"cmd", "messages"}}).at("messages").size() == 1);  // not processed

  TestSocket fresh(cluster.broker(0));
  CHECK(round_trip(fresh, send_request("T", 0, 3)).code == response_code::kSuccess);
  // A frozen connection stays frozen, `clear` or not.
  CHECK(cluster.control(fault("broker-a", {{"fault", "clear"}})).at("ok") == true);
  REQUIRE(frozen.send(send_request("T", 0, 4)));
  CHECK(frozen.read_frame(response, 200) == TestSocket::Read::kTimeout);
  CHECK(round_trip(fresh, send_request("T", 0, 5)).code == response_code::kSuccess);
}

TEST_CASE("reset_after resets a connection once it received more than N bytes", "[cluster]") {
  RunningCluster cluster(one_broker());
  TestSocket socket(cluster.broker(0));
  REQUIRE(round_trip(socket, send_request("T", 0, 1)).code == response_code::kSuccess);
  const std::size_t frame_size = encode_frame(send_request("T", 0, 2)).size();
  // The next request fits; the one after passes the limit mid-stream.
  CHECK(cluster.control(fault("broker-a", {{"fault", "reset_after"}, {"bytes", frame_size + 10}})).at("ok") == true);
  CHECK(round_trip(socket, send_request("T", 0, 2)).code == response_code::kSuccess);
  REQUIRE(socket.send(send_request("T", 0, 3)));
  CHECK(socket.closed_by_peer());
  CHECK(cluster.control({{"cmd", "messages"}}).at("messages").size() == 2);
  // New connections count from zero.
  TestSocket fresh(cluster.broker(0));
  CHECK(round_trip(fresh, send_request("T", 0, 4)).code == response_code::kSuccess);
}

TEST_CASE("malformed and oversized response frames", "[cluster]") {
  RunningCluster cluster(one_broker());
  CHECK(cluster.control(fault("broker-a", {{"fault", "malformed"}, {"count", 1}})).at("ok") == true);
  {
    TestSocket socket(cluster.broker(0));
    REQUIRE(socket.send(send_request("T", 0, 1)));
    RemotingCommand response;
    CHECK(socket.read_frame(response) == TestSocket::Read::kBadFrame);
  }
  CHECK(cluster.control(fault("broker-a", {{"fault", "oversized"}})).at("ok") == true);
  {
    TestSocket socket(cluster.broker(0));
    REQUIRE(socket.send(send_request("T", 0, 2)));
    RemotingCommand response;
    CHECK(socket.read_frame(response) == TestSocket::Read::kBadFrame);
  }
  CHECK(cluster.control(fault("broker-a", {{"fault", "clear"}})).at("ok") == true);
  TestSocket socket(cluster.broker(0));
  CHECK(round_trip(socket, send_request("T", 0, 3)).code == response_code::kSuccess);
}

TEST_CASE("truncated, wrong-opaque and garbage responses", "[cluster]") {
  RunningCluster cluster(one_broker());
  CHECK(cluster.control(fault("broker-a", {{"fault", "truncated"}, {"count", 1}})).at("ok") == true);
  {
    // Half a frame, then the connection closes: the length word promised more.
    TestSocket socket(cluster.broker(0));
    REQUIRE(socket.send(send_request("T", 0, 1)));
    RemotingCommand response;
    CHECK(socket.read_frame(response) == TestSocket::Read::kClosed);
  }
  CHECK(cluster.control(fault("broker-a", {{"fault", "wrong_opaque"}, {"count", 1}})).at("ok") == true);
  TestSocket socket(cluster.broker(0));
  REQUIRE(socket.send(send_request("T", 0, 2)));
  RemotingCommand response;
  REQUIRE(socket.read_frame(response) == TestSocket::Read::kFrame);
  CHECK(response.opaque != 2);
  CHECK(response.code == response_code::kSuccess);
  CHECK(round_trip(socket, send_request("T", 0, 3)).code == response_code::kSuccess);  // used up

  CHECK(cluster.control(fault("namesrv", {{"fault", "garbage"}})).at("ok") == true);
  CHECK(cluster.control({{"cmd", "status"}}).at("namesrv").at("faults").at("corruption") == "garbage");
  TestSocket name_server(cluster.namesrv());
  REQUIRE(name_server.send(route_request("T", 4)));
  CHECK(name_server.read_frame(response) == TestSocket::Read::kBadFrame);  // "HTTP" as a length
}

TEST_CASE("start-time faults apply before the ready line", "[cluster]") {
  ClusterOptions options = one_broker();
  options.brokers = 2;
  options.faults = {parse_fault_flag("broker-b=down").value()};
  RunningCluster cluster(options);
  CHECK(TestSocket(cluster.broker(0)).connected());
  CHECK_FALSE(TestSocket(cluster.broker(1)).connected());
  CHECK(cluster.control(fault("broker-z", {{"fault", "down"}})).at("ok") == false);
}
