#include "cli/producer_settings.hpp"

#include <cstdio>

#include <fmt/format.h>

#include "cli/credentials.hpp"
#include "cli/diagnostics.hpp"
#include "cli/exit_codes.hpp"
#include "cli/tls_flags.hpp"
#include "client/producer/validators.hpp"
#include "client/route/name_server_client.hpp"

namespace mqsend::cli {

Result<ProducerOptions> common_producer_options(const CommonOptions& options) {
  // The topic is the same for every message: a bad one is one usage error, not one per record.
  if (Status bad_topic = check_topic(options.topic)) return *bad_topic;
  if (Status bad_group = check_group(options.group)) return *bad_group;
  ProducerOptions producer;
  producer.name_servers = parse_name_server_list(options.name_servers);
  if (producer.name_servers.empty()) {
    return Error{error_code::kInvalidArgument,
                 "no name server address: use -n 'host:port;host:port' or NAMESRV_ADDR"};
  }
  auto acl = credentials_for_run(options.credentials);
  if (!acl) return acl.error();
  producer.acl = std::move(acl.value());
  auto tls = tls_for_run(options.tls);
  if (!tls) return tls.error();
  producer.tls = std::move(tls.value());
  producer.group = options.group;
  producer.send_timeout = Milliseconds(options.timeout_ms);
  producer.serialize = options.serialize == "rocketmq" ? SerializeType::kRocketMQ : SerializeType::kJson;
  producer.name_space = options.name_space;
  producer.vip_channel = options.vip_channel;
  return producer;
}

int usage_error(const std::string& message) {
  tell("mqsend: {}", message);
  return exit_code::kUsage;
}

}  // namespace mqsend::cli
