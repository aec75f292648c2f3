// ACL: mqsend signs every request; the test cluster in ACL mode (--acl) checks the signatures.
// The secret must never show in the output, whatever the outcome.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "harness.hpp"

using mqsend::test::json_lines;
using mqsend::test::ProcessResult;
using mqsend::test::run_mqsend;
using mqsend::test::TestCluster;
using mqsend::test::with_namesrv;

namespace {

const std::string kAccessKey = "rocketmq2";
const std::string kSecret = "s3cr3t-Acl-Value-42";
const std::string kWrongSecret = "wr0ng-Acl-Value-17";
const std::string kWarning = "visible in the process list";

// The 5.3 auth module's behaviour (ACL 2.0), whatever release the cluster answers as.
std::vector<std::string> acl_cluster_args(const std::string& acl_version = "2.0") {
  return {"--brokers", "2", "--topic", "AclTopic:4", "--acl", "other:otherSecret1", "--acl",
          kAccessKey + ":" + kSecret, "--acl-version", acl_version};
}

// The environment of a run: these credential variables only, whatever the caller's has.
std::vector<std::string> credential_env(const std::string& access_key, const std::string& secret) {
  return {"ROCKETMQ_ACCESS_KEY=" + access_key, "ROCKETMQ_SECRET_KEY=" + secret, "MQSEND_ACCESS_KEY=",
          "MQSEND_SECRET_KEY=", "MQSEND_SECRET_KEY_FILE="};
}

void check_secret_hidden(const ProcessResult& run, const std::string& secret) {
  CHECK(run.out.find(secret) == std::string::npos);
  CHECK(run.err.find(secret) == std::string::npos);
}

std::string write_secret_file(const std::string& content) {
  const std::string path = "/tmp/mqsend-acl-test-" + std::to_string(::getpid()) + ".secret";
  std::ofstream(path, std::ios::trunc) << content;
  return path;
}

}  // namespace

TEST_CASE("ACL good credentials from the environment: sent, JSON and binary headers", "[integration][acl]") {
  TestCluster cluster(acl_cluster_args());
  for (const std::string serialize : {"json", "rocketmq"}) {
    auto run = run_mqsend(with_namesrv(cluster, {"-t", "AclTopic", "--json", "--serialize", serialize, "-m", "x"}),
                          "", credential_env(kAccessKey, kSecret));
    INFO(run.err);
    CHECK(run.exit_code == 0);
    const auto lines = json_lines(run.out);
    REQUIRE(lines.size() == 1);
    CHECK(lines[0].at("status") == "SEND_OK");
    CHECK(run.err.find(kWarning) == std::string::npos);
    check_secret_hidden(run, kSecret);
  }
  CHECK(cluster.messages("AclTopic").size() == 2);
}

TEST_CASE("ACL secret from --secret-key-file: an async stream with heartbeats is all sent", "[integration][acl]") {
  TestCluster cluster(acl_cluster_args());
  const std::string path = write_secret_file(kSecret + "\n");
  auto run = run_mqsend(with_namesrv(cluster, {"-t", "AclTopic", "--mode", "async", "--access-key", kAccessKey,
                                               "--secret-key-file", path}),
                        "1\n2\n3\n4\n5\n", credential_env("", ""));
  std::remove(path.c_str());
  INFO(run.err);
  CHECK(run.exit_code == 0);
  CHECK(cluster.messages("AclTopic").size() == 5);
  CHECK(run.err.find(kWarning) == std::string::npos);
  check_secret_hidden(run, kSecret);
}

TEST_CASE("ACL secret on the command line works and warns", "[integration][acl]") {
  TestCluster cluster(acl_cluster_args());
  auto run = run_mqsend(with_namesrv(cluster, {"-t", "AclTopic", "--access-key", kAccessKey, "--secret-key", kSecret,
                                               "-m", "x"}),
                        "", credential_env("", ""));
  INFO(run.err);
  CHECK(run.exit_code == 0);
  CHECK(run.err.find(kWarning) != std::string::npos);
  check_secret_hidden(run, kSecret);
}

TEST_CASE("ACL bad secret: NO_PERMISSION from the name server, exit 3, secret not shown", "[integration][acl]") {
  TestCluster cluster(acl_cluster_args());
  for (const bool json : {false, true}) {
    std::vector<std::string> args = {"-t", "AclTopic", "-m", "x"};
    if (json) args.push_back("--json");
    auto run = run_mqsend(with_namesrv(cluster, args), "", credential_env(kAccessKey, kWrongSecret));
    INFO(run.err);
    CHECK(run.exit_code == 3);
    CHECK(run.err.find("NO_PERMISSION") != std::string::npos);
    CHECK(run.err.find("[AUTHENTICATION_FAILED] check signature failed") != std::string::npos);
    check_secret_hidden(run, kWrongSecret);
    check_secret_hidden(run, kSecret);
    if (json) {
      const auto lines = json_lines(run.out);
      REQUIRE(lines.size() == 1);
      CHECK(lines[0].at("status") == "FAILED");
    }
  }
  CHECK(cluster.messages("AclTopic").empty());
}

TEST_CASE("ACL no credentials or an unknown access key against an ACL cluster: NO_PERMISSION", "[integration][acl]") {
  TestCluster cluster(acl_cluster_args());
  auto unsigned_run = run_mqsend(with_namesrv(cluster, {"-t", "AclTopic", "-m", "x"}), "", credential_env("", ""));
  CHECK(unsigned_run.exit_code == 3);
  CHECK(unsigned_run.err.find("NO_PERMISSION") != std::string::npos);
  CHECK(unsigned_run.err.find("not signed") != std::string::npos);

  auto stranger = run_mqsend(with_namesrv(cluster, {"-t", "AclTopic", "-m", "x"}), "",
                             credential_env("stranger", kSecret));
  CHECK(stranger.exit_code == 3);
  CHECK(stranger.err.find("User:stranger is not found") != std::string::npos);
  check_secret_hidden(stranger, kSecret);
  CHECK(cluster.messages("AclTopic").empty());
}

TEST_CASE("ACL incomplete credentials are usage errors that do not echo the secret", "[integration][acl]") {
  auto no_secret = run_mqsend({"-n", "127.0.0.1:1", "-t", "T", "-m", "x", "--access-key", kAccessKey}, "",
                              credential_env("", ""));
  CHECK(no_secret.exit_code == 2);
  CHECK(no_secret.err.find("needs a secret key") != std::string::npos);

  auto no_access_key = run_mqsend({"-n", "127.0.0.1:1", "-t", "T", "-m", "x"}, "", credential_env("", kSecret));
  CHECK(no_access_key.exit_code == 2);
  CHECK(no_access_key.err.find("--access-key") != std::string::npos);
  check_secret_hidden(no_access_key, kSecret);

  const std::string path = write_secret_file("\n" + kSecret + "\n");
  auto empty_line = run_mqsend({"-n", "127.0.0.1:1", "-t", "T", "-m", "x", "--access-key", kAccessKey,
                                "--secret-key-file", path}, "", credential_env("", ""));
  std::remove(path.c_str());
  CHECK(empty_line.exit_code == 2);
  CHECK(empty_line.err.find("first line is empty") != std::string::npos);
  check_secret_hidden(empty_line, kSecret);

  auto missing_file = run_mqsend({"-n", "127.0.0.1:1", "-t", "T", "-m", "x", "--access-key", kAccessKey,
                                  "--secret-key-file", "/nonexistent/secret"}, "", credential_env("", ""));
  CHECK(missing_file.exit_code == 2);
  CHECK(missing_file.err.find("cannot read --secret-key-file /nonexistent/secret") != std::string::npos);
}

TEST_CASE("ACL --print-config masks the secret", "[integration][acl]") {
  auto run = run_mqsend({"-t", "T", "--print-config"}, "", credential_env(kAccessKey, kSecret));
  CHECK(run.exit_code == 0);
  CHECK(run.out.find("access-key = \"rocketmq2\"") != std::string::npos);
  CHECK(run.out.find("secret-key = \"******\"") != std::string::npos);
  check_secret_hidden(run, kSecret);
}

TEST_CASE("ACL probe signs its route lookup and its sends", "[integration][acl]") {
  TestCluster cluster(acl_cluster_args());
  auto run = run_mqsend({"probe", "-n", cluster.namesrv(), "-t", "AclTopic", "--json"}, "",
                        credential_env(kAccessKey, kSecret));
  INFO(run.err);
  CHECK(run.exit_code == 0);
  check_secret_hidden(run, kSecret);
  auto denied = run_mqsend({"probe", "-n", cluster.namesrv(), "-t", "AclTopic"}, "", credential_env("", ""));
  CHECK(denied.exit_code == 3);
  CHECK(denied.err.find("NO_PERMISSION") != std::string::npos);
}

TEST_CASE("ACL 1.0 bad secret: the route resolves, the broker refuses with an AclException", "[integration][acl]") {
  TestCluster cluster(acl_cluster_args("1.0"));
  auto run = run_mqsend(with_namesrv(cluster, {"-t", "AclTopic", "-m", "x"}), "",
                        credential_env(kAccessKey, kWrongSecret));
  INFO(run.err);
  CHECK(run.exit_code != 0);
  CHECK(run.err.find("AclException: Check signature failed for accessKey=" + kAccessKey) != std::string::npos);
  check_secret_hidden(run, kWrongSecret);
  CHECK(cluster.messages("AclTopic").empty());
}

TEST_CASE("ACL 1.0 topic permissions: a send needs PUB on its topic", "[integration][acl]") {
  std::vector<std::string> args = acl_cluster_args("1.0");
  args.insert(args.end(), {"--topic", "Audit:4", "--acl-default-topic-perm", "DENY", "--acl-topic-perm",
                           kAccessKey + ":AclTopic=PUB|SUB", "--acl-topic-perm", kAccessKey + ":Audit=SUB"});
  TestCluster cluster(args);
  auto allowed = run_mqsend(with_namesrv(cluster, {"-t", "AclTopic", "-m", "x"}), "", credential_env(kAccessKey, kSecret));
  INFO(allowed.err);
  CHECK(allowed.exit_code == 0);
  auto refused = run_mqsend(with_namesrv(cluster, {"-t", "Audit", "--retries", "0", "-m", "x"}), "",
                            credential_env(kAccessKey, kSecret));
  INFO(refused.err);
  CHECK(refused.exit_code == 4);
  CHECK(refused.err.find("[1 SYSTEM_ERROR]") != std::string::npos);
  CHECK(refused.err.find("AclException: No default permission for topic:Audit") != std::string::npos);
  CHECK(cluster.messages("Audit").empty());
}
