// Route refresh while a long stdin stream runs (--route-refresh), and name-server failover:
// brokers added to a route get messages, removed ones get none, a broker failure re-reads the
// route, and a black-holed first name server does not cost the route.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "harness.hpp"

using mqsend::test::json_lines;
using mqsend::test::MqsendProcess;
using mqsend::test::run_mqsend;
using mqsend::test::TestCluster;
using mqsend::test::wait_until;
using mqsend::test::with_namesrv;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

void control_ok(const TestCluster& cluster, const json& command) {
  const json reply = cluster.control(command);
  INFO(command.dump() << " -> " << reply.dump());
  REQUIRE(reply.at("ok") == true);
}

// Writes messages first..first+count-1 one at a time, each once the previous one is stored:
// a slow stream (mqsend's stdout may be buffered, so progress is read from the cluster).
void stream_messages(MqsendProcess& mqsend, const TestCluster& cluster, const std::string& topic,
                     int first, int count) {
  for (int i = first; i < first + count; ++i) {
    mqsend.write("message " + std::to_string(i) + "\n");
    const auto stored = [&] { return cluster.messages(topic).size(); };
    wait_until([&] { return stored() >= static_cast<std::size_t>(i + 1); }, 10s);
    INFO("message " << i);
    REQUIRE(stored() == static_cast<std::size_t>(i + 1));
  }
}

// mqsend's results, checked to be one SEND_OK line per message, in order.
std::vector<json> all_sent(const mqsend::test::ProcessResult& run, int messages) {
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  const auto results = json_lines(run.out);
  REQUIRE(results.size() == static_cast<std::size_t>(messages));
  for (int i = 0; i < messages; ++i) {
    CHECK(results[i].at("index") == i);
    CHECK(results[i].at("status") == "SEND_OK");
  }
  return results;
}

std::map<std::string, int> stored_per_broker(const TestCluster& cluster, const std::string& topic) {
  std::map<std::string, int> stored;
  for (const auto& message : cluster.messages(topic)) ++stored[message.at("broker").get<std::string>()];
  return stored;
}

int count_broker(const std::vector<json>& results, std::size_t from, const std::string& broker) {
  int count = 0;
  for (std::size_t i = from; i < results.size(); ++i) count += results[i].at("broker") == broker;
  return count;
}

constexpr int kGetRouteInfoByTopic = 105;

int route_queries(const TestCluster& cluster) { return cluster.requests_with_code(kGetRouteInfoByTopic); }

// Waits until mqsend has read the route twice since `before` route queries: the second query
// started after the first answer was taken in, so the route in use is one read after the change.
// (mqsend re-reads routes every --route-refresh ms, sending or not.)
void wait_for_two_route_refreshes(const TestCluster& cluster, int before) {
  const bool refreshed = cluster.wait_for_requests(kGetRouteInfoByTopic, before + 2, 5s);
  INFO("route queries before the change: " << before << ", 5 s later: " << route_queries(cluster));
  REQUIRE(refreshed);
}

// Milliseconds since the name server logged the last route query (the log's wall clock).
std::int64_t ms_since_last_route_query(const TestCluster& cluster) {
  const auto queries = cluster.control({{"cmd", "log"}, {"code", kGetRouteInfoByTopic}}).at("log");
  if (queries.empty()) return 0;
  const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  return now_ms - queries.back().at("time_ms").get<std::int64_t>();
}

// A listener that accepts connections (the kernel does) and never answers: a black hole.
class SilentListener {
 public:
  SilentListener() : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    if (fd_ < 0 || bind(fd_, reinterpret_cast<sockaddr*>(&address), size) != 0 ||
        listen(fd_, 16) != 0 || getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
      throw std::runtime_error("cannot open the silent listener");
    }
    port_ = ntohs(address.sin_port);
  }
  ~SilentListener() { close(fd_); }
  SilentListener(const SilentListener&) = delete;
  SilentListener& operator=(const SilentListener&) = delete;

  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  int fd_;
  int port_ = 0;
};

}  // namespace

TEST_CASE("a broker added mid-stream receives messages without restarting mqsend",
          "[integration][route]") {
  TestCluster cluster({"--brokers", "1", "--topic", "Grow:2"});
  MqsendProcess mqsend(with_namesrv(cluster, {"-t", "Grow", "--json", "--route-refresh", "200"}));
  stream_messages(mqsend, cluster, "Grow", 0, 4);

  const int queries_before = route_queries(cluster);
  const json added = cluster.control({{"cmd", "add_broker"}});
  INFO(added.dump());
  REQUIRE(added.at("ok") == true);
  const std::string new_broker = added.at("broker").at("name");
  wait_for_two_route_refreshes(cluster, queries_before);
  stream_messages(mqsend, cluster, "Grow", 4, 12);

  const auto results = all_sent(mqsend.wait(), 16);
  CHECK(count_broker(results, 0, new_broker) >= 4);  // round robin over 2 + 2 queues
  CHECK(count_broker(results, 0, new_broker) == count_broker(results, 4, new_broker));
  CHECK(stored_per_broker(cluster, "Grow")[new_broker] == count_broker(results, 0, new_broker));
}

TEST_CASE("a broker removed from the route gets no message after a refresh period",
          "[integration][route]") {
  TestCluster cluster({"--brokers", "2", "--topic", "Shrink:2"});
  MqsendProcess mqsend(with_namesrv(cluster, {"-t", "Shrink", "--json", "--route-refresh", "200"}));
  stream_messages(mqsend, cluster, "Shrink", 0, 6);
  const int queries_before = route_queries(cluster);

  control_ok(cluster, {{"cmd", "remove_broker"}, {"name", "broker-b"}});  // it keeps serving
  wait_for_two_route_refreshes(cluster, queries_before);
  stream_messages(mqsend, cluster, "Shrink", 6, 10);

  const auto results = all_sent(mqsend.wait(), 16);
  const int before_removal = count_broker(results, 0, "broker-b");
  CHECK(before_removal >= 2);
  CHECK(count_broker(results, 6, "broker-b") == 0);
  for (std::size_t i = 6; i < results.size(); ++i) {
    CHECK(results[i].at("brokersTried") == json::array({"broker-a"}));
  }
  CHECK(stored_per_broker(cluster, "Shrink")["broker-b"] == before_removal);
  CHECK(route_queries(cluster) > queries_before);
}

TEST_CASE("a broker failure re-reads the route before the refresh period",
          "[integration][route]") {
  TestCluster cluster({"--brokers", "2", "--topic", "Fail:2"});
  // Refresh period 10 s: only the failure can explain a new route; stale marks wait 1 s.
  MqsendProcess mqsend(with_namesrv(cluster, {"-t", "Fail", "--json", "--route-refresh", "10000"}));
  stream_messages(mqsend, cluster, "Fail", 0, 4);

  control_ok(cluster, {{"cmd", "remove_broker"}, {"name", "broker-b"}});
  control_ok(cluster, {{"cmd", "fault"}, {"target", "broker-b"}, {"fault", "down"}});
  // A stale mark re-reads the route only 1 s after the previous lookup (the retry gap): let
  // that gap pass, counted from the last lookup the name server saw, so that the first failure
  // can trigger the re-read.
  REQUIRE(wait_until([&] { return ms_since_last_route_query(cluster) > 1050; }, 5s));
  stream_messages(mqsend, cluster, "Fail", 4, 10);

  const auto results = all_sent(mqsend.wait(), 14);
  int tried_failed_broker = 0;
  for (std::size_t i = 4; i < results.size(); ++i) {
    CHECK(results[i].at("broker") == "broker-a");
    const auto tried = results[i].at("brokersTried").get<std::vector<std::string>>();
    tried_failed_broker += tried.front() == "broker-b";
  }
  // Round robin would try broker-b for every other message without the re-read.
  CHECK(tried_failed_broker <= 1);
}

TEST_CASE("a black-holed first name server: the route comes from the second one in time",
          "[integration][route]") {
  TestCluster cluster({"--brokers", "1", "--topic", "Hole:2"});
  SilentListener black_hole;
  const std::string name_servers = black_hole.address() + ";" + cluster.namesrv();
  auto run = run_mqsend({"-n", name_servers, "-t", "Hole", "--json", "--timeout", "3000"},
                        "one\ntwo\nthree\nfour\nfive\n");
  all_sent(run, 5);
  // The first lookup gives the black hole half of the 3 s budget; later ones stick to the
  // name server that answered.
  CHECK(run.elapsed >= 1400ms);
  CHECK(run.elapsed < 3000ms);
  CHECK(cluster.messages("Hole").size() == 5);
}
