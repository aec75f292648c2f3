// topicRouteData2TopicPublishInfo: which queues a producer may write to, in which order.
#include <catch2/catch.hpp>
#include <climits>
#include <set>
#include <string>
#include <vector>

#include "client/route/name_server_client.hpp"
#include "client/route/topic_publish_info.hpp"

using namespace mqsend;

namespace {

BrokerData master(const std::string& name) {
  return {"DefaultCluster", name, {{0, name + ":10911"}}};
}

QueueData queue_data(const std::string& name, int perm, int write_queue_nums,
                     int read_queue_nums = 8) {
  return {name, read_queue_nums, write_queue_nums, perm, 0};
}

// "broker:id" for each queue, in order.
std::vector<std::string> layout(const TopicPublishInfo& info) {
  std::vector<std::string> out;
  for (const MessageQueue& queue : info.queues()) {
    CHECK(queue.topic == info.topic());
    out.push_back(queue.broker_name + ":" + std::to_string(queue.queue_id));
  }
  return out;
}

using Layout = std::vector<std::string>;

}  // namespace

TEST_CASE("route: publish queues sorted by broker name, writeQueueNums each", "[route]") {
  TopicRouteData route;
  route.queue_datas = {queue_data("broker-c", 6, 1), queue_data("broker-a", 6, 2, 4),
                       queue_data("Broker-z", 6, 1), queue_data("broker-b", 6, 3, 1)};
  route.broker_datas = {master("broker-a"), master("broker-b"), master("broker-c"),
                        master("Broker-z")};
  const TopicPublishInfo info("T", route, 0);
  CHECK(info.ok());
  CHECK_FALSE(info.order_topic());
  // Byte order: upper-case sorts before lower-case.
  CHECK(layout(info) == Layout{"Broker-z:0", "broker-a:0", "broker-a:1", "broker-b:0", "broker-b:1",
                               "broker-b:2", "broker-c:0"});
  CHECK(info.route() == route);
  CHECK(info.master_address("broker-b") == std::optional<std::string>("broker-b:10911"));
  CHECK(info.write_queue_nums("broker-b") == 3);
  CHECK(info.write_queue_nums("nope") == 0);
  CHECK_FALSE(info.master_address("nope").has_value());
}

TEST_CASE("route: only writable queue data of brokers with a master", "[route]") {
  TopicRouteData route;
  route.queue_datas = {queue_data("read-only", perm::kRead, 2),
                       queue_data("write-only", perm::kWrite, 1),
                       queue_data("all", perm::kRead | perm::kWrite | perm::kInherit, 1),
                       queue_data("inherit-only", perm::kInherit | perm::kPriority, 1),
                       queue_data("slaves-only", 6, 2),
                       queue_data("no-broker-data", 6, 2),
                       queue_data("zero-queues", 6, 0)};
  route.broker_datas = {master("read-only"),   master("write-only"),
                        master("all"),         master("inherit-only"),
                        master("zero-queues"), {"c", "slaves-only", {{1, "s1:1"}, {2, "s2:1"}}}};
  const TopicPublishInfo info("T", route, 0);
  CHECK(layout(info) == Layout{"all:0", "write-only:0"});
  CHECK_FALSE(info.master_address("slaves-only").has_value());

  route.queue_datas = {queue_data("read-only", perm::kRead, 2)};
  CHECK_FALSE(TopicPublishInfo("T", route, 0).ok());
  CHECK_FALSE(TopicPublishInfo("T", TopicRouteData{}, 0).ok());
}

TEST_CASE("route: orderTopicConf lists the queues in its own order, no perm check", "[route]") {
  TopicRouteData route;
  route.order_topic_conf = "broker-b:2;broker-a:1";
  route.queue_datas = {queue_data("broker-a", perm::kRead, 4)};
  const TopicPublishInfo info("T", route, 0);
  CHECK(info.order_topic());
  CHECK(layout(info) == Layout{"broker-b:0", "broker-b:1", "broker-a:0"});

  route.order_topic_conf = "x;;c:z;d:1;e:2x;f:;g:-1;h:2;";
  CHECK(layout(TopicPublishInfo("T", route, 0)) == Layout{"d:0", "h:0", "h:1"});
}

TEST_CASE("route: a huge writeQueueNums is bounded", "[route]") {
  TopicRouteData route;
  route.queue_datas = {queue_data("a", 6, INT_MAX), queue_data("b", 6, INT_MAX)};
  route.broker_datas = {master("a"), master("b")};
  const TopicPublishInfo info("T", route, 0);
  CHECK(info.queues().size() == TopicPublishInfo::kMaxQueues);
  CHECK(info.queues().back().broker_name == "a");
}

TEST_CASE("route: the round-robin index starts where asked, else at random", "[route]") {
  TopicRouteData route;
  route.queue_datas = {queue_data("a", 6, 2)};
  route.broker_datas = {master("a")};
  const TopicPublishInfo info("T", route, 41);
  CHECK(info.next_index() == 41);
  CHECK(info.next_index() == 42);
  const TopicPublishInfo wrapping("T", route, UINT32_MAX);
  CHECK(wrapping.next_index() == UINT32_MAX);
  CHECK(wrapping.next_index() == 0);

  std::set<std::uint32_t> starts;
  for (int i = 0; i < 8; ++i) starts.insert(TopicPublishInfo("T", route).next_index());
  CHECK(starts.size() > 1);
}

TEST_CASE("route: name server lists split on semicolons, commas and whitespace", "[route]") {
  using List = std::vector<std::string>;
  CHECK(parse_name_server_list("127.0.0.1:9876") == List{"127.0.0.1:9876"});
  CHECK(parse_name_server_list("a:1;b:2") == List{"a:1", "b:2"});
  CHECK(parse_name_server_list(" a:1 ; ;b:2,c:3\n\td:4 ;") == List{"a:1", "b:2", "c:3", "d:4"});
  CHECK(parse_name_server_list("").empty());
  CHECK(parse_name_server_list(" ;, ").empty());
}
