// Transactional sends (--transaction, --transaction-exec, --transaction-check) and
// request-reply (mqsend request) against the cluster's broker side: half messages in
// RMQ_SYS_TRANS_HALF_TOPIC, END_TRANSACTION, check-backs (CHECK_TRANSACTION_STATE) to the
// producer's connection, replies pushed with PUSH_REPLY_MESSAGE_TO_CLIENT.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <set>
#include <string>

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

constexpr int kEndTransaction = 37;

// A cluster whose broker checks every half message at once, every 100 ms.
TestCluster checking_cluster() {
  return TestCluster({"--brokers", "1", "--topic", "TxTopic:2", "--transaction-check-interval", "100",
                      "--transaction-timeout", "0"});
}

}  // namespace

TEST_CASE("transaction commit: the half messages are ended COMMIT_MESSAGE and appear in their topic", "[integration][transaction]") {
  TestCluster cluster({"--brokers", "1", "--topic", "TxTopic:2"});
  const auto run = run_mqsend(with_namesrv(cluster, {"-t", "TxTopic", "--transaction", "commit", "--json", "-m", "a", "-m", "b"}));
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  const auto lines = json_lines(run.out);
  REQUIRE(lines.size() == 2);
  for (const json& line : lines) {
    CHECK(line.at("status") == "SEND_OK");
    CHECK(line.at("transaction") == "COMMIT_MESSAGE");
  }
  REQUIRE(wait_until([&] { return cluster.messages("TxTopic").size() == 2; }, 5000ms));
  CHECK(cluster.stored_bodies("TxTopic") == std::multiset<std::string>{"a", "b"});
  CHECK(cluster.requests_with_code(kEndTransaction) == 2);
  CHECK(cluster.broker_counter("broker-a", "/transactions/committed") == 2);
}

TEST_CASE("transaction rollback: nothing appears, and the run exits 8", "[integration][transaction]") {
  TestCluster cluster({"--brokers", "1", "--topic", "TxTopic:2"});
  const auto run = run_mqsend(with_namesrv(cluster, {"-t", "TxTopic", "--transaction", "rollback", "-m", "gone"}));
  INFO(run.err);
  CHECK(run.exit_code == 8);
  CHECK(run.out.find("localTransactionState=ROLLBACK_MESSAGE") != std::string::npos);
  REQUIRE(cluster.wait_for_counter("broker-a", "/transactions/rolled_back", 1, 5000ms));
  CHECK(cluster.messages("TxTopic").empty());
  CHECK(run.err.find("1 not committed") != std::string::npos);
}

TEST_CASE("transaction-exec: the command decides each message from its body and variables", "[integration][transaction]") {
  TestCluster cluster({"--brokers", "1", "--topic", "TxTopic:2"});
  const std::string decide = R"sh(body=$(cat); [ "$MQSEND_TOPIC" = TxTopic ] && [ -n "$MQSEND_MSG_ID" ] || exit 9; [ "$body" = yes ])sh";
  const auto run = run_mqsend(with_namesrv(cluster, {"-t", "TxTopic", "--transaction-exec", decide, "--json", "-m", "yes", "-m", "no"}));
  INFO(run.err);
  CHECK(run.exit_code == 8);
  const auto lines = json_lines(run.out);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].at("transaction") == "COMMIT_MESSAGE");
  CHECK(lines[1].at("transaction") == "ROLLBACK_MESSAGE");
  REQUIRE(cluster.wait_for_counter("broker-a", "/transactions/rolled_back", 1, 5000ms));
  CHECK(cluster.stored_bodies("TxTopic") == std::multiset<std::string>{"yes"});
}

TEST_CASE("transaction UNKNOW: the broker checks back and --transaction-check's command commits it", "[integration][transaction]") {
  TestCluster cluster = checking_cluster();
  const auto run = run_mqsend(with_namesrv(cluster, {"-t", "TxTopic", "--transaction-exec", "exit 75", "--transaction-check",
                                                     "[ \"$(cat)\" = later ] && [ \"$MQSEND_CHECK_TIMES\" -ge 1 ]",
                                                     "--transaction-check-wait", "10000", "-m", "later"}));
  INFO(run.err);
  CHECK(run.exit_code == 0);  // committed by the check-back before the run ended
  CHECK(run.out.find("localTransactionState=UNKNOW") != std::string::npos);
  CHECK(run.err.find(": COMMIT_MESSAGE") != std::string::npos);
  CHECK(run.err.find("1 check-back answered") != std::string::npos);
  REQUIRE(wait_until([&] { return cluster.messages("TxTopic").size() == 1; }, 5000ms));
  CHECK(cluster.broker_counter("broker-a", "/transactions/checks_sent") >= 1);
}

TEST_CASE("transaction UNKNOW without a check command: a check-back gets the state decided, UNKNOW", "[integration][transaction]") {
  TestCluster cluster = checking_cluster();
  const auto run = run_mqsend(with_namesrv(cluster, {"-t", "TxTopic", "--transaction-exec", "exit 75",
                                                     "--transaction-check-wait", "1500", "-m", "pending"}));
  INFO(run.err);
  CHECK(run.exit_code == 8);
  CHECK(run.err.find(": UNKNOW") != std::string::npos);
  CHECK(cluster.messages("TxTopic").empty());
  CHECK(cluster.broker_counter("broker-a", "/transactions/committed") == 0);
}

TEST_CASE("transaction: a check-back after mqsend exited waits for a producer of the group, which commits it", "[integration][transaction]") {
  TestCluster cluster = checking_cluster();
  auto run = run_mqsend(with_namesrv(cluster, {"-t", "TxTopic", "-g", "tx_group", "--transaction-exec", "exit 75", "-m", "first"}));
  INFO(run.err);
  REQUIRE(run.exit_code == 8);
  // Nobody of tx_group is online now: the broker's checks find no channel.
  REQUIRE(cluster.wait_for_counter("broker-a", "/transactions/checks_without_producer", 1, 5000ms));
  run = run_mqsend(with_namesrv(cluster, {"-t", "TxTopic", "-g", "tx_group", "--transaction-exec", "exit 75",
                                          "--transaction-check", "cat >/dev/null", "--transaction-check-wait", "10000",
                                          "-m", "second"}));
  INFO(run.err);
  CHECK(run.exit_code == 0);
  REQUIRE(wait_until([&] { return cluster.messages("TxTopic").size() == 2; }, 5000ms));
  CHECK(cluster.stored_bodies("TxTopic") == std::multiset<std::string>{"first", "second"});
}

TEST_CASE("transaction: an END_TRANSACTION lost with a closed connection is recovered by a check-back", "[integration][transaction]") {
  TestCluster cluster = checking_cluster();
  // The heartbeat and the half message are answered, then the broker closes the connection:
  // the oneway END_TRANSACTION reaches it on a new connection, or is lost in the closing one
  // (TCP cannot tell a oneway writer), as with a real broker.
  const json armed = cluster.control({{"cmd", "fault"}, {"target", "broker-a"}, {"fault", "close_after"}, {"requests", 2}});
  REQUIRE(armed.at("ok") == true);
  auto run = run_mqsend(with_namesrv(cluster, {"-t", "TxTopic", "-g", "tx_group", "--transaction", "commit", "-m", "kept"}));
  INFO(run.err);
  CHECK((run.exit_code == 0 || run.exit_code == 8));
  REQUIRE(cluster.control({{"cmd", "fault"}, {"target", "broker-a"}, {"fault", "clear"}}).at("ok") == true);
  // A producer of the group answers the broker's check-backs: the older half message's check
  // comes first on its connection, its own transaction's after.
  run = run_mqsend(with_namesrv(cluster, {"-t", "TxTopic", "-g", "tx_group", "--transaction-exec", "exit 75",
                                          "--transaction-check", "cat >/dev/null", "--transaction-check-wait", "10000",
                                          "-m", "probe"}));
  INFO(run.err);
  CHECK(run.exit_code == 0);
  REQUIRE(wait_until([&] { return cluster.messages("TxTopic").size() == 2; }, 5000ms));
  CHECK(cluster.stored_bodies("TxTopic") == std::multiset<std::string>{"kept", "probe"});
}

TEST_CASE("transaction: combinations a half message cannot take are usage errors", "[integration][transaction]") {
  for (const std::vector<std::string>& extra : {std::vector<std::string>{"--mode", "oneway"}, {"--batch", "4"},
                                               {"--delay-level", "2"}, {"--delay", "10s"}, {"--shard-key", "k"},
                                               {"--producers", "2"}}) {
    std::vector<std::string> args{"-n", "127.0.0.1:1", "-t", "T", "--transaction", "commit", "-m", "x"};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto run = run_mqsend(args);
    INFO(extra.front());
    CHECK(run.exit_code == 2);
    CHECK(run.err.find("--transaction") != std::string::npos);
    CHECK(std::count(run.err.begin(), run.err.end(), '\n') == 1);
  }
  const auto both = run_mqsend({"-n", "127.0.0.1:1", "-t", "T", "--transaction", "commit", "--transaction-exec", "true", "-m", "x"});
  CHECK(both.exit_code == 2);
  const auto check_alone = run_mqsend({"-n", "127.0.0.1:1", "-t", "T", "--transaction-check", "true", "-m", "x"});
  CHECK(check_alone.exit_code == 2);
}

TEST_CASE("request: the cluster's responder replies, and the reply is printed with its properties", "[integration][request]") {
  TestCluster cluster({"--brokers", "1", "--topic", "ReqTopic:2", "--auto-reply"});
  const auto run = run_mqsend(with_namesrv(cluster, {"request", "-t", "ReqTopic", "--json", "-m", "ping", "-p", "who=me"}));
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  const auto lines = json_lines(run.out);
  REQUIRE(lines.size() == 1);
  const json& reply = lines[0];
  CHECK(reply.at("status") == "REPLIED");
  CHECK(reply.at("body") == "ping");
  CHECK(reply.at("topic") == "DefaultCluster_REPLY_TOPIC");
  CHECK(reply.at("properties").at("CORRELATION_ID") == reply.at("correlationId"));
  CHECK(reply.at("properties").at("MSG_TYPE") == "reply");
  CHECK(reply.at("properties").contains("ARRIVE_TIME"));
  const auto stored = cluster.messages("ReqTopic");
  REQUIRE(stored.size() == 1);
  CHECK(stored[0].at("properties").at("CORRELATION_ID") == reply.at("correlationId"));
  CHECK(stored[0].at("properties").at("REPLY_TO_CLIENT").get<std::string>().find('@') != std::string::npos);
  CHECK(stored[0].at("properties").at("TTL") == "3000");
  CHECK(stored[0].at("properties").at("who") == "me");
  // mqsend answered the push (SUCCESS), so the broker counted it delivered.
  CHECK(cluster.broker_counter("broker-a", "/replies/pushed") == 1);
}

TEST_CASE("request: one request per stdin line, in order, and a reply by hand through the control port", "[integration][request]") {
  TestCluster cluster({"--brokers", "1", "--topic", "ReqTopic:2", "--auto-reply"});
  auto run = run_mqsend(with_namesrv(cluster, {"request", "-t", "ReqTopic"}), "one\ntwo\nthree\n");
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  CHECK(run.out.find("index=0") < run.out.find("body=one]"));
  CHECK(run.out.find("body=two]") < run.out.find("body=three]"));

  TestCluster manual({"--brokers", "1", "--topic", "ReqTopic:2"});
  MqsendProcess waiting(with_namesrv(manual, {"request", "-t", "ReqTopic", "--timeout", "20000", "--json", "-m", "question"}));
  REQUIRE(wait_until([&] { return manual.messages("ReqTopic").size() == 1; }, 10000ms));
  const std::string correlation_id = manual.messages("ReqTopic")[0].at("properties").at("CORRELATION_ID");
  CHECK(manual.reply(correlation_id, "answer").at("ok") == true);
  const auto answered = waiting.wait(20000ms);
  INFO(answered.err);
  REQUIRE(answered.exit_code == 0);
  const auto lines = json_lines(answered.out);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].at("body") == "answer");
  CHECK(lines[0].at("correlationId") == correlation_id);
}

TEST_CASE("request: no reply within --timeout exits 5 with REQUEST_TIMEOUT_EXCEPTION", "[integration][request]") {
  TestCluster cluster({"--brokers", "1", "--topic", "ReqTopic:2"});
  const auto started = std::chrono::steady_clock::now();
  const auto run = run_mqsend(with_namesrv(cluster, {"request", "-t", "ReqTopic", "--timeout", "400", "-m", "anyone?"}));
  CHECK(run.exit_code == 5);
  CHECK(run.out.find("RequestFailed [index=0") != std::string::npos);
  CHECK(run.err.find("REQUEST_TIMEOUT_EXCEPTION") != std::string::npos);
  CHECK(std::chrono::steady_clock::now() - started < 10s);
  CHECK(cluster.messages("ReqTopic").size() == 1);  // the request itself was stored
}
