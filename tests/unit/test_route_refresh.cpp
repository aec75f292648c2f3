// TopicRouteTable's periodic and failure-driven refresh (fake clock), shared and remembered
// first lookups, and the name server client's share of the timeout per name server.
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <future>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "client/remoting/codes.hpp"
#include "client/remoting/remoting_client.hpp"
#include "client/route/name_server_client.hpp"
#include "client/route/topic_route_table.hpp"
#include "test_route_support.hpp"

using namespace mqsend;
using namespace mqsend::route_test;
using namespace std::chrono_literals;

namespace {

// Routes a test changes while a FakeNameServer serves them; `silent` makes it stop answering.
class RouteBook {
 public:
  void set(const std::string& topic, TopicRouteData route) {
    std::lock_guard<std::mutex> lock(mutex_);
    routes_[topic] = std::move(route);
  }
  void erase(const std::string& topic) {
    std::lock_guard<std::mutex> lock(mutex_);
    routes_.erase(topic);
  }
  void set_silent(bool silent) { silent_ = silent; }

  FakeNameServer::Handler handler() {
    return [this](const RemotingCommand& request) -> std::optional<RemotingCommand> {
      if (silent_) return std::nullopt;
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = routes_.find(request.field("topic") ? *request.field("topic") : "");
      if (it == routes_.end()) return not_exist_response(request);
      return route_response(request, it->second);
    };
  }

 private:
  std::mutex mutex_;
  std::map<std::string, TopicRouteData> routes_;
  std::atomic<bool> silent_{false};
};

TopicRouteData route_of(const std::vector<std::string>& brokers, int perm = perm::kRead | perm::kWrite) {
  TopicRouteData route;
  for (const auto& name : brokers) {
    route.broker_datas.push_back({"DefaultCluster", name, {{0, name + ":10911"}}});
    route.queue_datas.push_back({name, 2, 2, perm, 0});
  }
  return route;
}

std::set<std::string> brokers_of(const TopicPublishInfo& info) {
  std::set<std::string> brokers;
  for (const auto& queue : info.queues()) brokers.insert(queue.broker_name);
  return brokers;
}

using Brokers = std::set<std::string>;

// A table on a fake clock that the test moves by hand.
struct TableOnFakeClock {
  explicit TableOnFakeClock(NameServerClient& client, Milliseconds interval = 30000ms)
      : table(client, options(interval)) {}

  TopicRouteTable::Options options(Milliseconds interval) {
    TopicRouteTable::Options table_options;
    table_options.refresh_interval = interval;
    table_options.now_ms = [this] { return now_ms.load(); };
    return table_options;
  }
  void advance(Milliseconds by) { now_ms += by.count(); }
  Brokers find_brokers(const std::string& topic) {
    auto found = table.find(topic, 3000ms);
    REQUIRE(found.ok());
    return brokers_of(**found);
  }
  // What the producer's timer does, waiting until the refreshes it started ended.
  std::size_t refresh_due(Milliseconds timeout = 3000ms) {
    std::promise<void> done;
    const std::size_t started = table.refresh_due(timeout, [&done] { done.set_value(); });
    done.get_future().wait();
    return started;
  }

  std::atomic<std::int64_t> now_ms{1000000};
  TopicRouteTable table;
};

}  // namespace

TEST_CASE("route refresh: retry gap is a tenth of the interval, 1 s to the interval", "[route]") {
  RemotingClient remoting;
  NameServerClient client(remoting, {});
  CHECK(TableOnFakeClock(client, 30000ms).table.retry_gap() == 3000ms);
  CHECK(TableOnFakeClock(client, 5000ms).table.retry_gap() == 1000ms);
  CHECK(TableOnFakeClock(client, 200ms).table.retry_gap() == 200ms);
}

TEST_CASE("route refresh: cached info is served until the interval, then re-read", "[route]") {
  RouteBook book;
  book.set("T", route_of({"broker-a", "broker-b"}));
  FakeNameServer server(book.handler());
  RemotingClient remoting;
  NameServerClient client(remoting, {server.address()});
  TableOnFakeClock clock(client, 1000ms);

  CHECK(clock.find_brokers("T") == Brokers{"broker-a", "broker-b"});
  book.set("T", route_of({"broker-b", "broker-c"}));  // broker-c added, broker-a removed
  clock.advance(999ms);
  CHECK(clock.refresh_due() == 0);
  CHECK(clock.find_brokers("T") == Brokers{"broker-a", "broker-b"});
  CHECK(server.requests().size() == 1);

  clock.advance(1ms);
  // Finds never query for cached info: the refresh is the timer's.
  CHECK(clock.find_brokers("T") == Brokers{"broker-a", "broker-b"});
  CHECK(server.requests().size() == 1);
  CHECK(clock.refresh_due() == 1);
  CHECK(clock.find_brokers("T") == Brokers{"broker-b", "broker-c"});
  CHECK(clock.refresh_due() == 0);
  CHECK(server.topics_asked() == Topics{"T", "T"});

  clock.advance(1000ms);
  book.set("T", route_of({"broker-b"}));
  CHECK(clock.refresh_due() == 1);
  CHECK(clock.find_brokers("T") == Brokers{"broker-b"});
  CHECK(server.requests().size() == 3);
}

TEST_CASE("route refresh: a failed refresh keeps the old info and waits the retry gap", "[route]") {
  RouteBook book;
  book.set("T", route_of({"broker-a"}));
  FakeNameServer server(book.handler());
  RemotingClient remoting;
  NameServerClient client(remoting, {server.address()});
  TableOnFakeClock clock(client, 10000ms);  // retry gap 1 s
  REQUIRE(clock.find_brokers("T") == Brokers{"broker-a"});

  book.erase("T");  // TOPIC_NOT_EXIST: a name server hiccup, not a reason to stop sending
  clock.advance(10000ms);
  CHECK(clock.refresh_due() == 1);
  CHECK(clock.find_brokers("T") == Brokers{"broker-a"});
  // The topic's own route never falls back to TBW102 on refresh.
  CHECK(server.topics_asked() == Topics{"T", "T"});

  book.set("T", route_of({"broker-z"}));
  clock.advance(999ms);
  CHECK(clock.refresh_due() == 0);
  CHECK(clock.find_brokers("T") == Brokers{"broker-a"});
  CHECK(server.requests().size() == 2);
  clock.advance(1ms);
  CHECK(clock.refresh_due() == 1);
  CHECK(clock.find_brokers("T") == Brokers{"broker-z"});
  CHECK(server.requests().size() == 3);
}

TEST_CASE("route refresh: mark_stale re-reads at once (at most once per gap) and finds wait for it",
          "[route]") {
  RouteBook book;
  book.set("T", route_of({"broker-a", "broker-b"}));
  FakeNameServer server(book.handler());
  RemotingClient remoting;
  NameServerClient client(remoting, {server.address()});
  TableOnFakeClock clock(client, 30000ms);  // retry gap 3 s
  REQUIRE(clock.find_brokers("T") == Brokers{"broker-a", "broker-b"});

  clock.table.mark_stale("Unknown", 3000ms);  // harmless
  book.set("T", route_of({"broker-b"}));
  clock.advance(2999ms);  // too soon after the last query: the mark waits for the timer
  clock.table.mark_stale("T", 3000ms);
  CHECK(clock.find_brokers("T") == Brokers{"broker-a", "broker-b"});
  CHECK(server.requests().size() == 1);
  clock.advance(1ms);
  CHECK(clock.refresh_due() == 1);
  CHECK(clock.find_brokers("T") == Brokers{"broker-b"});
  CHECK(clock.refresh_due() == 0);  // the mark is consumed
  CHECK(server.requests().size() == 2);

  // Past the gap the mark queries at once, and the next find gets the new route.
  book.set("T", route_of({"broker-c"}));
  clock.advance(3000ms);
  clock.table.mark_stale("T", 3000ms);
  CHECK(clock.find_brokers("T") == Brokers{"broker-c"});
  CHECK(server.requests().size() == 3);

  SECTION("a failed stale refresh keeps the info and retries after the gap") {
    book.set_silent(true);
    clock.advance(3000ms);
    clock.table.mark_stale("T", 200ms);
    const auto start = Clock::now();
    CHECK(clock.find_brokers("T") == Brokers{"broker-c"});  // after the failed query
    CHECK(Clock::now() - start >= 150ms);
    CHECK(server.requests().size() == 4);

    book.set_silent(false);
    book.set("T", route_of({"broker-d"}));
    clock.advance(2999ms);
    CHECK(clock.refresh_due() == 0);
    CHECK(clock.find_brokers("T") == Brokers{"broker-c"});
    clock.advance(1ms);
    CHECK(clock.refresh_due() == 1);
    CHECK(clock.find_brokers("T") == Brokers{"broker-d"});
    CHECK(server.requests().size() == 5);
  }
}

TEST_CASE("route refresh: TBW102-based info switches to the topic's own route", "[route]") {
  RouteBook book;
  book.set("TBW102", route_of({"broker-a", "broker-b"}, perm::kRead | perm::kWrite | perm::kInherit));
  FakeNameServer server(book.handler());
  RemotingClient remoting;
  NameServerClient client(remoting, {server.address()});
  TableOnFakeClock clock(client, 1000ms);

  CHECK(clock.find_brokers("New") == Brokers{"broker-a", "broker-b"});
  CHECK(server.topics_asked() == Topics{"New", "TBW102"});

  clock.advance(1000ms);  // not created yet: TBW102 again
  CHECK(clock.refresh_due() == 1);
  CHECK(clock.find_brokers("New") == Brokers{"broker-a", "broker-b"});
  CHECK(server.topics_asked() == Topics{"New", "TBW102", "New", "TBW102"});

  book.set("New", route_of({"broker-b"}));  // broker-b auto-created it on the first send
  clock.advance(1000ms);
  CHECK(clock.refresh_due() == 1);
  CHECK(clock.find_brokers("New") == Brokers{"broker-b"});
  CHECK(server.topics_asked() == Topics{"New", "TBW102", "New", "TBW102", "New"});
}

TEST_CASE("route refresh: a slow name server never stalls finds that have cached info", "[route]") {
  RouteBook book;
  book.set("T", route_of({"broker-a"}));
  FakeNameServer server(book.handler());
  RemotingClient remoting;
  NameServerClient client(remoting, {server.address()});
  TableOnFakeClock clock(client, 1000ms);
  REQUIRE(clock.find_brokers("T") == Brokers{"broker-a"});

  book.set_silent(true);
  clock.advance(1000ms);
  const auto refresh_start = Clock::now();
  std::promise<void> refreshed;
  REQUIRE(clock.table.refresh_due(400ms, [&refreshed] { refreshed.set_value(); }) == 1);
  const auto wait_limit = Clock::now() + 2s;
  while (server.requests().size() < 2 && Clock::now() < wait_limit) {
    std::this_thread::sleep_for(1ms);
  }
  REQUIRE(server.requests().size() == 2);
  // While the refresh waits for the silent name server, finds get the cached info at once.
  const auto start = Clock::now();
  auto other = clock.table.find("T", 800ms);
  CHECK(Clock::now() - start < 100ms);
  REQUIRE(other.ok());
  CHECK(brokers_of(**other) == Brokers{"broker-a"});

  refreshed.get_future().wait();
  const auto refresh_elapsed = Clock::now() - refresh_start;
  CHECK(refresh_elapsed >= 390ms);
  CHECK(refresh_elapsed < 400ms + 200ms);
  CHECK(brokers_of(**clock.table.find("T", 800ms)) == Brokers{"broker-a"});
  CHECK(server.requests().size() == 2);
}

TEST_CASE("route: concurrent first lookups share one query, a failed one is remembered for the gap",
          "[route]") {
  RouteBook book;
  book.set_silent(true);
  FakeNameServer server(book.handler());
  RemotingClient remoting;
  NameServerClient client(remoting, {server.address()});
  TableOnFakeClock clock(client, 10000ms);  // retry gap 1 s

  std::vector<std::future<Result<TopicPublishInfoPtr>>> finds;
  for (int i = 0; i < 5; ++i) {
    finds.push_back(std::async(std::launch::async, [&] { return clock.table.find("T", 300ms); }));
  }
  for (auto& find : finds) {
    const auto found = find.get();
    REQUIRE_FALSE(found.ok());
    CHECK(found.error().code == error_code::kAccessBrokerTimeout);
  }
  CHECK(server.requests().size() <= 2);  // a late starter may begin a second query

  // Within the gap the failure is served at once, without asking again.
  const std::size_t asked = server.requests().size();
  const auto start = Clock::now();
  auto again = clock.table.find("T", 300ms);
  CHECK(Clock::now() - start < 100ms);
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().code == error_code::kAccessBrokerTimeout);
  CHECK(server.requests().size() == asked);

  book.set_silent(false);
  book.set("T", route_of({"broker-a"}));
  clock.advance(1000ms);
  CHECK(clock.find_brokers("T") == Brokers{"broker-a"});
  CHECK(server.requests().size() == asked + 1);
}

TEST_CASE("route: a black-holed name server leaves the next one a share of the timeout",
          "[route]") {
  FakeNameServer silent(stay_silent);
  FakeNameServer live(serve_routes({{"T", route_of({"broker-a"})}}));
  RemotingClient remoting;
  NameServerClient client(remoting, {silent.address(), live.address()});

  const auto start = Clock::now();
  auto route = client.get_route("T", 1000ms);
  const auto elapsed = Clock::now() - start;
  REQUIRE(route.ok());
  CHECK(*route == route_of({"broker-a"}));
  CHECK(elapsed >= 490ms);
  CHECK(elapsed < 500ms + 200ms);

  // Sticks to the name server that answered.
  const auto again_start = Clock::now();
  REQUIRE(client.get_route("T", 1000ms).ok());
  CHECK(Clock::now() - again_start < 200ms);
  CHECK(silent.requests().size() == 1);
  CHECK(live.requests().size() == 2);

  SECTION("three name servers: thirds, the last one all that remains") {
    FakeNameServer silent_two(stay_silent);
    NameServerClient three(remoting, {silent.address(), silent_two.address(), live.address()});
    const auto three_start = Clock::now();
    REQUIRE(three.get_route("T", 900ms).ok());
    const auto three_elapsed = Clock::now() - three_start;
    // A third of 900 ms, then half of the 600 ms left, for the silent ones; then the live one.
    CHECK(three_elapsed >= 590ms);
    CHECK(three_elapsed < 600ms + 200ms);
  }
}

TEST_CASE("route refresh: an unchanged route keeps its publish info and round robin", "[route]") {
  RouteBook book;
  book.set("T", route_of({"broker-a", "broker-b"}));
  FakeNameServer server(book.handler());
  RemotingClient remoting;
  NameServerClient client(remoting, {server.address()});
  TableOnFakeClock clock(client, 1000ms);

  auto first = clock.table.find("T", 3000ms);
  REQUIRE(first.ok());
  const std::uint32_t index = (*first)->next_index();
  clock.advance(1000ms);
  CHECK(clock.refresh_due() == 1);
  auto same = clock.table.find("T", 3000ms);
  REQUIRE(same.ok());
  CHECK(*same == *first);
  CHECK((*same)->next_index() == index + 1);
  CHECK(server.requests().size() == 2);

  book.set("T", route_of({"broker-a"}));
  clock.advance(1000ms);
  CHECK(clock.refresh_due() == 1);
  auto changed = clock.table.find("T", 3000ms);
  REQUIRE(changed.ok());
  CHECK(*changed != *first);
  CHECK(brokers_of(**changed) == Brokers{"broker-a"});
}
