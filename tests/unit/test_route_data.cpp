// TopicRouteData parser and serializer against the real name-server bodies and edge cases.
#include <catch2/catch.hpp>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>

#include "client/route/topic_route_data.hpp"

using namespace mqsend;

namespace {

std::uint32_t read_be32(const std::string& bytes, std::size_t offset) {
  std::uint32_t value = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    value = (value << 8) | static_cast<unsigned char>(bytes.at(offset + i));
  }
  return value;
}

// The body of a captured response frame: after the length word, the header-length word and
// the header.
std::string vector_body(const std::string& name) {
  std::ifstream file(std::string(MQSEND_VECTORS_DIR) + "/" + name, std::ios::binary);
  REQUIRE(file);
  const std::string frame{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
  REQUIRE(frame.size() >= 8);
  const std::uint32_t length = read_be32(frame, 0);
  const std::uint32_t header_length = read_be32(frame, 4) & 0xFFFFFF;
  REQUIRE(length + 4 == frame.size());
  return frame.substr(8 + header_length);
}

TopicRouteData parse_ok(std::string_view text) {
  auto route = parse_topic_route_data(text);
  INFO(text);
  REQUIRE(route.ok());
  return std::move(route).value();
}

void require_protocol_error(std::string_view text) {
  auto route = parse_topic_route_data(text);
  INFO(text);
  REQUIRE_FALSE(route.ok());
  CHECK(route.error().code == error_code::kProtocolError);
  CHECK_THAT(route.error().message, Catch::Contains("topic route data"));
}

// The route of VecTopic captured from RocketMQ 4.9.8: broker-b listed before broker-a.
void check_captured_route(const TopicRouteData& route, int perm, int queue_nums) {
  CHECK(route.order_topic_conf.empty());
  REQUIRE(route.broker_datas.size() == 2);
  CHECK(route.broker_datas[0].broker_name == "broker-b");
  CHECK(route.broker_datas[0].cluster == "DefaultCluster");
  CHECK(route.broker_datas[0].broker_addrs ==
        std::map<std::int64_t, std::string>{{0, "127.0.0.1:10921"}});
  CHECK(route.broker_datas[1].broker_name == "broker-a");
  CHECK(route.broker_datas[1].cluster == "DefaultCluster");
  CHECK(route.broker_datas[1].broker_addrs ==
        std::map<std::int64_t, std::string>{{0, "127.0.0.1:10911"}});
  REQUIRE(route.queue_datas.size() == 2);
  const char* names[] = {"broker-b", "broker-a"};
  for (std::size_t i = 0; i < 2; ++i) {
    const QueueData& queue = route.queue_datas[i];
    CHECK(queue.broker_name == names[i]);
    CHECK(queue.perm == perm);
    CHECK(queue.read_queue_nums == queue_nums);
    CHECK(queue.write_queue_nums == queue_nums);
    CHECK(queue.topic_sys_flag == 0);
  }
}

}  // namespace

TEST_CASE("route: the real standard-JSON body parses field by field", "[route]") {
  check_captured_route(parse_ok(vector_body("route-standard.resp.bin")), 6, 4);
  check_captured_route(parse_ok(vector_body("route-tbw102.resp.bin")), 7, 8);
}

TEST_CASE("route: the real legacy fastjson body with bare integer keys parses", "[route]") {
  const std::string legacy = vector_body("route-legacy.resp.bin");
  REQUIRE(legacy.find("{0:\"127.0.0.1:10921\"}") != std::string::npos);
  const TopicRouteData route = parse_ok(legacy);
  check_captured_route(route, 6, 4);
  CHECK(route == parse_ok(vector_body("route-standard.resp.bin")));
}

TEST_CASE("route: serializer reproduces the real bodies byte for byte", "[route]") {
  for (const char* name : {"route-standard.resp.bin", "route-tbw102.resp.bin"}) {
    const std::string body = vector_body(name);
    CHECK(serialize_topic_route_data(parse_ok(body), false) == body);
  }
  const std::string legacy = vector_body("route-legacy.resp.bin");
  CHECK(serialize_topic_route_data(parse_ok(legacy), true) == legacy);
}

TEST_CASE("route: parse(serialize(route)) gives the route back in both forms", "[route]") {
  TopicRouteData route;
  route.order_topic_conf = "broker-a:2;broker-b:3";
  route.broker_datas.push_back(
      {"ClusterX", "broker-a", {{0, "10.0.0.1:10911"}, {1, "10.0.0.2:10911"}}});
  route.broker_datas.push_back({"Cluster \"quoted\" \\ \x01", "broker-b", {{-1, "a"}, {7, "b"}}});
  route.broker_datas.push_back({"c", "no-addrs", {}});
  route.queue_datas.push_back({"broker-a", 8, 4, 6, 0});
  route.queue_datas.push_back({"broker-b", 1, 16, 7, 3});

  for (bool legacy : {false, true}) {
    const std::string text = serialize_topic_route_data(route, legacy);
    CHECK(parse_ok(text) == route);
    CHECK((text.find("{0:\"10.0.0.1:10911\",1:") != std::string::npos) == legacy);
    CHECK((text.find("{\"0\":\"10.0.0.1:10911\",\"1\":") != std::string::npos) == !legacy);
  }
  CHECK(serialize_topic_route_data(route, false)
            .find("\"filterServerTable\":{},\"orderTopicConf\":\"broker-a:2;broker-b:3\","
                  "\"queueDatas\"") != std::string::npos);
  route.order_topic_conf.clear();
  CHECK(serialize_topic_route_data(route, false).find("orderTopicConf") == std::string::npos);
}

TEST_CASE("route: the integer-key pre-pass leaves strings and values alone", "[route]") {
  SECTION("keys and separators inside strings are untouched") {
    const auto route = parse_ok(
        R"({"brokerDatas":[{"brokerName":"{0:\"x\"}","cluster":"a,1:b","brokerAddrs":{0:"{2:3}"}}]})");
    REQUIRE(route.broker_datas.size() == 1);
    CHECK(route.broker_datas[0].broker_name == "{0:\"x\"}");
    CHECK(route.broker_datas[0].cluster == "a,1:b");
    CHECK(route.broker_datas[0].broker_addrs.at(0) == "{2:3}");
  }
  SECTION("an escaped backslash before the closing quote ends the string") {
    const auto route =
        parse_ok(R"({"brokerDatas":[{"brokerName":"x\\","brokerAddrs":{0:"a",-3:"b"}}]})");
    CHECK(route.broker_datas[0].broker_name == "x\\");
    CHECK(route.broker_datas[0].broker_addrs.size() == 2);
  }
  SECTION("negative keys, whitespace and newlines around keys") {
    const auto route =
        parse_ok("{\"brokerDatas\":[{\"brokerAddrs\":{ -1 :\"s\",\n\t 0\r\n: \"m\" , 12:\"t\"}}]}");
    CHECK(route.broker_datas[0].broker_addrs ==
          std::map<std::int64_t, std::string>{{-1, "s"}, {0, "m"}, {12, "t"}});
  }
  SECTION("numbers in arrays and nested unknown maps") {
    const auto route = parse_ok(
        R"({"x":[1, 2,{3:[4,{5:6}]}],"queueDatas":[{"brokerName":"b","perm":6,"writeQueueNums":2}],)"
        R"("topicQueueMappingByBroker":{"b":{0:{"a":1}}}})");
    REQUIRE(route.queue_datas.size() == 1);
    CHECK(route.queue_datas[0].write_queue_nums == 2);
  }
  SECTION("quoted keys stay as they are") {
    const auto route = parse_ok(R"({"brokerDatas":[{"brokerAddrs":{"0":"m","1":"s"}}]})");
    CHECK(route.broker_datas[0].broker_addrs.size() == 2);
  }
}

TEST_CASE("route: unknown and obsolete fields are ignored, absent ones default", "[route]") {
  const auto route = parse_ok(R"({
    "brokerDatas":[{"brokerAddrs":{"0":"m"},"brokerName":"b","cluster":"c",
                    "enableActingMaster":true,"zoneName":"z"}],
    "filterServerTable":{"10.0.0.1:1":["10.0.0.2:2"]},
    "orderTopicConf":null,
    "queueDatas":[{"brokerName":"b","perm":6,"readQueueNums":4,"writeQueueNums":4,"topicSynFlag":9}],
    "topicQueueMappingByBroker":{"b":{"bname":"b","epoch":1}},
    "extra":[null, {"a":{"b":[]}}]
  })");
  CHECK(route.order_topic_conf.empty());
  REQUIRE(route.queue_datas.size() == 1);
  CHECK(route.queue_datas[0].topic_sys_flag == 0);
  CHECK(route.broker_datas[0].broker_addrs.at(0) == "m");

  CHECK(parse_ok("{}") == TopicRouteData{});
  CHECK(parse_ok(R"({"queueDatas":null,"brokerDatas":null})") == TopicRouteData{});
  const auto sparse = parse_ok(R"({"queueDatas":[{}],"brokerDatas":[{}]})");
  CHECK(sparse.queue_datas[0] == QueueData{});
  CHECK(sparse.broker_datas[0] == BrokerData{});
}

TEST_CASE("route: malformed bodies are protocol errors, never exceptions", "[route]") {
  require_protocol_error("");
  require_protocol_error("not json");
  require_protocol_error("[]");
  require_protocol_error("\"text\"");
  require_protocol_error(R"({"queueDatas":[{"brokerName":"b"})");
  require_protocol_error(R"({"queueDatas":[{"brokerName":"b"}]} trailing)");
  require_protocol_error(R"({"queueDatas":{}})");
  require_protocol_error(R"({"queueDatas":[1]})");
  require_protocol_error(R"({"queueDatas":[{"perm":"6"}]})");
  require_protocol_error(R"({"queueDatas":[{"perm":6.5}]})");
  require_protocol_error(R"({"queueDatas":[{"readQueueNums":2147483648}]})");
  require_protocol_error(R"({"queueDatas":[{"readQueueNums":-2147483649}]})");
  require_protocol_error(R"({"queueDatas":[{"brokerName":7}]})");
  require_protocol_error(R"({"brokerDatas":[{"brokerAddrs":[]}]})");
  require_protocol_error(R"({"brokerDatas":[{"brokerAddrs":{"x":"a"}}]})");
  require_protocol_error(R"({"brokerDatas":[{"brokerAddrs":{"-":"a"}}]})");
  require_protocol_error(R"({"brokerDatas":[{"brokerAddrs":{"1234567890123456789":"a"}}]})");
  require_protocol_error(R"({"brokerDatas":[{"brokerAddrs":{0:5}}]})");
  require_protocol_error(R"({"brokerDatas":[{"brokerAddrs":{0x1:"a"}}]})");
  require_protocol_error(R"({"orderTopicConf":["a"]})");
  require_protocol_error(std::string(100000, '['));
  require_protocol_error("{\"a\":" + std::string(65, '[') + std::string(65, ']') + "}");

  const auto within_limit =
      parse_topic_route_data("{\"a\":" + std::string(60, '[') + std::string(60, ']') + "}");
  CHECK(within_limit.ok());
}
