// Issue 17's producer features: load-test bodies without an input file (--size, -m
// templates), several inputs (-l a -l - -l b), --strict and --dry-run, against the real
// binary and the test cluster.
#include <cstdio>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "harness.hpp"

using mqsend::test::base64_decode;
using mqsend::test::json_lines;
using mqsend::test::read_file;
using mqsend::test::run_mqsend;
using mqsend::test::temp_path;
using mqsend::test::TestCluster;
using mqsend::test::with_namesrv;
using mqsend::test::write_file;
using nlohmann::json;

namespace {

void fault(const TestCluster& cluster, json command) {
  command["cmd"] = "fault";
  const json reply = cluster.control(command);
  INFO(reply.dump());
  REQUIRE(reply.at("ok") == true);
}

// The stored bodies of `topic` in store order (one broker, one queue: the send order).
std::vector<std::string> bodies_in_order(const TestCluster& cluster, const std::string& topic) {
  std::vector<std::string> bodies;
  for (const auto& message : cluster.messages(topic)) bodies.push_back(base64_decode(message.at("body").get<std::string>()));
  return bodies;
}

std::string last_line(const std::string& text) {
  const std::size_t end = text.find_last_not_of('\n');
  if (end == std::string::npos) return "";
  const std::size_t start = text.rfind('\n', end);
  return text.substr(start == std::string::npos ? 0 : start + 1, end - (start == std::string::npos ? 0 : start + 1) + 1);
}

}  // namespace

TEST_CASE("option --size sends --count synthetic bodies of N bytes at --rate", "[integration][load]") {
  TestCluster cluster({"--brokers", "1", "--topic", "Sized:1"});
  const auto run = run_mqsend(with_namesrv(cluster, {"-t", "Sized", "--size", "512", "--count", "60", "--rate", "200",
                                                     "--mode", "async", "-q"}));
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  const auto bodies = bodies_in_order(cluster, "Sized");
  REQUIRE(bodies.size() == 60);
  const std::string pattern = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  for (const auto& body : bodies) {
    REQUIRE(body.size() == 512);
    REQUIRE(body.substr(0, pattern.size()) == pattern);
    REQUIRE(body.substr(pattern.size(), 10) == "0123456789");
  }
  // 60 at 200/s, after the limiter's burst of 0.1 s worth (20): at least 0.2 s.
  CHECK(run.elapsed >= std::chrono::milliseconds(190));

  const auto one = run_mqsend(with_namesrv(cluster, {"-t", "Sized", "--size", "3"}));
  CHECK(one.exit_code == 0);
  CHECK(cluster.messages("Sized").size() == 61);
  const auto too_large = run_mqsend(with_namesrv(cluster, {"-t", "Sized", "--size", "100", "--max-size", "99"}));
  CHECK(too_large.exit_code == 2);  // the producer's validation refuses it, as any body
  const auto with_body = run_mqsend(with_namesrv(cluster, {"-t", "Sized", "--size", "3", "-m", "x"}));
  CHECK(with_body.exit_code == 2);
  CHECK(with_body.err.find("excludes") != std::string::npos);
}

TEST_CASE("option -m is a template: {{seq}} {{time}} {{uuid}} {{random N}} per message", "[integration][load]") {
  TestCluster cluster({"--brokers", "1", "--topic", "Tpl:1"});
  const auto run = run_mqsend(with_namesrv(cluster, {"-t", "Tpl", "-m", "order {{seq}} at {{time}} id {{uuid}} r {{random 8}} {{x}}",
                                                     "--count", "10"}));
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  const auto bodies = bodies_in_order(cluster, "Tpl");
  REQUIRE(bodies.size() == 10);
  const std::regex shape(
      "order ([0-9]+) at 20[0-9]{2}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6][0-9]\\.[0-9]{3}Z id "
      "([0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}) r [0-9a-zA-Z]{8} \\{\\{x\\}\\}");
  std::set<std::string> uuids;
  for (std::size_t i = 0; i < bodies.size(); ++i) {
    INFO(bodies[i]);
    std::smatch match;
    REQUIRE(std::regex_match(bodies[i], match, shape));
    CHECK(match[1] == std::to_string(i + 1));
    uuids.insert(match[2]);
  }
  CHECK(uuids.size() == 10);

  cluster.control({{"cmd", "reset_messages"}});
  const auto literal = run_mqsend(with_namesrv(cluster, {"-t", "Tpl", "--no-template", "-m", "{{seq}}", "-m", "{{random x}}"}));
  CHECK(literal.exit_code == 0);
  CHECK(bodies_in_order(cluster, "Tpl") == std::vector<std::string>{"{{seq}}", "{{random x}}"});

  const auto malformed = run_mqsend(with_namesrv(cluster, {"-t", "Tpl", "-m", "a {{random x}}"}));
  CHECK(malformed.exit_code == 2);
  CHECK(malformed.err == "mqsend: body template: '{{random x}}' is not {{random N}} with N from 1 to 4194304 "
                         "(--no-template sends the body as given)\n");

  // Stream records are data, never templates.
  cluster.control({{"cmd", "reset_messages"}});
  const auto stream = run_mqsend(with_namesrv(cluster, {"-t", "Tpl"}), "{{seq}}\n");
  CHECK(stream.exit_code == 0);
  CHECK(bodies_in_order(cluster, "Tpl") == std::vector<std::string>{"{{seq}}"});
}

TEST_CASE("option --failed-output keeps the expanded template bodies that failed", "[integration][load]") {
  TestCluster cluster({"--brokers", "1", "--topic", "TplFail:1"});
  const std::string failed = temp_path("template-failed");
  fault(cluster, {{"target", "broker-a"}, {"fault", "code"}, {"code", "MESSAGE_ILLEGAL"}, {"count", 2}});
  const auto first = run_mqsend(with_namesrv(cluster, {"-t", "TplFail", "-m", "id {{seq}}", "--count", "4",
                                                       "--failed-output", failed}));
  CHECK(first.exit_code == 1);
  CHECK(bodies_in_order(cluster, "TplFail") == std::vector<std::string>{"id 3", "id 4"});
  cluster.control({{"cmd", "reset_messages"}});
  const auto replay = run_mqsend(with_namesrv(cluster, {"-t", "TplFail", "-l", failed, "--input", "json"}));
  INFO(replay.err);
  CHECK(replay.exit_code == 0);
  CHECK(bodies_in_order(cluster, "TplFail") == std::vector<std::string>{"id 1", "id 2"});
  std::remove(failed.c_str());
}

TEST_CASE("several -l inputs are read in turn, - standing for stdin", "[integration][load]") {
  TestCluster cluster({"--brokers", "1", "--topic", "Many:1"});
  const std::string a = temp_path("many-a");
  const std::string b = temp_path("many-b");
  write_file(a, "a1\na2\n");
  write_file(b, "b1");
  const auto run = run_mqsend(with_namesrv(cluster, {"-t", "Many", "-l", a, "-l", "-", "--input-file", b, "--json"}),
                              "s1\ns2\n");
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  CHECK(bodies_in_order(cluster, "Many") == std::vector<std::string>{"a1", "a2", "s1", "s2", "b1"});
  const auto results = json_lines(run.out);
  REQUIRE(results.size() == 5);
  for (std::size_t i = 0; i < results.size(); ++i) CHECK(results[i].at("index") == i);

  const auto twice = run_mqsend(with_namesrv(cluster, {"-t", "Many", "-l", "-", "-l", "-"}));
  CHECK(twice.exit_code == 2);
  CHECK(twice.err == "mqsend: -l - names stdin, which can be read once: give it once\n");
  const auto missing = run_mqsend(with_namesrv(cluster, {"-t", "Many", "-l", a, "-l", "/nonexistent/mqsend"}));
  CHECK(missing.exit_code == 2);
  CHECK(cluster.messages("Many").size() == 5);
  std::remove(a.c_str());
  std::remove(b.c_str());
}

TEST_CASE("option --failed-output may be one of several inputs: it gets the failures of all", "[integration][load]") {
  TestCluster cluster({"--brokers", "1", "--topic", "ManyLoop:1"});
  const std::string fresh = temp_path("many-fresh");
  const std::string pending = temp_path("many-pending");
  const std::string too_long(80, 'L');
  write_file(fresh, "new-0\n" + too_long + "-new\n");
  write_file(pending, too_long + "-old\nold-1\n");
  const auto run = run_mqsend(with_namesrv(cluster, {"-t", "ManyLoop", "--max-size", "50", "-l", fresh, "-l", pending,
                                                     "--failed-output", pending}));
  INFO(run.err);
  CHECK(run.exit_code == 1);
  CHECK(read_file(pending) == too_long + "-new\n" + too_long + "-old\n");
  CHECK(read_file(fresh) == "new-0\n" + too_long + "-new\n");
  CHECK(bodies_in_order(cluster, "ManyLoop") == std::vector<std::string>{"new-0", "old-1"});
  std::remove(fresh.c_str());
  std::remove(pending.c_str());
}

TEST_CASE("option --strict counts FLUSH and SLAVE statuses as failures, and the summary counts them always", "[integration][load]") {
  TestCluster cluster({"--brokers", "1", "--topic", "Strict:1"});
  const std::string input = "m0\nm1\nm2\nm3\nm4\n";
  SECTION("without --strict: sent, exit 0, counted in the summary") {
    fault(cluster, {{"target", "broker-a"}, {"fault", "code"}, {"code", "FLUSH_DISK_TIMEOUT"}, {"count", 2}});
    const auto run = run_mqsend(with_namesrv(cluster, {"-t", "Strict", "-q", "--summary"}), input);
    CHECK(run.exit_code == 0);
    CHECK(last_line(run.err).find("mqsend: sent 5, failed 0, 2 not stored OK (FLUSH_DISK_TIMEOUT 2), elapsed") == 0);
  }
  SECTION("--strict: failed, exit 1, in --failed-output") {
    const std::string failed = temp_path("strict-failed");
    fault(cluster, {{"target", "broker-a"}, {"fault", "code"}, {"code", "SLAVE_NOT_AVAILABLE"}, {"count", 2}});
    const auto run = run_mqsend(with_namesrv(cluster, {"-t", "Strict", "--strict", "--json", "--failed-output", failed}),
                                input);
    INFO(run.err);
    CHECK(run.exit_code == 1);
    CHECK(last_line(run.err).find("mqsend: sent 3, failed 2, 2 not stored OK (SLAVE_NOT_AVAILABLE 2), elapsed") == 0);
    const auto results = json_lines(run.out);
    REQUIRE(results.size() == 5);
    CHECK(results[0].at("status") == "FAILED");
    CHECK(results[0].at("error").at("name") == "SLAVE_NOT_AVAILABLE");
    CHECK(results[0].at("error").at("message").get<std::string>().find("stored on broker-a as msgId ") == 0);
    CHECK(results[2].at("status") == "SEND_OK");
    CHECK(read_file(failed) == "m0\nm1\n");
    CHECK(cluster.messages("Strict").size() == 5);  // the broker stored them all
    std::remove(failed.c_str());
  }
  SECTION("--strict, every message not stored OK: the every-message-failed code") {
    fault(cluster, {{"target", "broker-a"}, {"fault", "code"}, {"code", "FLUSH_SLAVE_TIMEOUT"}});
    const auto run = run_mqsend(with_namesrv(cluster, {"-t", "Strict", "--strict", "-m", "x"}));
    CHECK(run.exit_code == 4);
    CHECK(run.err.find("[12 FLUSH_SLAVE_TIMEOUT] stored on broker-a") != std::string::npos);
  }
}

TEST_CASE("option --dry-run validates and prints every record, contacting no server", "[integration][load]") {
  SECTION("no cluster at all") {
    const auto run = run_mqsend({"-n", "127.0.0.1:1", "-t", "Dry", "--tags", "T", "-p", "k=v", "-m", "one {{seq}}",
                                 "-m", "two", "--dry-run"});
    INFO(run.err);
    CHECK(run.exit_code == 0);
    CHECK(run.out ==
          "DryRun [index=0, topic=Dry, bodySize=5, properties={TAGS=T, k=v}]\n"
          "DryRun [index=1, topic=Dry, bodySize=3, properties={TAGS=T, k=v}]\n");
    CHECK(run.err == "mqsend: dry run: 2 valid, 0 invalid, nothing sent\n");
  }
  SECTION("--json, namespace, keys, a fixed queue and a sharding key") {
    const auto run = run_mqsend({"-n", "127.0.0.1:1", "-t", "Dry", "--namespace", "ns", "-K", ":", "--shard-by", "keys",
                                 "--json", "--dry-run", "-q"},
                                "k1:body\n");
    CHECK(run.exit_code == 0);
    CHECK(run.out.empty());  // -q: no lines
    const auto json_run = run_mqsend({"-n", "127.0.0.1:1", "-t", "Dry", "--namespace", "ns", "-K", ":", "--json",
                                      "--dry-run", "--broker", "broker-b", "--queue-id", "3"},
                                     "k1:body\n");
    const auto lines = json_lines(json_run.out);
    REQUIRE(lines.size() == 1);
    CHECK(lines[0] == json{{"index", 0}, {"status", "DRY_RUN"}, {"topic", "ns%Dry"}, {"bodySize", 4},
                           {"broker", "broker-b"}, {"queueId", 3},
                           {"properties", {{"INSTANCE_ID", "ns"}, {"KEYS", "k1"}}}});
  }
  SECTION("invalid records fail as a send's validation does, with the same exit codes") {
    TestCluster cluster({"--brokers", "1", "--topic", "Dry:1"});
    const std::string input = "ok\n" + std::string(20, 'x') + "\n";
    const auto dry = run_mqsend(with_namesrv(cluster, {"-t", "Dry", "--max-size", "10", "--dry-run"}), input);
    CHECK(dry.exit_code == 1);
    CHECK(dry.out.find("SendFailed [index=1, code=13, name=MESSAGE_ILLEGAL") != std::string::npos);
    CHECK(last_line(dry.err) == "mqsend: dry run: 1 valid, 1 invalid, nothing sent");
    const auto all_bad = run_mqsend(with_namesrv(cluster, {"-t", "Dry", "--max-size", "10", "--dry-run"}),
                                    std::string(20, 'x') + "\n");
    CHECK(all_bad.exit_code == 2);
    const auto bad_topic = run_mqsend(with_namesrv(cluster, {"-t", "bad topic!", "--dry-run", "-m", "x"}));
    CHECK(bad_topic.exit_code == 2);
    CHECK(bad_topic.err.find("contains illegal characters") != std::string::npos);
    CHECK(cluster.log().empty());  // not one request, name server or broker

    // The real send of the same input: the same validation outcome, and it does reach the cluster.
    const auto real = run_mqsend(with_namesrv(cluster, {"-t", "Dry", "--max-size", "10"}), input);
    CHECK(real.exit_code == 1);
    CHECK(real.out.find("SendFailed [index=1, code=13, name=MESSAGE_ILLEGAL") != std::string::npos);
    CHECK_FALSE(cluster.log().empty());
    const auto real_all_bad = run_mqsend(with_namesrv(cluster, {"-t", "bad topic!", "-m", "x"}));
    CHECK(real_all_bad.exit_code == 2);
  }
}
