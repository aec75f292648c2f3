// The send engine's contract with its caller: outcomes reach callbacks only through poll()
// on the caller's thread, the window counts sends until they are reported, and close()
// reports everything still in flight exactly once.
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>
#include <vector>

#include "client/producer/producer.hpp"
#include "test_route_support.hpp"

using namespace mqsend;
using namespace mqsend::route_test;
using namespace std::chrono_literals;

namespace {

// A broker that stores nothing but answers every send with SEND_OK.
std::optional<RemotingCommand> answer_send_ok(const RemotingCommand& request) {
  RemotingCommand response = RemotingCommand::response_to(request, response_code::kSuccess);
  response.ext_fields["msgId"] = "7F00000100002A9F0000000000000000";
  response.ext_fields["queueId"] = request.field("queueId") ? *request.field("queueId") : "0";
  response.ext_fields["queueOffset"] = "0";
  return response;
}

TopicRouteData route_to(const std::string& broker_address) {
  TopicRouteData route;
  route.broker_datas.push_back({"DefaultCluster", "broker-a", {{kMasterBrokerId, broker_address}}});
  route.queue_datas.push_back({"broker-a", 2, 2, perm::kRead | perm::kWrite, 0});
  return route;
}

ProducerOptions options_for(const FakeNameServer& name_server, Milliseconds timeout) {
  ProducerOptions options;
  options.name_servers = {name_server.address()};
  options.send_timeout = timeout;
  return options;
}

struct Reported {
  std::vector<SendOutcome> outcomes;
  std::vector<std::thread::id> threads;
  Producer::Callback callback() {
    return [this](SendOutcome outcome) {
      outcomes.push_back(std::move(outcome));
      threads.push_back(std::this_thread::get_id());
    };
  }
};

}  // namespace

TEST_CASE("producer: callbacks run in poll on the caller's thread, never on the I/O thread", "[producer]") {
  FakeNameServer broker(answer_send_ok);
  FakeNameServer name_server(serve_routes({{"T", route_to(broker.address())}}));
  Producer producer(options_for(name_server, 3000ms));
  Reported reported;
  for (int i = 0; i < 20; ++i) producer.send(SendMode::kAsync, message("m" + std::to_string(i)), reported.callback());
  REQUIRE(wait_for_requests(broker, 20));
  std::this_thread::sleep_for(50ms);  // the answers arrive; nothing may report them but poll
  CHECK(reported.outcomes.empty());
  CHECK(producer.unreported() == 20);
  REQUIRE(producer.flush(std::chrono::steady_clock::now() + 3s));
  REQUIRE(reported.outcomes.size() == 20);
  for (std::size_t i = 0; i < reported.outcomes.size(); ++i) {
    CHECK(reported.outcomes[i].result.ok());
    CHECK(reported.threads[i] == std::this_thread::get_id());
  }
  CHECK(producer.unreported() == 0);
}

TEST_CASE("producer: the window frees a slot only once its outcome is reported", "[producer]") {
  FakeNameServer broker(answer_send_ok);
  FakeNameServer name_server(serve_routes({{"T", route_to(broker.address())}}));
  ProducerOptions options = options_for(name_server, 3000ms);
  options.max_in_flight = 4;
  Producer producer(options);
  Reported reported;
  for (int i = 0; i < 4; ++i) producer.send(SendMode::kAsync, message("m"), reported.callback());
  REQUIRE(wait_for_requests(broker, 4));
  CHECK(producer.unreported() == 4);
  // Answered, but not reported yet: still no room until make_room reports them.
  REQUIRE(producer.make_room(3000ms));
  CHECK_FALSE(reported.outcomes.empty());
  CHECK(producer.unreported() < 4);
  REQUIRE(producer.flush(std::chrono::steady_clock::now() + 3s));
  CHECK(reported.outcomes.size() == 4);
}

TEST_CASE("producer: close() reports every send in flight once, with SHUTDOWN, on the caller", "[producer]") {
  FakeNameServer black_hole(stay_silent);  // accepts and reads, never answers
  FakeNameServer name_server(serve_routes({{"T", route_to(black_hole.address())}}));
  Reported reported;
  {
    Producer producer(options_for(name_server, 10000ms));
    for (int i = 0; i < 10; ++i) producer.send(SendMode::kAsync, message("m"), reported.callback());
    producer.send(SendMode::kOneway, message("o"), reported.callback());
    REQUIRE(wait_for_requests(black_hole, 11));
    CHECK_FALSE(producer.flush(std::chrono::steady_clock::now() + 100ms));
    const auto closing = std::chrono::steady_clock::now();
    producer.close();
    CHECK(std::chrono::steady_clock::now() - closing < 2s);
    CHECK(producer.unreported() == 0);
    REQUIRE(reported.outcomes.size() == 11);
    int shut_down = 0;
    for (std::size_t i = 0; i < reported.outcomes.size(); ++i) {
      CHECK(reported.threads[i] == std::this_thread::get_id());
      const auto& result = reported.outcomes[i].result;
      shut_down += !result.ok() && result.error().code == error_code::kShutdown;
    }
    CHECK(shut_down == 10);  // the oneway frame was written before the close: reported sent

    // After close a send fails at once; the next poll reports it.
    producer.send(SendMode::kAsync, message("late"), reported.callback());
    CHECK(producer.poll(0ms) == 1);
    REQUIRE(reported.outcomes.size() == 12);
    CHECK(reported.outcomes.back().result.error().code == error_code::kShutdown);
  }
  CHECK(reported.outcomes.size() == 12);  // the destructor reported nothing twice
}
