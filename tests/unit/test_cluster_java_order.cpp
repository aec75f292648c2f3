// Java HashMap order in what the test cluster writes (issue 14 row 17): String.hashCode, the
// iteration order, and the captured 4.9.8 route bodies and send-response headers byte for byte.
#include <catch2/catch.hpp>

#include "client/remoting/codes.hpp"
#include "test_cluster_support.hpp"
#include "client/common/java_string_hash.hpp"
#include "testcluster/java_hash_order.hpp"
#include "testcluster/name_server.hpp"
#include "testcluster/server_response.hpp"

using namespace mqsend;
using mqsend::cluster_test::read_vector_file;
using mqsend::cluster_test::vector_command;

namespace {

std::vector<std::string> in_java_order(const std::vector<std::string_view>& keys, std::size_t capacity = 16) {
  std::vector<std::string> ordered;
  for (std::size_t index : java_hash_map_order(keys, capacity)) ordered.emplace_back(keys[index]);
  return ordered;
}

// The body of a captured frame.
std::string vector_body(const std::string& name) { return vector_command(name).body; }

NameServer captured_cluster(ServerVersion version = ServerVersion::k4_9_8) {
  return mqsend::cluster_test::captured_name_server(false, version);
}

}  // namespace

TEST_CASE("java String.hashCode over UTF-16 code units", "[cluster]") {
  CHECK(java_string_hash("") == 0);
  CHECK(java_string_hash("hello") == 99162322);
  CHECK(java_string_hash("broker-a") == 372697965);
  CHECK(java_string_hash("\xC3\xA9") == 233);                // é, one code unit
  CHECK(java_string_hash("\xF0\x9F\x98\x80") == 1772899);   // U+1F600, a surrogate pair
  CHECK(java_string_hash("Aa") == java_string_hash("BB"));  // the classic collision
  // Long keys wrap around as Java's int does.
  CHECK(java_string_hash("DefaultCluster_REPLY_TOPIC") == java_string_hash("DefaultCluster_REPLY_TOPIC"));
}

TEST_CASE("java HashMap iteration order: buckets, collisions in insertion order, resizes", "[cluster]") {
  CHECK(in_java_order({"broker-a", "broker-b"}) == std::vector<std::string>{"broker-b", "broker-a"});
  CHECK(in_java_order({"BB", "Aa"}) == std::vector<std::string>{"BB", "Aa"});
  CHECK(in_java_order({"Aa", "BB"}) == std::vector<std::string>{"Aa", "BB"});
  // 13 keys pass 12 = 3/4 of 16: the table doubles to 32, where b00 and b11 part ways.
  std::vector<std::string_view> keys = {"b00", "b01", "b02", "b03", "b04", "b05", "b06",
                                        "b07", "b08", "b09", "b10", "b11", "b12"};
  CHECK(in_java_order(keys) == std::vector<std::string>{"b10", "b01", "b12", "b00", "b11", "b03", "b02",
                                                        "b05", "b04", "b07", "b06", "b09", "b08"});
  CHECK(in_java_order({}).empty());
}

TEST_CASE("route bodies are the captured 4.9.8 bodies byte for byte (brokers in HashMap order)", "[cluster]") {
  NameServer name_server = captured_cluster();
  const auto standard = name_server.handle(vector_command("route-standard.req.bin"));
  REQUIRE(standard.has_value());
  CHECK(standard->body == vector_body("route-standard.resp.bin"));
  const auto legacy = name_server.handle(vector_command("route-legacy.req.bin"));
  REQUIRE(legacy.has_value());
  CHECK(legacy->body == vector_body("route-legacy.resp.bin"));
}

TEST_CASE("acceptStandardJsonOnly is read as Boolean.parseBoolean: any case of true", "[cluster]") {
  NameServer name_server = captured_cluster();
  for (const char* text : {"true", "TRUE", "True", "tRuE"}) {
    RemotingCommand request = vector_command("route-legacy.req.bin");
    request.ext_fields["acceptStandardJsonOnly"] = text;
    INFO(text);
    CHECK(name_server.handle(request)->body == vector_body("route-standard.resp.bin"));
  }
  for (const char* text : {"yes", "1", "truee", ""}) {
    RemotingCommand request = vector_command("route-legacy.req.bin");
    request.ext_fields["acceptStandardJsonOnly"] = text;
    INFO(text);
    CHECK(name_server.handle(request)->body == vector_body("route-legacy.resp.bin"));
  }
}

TEST_CASE("a 5.3 route carries enableActingMaster in every broker data", "[cluster]") {
  NameServer name_server = captured_cluster(ServerVersion::k5_3_3);
  const auto response = name_server.handle(vector_command("route-standard.req.bin"));
  REQUIRE(response.has_value());
  CHECK(response->body.rfind(
            "{\"brokerDatas\":[{\"brokerAddrs\":{\"0\":\"127.0.0.1:10921\"},\"brokerName\":\"broker-b\","
            "\"cluster\":\"DefaultCluster\",\"enableActingMaster\":false},{",
            0) == 0);
  auto parsed = parse_topic_route_data(response->body);
  REQUIRE(parsed.ok());
  CHECK(parsed->broker_datas.size() == 2);
}

TEST_CASE("send responses put extFields on the wire in HashMap order, as the captured frames",
          "[cluster]") {
  // Both serializations: fastjson and RocketMQSerializable both walk the HashMap.
  for (const char* name : {"send-v2-json", "send-v1-json", "send-v2-rocketmq", "send-batch",
                           "send-autocreate", "send-bad-queue", "send-oversize"}) {
    INFO(name);
    const std::string captured = read_vector_file(std::string(name) + ".resp.bin");
    const RemotingCommand response = vector_command(std::string(name) + ".resp.bin");
    const ExtFieldOrder order = java_ext_field_order(response);
    std::string encoded;
    encode_frame(response, encoded, &order);
    CHECK(encoded == captured);
  }
}
