// mqsend-testcluster: one name server and N brokers on 127.0.0.1 speaking the RocketMQ
// remoting protocol, with fault injection through a JSON-lines control port (README.md).
// Prints one JSON ready line once everything listens and serves until SIGINT/SIGTERM.
#include <fcntl.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "testcluster/cluster.hpp"
#include "testcluster/control_client.hpp"

namespace {

// Written next to the target and renamed, so a reader never sees half a line.
bool write_ready_file(const std::string& path, const std::string& line) {
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << line << '\n';
    if (!out.flush()) return false;
  }
  return std::rename(temporary.c_str(), path.c_str()) == 0;
}

// Owner-only permissions: one of these files holds a private key.
bool write_private_file(const std::string& path, const std::string& content) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  const bool written = ::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size());
  return ::close(fd) == 0 && written;
}

// --tls-cert-out / --tls-key-out, before the ready line announces the cluster.
bool write_tls_files(const mqsend::Cluster& cluster, const std::string& cert_out,
                     const std::string& key_out) {
  const mqsend::TlsCertificate* certificate = cluster.tls_certificate();
  for (const auto& [path, content] : {std::pair{cert_out, &certificate->certificate_pem},
                                      std::pair{key_out, &certificate->private_key_pem}}) {
    if (!path.empty() && !write_private_file(path, *content)) {
      std::cerr << "mqsend-testcluster: cannot write " << path << '\n';
      return false;
    }
  }
  return true;
}

// `mqsend-testcluster ctl [--control HOST:PORT | --ready-file F] COMMAND...`: everything after
// the first word that is not one of its flags is the command (control_client.hpp).
CLI::App* define_control_client(CLI::App& app, mqsend::ControlClientOptions& options) {
  CLI::App* ctl = app.add_subcommand(
      "ctl",
      "send one command to a running cluster's control port and print the answer: status, "
      "ready, fault TARGET KIND [ARG] [COUNT], log, messages, topic, add_broker, ... "
      "(see mqsend-testcluster(1)); exit 1 when the cluster refuses it, 3 when it is unreachable");
  ctl->prefix_command();
  auto* control = ctl->add_option("--control", options.control,
                                  "the control address HOST:PORT (default: $MQSEND_CLUSTER_CONTROL)");
  ctl->add_option("--ready-file", options.ready_file, "take the control address from this ready file")
      ->excludes(control);
  ctl->add_option("--timeout", options.timeout_ms, "give up after this many ms without an answer")
      ->capture_default_str();
  return ctl;
}

}  // namespace

int main(int argc, char** argv) {
  mqsend::ClusterOptions options;
  std::vector<std::string> topic_flags;
  std::string delay_levels;
  std::vector<std::string> fault_flags;
  std::vector<std::string> acl_flags;
  std::string ready_file;
  bool tls = true;
  mqsend::TlsMode tls_mode = mqsend::TlsMode::kPermissive;
  std::string tls_cert_out;
  std::string tls_key_out;
  bool quiet = false;
  bool no_store = false;

  CLI::App app{"RocketMQ test cluster: name server + brokers with fault injection"};
  const std::map<std::string, mqsend::ServerVersion> versions{
      {"4.9", mqsend::ServerVersion::k4_9_8}, {"4.9.8", mqsend::ServerVersion::k4_9_8},
      {"5.3", mqsend::ServerVersion::k5_3_3}, {"5.3.3", mqsend::ServerVersion::k5_3_3}};
  app.add_option("--rocketmq-version", options.version,
                 "the release the servers answer as: 4.9 (4.9.8, default) or 5.3 (5.3.3)")
      ->transform(CLI::CheckedTransformer(versions).description(""))
      ->type_name("4.9|5.3")
      ->default_str("4.9");
  app.add_option("--brokers", options.brokers, "number of brokers (broker-a, broker-b, ...)")
      ->check(CLI::Range(1, 676));
  app.add_option("--namesrv-port", options.namesrv_port, "name server port (0 = ephemeral)");
  app.add_option("--broker-ports", options.broker_ports, "broker ports in order (0 = ephemeral)");
  app.add_option("--control-port", options.control_port, "control port (0 = ephemeral)");
  app.add_option("--cluster-name", options.cluster_name, "cluster name in routes");
  app.add_flag("--auto-create-topic,!--no-auto-create-topic", options.auto_create_topic,
               "brokers create TBW102 (perm 7, 8 queues) and auto-create topics sent with it "
               "(--no-auto-create-topic: off, the default)");
  app.add_option("--topic", topic_flags, "NAME:QUEUES, created on every broker with perm 6")
      ->take_all();
  app.add_flag("--slave", options.slave, "add a brokerId-1 slave entry per broker");
  app.add_flag("--vip-channel,!--no-vip-channel", options.vip_channel,
               "masters also listen on their port - 2, the VIP channel of sendMessageWithVIPChannel "
               "(on by default, as on a real broker; --no-vip-channel: the broker port only)");
  app.add_flag("--legacy-route-json", options.legacy_route_json,
               "always answer routes in the fastjson form with bare integer keys");
  app.add_option("--max-message-size", options.max_message_size, "broker maxMessageSize")
      ->check(CLI::PositiveNumber);
  app.add_option("--delay-levels", delay_levels,
                 "broker messageDelayLevel: durations with unit ms, s, m, h or d, e.g. "
                 "\"100ms 200ms 1s\" (default: the real 18 levels, 1s ... 2h)");
  std::int64_t check_interval_ms = options.transaction_check_interval.count();
  app.add_option("--transaction-check-interval", check_interval_ms,
                 "ms between transaction check rounds (transactionCheckInterval; 0: no checks)")
      ->type_name("MS")
      ->check(CLI::NonNegativeNumber)
      ->default_str(std::to_string(check_interval_ms));
  app.add_option("--transaction-timeout", options.transaction_timeout_ms,
                 "age in ms after which a half message is checked back with its producer "
                 "(transactionTimeOut; CHECK_IMMUNITY_TIME_IN_SECONDS overrides it)")
      ->type_name("MS")
      ->check(CLI::NonNegativeNumber)
      ->default_str(std::to_string(options.transaction_timeout_ms));
  app.add_option("--transaction-check-max", options.transaction_check_max,
                 "checks of a half message before it is discarded to TRANS_CHECK_MAX_TIME_TOPIC "
                 "(transactionCheckMax)")
      ->type_name("N")
      ->check(CLI::NonNegativeNumber)
      ->default_str(std::to_string(options.transaction_check_max));
  std::int64_t auto_reply_ms = 0;
  auto* auto_reply_flag =
      app.add_option("--auto-reply", auto_reply_ms,
                     "--auto-reply[=DELAY_MS] (alone: 0): answer every stored request "
                     "(REPLY_TO_CLIENT and CORRELATION_ID, from DefaultMQProducer.request) after "
                     "DELAY_MS with a reply echoing its body, pushed and stored as a replying "
                     "consumer's would be (off unless given)")
          ->expected(0, 1)
          ->default_str("0")
          ->type_name("DELAY_MS");
  app.add_flag("!--no-store-reply-message", options.store_reply_messages,
               "keep reply messages out of <cluster>_REPLY_TOPIC (storeReplyMessageEnable=false)");
  app.add_option("--fault", fault_flags,
                 "TARGET=KIND[:ARG][:COUNT], e.g. broker-a=down, namesrv=delay:200, "
                 "broker-b=code:SYSTEM_BUSY:2")
      ->take_all();
  app.add_option("--acl", acl_flags,
                 "ACCESS_KEY:SECRET_KEY (repeatable): ACL mode, every request must be signed by "
                 "one of these accounts")
      ->take_all();
  std::vector<std::string> acl_topic_perm_flags;
  app.add_option("--acl-topic-perm", acl_topic_perm_flags,
                 "ACCESS_KEY:TOPIC=DENY|PUB|SUB|PUB|SUB (repeatable): ACL 1.0 topicPerms of an --acl "
                 "account; a send needs PUB")
      ->take_all();
  std::string acl_default_topic_perm;
  app.add_option("--acl-default-topic-perm", acl_default_topic_perm,
                 "ACL 1.0 defaultTopicPerm of every --acl account (default PUB|SUB; the sample "
                 "plain_acl.yml has DENY)")
      ->type_name("PERM");
  const std::map<std::string, mqsend::AclVersion> acl_versions{{"1.0", mqsend::AclVersion::k1_0},
                                                               {"2.0", mqsend::AclVersion::k2_0}};
  mqsend::AclVersion acl_version = mqsend::AclVersion::k1_0;
  auto* acl_version_flag = app.add_option("--acl-version", acl_version,
                 "how ACL refuses: 1.0 (4.9 plain ACL: brokers only, SYSTEM_ERROR AclException) or "
                 "2.0 (5.3 auth module: every server, NO_PERMISSION); default: the release's")
      ->transform(CLI::CheckedTransformer(acl_versions).description(""))
      ->type_name("1.0|2.0");
  app.add_flag(
      "--tls,!--no-tls", tls,
      "serve TLS on the name server and every broker (on by default, permissive, as real "
      "servers), with a self-signed certificate for 127.0.0.1 and localhost made at start; "
      "--no-tls: plaintext only, as tls.server.mode=disabled");
  const std::map<std::string, mqsend::TlsMode> tls_modes{
      {"permissive", mqsend::TlsMode::kPermissive}, {"enforcing", mqsend::TlsMode::kEnforcing}};
  auto* tls_mode_flag =
      app.add_option("--tls-mode", tls_mode,
                     "permissive: TLS and plaintext clients (the first byte decides); "
                     "enforcing: plaintext connections are closed")
          ->transform(CLI::CheckedTransformer(tls_modes).description(""))
          ->type_name("permissive|enforcing")
          ->default_str("permissive");
  auto* client_auth_flag = app.add_flag(
      "--tls-need-client-auth", options.tls_need_client_auth,
      "require a client certificate signed by the cluster's certificate (itself will do)");
  auto* cert_out_flag = app.add_option("--tls-cert-out", tls_cert_out,
                                       "write the certificate (PEM) here, for clients to trust")
                            ->type_name("PATH");
  auto* key_out_flag = app.add_option("--tls-key-out", tls_key_out,
                                      "write the private key (PEM) here, for mutual TLS clients")
                           ->type_name("PATH");
  app.add_option("--ready-file", ready_file, "also write the ready line to this file");
  app.add_flag("--quiet", quiet, "print nothing but the ready line");
  app.add_flag("--no-store", no_store, "keep no message bodies (benchmarks)");
  app.add_option("--store-limit", options.store_limit, "keep at most N messages (oldest dropped)");
  app.add_option("--log-limit", options.log_limit, "keep at most N request log entries");
  mqsend::ControlClientOptions ctl_options;
  CLI::App* ctl = define_control_client(app, ctl_options);
  CLI11_PARSE(app, argc, argv);
  if (ctl->parsed()) {
    ctl_options.words = ctl->remaining();
    return mqsend::run_control_client(ctl_options);
  }

  if (no_store) options.store_limit = 0;
  options.transaction_check_interval = std::chrono::milliseconds(check_interval_ms);
  if (auto_reply_flag->count() > 0) {
    if (auto_reply_ms < 0) {
      std::cerr << "mqsend-testcluster: --auto-reply wants a delay of 0 ms or more\n";
      return 2;
    }
    options.auto_reply_delay = std::chrono::milliseconds(auto_reply_ms);
  }
  for (const CLI::Option* tls_option : {tls_mode_flag, client_auth_flag, cert_out_flag, key_out_flag}) {
    if (!tls && tls_option->count() > 0) {
      std::cerr << "mqsend-testcluster: " << tls_option->get_name() << " needs TLS, not --no-tls\n";
      return 2;
    }
  }
  options.tls = tls ? std::optional<mqsend::TlsMode>(tls_mode) : std::nullopt;
  if (acl_version_flag->count() > 0) options.acl_version = acl_version;
  if (!delay_levels.empty()) {
    auto levels = mqsend::parse_delay_levels(delay_levels);
    if (!levels) {
      std::cerr << "mqsend-testcluster: --delay-levels: " << levels.error().message << '\n';
      return 2;
    }
    options.delay_levels = std::move(*levels);
  }
  for (const std::string& flag : topic_flags) {
    auto topic = mqsend::parse_topic_spec(flag);
    if (!topic) {
      std::cerr << "mqsend-testcluster: " << topic.error().message << '\n';
      return 2;
    }
    options.topics.push_back(*topic);
  }
  for (const std::string& flag : fault_flags) {
    auto fault = mqsend::parse_fault_flag(flag);
    if (!fault) {
      std::cerr << "mqsend-testcluster: " << fault.error().message << '\n';
      return 2;
    }
    options.faults.push_back(*fault);
  }

  for (const std::string& flag : acl_flags) {
    auto account = mqsend::parse_acl_account(flag);
    if (!account) {
      std::cerr << "mqsend-testcluster: " << account.error().message << '\n';
      return 2;
    }
    options.acl_accounts.push_back(*account);
  }
  if (!acl_default_topic_perm.empty()) {
    const auto perm = mqsend::parse_acl_permission(acl_default_topic_perm);
    if (!perm) {
      std::cerr << "mqsend-testcluster: --acl-default-topic-perm wants DENY, PUB, SUB or PUB|SUB\n";
      return 2;
    }
    for (auto& account : options.acl_accounts) account.default_topic_perm = *perm;
  }
  for (const std::string& flag : acl_topic_perm_flags) {
    if (mqsend::Status error = mqsend::apply_acl_topic_perm(flag, options.acl_accounts)) {
      std::cerr << "mqsend-testcluster: " << error->message << '\n';
      return 2;
    }
  }

  mqsend::Cluster cluster(options);
  if (mqsend::Status error = cluster.start()) {
    std::cerr << "mqsend-testcluster: " << error->message << '\n';
    return 1;
  }
  asio::signal_set signals(cluster.io_context(), SIGINT, SIGTERM);
  signals.async_wait([&cluster](std::error_code, int) { cluster.stop(); });

  if (tls && !write_tls_files(cluster, tls_cert_out, tls_key_out)) return 1;
  const std::string ready_line = cluster.ready_info().dump();
  std::cout << ready_line << std::endl;
  if (!ready_file.empty() && !write_ready_file(ready_file, ready_line)) {
    std::cerr << "mqsend-testcluster: cannot write " << ready_file << '\n';
    return 1;
  }
  if (!quiet) std::cerr << "mqsend-testcluster: serving; stop with SIGINT or SIGTERM\n";

  cluster.run();

  if (!ready_file.empty()) std::remove(ready_file.c_str());
  if (!quiet) std::cerr << "mqsend-testcluster: stopped\n";
  return 0;
}
