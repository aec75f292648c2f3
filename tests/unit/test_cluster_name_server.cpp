// The test cluster's name server against the route frames a real 4.9.8 name server answered.
#include <algorithm>

#include <catch2/catch.hpp>

#include "client/remoting/codes.hpp"
#include "test_cluster_support.hpp"
#include "testcluster/name_server.hpp"

using namespace mqsend;
using mqsend::cluster_test::vector_command;

namespace {

NameServer captured_cluster(bool legacy) { return mqsend::cluster_test::captured_name_server(legacy); }

TopicRouteData sorted(TopicRouteData route) {
  std::sort(route.queue_datas.begin(), route.queue_datas.end(),
            [](const QueueData& a, const QueueData& b) { return a.broker_name < b.broker_name; });
  std::sort(route.broker_datas.begin(), route.broker_datas.end(),
            [](const BrokerData& a, const BrokerData& b) { return a.broker_name < b.broker_name; });
  return route;
}

void check_same_route(const std::string& ours, const std::string& real) {
  auto our_route = parse_topic_route_data(ours);
  auto real_route = parse_topic_route_data(real);
  REQUIRE(our_route.ok());
  REQUIRE(real_route.ok());
  const TopicRouteData a = sorted(our_route.value());
  const TopicRouteData b = sorted(real_route.value());
  REQUIRE(a.queue_datas.size() == b.queue_datas.size());
  REQUIRE(a.broker_datas.size() == b.broker_datas.size());
  for (std::size_t i = 0; i < a.queue_datas.size(); ++i) {
    CHECK(a.queue_datas[i].broker_name == b.queue_datas[i].broker_name);
    CHECK(a.queue_datas[i].read_queue_nums == b.queue_datas[i].read_queue_nums);
    CHECK(a.queue_datas[i].write_queue_nums == b.queue_datas[i].write_queue_nums);
    CHECK(a.queue_datas[i].perm == b.queue_datas[i].perm);
    CHECK(a.queue_datas[i].topic_sys_flag == b.queue_datas[i].topic_sys_flag);
  }
  for (std::size_t i = 0; i < a.broker_datas.size(); ++i) {
    CHECK(a.broker_datas[i].broker_name == b.broker_datas[i].broker_name);
    CHECK(a.broker_datas[i].cluster == b.broker_datas[i].cluster);
    CHECK(a.broker_datas[i].broker_addrs == b.broker_datas[i].broker_addrs);
  }
}

void check_header_like_real(const RemotingCommand& ours, const RemotingCommand& real) {
  CHECK(ours.code == real.code);
  CHECK(ours.flag == real.flag);
  CHECK(ours.opaque == real.opaque);
  CHECK(ours.language == real.language);
  CHECK(ours.version == real.version);
  CHECK(ours.serialize_type == real.serialize_type);
  CHECK(ours.remark == real.remark);
  CHECK(ours.ext_fields == real.ext_fields);
}

RemotingCommand answer(NameServer& name_server, const std::string& vector) {
  auto response = name_server.handle(vector_command(vector + ".req.bin"));
  REQUIRE(response.has_value());
  const RemotingCommand real = vector_command(vector + ".resp.bin");
  check_header_like_real(*response, real);
  return *response;
}

bool has_bare_integer_key(const std::string& body) { return body.find("{0:\"") != std::string::npos; }

}  // namespace

TEST_CASE("name server answers standard route JSON to current clients", "[cluster]") {
  NameServer name_server = captured_cluster(false);
  const RemotingCommand response = answer(name_server, "route-standard");
  CHECK_FALSE(has_bare_integer_key(response.body));
  CHECK(response.body.find("\"0\":\"127.0.0.1:10911\"") != std::string::npos);
  check_same_route(response.body, vector_command("route-standard.resp.bin").body);
  // Same fields in the same (sorted) order as fastjson writes them.
  CHECK(response.body.rfind("{\"brokerDatas\":[{\"brokerAddrs\":", 0) == 0);
  CHECK(response.body.find("\"filterServerTable\":{},\"queueDatas\":[") != std::string::npos);
}

TEST_CASE("name server answers the legacy fastjson form to old clients", "[cluster]") {
  NameServer name_server = captured_cluster(false);
  const RemotingCommand response = answer(name_server, "route-legacy");
  CHECK(has_bare_integer_key(response.body));
  check_same_route(response.body, vector_command("route-legacy.resp.bin").body);

  // acceptStandardJsonOnly alone is enough for standard JSON.
  RemotingCommand old_but_standard = vector_command("route-legacy.req.bin");
  old_but_standard.ext_fields["acceptStandardJsonOnly"] = "true";
  CHECK_FALSE(has_bare_integer_key(name_server.handle(old_but_standard)->body));
}

TEST_CASE("option --legacy-route-json answers the fastjson form to everyone", "[cluster]") {
  NameServer name_server = captured_cluster(true);
  auto response = name_server.handle(vector_command("route-standard.req.bin"));
  CHECK(has_bare_integer_key(response->body));
  check_same_route(response->body, vector_command("route-standard.resp.bin").body);
}

TEST_CASE("name server answers TOPIC_NOT_EXIST like the real one", "[cluster]") {
  NameServer name_server = captured_cluster(false);
  const RemotingCommand response = answer(name_server, "route-not-exist");
  CHECK(response.body.empty());
}

TEST_CASE("name server serves the TBW102 route of auto-create brokers", "[cluster]") {
  NameServer name_server = captured_cluster(false);
  const RemotingCommand response = answer(name_server, "route-tbw102");
  check_same_route(response.body, vector_command("route-tbw102.resp.bin").body);
}

TEST_CASE("name server routes follow broker and topic registrations", "[cluster]") {
  NameServer name_server = captured_cluster(false);
  name_server.register_broker("DefaultCluster", "broker-a", 1, "127.0.0.1:20911");
  auto route = name_server.route("VecTopic");
  REQUIRE(route.has_value());
  const auto& broker_a = *std::find_if(route->broker_datas.begin(), route->broker_datas.end(),
                                       [](const BrokerData& b) { return b.broker_name == "broker-a"; });
  CHECK(broker_a.broker_addrs.at(1) == "127.0.0.1:20911");

  name_server.unregister_broker("broker-a");
  route = name_server.route("VecTopic");
  REQUIRE(route.has_value());
  REQUIRE(route->broker_datas.size() == 1);
  CHECK(route->broker_datas[0].broker_name == "broker-b");
  CHECK(route->queue_datas.size() == 1);

  // Topic registrations of unknown brokers are ignored; removing the last one drops the route.
  TopicConfig topic;
  topic.name = "Orphan";
  topic.read_queue_nums = topic.write_queue_nums = 1;
  name_server.register_topic("broker-a", topic);
  CHECK_FALSE(name_server.route("Orphan").has_value());
  name_server.unregister_topic("broker-b", "VecTopic");
  CHECK_FALSE(name_server.route("VecTopic").has_value());

  // Unknown codes: 4.9.8's DefaultRequestProcessor returns null (no answer), 5.3's answers 3.
  RemotingCommand other = RemotingCommand::request(9999);
  CHECK_FALSE(name_server.handle(other).has_value());
  NameServer newer(ServerVersion::k5_3_3, false);
  CHECK(newer.handle(other)->code == response_code::kRequestCodeNotSupported);
}

TEST_CASE("name server answers an injected response code to the next route requests", "[cluster]") {
  FaultState faults;
  NameServer name_server(ServerVersion::k4_9_8, false, &faults);
  name_server.register_broker("DefaultCluster", "broker-a", kMasterBrokerId, "127.0.0.1:10911");
  TopicConfig topic;
  topic.name = "VecTopic";
  topic.read_queue_nums = topic.write_queue_nums = 4;
  name_server.register_topic("broker-a", topic);

  faults.apply({FaultKind::kCode, response_code::kSystemError, 1});
  const RemotingCommand request = vector_command("route-standard.req.bin");
  auto response = name_server.handle(request);
  CHECK(response->code == response_code::kSystemError);
  CHECK(response->body.empty());
  response = name_server.handle(request);
  CHECK(response->code == response_code::kSuccess);
  CHECK_FALSE(response->body.empty());
}

TEST_CASE("name server: a route request without a topic is answered as for the topic null", "[cluster]") {
  NameServer name_server = captured_cluster(false);
  RemotingCommand request;
  request.code = request_code::kGetRouteInfoByTopic;
  request.opaque = 7;
  const auto no_fields = name_server.handle(request);
  REQUIRE(no_fields);
  CHECK(no_fields->code == response_code::kTopicNotExist);
  CHECK(no_fields->remark.value_or("").rfind("No topic route info in name server for the topic: null", 0) == 0);
  // With other fields but no topic, the header check refuses it.
  request.ext_fields = {{"acceptStandardJsonOnly", "true"}};
  const auto other_fields = name_server.handle(request);
  REQUIRE(other_fields);
  CHECK(other_fields->code == response_code::kSystemError);
  CHECK(other_fields->remark.value_or("").find("the custom field <topic> is null") != std::string::npos);
}
