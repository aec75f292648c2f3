// TLS: mqsend --tls against the test cluster in TLS mode (a self-signed certificate made at
// its start): verified and insecure handshakes, rejected certificates, plaintext on either
// side, both server modes, mutual TLS, the probe, and the flags' usage errors.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "harness.hpp"

using mqsend::test::json_lines;
using mqsend::test::ProcessResult;
using mqsend::test::run_mqsend;
using mqsend::test::temp_path;
using mqsend::test::TestCluster;
using mqsend::test::with_namesrv;
using namespace std::chrono_literals;

namespace {

// Failing fast means well before --timeout runs out.
const std::string kLongTimeout = "5000";
constexpr auto kFast = 2000ms;

// A TLS test cluster that wrote its certificate and key to files, removed at the end.
class TlsCluster {
 public:
  explicit TlsCluster(const std::string& mode, std::vector<std::string> extra = {})
      : certificate_(temp_path("cert.pem")), key_(temp_path("key.pem")), cluster_(arguments(mode, extra)) {}
  ~TlsCluster() {
    cluster_.stop();
    std::remove(certificate_.c_str());
    std::remove(key_.c_str());
  }
  TlsCluster(const TlsCluster&) = delete;
  TlsCluster& operator=(const TlsCluster&) = delete;

  const TestCluster& cluster() const { return cluster_; }
  const std::string& certificate() const { return certificate_; }
  const std::string& key() const { return key_; }

 private:
  std::vector<std::string> arguments(const std::string& mode, const std::vector<std::string>& extra) const {
    std::vector<std::string> args = {"--brokers",    "2",          "--topic",        "TlsTopic:4",
                                     "--tls-mode",   mode,         "--tls-cert-out", certificate_,
                                     "--tls-key-out", key_};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }

  std::string certificate_;
  std::string key_;
  TestCluster cluster_;
};

// No TLS settings from the caller's environment.
const std::vector<std::string> kCleanEnv = {"MQSEND_TLS=", "MQSEND_TLS_CA=", "MQSEND_TLS_INSECURE=",
                                            "MQSEND_TLS_CERT=", "MQSEND_TLS_KEY="};

ProcessResult send(const TestCluster& cluster, std::vector<std::string> args,
                   const std::vector<std::string>& env = kCleanEnv) {
  args.insert(args.end(), {"-t", "TlsTopic", "--json", "--timeout", kLongTimeout, "-m", "over tls"});
  return run_mqsend(with_namesrv(cluster, args), "", env);
}

void check_sent(const ProcessResult& run) {
  INFO(run.err);
  CHECK(run.exit_code == 0);
  const auto lines = json_lines(run.out);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].at("status") == "SEND_OK");
}

}  // namespace

TEST_CASE("tls handshake verified with --tls --tls-ca: sent and stored", "[integration][tls]") {
  TlsCluster tls("enforcing");
  CHECK(tls.cluster().ready().at("tls") == "enforcing");
  check_sent(send(tls.cluster(), {"--tls", "--tls-ca", tls.certificate()}));
  const auto stored = tls.cluster().messages("TlsTopic");
  REQUIRE(stored.size() == 1);
  CHECK(mqsend::test::base64_decode(stored[0].at("body").get<std::string>()) == "over tls");
}

TEST_CASE("tls certificate rejected without --tls-ca: a fast connect failure naming the reason",
          "[integration][tls]") {
  TlsCluster tls("enforcing");
  const auto run = send(tls.cluster(), {"--tls"});
  INFO(run.err);
  CHECK(run.exit_code == 3);  // the name server is unreachable: no route
  CHECK(run.elapsed < kFast);
  CHECK_THAT(run.err, Catch::Contains("connect to " + tls.cluster().namesrv() +
                                      " failed: TLS handshake: certificate verify failed: self-signed certificate"));
  CHECK(tls.cluster().messages("TlsTopic").empty());
}

TEST_CASE("tls --tls-insecure sends without a CA, --tls-ca alone implies --tls", "[integration][tls]") {
  TlsCluster tls("enforcing");
  check_sent(send(tls.cluster(), {"--tls-insecure"}));
  check_sent(send(tls.cluster(), {"--tls-ca", tls.certificate()}));
  std::vector<std::string> env = kCleanEnv;
  env.push_back("MQSEND_TLS_CA=" + tls.certificate());  // the environment layer, as any long flag
  check_sent(send(tls.cluster(), {}, env));
  CHECK(tls.cluster().messages("TlsTopic").size() == 3);
}

TEST_CASE("tls plaintext client against an enforcing cluster fails fast", "[integration][tls]") {
  TlsCluster tls("enforcing");
  const auto run = send(tls.cluster(), {});
  INFO(run.err);
  CHECK(run.exit_code == 3);
  CHECK(run.elapsed < kFast);
  CHECK_THAT(run.err, Catch::Contains("connection to " + tls.cluster().namesrv()));
}

TEST_CASE("tls client against a plaintext cluster fails fast", "[integration][tls]") {
  TestCluster plaintext({"--brokers", "1", "--topic", "TlsTopic:4", "--no-tls"});
  const auto run = send(plaintext, {"--tls-insecure"});
  INFO(run.err);
  CHECK(run.exit_code == 3);
  CHECK(run.elapsed < kFast);
  CHECK_THAT(run.err, Catch::Contains("TLS handshake: the peer closed the connection during the handshake"));
}

TEST_CASE("tls permissive cluster takes TLS and plaintext clients", "[integration][tls]") {
  TlsCluster tls("permissive");
  CHECK(tls.cluster().ready().at("tls") == "permissive");
  check_sent(send(tls.cluster(), {"--tls-ca", tls.certificate()}));
  check_sent(send(tls.cluster(), {}));
  CHECK(tls.cluster().messages("TlsTopic").size() == 2);
}

TEST_CASE("tls mutual: the cluster requires a client certificate", "[integration][tls]") {
  TlsCluster tls("enforcing", {"--tls-need-client-auth"});
  check_sent(send(tls.cluster(), {"--tls-ca", tls.certificate(), "--tls-cert", tls.certificate(),
                                  "--tls-key", tls.key()}));
  const auto anonymous = send(tls.cluster(), {"--tls-ca", tls.certificate()});
  INFO(anonymous.err);
  CHECK(anonymous.exit_code == 3);
  CHECK(anonymous.elapsed < kFast);
  CHECK_THAT(anonymous.err, Catch::Contains("certificate required"));
  CHECK(tls.cluster().messages("TlsTopic").size() == 1);
}

TEST_CASE("tls probe over TLS: every queue accepts its message", "[integration][tls]") {
  TlsCluster tls("enforcing");
  const auto run = run_mqsend({"probe", "-n", tls.cluster().namesrv(), "-t", "TlsTopic", "--json",
                               "--expect-brokers", "2", "--tls-ca", tls.certificate()},
                              "", kCleanEnv);
  INFO(run.out << run.err);
  CHECK(run.exit_code == 0);
  const auto lines = json_lines(run.out);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].at("ok") == true);
  CHECK(tls.cluster().messages("TlsTopic").size() == 8);

  const auto rejected = run_mqsend({"probe", "-n", tls.cluster().namesrv(), "-t", "TlsTopic", "--tls"}, "",
                                   kCleanEnv);
  CHECK(rejected.exit_code == 3);
  CHECK_THAT(rejected.err, Catch::Contains("certificate verify failed"));
}

TEST_CASE("tls flags: files that do not load and a lone --tls-cert are usage errors", "[integration][tls]") {
  const std::vector<std::string> base = {"-n", "127.0.0.1:1", "-t", "T", "-m", "x"};
  auto with = [&](std::vector<std::string> extra) {
    extra.insert(extra.begin(), base.begin(), base.end());
    return run_mqsend(extra, "", kCleanEnv);
  };
  const auto missing_ca = with({"--tls-ca", "/nonexistent/ca.pem"});
  CHECK(missing_ca.exit_code == 2);
  CHECK_THAT(missing_ca.err, Catch::Contains("cannot load the TLS CA file /nonexistent/ca.pem"));
  const auto lone_cert = with({"--tls-cert", "/nonexistent/cert.pem"});
  CHECK(lone_cert.exit_code == 2);
  CHECK_THAT(lone_cert.err, Catch::Contains("--tls-cert and --tls-key go together"));
  const auto probe = run_mqsend({"probe", "-n", "127.0.0.1:1", "-t", "T", "--tls-ca", "/nonexistent/ca.pem"}, "",
                                kCleanEnv);
  CHECK(probe.exit_code == 2);

  const auto config = run_mqsend({"-t", "T", "--tls-ca", "/etc/ca.pem", "--tls-insecure", "--print-config"}, "",
                                 kCleanEnv);
  CHECK(config.exit_code == 0);
  CHECK_THAT(config.out, Catch::Contains("tls-ca = \"/etc/ca.pem\""));
  CHECK_THAT(config.out, Catch::Contains("tls-insecure = true"));
}
