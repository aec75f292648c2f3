#include "testcluster/control_commands.hpp"

#include <limits>

#include <nlohmann/json.hpp>

#include "testcluster/cluster.hpp"

namespace mqsend {

namespace {

using Json = nlohmann::json;

Error invalid(std::string message) { return Error{error_code::kInvalidArgument, std::move(message)}; }

Json ok(Json fields = Json::object()) {
  fields["ok"] = true;
  return fields;
}

Json failed(const Error& error) { return {{"ok", false}, {"error", error.message}}; }

Json from_status(const Status& status) { return status ? failed(*status) : ok(); }

Result<std::optional<std::string>> optional_string(const Json& command, const char* key) {
  auto it = command.find(key);
  if (it == command.end() || it->is_null()) return std::optional<std::string>();
  if (!it->is_string()) return invalid(std::string("\"") + key + "\" must be a string");
  return std::optional<std::string>(it->get<std::string>());
}

Result<std::optional<int>> optional_int(const Json& command, const char* key) {
  auto it = command.find(key);
  if (it == command.end() || it->is_null()) return std::optional<int>();
  if (!it->is_number_integer() || it->get<std::int64_t>() < 0 ||
      it->get<std::int64_t>() > std::numeric_limits<int>::max()) {
    return invalid(std::string("\"") + key + "\" must be a non-negative integer");
  }
  return std::optional<int>(it->get<int>());
}

Json run_fault(Cluster& cluster, const Json& command) {
  auto target = optional_string(command, "target");
  if (!target) return failed(target.error());
  if (!*target) return failed(invalid("fault needs \"target\""));
  auto spec = fault_spec_from_json(command);
  if (!spec) return failed(spec.error());
  return from_status(cluster.apply_fault(**target, *spec));
}

Json run_log(Cluster& cluster, const Json& command) {
  auto target = optional_string(command, "target");
  auto topic = optional_string(command, "topic");
  auto code = optional_int(command, "code");
  if (!target) return failed(target.error());
  if (!topic) return failed(topic.error());
  if (!code) return failed(code.error());
  Json entries = Json::array();
  for (const RequestLogEntry& entry : cluster.request_log().entries()) {
    if (*target && entry.target != **target) continue;
    if (*topic && entry.topic != **topic) continue;
    if (*code && entry.code != **code) continue;
    entries.push_back(RequestLog::to_json(entry));
  }
  return ok({{"log", std::move(entries)}, {"total", cluster.request_log().total()}});
}

Json run_messages(Cluster& cluster, const Json& command) {
  auto topic = optional_string(command, "topic");
  auto broker = optional_string(command, "broker");
  if (!topic) return failed(topic.error());
  if (!broker) return failed(broker.error());
  Json messages = Json::array();
  for (const StoredMessage& message : cluster.message_store().messages()) {
    if (*topic && message.topic != **topic) continue;
    if (*broker && message.broker != **broker) continue;
    messages.push_back(MessageStore::to_json(message));
  }
  return ok({{"messages", std::move(messages)}});
}

Json run_add_broker(Cluster& cluster, const Json& command) {
  auto name = optional_string(command, "name");
  auto port = optional_int(command, "port");
  if (!name) return failed(name.error());
  if (!port) return failed(port.error());
  if (port->value_or(0) > std::numeric_limits<std::uint16_t>::max()) {
    return failed(invalid("\"port\" out of range"));
  }
  auto added = cluster.add_broker(name->value_or(""), static_cast<std::uint16_t>(port->value_or(0)));
  if (!added) return failed(added.error());
  return ok({{"broker", std::move(*added)}});
}

Json run_remove_broker(Cluster& cluster, const Json& command) {
  auto name = optional_string(command, "name");
  if (!name) return failed(name.error());
  if (!*name) return failed(invalid("remove_broker needs \"name\""));
  return from_status(cluster.remove_broker(**name));
}

Json run_topic(Cluster& cluster, const Json& command) {
  TopicChange change;
  auto topic = optional_string(command, "topic");
  if (!topic) return failed(topic.error());
  if (!*topic) return failed(invalid("topic needs \"topic\""));
  change.topic = **topic;
  const std::pair<const char*, std::optional<int>*> numbers[] = {
      {"queues", &change.queues},
      {"read", &change.read_queue_nums},
      {"write", &change.write_queue_nums},
      {"perm", &change.perm}};
  for (const auto& [key, target] : numbers) {
    auto value = optional_int(command, key);
    if (!value) return failed(value.error());
    *target = *value;
  }
  if (auto brokers = command.find("brokers"); brokers != command.end()) {
    if (brokers->is_string()) {
      change.brokers.push_back(brokers->get<std::string>());
    } else if (brokers->is_array()) {
      for (const Json& broker : *brokers) {
        if (!broker.is_string()) return failed(invalid("\"brokers\" must hold broker names"));
        change.brokers.push_back(broker.get<std::string>());
      }
    } else {
      return failed(invalid("\"brokers\" must be a name or a list of names"));
    }
  }
  if (auto remove = command.find("remove"); remove != command.end()) {
    if (!remove->is_boolean()) return failed(invalid("\"remove\" must be true or false"));
    change.remove = remove->get<bool>();
  }
  return from_status(cluster.change_topic(change));
}

Json run_reply(Cluster& cluster, const Json& command) {
  auto correlation_id = optional_string(command, "correlation_id");
  auto body = optional_string(command, "body");
  if (!correlation_id) return failed(correlation_id.error());
  if (!body) return failed(body.error());
  if (!*correlation_id) return failed(invalid("reply needs \"correlation_id\""));
  auto broker = cluster.reply(**correlation_id, body->value_or(""));
  if (!broker) return failed(broker.error());
  return ok({{"broker", *broker}});
}

Json run(Cluster& cluster, const Json& command) {
  if (!command.is_object()) return failed(invalid("a command is a JSON object"));
  auto name = optional_string(command, "cmd");
  if (!name) return failed(name.error());
  if (!*name) return failed(invalid("missing \"cmd\""));
  const std::string& cmd = **name;
  if (cmd == "status") return ok(cluster.status());
  if (cmd == "ready") return ok(cluster.ready_info());
  if (cmd == "fault") return run_fault(cluster, command);
  if (cmd == "log") return run_log(cluster, command);
  if (cmd == "reset_log") {
    cluster.request_log().clear();
    return ok();
  }
  if (cmd == "messages") return run_messages(cluster, command);
  if (cmd == "reset_messages") {
    cluster.message_store().clear();
    return ok();
  }
  if (cmd == "add_broker") return run_add_broker(cluster, command);
  if (cmd == "remove_broker") return run_remove_broker(cluster, command);
  if (cmd == "topic") return run_topic(cluster, command);
  if (cmd == "reply") return run_reply(cluster, command);
  return failed(invalid("unknown cmd '" + cmd + "'"));
}

}  // namespace

std::string run_control_command(Cluster& cluster, std::string_view line) {
  Json reply;
  const Json command = Json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (command.is_discarded()) {
    reply = failed(invalid("not a JSON line"));
  } else {
    try {
      reply = run(cluster, command);
    } catch (const Json::exception& error) {
      // The control channel must never take the cluster down; report instead.
      reply = failed(invalid(error.what()));
    }
  }
  return reply.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace mqsend
