// NameServerClient and TopicRouteTable against tiny in-test name servers on 127.0.0.1.
#include <fmt/format.h>

#include <asio.hpp>
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
#include "client/remoting/frame_codec.hpp"
#include "client/remoting/remoting_client.hpp"
#include "client/route/name_server_client.hpp"
#include "client/route/topic_route_table.hpp"

using namespace mqsend;
using namespace std::chrono_literals;

namespace {

const char kNotExistRemark[] =
    "No topic route info in name server for the topic: {}\nSee "
    "http://rocketmq.apache.org/docs/faq/ "
    "for further details.";

// A name server speaking real frames. The handler answers a request, or returns nullopt to
// stay silent (the client then times out).
class FakeNameServer {
 public:
  using Handler = std::function<std::optional<RemotingCommand>(const RemotingCommand&)>;

  explicit FakeNameServer(Handler handler, std::uint16_t port = 0)
      : handler_(std::move(handler)),
        acceptor_(io_, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port)) {
    accept();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~FakeNameServer() {
    io_.stop();
    thread_.join();
  }

  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  std::string address() const { return "127.0.0.1:" + std::to_string(port()); }
  std::vector<RemotingCommand> requests() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return requests_;
  }
  std::vector<std::string> topics_asked() const {
    std::vector<std::string> topics;
    for (const auto& request : requests()) {
      topics.push_back(request.field("topic") ? *request.field("topic") : "?");
    }
    return topics;
  }

 private:
  struct Session {
    explicit Session(asio::io_context& io) : socket(io) {}
    asio::ip::tcp::socket socket;
    FrameDecoder decoder;
    char buffer[4096];
  };

  void accept() {
    auto session = std::make_shared<Session>(io_);
    acceptor_.async_accept(session->socket, [this, session](std::error_code error) {
      if (error) return;
      read(session);
      accept();
    });
  }

  void read(const std::shared_ptr<Session>& session) {
    session->socket.async_read_some(
        asio::buffer(session->buffer), [this, session](std::error_code error, std::size_t size) {
          if (error) return;
          session->decoder.feed(std::string_view(session->buffer, size));
          RemotingCommand request;
          Error decode_error;
          while (session->decoder.next(request, decode_error) == FrameDecoder::State::kFrame) {
            {
              std::lock_guard<std::mutex> lock(mutex_);
              requests_.push_back(request);
            }
            if (auto response = handler_(request)) {
              std::error_code ignored;
              asio::write(session->socket, asio::buffer(encode_frame(*response)), ignored);
            }
          }
          read(session);
        });
  }

  Handler handler_;
  asio::io_context io_;
  asio::ip::tcp::acceptor acceptor_;
  std::thread thread_;
  mutable std::mutex mutex_;
  std::vector<RemotingCommand> requests_;
};

// An address where nothing listens: a port that was just free.
std::string dead_address() {
  asio::io_context io;
  asio::ip::tcp::acceptor acceptor(io,
                                   asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  return "127.0.0.1:" + std::to_string(acceptor.local_endpoint().port());
}

TopicRouteData two_broker_route(int perm, int read_queue_nums, int write_queue_nums) {
  TopicRouteData route;
  for (const char* name : {"broker-b", "broker-a"}) {
    route.broker_datas.push_back({"DefaultCluster", name, {{0, std::string(name) + ":10911"}}});
    route.queue_datas.push_back({name, read_queue_nums, write_queue_nums, perm, 0});
  }
  return route;
}

RemotingCommand route_response(const RemotingCommand& request, const TopicRouteData& route) {
  RemotingCommand response = RemotingCommand::response_to(request, response_code::kSuccess);
  response.language = LanguageCode::kJava;
  response.body = serialize_topic_route_data(route, true);
  return response;
}

RemotingCommand not_exist_response(const RemotingCommand& request) {
  const std::string topic = request.field("topic") ? *request.field("topic") : "";
  return RemotingCommand::response_to(request, response_code::kTopicNotExist,
                                      fmt::format(kNotExistRemark, topic));
}

// Knows the listed topics; TOPIC_NOT_EXIST for the others.
FakeNameServer::Handler serve_routes(std::map<std::string, TopicRouteData> routes) {
  return [routes = std::move(routes)](const RemotingCommand& request) {
    auto it = routes.find(request.field("topic") ? *request.field("topic") : "");
    return it == routes.end() ? not_exist_response(request) : route_response(request, it->second);
  };
}

std::optional<RemotingCommand> stay_silent(const RemotingCommand&) { return std::nullopt; }

using Clock = std::chrono::steady_clock;
using Topics = std::vector<std::string>;

}  // namespace

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

TEST_CASE("route: publish info is cached; refresh replaces it only on success", "[route]") {
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
  CHECK(*refreshed != *first);
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
