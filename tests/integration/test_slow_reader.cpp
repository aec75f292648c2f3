// A slow reader of mqsend's stdout must not change what is sent or reported: the output waits,
// the sends do not. (A reader that stalls the thread handling the network makes responses
// expire: records are reported FAILED although stored, and retried into duplicates.)
#include <chrono>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "harness.hpp"

using mqsend::test::first_lines_and_last;
using mqsend::test::json_lines;
using mqsend::test::run_process;
using mqsend::test::TestCluster;
using mqsend::test::wait_until;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

constexpr int kRecords = 3000;
constexpr auto kTimeout = 1000ms;
// Longer than --timeout: a send whose outcome waits on the reader would expire meanwhile.
constexpr auto kReaderDelay = 2500ms;

}  // namespace

TEST_CASE("a stdout reader slower than --timeout: every record sent once and reported once",
          "[integration][slow-reader]") {
  const std::string mode = GENERATE("sync", "async", "oneway", "async --batch 16");
  INFO("--mode " << mode);
  const bool oneway = mode == "oneway";

  TestCluster cluster({"--brokers", "2", "--topic", "Slow:4"});
  std::string input;
  std::set<std::string> expected_bodies;
  for (int i = 1; i <= kRecords; ++i) {
    input += std::to_string(i) + "\n";
    expected_bodies.insert(std::to_string(i));
  }
  std::vector<std::string> argv{MQSEND_BIN, "-n", cluster.namesrv(), "-t", "Slow", "--json",
                                "--timeout", std::to_string(kTimeout.count())};
  std::istringstream mode_args("--mode " + mode);
  for (std::string arg; mode_args >> arg;) argv.push_back(arg);
  const auto run = run_process(argv, input, 60s, {}, kReaderDelay);
  INFO("stderr: " << first_lines_and_last(run.err, 5));
  // ~200 bytes a line: the output is far over a 64 KiB pipe buffer, so the delay blocks mqsend.
  REQUIRE(run.out.size() > 4 * 65536);

  CHECK(run.exit_code == 0);
  const auto lines = json_lines(run.out);
  std::map<int, int> lines_per_index;
  std::map<std::string, int> statuses;
  for (const auto& line : lines) {
    ++lines_per_index[line.at("index").get<int>()];
    const std::string status = line.at("status");
    statuses[status == "FAILED" ? "FAILED " + line.at("error").at("name").get<std::string>() : status]++;
  }
  int missing = 0;
  int repeated = 0;
  for (int i = 0; i < kRecords; ++i) {
    const int count = lines_per_index.count(i) != 0 ? lines_per_index.at(i) : 0;
    missing += count == 0;
    repeated += count > 1;
  }
  INFO("outcome lines " << lines.size() << ", statuses " << json(statuses).dump());
  CHECK(lines.size() == static_cast<std::size_t>(kRecords));
  CHECK(lines_per_index.size() == static_cast<std::size_t>(kRecords));  // no index outside 0..2999
  CHECK(missing == 0);
  CHECK(repeated == 0);
  // Oneway lines say the frame was written: SENT_ONEWAY (src/cli/reporter.cpp).
  const std::string sent = oneway ? "SENT_ONEWAY" : "SEND_OK";
  CHECK(json(statuses) == json{{sent, kRecords}});

  // Oneway frames may still be on their way into the brokers when mqsend exits.
  wait_until([&] { return cluster.messages("Slow").size() >= kRecords; }, 5s);
  const auto stored = cluster.stored_bodies("Slow");
  const std::set<std::string> distinct(stored.begin(), stored.end());
  std::size_t unexpected = 0;
  for (const auto& body : distinct) unexpected += expected_bodies.count(body) == 0;
  const auto status = cluster.control({{"cmd", "status"}});
  INFO("stored " << stored.size() << ", distinct " << distinct.size() << ", messages_accepted "
                 << status.at("messages_accepted"));
  CHECK(stored.size() == static_cast<std::size_t>(kRecords));
  CHECK(distinct.size() == static_cast<std::size_t>(kRecords));
  CHECK(unexpected == 0);  // so the 3000 distinct bodies are exactly "1".."3000"
  CHECK(status.at("messages_accepted") == kRecords);
}
