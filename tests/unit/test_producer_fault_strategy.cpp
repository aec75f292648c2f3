// Queue selection and broker isolation (Java MQFaultStrategy / LatencyFaultToleranceImpl of 4.x,
// reference 7.6), with a fake clock and publish infos whose round-robin index starts at 0.
#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <thread>
#include <vector>

#include "client/producer/fault_strategy.hpp"

using namespace mqsend;

namespace {

// Publish info with the given brokers (each `queues` writable queues), index starting at 0.
TopicPublishInfo publish_info(const std::vector<std::string>& brokers, int queues = 2) {
  TopicRouteData route;
  for (const std::string& broker : brokers) {
    route.queue_datas.push_back(QueueData{broker, queues, queues, perm::kRead | perm::kWrite, 0});
    route.broker_datas.push_back(BrokerData{"DefaultCluster", broker, {{0, broker + ":10911"}}});
  }
  return TopicPublishInfo("T", route, 0);
}

std::string name(const std::optional<MessageQueue>& queue) {
  REQUIRE(queue);
  return queue->broker_name + ":" + std::to_string(queue->queue_id);
}

struct FakeClock {
  std::int64_t now = 1000000;
  FaultStrategy::Clock clock() {
    return [this] { return now; };
  }
};

FaultStrategyOptions enabled() {
  FaultStrategyOptions options;
  options.enabled = true;
  return options;
}

}  // namespace

TEST_CASE("isolation durations follow the latency tables at every boundary", "[producer]") {
  FaultStrategy strategy(enabled());
  const std::pair<std::int64_t, std::int64_t> cases[] = {
      {-5, 0},          {0, 0},           {49, 0},          {50, 0},          {99, 0},
      {100, 0},         {549, 0},         {550, 30000},     {999, 30000},     {1000, 60000},
      {1999, 60000},    {2000, 120000},   {2999, 120000},   {3000, 180000},   {14999, 180000},
      {15000, 600000},  {30000, 600000},  {1000000, 600000}};
  for (const auto& [latency, duration] : cases) {
    INFO(latency);
    CHECK(strategy.not_available_duration(latency) == duration);
  }
  CHECK(strategy.not_available_duration(kIsolationLatencyMs) == 600000);
}

TEST_CASE("latency tables are configurable: uneven lists are cut to the shorter", "[producer]") {
  FaultStrategyOptions options = enabled();
  options.latency_max = {10, 20, 30};
  options.not_available_duration = {1, 2};
  FaultStrategy strategy(options);
  CHECK(strategy.not_available_duration(9) == 0);
  CHECK(strategy.not_available_duration(10) == 1);
  CHECK(strategy.not_available_duration(25) == 2);
  CHECK(strategy.not_available_duration(1000) == 2);  // level 30 was dropped with its missing duration
}

TEST_CASE("update isolates for the table period and ends exactly at its end", "[producer]") {
  FakeClock clock;
  FaultStrategy strategy(enabled(), clock.clock());
  strategy.update("broker-a", 120, true);  // an error: counts as 30000 ms → 600000 ms
  CHECK_FALSE(strategy.is_available("broker-a"));
  CHECK(strategy.is_available("broker-b"));
  clock.now += 599999;
  CHECK_FALSE(strategy.is_available("broker-a"));
  clock.now += 1;
  CHECK(strategy.is_available("broker-a"));

  strategy.update("broker-a", 550, false);
  CHECK_FALSE(strategy.is_available("broker-a"));
  clock.now += 30000;
  CHECK(strategy.is_available("broker-a"));

  strategy.update("broker-a", 549, false);  // a fast answer: no isolation
  CHECK(strategy.is_available("broker-a"));

  strategy.update("broker-a", 15000, false);
  CHECK_FALSE(strategy.is_available("broker-a"));
  strategy.update("broker-a", 10, false);  // a later good answer lifts the isolation at once
  CHECK(strategy.is_available("broker-a"));
}

TEST_CASE("a disabled strategy records nothing", "[producer]") {
  FakeClock clock;
  FaultStrategy strategy(FaultStrategyOptions{}, clock.clock());
  CHECK_FALSE(strategy.enabled());
  strategy.update("broker-a", 20000, true);
  CHECK(strategy.is_available("broker-a"));
}

TEST_CASE("without fault tolerance: round robin, avoiding the last broker on retries", "[producer]") {
  FaultStrategy strategy(FaultStrategyOptions{});
  SECTION("first attempts go round robin") {
    const TopicPublishInfo info = publish_info({"broker-a", "broker-b"});
    std::vector<std::string> picks;
    for (int i = 0; i < 5; ++i) picks.push_back(name(strategy.select(info, "")));
    CHECK(picks == std::vector<std::string>{"broker-a:0", "broker-a:1", "broker-b:0", "broker-b:1", "broker-a:0"});
  }
  SECTION("a retry skips queues of the last broker") {
    const TopicPublishInfo info = publish_info({"broker-a", "broker-b"});
    CHECK(name(strategy.select(info, "")) == "broker-a:0");
    CHECK(name(strategy.select(info, "broker-a")) == "broker-b:0");  // a:1 skipped
    CHECK(name(strategy.select(info, "broker-b")) == "broker-a:0");  // b:1 skipped
  }
  SECTION("a retry on a single-broker topic takes the next queue anyway") {
    const TopicPublishInfo info = publish_info({"broker-a"}, 3);
    CHECK(name(strategy.select(info, "")) == "broker-a:0");
    // Three skipped candidates (a:1, a:2, a:0), then the next one.
    CHECK(name(strategy.select(info, "broker-a")) == "broker-a:1");
  }
  SECTION("the free function is the same selection") {
    const TopicPublishInfo info = publish_info({"broker-a", "broker-b"});
    CHECK(name(select_round_robin(info, "")) == "broker-a:0");
    CHECK(name(select_round_robin(info, "broker-a")) == "broker-b:0");
  }
  SECTION("no queues") {
    const TopicPublishInfo empty = publish_info({});
    CHECK_FALSE(strategy.select(empty, ""));
    CHECK_FALSE(select_round_robin(empty, "broker-a"));
  }
}

TEST_CASE("fault tolerance: available brokers round robin", "[producer]") {
  FakeClock clock;
  FaultStrategy strategy(enabled(), clock.clock());
  const TopicPublishInfo info = publish_info({"broker-a", "broker-b"});

  SECTION("nothing isolated: plain round robin") {
    std::vector<std::string> picks;
    for (int i = 0; i < 4; ++i) picks.push_back(name(strategy.select(info, "")));
    CHECK(picks == std::vector<std::string>{"broker-a:0", "broker-a:1", "broker-b:0", "broker-b:1"});
  }
  SECTION("an isolated broker is skipped") {
    strategy.update("broker-a", 3000, false);
    std::vector<std::string> picks;
    for (int i = 0; i < 4; ++i) picks.push_back(name(strategy.select(info, "")));
    // Index 0 → a:0 (isolated), a:1, b:0; index 1 → a:1, b:0; index 2 → b:0; index 3 → b:1.
    CHECK(picks == std::vector<std::string>{"broker-b:0", "broker-b:0", "broker-b:0", "broker-b:1"});
  }
  SECTION("a retry prefers another available broker than the last one") {
    CHECK(name(strategy.select(info, "broker-a")) == "broker-b:0");
    CHECK(name(strategy.select(info, "broker-b")) == "broker-a:1");
  }
  SECTION("the last broker is taken when it is the only available one") {
    strategy.update("broker-b", 0, true);
    CHECK(name(strategy.select(info, "broker-a")) == "broker-a:0");
    CHECK(name(strategy.select(info, "broker-a")) == "broker-a:1");
  }
  SECTION("no queues") {
    CHECK_FALSE(strategy.select(publish_info({}), ""));
  }
}

TEST_CASE("fault tolerance: every broker isolated → the least bad broker", "[producer]") {
  FakeClock clock;
  FaultStrategy strategy(enabled(), clock.clock());

  SECTION("two brokers: the lower latency one, on a queue id it has") {
    const TopicPublishInfo info = publish_info({"broker-a", "broker-b"}, 3);
    strategy.update("broker-a", 5000, true);   // latency 5000, 600 s
    strategy.update("broker-b", 600, false);   // latency 600, 30 s
    // Index 0 scanned all queues; then round robin (index 1) gives the topic, index 2 the id.
    const auto pick = strategy.select(info, "");
    REQUIRE(pick);
    CHECK(pick->topic == "T");
    CHECK(pick->broker_name == "broker-b");
    CHECK(pick->queue_id == 2 % 3);
    CHECK(name(strategy.select(info, "")) == "broker-b:2");  // indexes 3, 4 (second pick: 5 % 3)
  }
  SECTION("ties on latency: the earlier release wins") {
    const TopicPublishInfo info = publish_info({"broker-a", "broker-b"});
    strategy.update("broker-a", 700, false);
    clock.now += 10;
    strategy.update("broker-b", 700, false);
    CHECK(strategy.select(info, "")->broker_name == "broker-a");
  }
  SECTION("round robin over the better half") {
    const TopicPublishInfo info = publish_info({"b1", "b2", "b3", "b4"}, 1);
    strategy.update("b1", 900, false);
    strategy.update("b2", 600, false);
    strategy.update("b3", 2500, false);
    strategy.update("b4", 1500, false);
    // Ranked b2, b1, b4, b3; half = 2; the pick counter starts at 1.
    std::vector<std::string> brokers;
    for (int i = 0; i < 4; ++i) brokers.push_back(strategy.select(info, "")->broker_name);
    CHECK(brokers == std::vector<std::string>{"b1", "b2", "b1", "b2"});
  }
  SECTION("a single isolated broker is still used") {
    const TopicPublishInfo info = publish_info({"broker-a"}, 4);
    strategy.update("broker-a", 0, true);
    const auto pick = strategy.select(info, "broker-a");
    REQUIRE(pick);
    CHECK(pick->broker_name == "broker-a");
    CHECK(pick->queue_id == 2);  // index 0 scanned, 1 round robin, 2 → id 2 % 4
  }
  SECTION("a fault item whose broker has no write queue is dropped, then plain round robin") {
    const TopicPublishInfo info = publish_info({"broker-a"}, 4);
    strategy.update("broker-a", 20000, false);
    strategy.update("broker-gone", 700, false);  // not in this topic's route; ranks first
    REQUIRE_FALSE(strategy.is_available("broker-gone"));
    CHECK(name(strategy.select(info, "")) == "broker-a:1");  // index 0 scanned, 1 plain round robin
    CHECK(strategy.is_available("broker-gone"));             // its item was removed
    // Now broker-a is the only item: chosen by the least-bad branch.
    const auto pick = strategy.select(info, "");
    REQUIRE(pick);
    CHECK(pick->broker_name == "broker-a");
    CHECK(pick->queue_id == 4 % 4);  // index 2 scanned, 3 round robin, 4 → id
  }
}

TEST_CASE("an isolated broker recovers after its period (apache/rocketmq #7812, #7779)", "[producer]") {
  FakeClock clock;
  FaultStrategy strategy(enabled(), clock.clock());
  const TopicPublishInfo info = publish_info({"broker-a", "broker-b"});
  const std::vector<MessageQueue> queues_before = info.queues();

  strategy.update("broker-a", 3000, true);  // 600 s
  strategy.update("broker-b", 600, false);  // 30 s
  // Both isolated: least bad (broker-b) is rewritten onto a round-robin queue; the shared
  // queue list must not change.
  CHECK(strategy.select(info, "")->broker_name == "broker-b");
  CHECK(info.queues() == queues_before);

  clock.now += 30000;  // broker-b back, broker-a still isolated
  std::set<std::string> brokers;
  for (int i = 0; i < 20; ++i) brokers.insert(strategy.select(info, "")->broker_name);
  CHECK(brokers == std::set<std::string>{"broker-b"});

  clock.now += 600000 - 30000 - 1;
  CHECK(strategy.select(info, "")->broker_name == "broker-b");
  clock.now += 1;  // broker-a's period is over: it is selected again, not avoided forever
  brokers.clear();
  for (int i = 0; i < 20; ++i) brokers.insert(strategy.select(info, "")->broker_name);
  CHECK(brokers == std::set<std::string>{"broker-a", "broker-b"});
  CHECK(info.queues() == queues_before);
}

TEST_CASE("least-bad ranking of the fault table", "[producer]") {
  LatencyFaultTolerance table;
  CHECK_FALSE(table.pick_one_at_least(0));
  table.update("slow-available", 9000, 0, 100);        // available (released at 100)
  table.update("fast-isolated", 10, 1000, 100);         // isolated until 1100
  CHECK(table.pick_one_at_least(500) == "slow-available");  // half = 1: the best, available first
  table.update("third", 20, 5000, 100);
  table.update("fourth", 30, 5000, 100);
  // At 500: slow-available (available), then fast-isolated, third, fourth by latency. Half = 2,
  // the pick counter goes on from 1.
  CHECK(table.pick_one_at_least(500) == "slow-available");
  CHECK(table.pick_one_at_least(500) == "fast-isolated");
  // At 2000 fast-isolated is available too and has the lower latency.
  CHECK(table.pick_one_at_least(2000) == "fast-isolated");
  CHECK(table.pick_one_at_least(2000) == "slow-available");
  table.remove("fast-isolated");
  CHECK(table.items().size() == 3);
  CHECK(table.is_available("fast-isolated", 0));
  CHECK_FALSE(table.is_available("third", 5099));
  CHECK(table.is_available("third", 5100));
}

TEST_CASE("concurrent selection and updates are safe", "[producer]") {
  FaultStrategy strategy(enabled());
  const TopicPublishInfo info = publish_info({"broker-a", "broker-b", "broker-c"}, 4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        const auto queue = strategy.select(info, i % 2 ? "broker-a" : "");
        if (!queue) continue;
        strategy.update(queue->broker_name, (i * 37 + t) % 4000, i % 5 == 0);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(strategy.select(info, "").has_value());
}

TEST_CASE("excluded brokers are never selected, with or without the strategy", "[producer]") {
  const TopicPublishInfo info = publish_info({"broker-a", "broker-b", "broker-c"});
  for (const bool strategy_on : {false, true}) {
    INFO("strategy " << strategy_on);
    FakeClock clock;
    FaultStrategy strategy(strategy_on ? enabled() : FaultStrategyOptions{}, clock.clock());
    const std::vector<std::string> excluded{"broker-a", "broker-b"};
    for (int i = 0; i < 12; ++i) {
      const auto queue = strategy.select(info, "", excluded);
      REQUIRE(queue);
      CHECK(queue->broker_name == "broker-c");
    }
    // The last broker is still taken when it is the only one left.
    CHECK(strategy.select(info, "broker-c", excluded)->broker_name == "broker-c");
    CHECK_FALSE(strategy.select(info, "", {"broker-a", "broker-b", "broker-c"}));
  }
}

TEST_CASE("the strategy's least-bad fallback never picks an excluded broker", "[producer]") {
  const TopicPublishInfo info = publish_info({"broker-a", "broker-b"});
  FakeClock clock;
  FaultStrategy strategy(enabled(), clock.clock());
  strategy.update("broker-a", 10, true);
  strategy.update("broker-b", 5000, true);  // both isolated; a is the least bad one
  for (int i = 0; i < 6; ++i) CHECK(strategy.select(info, "", {"broker-a"})->broker_name == "broker-b");
}
