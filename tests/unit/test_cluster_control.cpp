// The control channel: status, logs, stored messages, route changes, adding/removing brokers.
#include <catch2/catch.hpp>

#include "client/remoting/codes.hpp"
#include "client/route/topic_route_data.hpp"
#include "test_cluster_support.hpp"
#include "testcluster/control_commands.hpp"

using namespace mqsend;
using mqsend::cluster_test::RunningCluster;
using mqsend::cluster_test::send_request;
using mqsend::cluster_test::TestSocket;

namespace {

// The route the name server serves right now, or nullopt on TOPIC_NOT_EXIST.
std::optional<TopicRouteData> fetch_route(RunningCluster& cluster, const std::string& topic) {
  TestSocket socket(cluster.namesrv());
  REQUIRE(socket.connected());
  RemotingCommand request = RemotingCommand::request(request_code::kGetRouteInfoByTopic);
  request.opaque = 1;
  request.ext_fields = {{"topic", topic}, {"acceptStandardJsonOnly", "true"}};
  REQUIRE(socket.send(request));
  RemotingCommand response;
  REQUIRE(socket.read_frame(response) == TestSocket::Read::kFrame);
  if (response.code == response_code::kTopicNotExist) return std::nullopt;
  REQUIRE(response.code == response_code::kSuccess);
  auto route = parse_topic_route_data(response.body);
  REQUIRE(route.ok());
  return route.value();
}

const QueueData* queue_data_of(const TopicRouteData& route, const std::string& broker) {
  for (const QueueData& data : route.queue_datas) {
    if (data.broker_name == broker) return &data;
  }
  return nullptr;
}

ClusterOptions two_brokers() {
  ClusterOptions options;
  options.topics = {{"T", 4}};
  return options;
}

}  // namespace

TEST_CASE("control commands work without a running loop and refuse bad input", "[cluster]") {
  Cluster cluster(two_brokers());
  REQUIRE_FALSE(cluster.start().has_value());
  auto reply = nlohmann::json::parse(run_control_command(cluster, R"({"cmd":"status"})"));
  CHECK(reply.at("ok") == true);
  CHECK(reply.at("brokers").size() == 2);
  for (const char* bad : {"not json", "[1,2]", R"({"cmd":7})", R"({"cmd":"nope"})",
                          R"({"cmd":"fault","target":"broker-a"})",
                          R"({"cmd":"topic","topic":"T","queues":"x"})",
                          R"({"cmd":"remove_broker"})"}) {
    INFO(bad);
    CHECK(nlohmann::json::parse(run_control_command(cluster, bad)).at("ok") == false);
  }
}

TEST_CASE("ready info names every server", "[cluster]") {
  ClusterOptions options = two_brokers();
  options.slave = true;
  RunningCluster cluster(options);
  const auto& ready = cluster.ready();
  REQUIRE(ready.at("brokers").size() == 2);
  CHECK(ready.at("brokers")[0].at("name") == "broker-a");
  CHECK(ready.at("brokers")[1].at("name") == "broker-b");
  CHECK(ready.at("brokers")[0].at("cluster") == "DefaultCluster");
  CHECK(ready.at("brokers")[0].contains("slave"));
  CHECK(cluster.control({{"cmd", "ready"}}).at("namesrv") == ready.at("namesrv"));

  // Slave entries are brokerId 1 in the route.
  auto route = fetch_route(cluster, "T");
  REQUIRE(route.has_value());
  CHECK(route->broker_datas.at(0).broker_addrs.count(1) == 1);
}

TEST_CASE("the request log and stored messages are readable and resettable", "[cluster]") {
  RunningCluster cluster(two_brokers());
  TestSocket a(cluster.broker(0));
  TestSocket b(cluster.broker(1));
  RemotingCommand response;
  REQUIRE(a.send(send_request("T", 2, 11, "to-a")));
  REQUIRE(a.read_frame(response) == TestSocket::Read::kFrame);
  REQUIRE(b.send(send_request("T", 3, 12, "to-b")));
  REQUIRE(b.read_frame(response) == TestSocket::Read::kFrame);

  auto log = cluster.control({{"cmd", "log"}, {"topic", "T"}}).at("log");
  REQUIRE(log.size() == 2);
  CHECK(log[0].at("target") == "broker-a");
  CHECK(log[0].at("code") == 310);
  CHECK(log[0].at("opaque") == 11);
  CHECK(log[0].at("queue_id") == 2);
  CHECK(log[1].at("target") == "broker-b");
  CHECK(log[1].at("queue_id") == 3);

  auto messages = cluster.control({{"cmd", "messages"}, {"topic", "T"}, {"broker", "broker-b"}});
  REQUIRE(messages.at("messages").size() == 1);
  const auto& stored = messages.at("messages")[0];
  CHECK(stored.at("body") == "dG8tYg==");  // "to-b"
  CHECK(stored.at("queue_id") == 3);
  CHECK(stored.at("properties").at("TAGS") == "T");
  CHECK(stored.at("producer_group") == "PG");

  CHECK(cluster.control({{"cmd", "reset_log"}}).at("ok") == true);
  CHECK(cluster.control({{"cmd", "log"}}).at("log").empty());
  CHECK(cluster.control({{"cmd", "reset_messages"}}).at("ok") == true);
  CHECK(cluster.control({{"cmd", "messages"}}).at("messages").empty());
  CHECK(cluster.control({{"cmd", "status"}}).at("messages_accepted") == 2);
}

TEST_CASE("option --store-limit keeps only the newest messages", "[cluster]") {
  ClusterOptions options = two_brokers();
  options.brokers = 1;
  options.store_limit = 2;
  RunningCluster cluster(options);
  TestSocket socket(cluster.broker(0));
  RemotingCommand response;
  for (int i = 0; i < 3; ++i) {
    REQUIRE(socket.send(send_request("T", 0, i, "m" + std::to_string(i))));
    REQUIRE(socket.read_frame(response) == TestSocket::Read::kFrame);
  }
  auto messages = cluster.control({{"cmd", "messages"}}).at("messages");
  REQUIRE(messages.size() == 2);
  CHECK(messages[0].at("queue_offset") == 1);
  CHECK(messages[1].at("queue_offset") == 2);
}

TEST_CASE("route changes at runtime: topic queues and perm, removed and added brokers", "[cluster]") {
  RunningCluster cluster(two_brokers());
  CHECK(cluster.control({{"cmd", "topic"}, {"topic", "T"}, {"write", 2}, {"perm", 4},
                         {"brokers", {"broker-b"}}})
            .at("ok") == true);
  auto route = fetch_route(cluster, "T");
  REQUIRE(route.has_value());
  CHECK(queue_data_of(*route, "broker-a")->write_queue_nums == 4);
  CHECK(queue_data_of(*route, "broker-b")->write_queue_nums == 2);
  CHECK(queue_data_of(*route, "broker-b")->read_queue_nums == 4);
  CHECK(queue_data_of(*route, "broker-b")->perm == 4);

  CHECK(cluster.control({{"cmd", "topic"}, {"topic", "Fresh"}, {"queues", 3}}).at("ok") == true);
  route = fetch_route(cluster, "Fresh");
  REQUIRE(route.has_value());
  CHECK(route->queue_datas.size() == 2);

  CHECK(cluster.control({{"cmd", "remove_broker"}, {"name", "broker-a"}}).at("ok") == true);
  route = fetch_route(cluster, "T");
  REQUIRE(route.has_value());
  REQUIRE(route->broker_datas.size() == 1);
  CHECK(route->broker_datas[0].broker_name == "broker-b");

  // Added back: registered again with all its topics.
  auto added = cluster.control({{"cmd", "add_broker"}, {"name", "broker-a"}});
  CHECK(added.at("ok") == true);
  CHECK(added.at("broker").at("addr") == cluster.broker(0));
  CHECK(fetch_route(cluster, "T")->broker_datas.size() == 2);

  // A brand-new broker listens, has the --topic topics and appears in the route.
  added = cluster.control({{"cmd", "add_broker"}});
  REQUIRE(added.at("ok") == true);
  CHECK(added.at("broker").at("name") == "broker-c");
  TestSocket socket(added.at("broker").at("addr").get<std::string>());
  REQUIRE(socket.connected());
  REQUIRE(socket.send(send_request("T", 0, 1)));
  RemotingCommand response;
  REQUIRE(socket.read_frame(response) == TestSocket::Read::kFrame);
  CHECK(response.code == response_code::kSuccess);
  CHECK(queue_data_of(*fetch_route(cluster, "T"), "broker-c") != nullptr);

  CHECK(cluster.control({{"cmd", "topic"}, {"topic", "T"}, {"remove", true}}).at("ok") == true);
  CHECK_FALSE(fetch_route(cluster, "T").has_value());
}
