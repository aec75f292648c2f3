// RemotingClient over TLS against the test cluster's TLS endpoints (in process): verified
// connections, rejected certificates, plaintext peers, silent peers, the two server modes.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <string>
#include <vector>

#include <asio.hpp>

#include "client/remoting/codes.hpp"
#include "client/remoting/remoting_client.hpp"
#include "test_cluster_support.hpp"

using namespace mqsend;
using namespace mqsend::cluster_test;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

ClusterOptions cluster_options(std::optional<TlsMode> tls) {
  ClusterOptions options;
  options.brokers = 1;
  options.tls = tls;
  return options;
}

// The cluster's certificate in a file, for TlsOptions::ca_file; removed at the end.
class CertificateFile {
 public:
  explicit CertificateFile(const RunningCluster& cluster)
      : path_("/tmp/mqsend-unit-tls-" + std::to_string(::getpid()) + ".pem") {
    std::ofstream(path_, std::ios::trunc) << cluster.cluster().tls_certificate()->certificate_pem;
  }
  ~CertificateFile() { std::remove(path_.c_str()); }
  CertificateFile(const CertificateFile&) = delete;
  CertificateFile& operator=(const CertificateFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TlsOptions trusting(const std::string& ca_file) {
  TlsOptions tls;
  tls.enabled = true;
  tls.ca_file = ca_file;
  return tls;
}

RemotingCommand route_request() {
  RemotingCommand request = RemotingCommand::request(request_code::kGetRouteInfoByTopic);
  request.ext_fields["topic"] = "TBW102";
  return request;
}

// A listener that never accepts: the kernel completes the TCP handshake, nobody answers
// the TLS one.
class SilentListener {
 public:
  SilentListener() : acceptor_(io_, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {}
  std::string address() const { return "127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()); }

 private:
  asio::io_context io_;
  asio::ip::tcp::acceptor acceptor_;
};

// Results delivered on the client's I/O thread, awaited by the test.
class Outcomes {
 public:
  void add(Result<RemotingCommand> result) {
    std::lock_guard<std::mutex> lock(mutex_);
    results_.push_back(std::move(result));
    arrived_.notify_all();
  }
  bool wait_for(std::size_t count, std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mutex_);
    return arrived_.wait_for(lock, timeout, [&] { return results_.size() >= count; });
  }
  std::vector<Result<RemotingCommand>> results() {
    std::lock_guard<std::mutex> lock(mutex_);
    return results_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable arrived_;
  std::vector<Result<RemotingCommand>> results_;
};

}  // namespace

TEST_CASE("tls client: a verified connection carries requests, an enforcing server drops plaintext",
          "[tls][transport]") {
  RunningCluster cluster(cluster_options(TlsMode::kEnforcing));
  CHECK(cluster.ready().at("tls") == "enforcing");
  const CertificateFile ca(cluster);

  RemotingClient tls_client(nullptr, trusting(ca.path()));
  auto response = tls_client.invoke_sync(cluster.namesrv(), route_request(), 2000ms);
  REQUIRE(response.ok());
  CHECK(response->is_response());
  // "localhost" is in the certificate too (DNS SAN).
  const std::string port = cluster.namesrv().substr(cluster.namesrv().rfind(':') + 1);
  CHECK(tls_client.invoke_sync("localhost:" + port, route_request(), 2000ms).ok());

  RemotingClient plain_client;
  const auto start = Clock::now();
  auto refused = plain_client.invoke_sync(cluster.namesrv(), route_request(), 5000ms);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == error_code::kConnectionClosed);
  CHECK(Clock::now() - start < 2000ms);
}

TEST_CASE("tls client: an untrusted certificate fails every pending request at once",
          "[tls][transport]") {
  RunningCluster cluster(cluster_options(TlsMode::kEnforcing));
  TlsOptions system_store_only;
  system_store_only.enabled = true;
  RemotingClient client(nullptr, system_store_only);

  Outcomes outcomes;
  const auto start = Clock::now();
  for (int i = 0; i < 3; ++i) {
    client.invoke_async(cluster.namesrv(), route_request(), 5000ms,
                        [&outcomes](Result<RemotingCommand> result) { outcomes.add(std::move(result)); });
  }
  REQUIRE(outcomes.wait_for(3, 2000ms));
  CHECK(Clock::now() - start < 2000ms);
  for (const auto& result : outcomes.results()) {
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().code == error_code::kConnectBrokerException);
    CHECK_THAT(result.error().message,
               Catch::Contains("connect to " + cluster.namesrv() +
                               " failed: TLS handshake: certificate verify failed: self-signed certificate"));
  }
  CHECK(client.pending_requests() == 0);
}

TEST_CASE("tls client: a plaintext peer fails the handshake at once, a silent one at the deadline",
          "[tls][transport]") {
  RunningCluster plaintext(cluster_options(std::nullopt));
  TlsOptions insecure;
  insecure.enabled = true;
  insecure.insecure = true;
  RemotingClient client(nullptr, insecure);

  auto start = Clock::now();
  auto closed = client.invoke_sync(plaintext.namesrv(), route_request(), 5000ms);
  REQUIRE_FALSE(closed.ok());
  CHECK(closed.error().code == error_code::kConnectBrokerException);
  CHECK_THAT(closed.error().message, Catch::Contains("does it speak TLS?"));
  CHECK(Clock::now() - start < 2000ms);

  SilentListener silent;
  start = Clock::now();
  auto timed_out = client.invoke_sync(silent.address(), route_request(), 300ms);
  const auto elapsed = Clock::now() - start;
  REQUIRE_FALSE(timed_out.ok());
  CHECK(timed_out.error().code == error_code::kConnectBrokerException);
  CHECK_THAT(timed_out.error().message,
             Catch::Contains("connect to " + silent.address() + " timed out after 300 ms"));
  CHECK(elapsed >= 300ms);
  CHECK(elapsed < 1500ms);
  CHECK(client.pending_requests() == 0);
}

TEST_CASE("tls client: a permissive server takes TLS and plaintext connections", "[tls][transport]") {
  RunningCluster cluster(cluster_options(TlsMode::kPermissive));
  const CertificateFile ca(cluster);
  RemotingClient tls_client(nullptr, trusting(ca.path()));
  RemotingClient plain_client;
  CHECK(tls_client.invoke_sync(cluster.namesrv(), route_request(), 2000ms).ok());
  CHECK(plain_client.invoke_sync(cluster.namesrv(), route_request(), 2000ms).ok());
  CHECK(tls_client.invoke_sync(cluster.broker(0), route_request(), 2000ms).ok());
}

TEST_CASE("tls client: settings that do not load fail every request with kConnectBrokerException",
          "[tls][transport]") {
  RemotingClient client(nullptr, trusting("/nonexistent/ca.pem"));
  auto response = client.invoke_sync("127.0.0.1:1", route_request(), 2000ms);
  REQUIRE_FALSE(response.ok());
  CHECK(response.error().code == error_code::kConnectBrokerException);
  CHECK_THAT(response.error().message, Catch::Contains("cannot load the TLS CA file /nonexistent/ca.pem"));
}
