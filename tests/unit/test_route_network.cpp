// NameServerClient and TopicRouteTable against tiny in-test name servers on 127.0.0.1.
#include <fmt/format.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "client/remoting/codes.hpp"
#include "client/remoting/remoting_client.hpp"
#include "client/route/name_server_client.hpp"
#include "client/route/topic_route_table.hpp"
#include "test_route_support.hpp"

using namespace mqsend;
using namespace mqsend::route_test;
using namespace std::chrono_literals;

TEST_CASE("route: get_route sends code 105 with topic and acceptStandardJsonOnly", "[route]") {
  const TopicRouteData route = two_broker_route(6, 4, 4);
  FakeNameServer server(serve_routes({{"T1", route}}));
  RemotingClient remoting;
  NameServerClient client(remoting, {server.address()});

  auto result = client.get_route("T1", 3000ms);
  REQUIRE(result.ok());
  CHECK(*result == route);

  const auto requests = server.requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].code == request_code::kGetRouteInfoByTopic);
  CHECK(requests[0].version == 409);
  CHECK(requests[0].ext_fields ==
        std::map<std::string, std::string>{{"topic", "T1"}, {"acceptStandardJsonOnly", "true"}});
  CHECK(requests[0].body.empty());
}

TEST_CASE("route: name server error responses keep their code and remark", "[route]") {
  FakeNameServer server([](const RemotingCommand& request) -> std::optional<RemotingCommand> {
    if (*request.field("topic") == "Busy") {
      return RemotingCommand::response_to(request, response_code::kSystemError,
                                          "name server not ready");
    }
    if (*request.field("topic") == "Garbage") {
      RemotingCommand response = RemotingCommand::response_to(request, response_code::kSuccess);
      response.body = "{\"queueDatas\":";
      return response;
    }
    return not_exist_response(request);
  });
  RemotingClient remoting;
  NameServerClient client(remoting, {server.address()});

  auto missing = client.get_route("Nope", 3000ms);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == response_code::kTopicNotExist);
  CHECK(missing.error().message == fmt::format(kNotExistRemark, "Nope"));

  auto busy = client.get_route("Busy", 3000ms);
  REQUIRE_FALSE(busy.ok());
  CHECK(busy.error().code == response_code::kSystemError);
  CHECK(busy.error().message == "name server not ready");

  auto garbage = client.get_route("Garbage", 3000ms);
  REQUIRE_FALSE(garbage.ok());
  CHECK(garbage.error().code == error_code::kProtocolError);
  CHECK_THAT(garbage.error().message, Catch::Contains(server.address()));
}

TEST_CASE("route: fails over to the next name server and sticks to it", "[route]") {
  const auto handler = serve_routes({{"T", two_broker_route(6, 4, 4)}});
  auto first_live = std::make_unique<FakeNameServer>(handler);
  const std::uint16_t first_port = first_live->port();
  FakeNameServer second_live(handler);
  RemotingClient remoting;
  NameServerClient client(remoting, {dead_address(), first_live->address(), second_live.address()});

  REQUIRE(client.get_route("T", 3000ms).ok());
  REQUIRE(client.get_route("T", 3000ms).ok());
  CHECK(first_live->requests().size() == 2);
  CHECK(second_live.requests().empty());

  first_live.reset();  // its connection drops; the next query moves on
  REQUIRE(client.get_route("T", 3000ms).ok());
  CHECK(second_live.requests().size() == 1);

  // Back on the same port, the first live server is not asked again while the second answers.
  FakeNameServer first_again(handler, first_port);
  REQUIRE(client.get_route("T", 3000ms).ok());
  CHECK(second_live.requests().size() == 2);
  CHECK(first_again.requests().empty());
}

TEST_CASE("route: no name server, or none reachable", "[route]") {
  RemotingClient remoting;
  NameServerClient none(remoting, {});
  auto no_address = none.get_route("T", 1000ms);
  REQUIRE_FALSE(no_address.ok());
  CHECK(no_address.error().code == error_code::kNoNameServerException);

  const std::string first = dead_address();
  const std::string second = dead_address();
  NameServerClient dead(remoting, {first, second});
  auto unreachable = dead.get_route("T", 3000ms);
  REQUIRE_FALSE(unreachable.ok());
  CHECK(unreachable.error().code == error_code::kConnectBrokerException);
  CHECK_THAT(unreachable.error().message, Catch::Contains(first) && Catch::Contains(second));
}

TEST_CASE("route: silent name servers never stretch the timeout", "[route]") {
  FakeNameServer first(stay_silent);
  FakeNameServer second(stay_silent);
  RemotingClient remoting;
  NameServerClient client(remoting, {first.address(), second.address()});

  const auto start = Clock::now();
  auto result = client.get_route("T", 300ms);
  const auto elapsed = Clock::now() - start;
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().code == error_code::kAccessBrokerTimeout);
  CHECK(elapsed >= 290ms);
  CHECK(elapsed < 300ms + 200ms);

  TopicRouteTable table(client);
  const auto table_start = Clock::now();
  auto found = table.find("T", 300ms);
  const auto table_elapsed = Clock::now() - table_start;
  REQUIRE_FALSE(found.ok());
  CHECK(found.error().code == error_code::kAccessBrokerTimeout);
  CHECK(table_elapsed < 300ms + 200ms);
}

TEST_CASE("route: an unknown topic falls back to TBW102 with clamped queue numbers", "[route]") {
  TopicRouteData tbw102 = two_broker_route(7, 8, 8);
  tbw102.queue_datas[0].read_queue_nums = 2;  // broker-b: min(4, 2) queues
  FakeNameServer server(serve_routes({{"TBW102", tbw102}}));
  RemotingClient remoting;
  NameServerClient client(remoting, {server.address()});
  TopicRouteTable table(client);

  auto found = table.find("NewTopic", 3000ms);
  REQUIRE(found.ok());
  const TopicPublishInfo& info = **found;
  CHECK(info.topic() == "NewTopic");
  std::vector<std::string> queues;
  for (const auto& queue : info.queues()) {
    CHECK(queue.topic == "NewTopic");
    queues.push_back(queue.broker_name + ":" + std::to_string(queue.queue_id));
  }
  CHECK(queues ==
        Topics{"broker-a:0", "broker-a:1", "broker-a:2", "broker-a:3", "broker-b:0", "broker-b:1"});
  CHECK(info.write_queue_nums("broker-a") == 4);
  CHECK(info.route().queue_datas[0].read_queue_nums == 2);
  CHECK(info.route().queue_datas[1].read_queue_nums == 4);
  CHECK(server.topics_asked() == Topics{"NewTopic", "TBW102"});
  CHECK(table.cached_topics() == Topics{"NewTopic"});

  TopicRouteTable::Options options;
  options.default_topic = "OtherDefault";
  options.default_topic_queue_nums = 1;
  TopicRouteTable custom(client, options);
  auto no_default = custom.find("NewTopic", 3000ms);
  REQUIRE_FALSE(no_default.ok());
  CHECK(no_default.error().code == error_code::kNotFoundTopicException);
  CHECK_THAT(no_default.error().message,
             Catch::StartsWith("No route info of this topic: NewTopic (TOPIC_NOT_EXIST") &&
                 Catch::Contains("OtherDefault"));
}

TEST_CASE("route: publish info is cached: refresh replaces it only on success", "[route]") {
  std::mutex mutex;
  bool failing = false;
  const TopicRouteData route = two_broker_route(6, 4, 4);
  FakeNameServer server([&](const RemotingCommand& request) -> std::optional<RemotingCommand> {
    std::lock_guard<std::mutex> lock(mutex);
    if (failing) return RemotingCommand::response_to(request, response_code::kSystemError, "down");
    return route_response(request, route);
  });
  RemotingClient remoting;
  NameServerClient client(remoting, {server.address()});
  TopicRouteTable table(client);

  auto first = table.find("T", 3000ms);
  REQUIRE(first.ok());
  auto second = table.find("T", 3000ms);
  REQUIRE(second.ok());
  CHECK(*first == *second);
  CHECK(server.requests().size() == 1);
  CHECK((*first)->queues().size() == 8);

  auto refreshed = table.refresh("T", 3000ms);
  REQUIRE(refreshed.ok());
  CHECK(*refreshed == *first);  // the route did not change: same info, same round robin
  CHECK(server.requests().size() == 2);

  {
    std::lock_guard<std::mutex> lock(mutex);
    failing = true;
  }
  auto failed = table.refresh("T", 3000ms);
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.error().code == error_code::kNotFoundTopicException);
  CHECK(server.topics_asked() == Topics{"T", "T", "T", "TBW102"});
  auto kept = table.find("T", 3000ms);
  REQUIRE(kept.ok());
  CHECK(*kept == *refreshed);
  CHECK(server.requests().size() == 4);
}

TEST_CASE("route: a route without writable queues does not fall back", "[route]") {
  FakeNameServer server(serve_routes(
      {{"ReadOnly", two_broker_route(perm::kRead, 4, 4)}, {"TBW102", two_broker_route(7, 8, 8)}}));
  RemotingClient remoting;
  NameServerClient client(remoting, {server.address()});
  TopicRouteTable table(client);

  auto found = table.find("ReadOnly", 3000ms);
  REQUIRE_FALSE(found.ok());
  CHECK(found.error().code == error_code::kNotFoundTopicException);
  CHECK_THAT(found.error().message, Catch::StartsWith("No route info of this topic: ReadOnly"));
  CHECK(server.topics_asked() == Topics{"ReadOnly"});
  CHECK(table.cached_topics().empty());
}

TEST_CASE("route: 'no route' and 'name server unreachable' are told apart", "[route]") {
  RemotingClient remoting;
  SECTION("both topics unknown") {
    FakeNameServer server(serve_routes({}));
    NameServerClient client(remoting, {server.address()});
    auto found = TopicRouteTable(client).find("Ghost", 3000ms);
    REQUIRE_FALSE(found.ok());
    CHECK(found.error().code == error_code::kNotFoundTopicException);
    CHECK(
        found.error().message ==
        "No route info of this topic: Ghost (TOPIC_NOT_EXIST: No topic route info in name server "
        "for the topic: Ghost; default topic TBW102: TOPIC_NOT_EXIST: No topic route info in name "
        "server for the topic: TBW102)");
    CHECK(server.topics_asked() == Topics{"Ghost", "TBW102"});
  }
  SECTION("no name server reachable") {
    const std::string address = dead_address();
    NameServerClient client(remoting, {address});
    auto found = TopicRouteTable(client).find("Ghost", 3000ms);
    REQUIRE_FALSE(found.ok());
    CHECK(found.error().code == error_code::kConnectBrokerException);
    CHECK_THAT(found.error().message,
               Catch::StartsWith("No route info of this topic: Ghost") && Catch::Contains(address));
  }
  SECTION("no name server configured") {
    NameServerClient client(remoting, {});
    auto found = TopicRouteTable(client).find("Ghost", 3000ms);
    REQUIRE_FALSE(found.ok());
    CHECK(found.error().code == error_code::kNoNameServerException);
  }
}

TEST_CASE("route: concurrent finds share one table safely", "[route]") {
  FakeNameServer server(
      serve_routes({{"A", two_broker_route(6, 2, 2)}, {"B", two_broker_route(6, 1, 1)}}));
  RemotingClient remoting;
  NameServerClient client(remoting, {server.address()});
  TopicRouteTable table(client);

  std::vector<std::thread> threads;
  std::atomic<int> successes{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      for (int round = 0; round < 20; ++round) {
        auto found = round % 5 == 0 ? table.refresh(i % 2 ? "A" : "B", 3000ms)
                                    : table.find(i % 2 ? "A" : "B", 3000ms);
        if (found.ok() && (*found)->ok()) ++successes;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(successes == 160);
  CHECK(table.cached_topics() == Topics{"A", "B"});
}
