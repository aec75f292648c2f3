// Ordered sends: the gate that keeps one send in flight per queue, and Producer::send_ordered
// against fake brokers (placement by hash, one at a time per queue, a failed key stopped).
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "client/producer/ordered_gate.hpp"
#include "client/producer/producer.hpp"
#include "test_route_support.hpp"

using namespace mqsend;
using namespace mqsend::route_test;
using namespace std::chrono_literals;

namespace {

TopicRouteData one_broker_two_queues(const std::string& broker_address) {
  TopicRouteData route;
  route.broker_datas.push_back({"DefaultCluster", "broker-a", {{kMasterBrokerId, broker_address}}});
  route.queue_datas.push_back({"broker-a", 2, 2, perm::kRead | perm::kWrite, 0});
  return route;
}

std::string queue_of(const RemotingCommand& request) {
  const std::string* queue = request.field("e");
  if (!queue) queue = request.field("queueId");
  return queue ? *queue : "?";
}

ProducerOptions options_for(const FakeNameServer& name_server) {
  ProducerOptions options;
  options.name_servers = {name_server.address()};
  options.send_timeout = 5000ms;
  return options;
}

}  // namespace

TEST_CASE("ordered gate: one send per queue goes, the others wait in order", "[producer][ordered]") {
  OrderedGate<int> gate;
  CHECK(gate.enter("q0", 1));
  CHECK_FALSE(gate.enter("q0", 2));
  CHECK_FALSE(gate.enter("q0", 3));
  CHECK(gate.enter("q1", 10));  // another queue runs in parallel
  CHECK(gate.leave("q0") == std::optional<int>(2));
  CHECK(gate.leave("q0") == std::optional<int>(3));
  CHECK(gate.leave("q0") == std::nullopt);  // free again
  CHECK(gate.enter("q0", 4));
  CHECK_FALSE(gate.enter("q1", 11));
  CHECK(gate.take_waiting() == std::vector<int>{11});
  CHECK(gate.enter("q1", 12));  // take_waiting freed every queue
}

TEST_CASE("ordered gate: a stopped key stays stopped, others do not", "[producer][ordered]") {
  OrderedGate<int> gate;
  CHECK_FALSE(gate.stopped("k"));
  gate.stop_key("k");
  CHECK(gate.stopped("k"));
  CHECK_FALSE(gate.stopped("other"));
}

TEST_CASE("producer: ordered sends go one at a time per queue, queues in parallel", "[producer][ordered]") {
  FakeNameServer black_hole(stay_silent);  // reads every request, answers none
  FakeNameServer name_server(serve_routes({{"T", one_broker_two_queues(black_hole.address())}}));
  std::vector<SendOutcome> outcomes;
  {
    Producer producer(options_for(name_server));
    auto collect = [&outcomes](SendOutcome outcome) { outcomes.push_back(std::move(outcome)); };
    // "hello" hashes to queue 0 of 2 (99162322 % 2), "a" to queue 1 (97 % 2).
    for (int i = 0; i < 3; ++i) producer.send_ordered(SendMode::kAsync, message("hello-" + std::to_string(i)), "hello", collect);
    producer.send_ordered(SendMode::kAsync, message("a-0"), "a", collect);
    REQUIRE(wait_for_requests(black_hole, 2));
    std::this_thread::sleep_for(100ms);  // the later sends of "hello" must still wait
    const auto requests = black_hole.requests();
    REQUIRE(requests.size() == 2);
    std::vector<std::string> queues{queue_of(requests[0]), queue_of(requests[1])};
    std::sort(queues.begin(), queues.end());
    CHECK(queues == std::vector<std::string>{"0", "1"});
    producer.close();  // the waiting ones fail too, each once
  }
  REQUIRE(outcomes.size() == 4);
  for (const auto& outcome : outcomes) {
    REQUIRE_FALSE(outcome.result.ok());
    CHECK(outcome.result.error().code == error_code::kShutdown);
  }
}

TEST_CASE("producer: a failed ordered send stops its key, not the others, and is not retried", "[producer][ordered]") {
  // Answers SYSTEM_ERROR (retryable for unordered sends) to the first send of queue 0.
  std::atomic<int> queue0_sends{0};
  FakeNameServer broker([&queue0_sends](const RemotingCommand& request) -> std::optional<RemotingCommand> {
    const bool fail = queue_of(request) == "0" && queue0_sends.fetch_add(1) == 0;
    RemotingCommand response = RemotingCommand::response_to(
        request, fail ? response_code::kSystemError : response_code::kSuccess, fail ? "disk full" : "");
    response.ext_fields["msgId"] = "7F00000100002A9F0000000000000000";
    response.ext_fields["queueId"] = queue_of(request);
    response.ext_fields["queueOffset"] = "0";
    return response;
  });
  FakeNameServer name_server(serve_routes({{"T", one_broker_two_queues(broker.address())}}));
  Producer producer(options_for(name_server));
  std::vector<std::pair<std::string, SendOutcome>> outcomes;
  auto collect = [&outcomes](std::string key) {
    return [&outcomes, key](SendOutcome outcome) { outcomes.emplace_back(key, std::move(outcome)); };
  };
  for (int i = 0; i < 3; ++i) producer.send_ordered(SendMode::kAsync, message("h"), "hello", collect("hello"));
  for (int i = 0; i < 2; ++i) producer.send_ordered(SendMode::kAsync, message("a"), "a", collect("a"));
  REQUIRE(producer.flush(std::chrono::steady_clock::now() + 5s));
  REQUIRE(outcomes.size() == 5);
  std::vector<int> hello_codes;
  for (const auto& [key, outcome] : outcomes) {
    if (key == "a") {
      CHECK(outcome.result.ok());
    } else {
      hello_codes.push_back(outcome.result.ok() ? 0 : outcome.result.error().code);
      CHECK(outcome.brokers_tried.size() <= 1);
    }
  }
  CHECK(hello_codes == std::vector<int>{response_code::kSystemError, error_code::kOrderKeyStopped,
                                        error_code::kOrderKeyStopped});
  CHECK(queue0_sends == 1);  // neither retried nor sent after the failure
}
