#include "testcluster/broker.hpp"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "client/producer/batch_codec.hpp"
#include "client/producer/properties.hpp"
#include "client/remoting/codes.hpp"
#include "testcluster/server_response.hpp"

namespace mqsend {

namespace {

constexpr std::string_view kRegion = "DefaultRegion";
// CommitLog.calMsgLength for IPv4 hosts without body, topic and properties.
constexpr std::size_t kStoredRecordOverhead = 91;

bool stores_despite(int code) {
  return code == response_code::kFlushDiskTimeout || code == response_code::kFlushSlaveTimeout ||
         code == response_code::kSlaveNotAvailable;
}

bool is_send(int code) {
  return code == request_code::kSendMessage || code == request_code::kSendMessageV2 ||
         code == request_code::kSendBatchMessage;
}

// A send-processor response: it adds these two fields before any check, so error responses
// carry them too.
RemotingCommand send_response(const RemotingCommand& request, int code) {
  RemotingCommand response = server_response(request, code);
  response.ext_fields.emplace("MSG_REGION", kRegion);
  response.ext_fields.emplace("TRACE_ON", "true");
  return response;
}

std::string service_not_available_remark() {
  return "service not available now. It may be caused by one of the following reasons: the "
         "broker's disk is full [CL: 0.10 CQ: 0.10 INDEX: 0.10], messages are put to the slave, "
         "message store has been shut down, etc.";
}

std::string topic_not_exist_remark(const std::string& topic) {
  return "topic[" + topic + "] not exist, apply first please!" +
         std::string(faq_apply_topic_suffix());
}

// A required integer header field as Java's reflective decoder checks it: absent or
// unparsable both end as "the custom field <name> is null".
Result<int> required_int(const RemotingCommand& request, const std::string& name) {
  const std::string* text = request.field(name);
  int value = 0;
  if (text) {
    const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (error == std::errc() && end == text->data() + text->size()) return value;
  }
  return Error{response_code::kSystemError, "the custom field <" + name + "> is null"};
}

}  // namespace

Broker::Broker(BrokerConfig config, MessageStore& store, FaultState& faults,
               TopicRegistry* registry)
    : config_(std::move(config)),
      store_(store),
      faults_(faults),
      registry_(registry),
      random_queue_(config_.port) {
  store_ip_ = parse_ipv4(config_.host).value_or(Ipv4Bytes{127, 0, 0, 1});
  if (config_.auto_create_topic && !config_.slave) {
    TopicConfig tbw102;
    tbw102.name = std::string(kAutoCreateTopicKey);
    tbw102.read_queue_nums = tbw102.write_queue_nums = kBrokerDefaultTopicQueueNums;
    tbw102.perm = perm::kRead | perm::kWrite | perm::kInherit;
    put_topic(tbw102);
  }
}

std::optional<RemotingCommand> Broker::handle(const RemotingCommand& request,
                                              std::string_view peer, std::int64_t now_ms) {
  if (!is_send(request.code)) {
    RemotingCommand response;
    switch (request.code) {
      case request_code::kHeartBeat: response = handle_heartbeat(request); break;
      case request_code::kUnregisterClient: response = handle_unregister(request); break;
      case request_code::kUpdateAndCreateTopic: response = handle_create_topic(request); break;
      default:
        // AdminBrokerProcessor, the default processor, answers it: a normal response.
        response = request_code_not_supported(request);
        break;
    }
    if (request.is_oneway()) return std::nullopt;
    return response;
  }

  const std::optional<int> forced_code = faults_.take_forced_code();
  if (forced_code == response_code::kSystemBusy) {
    // The flow-control rejection happens before the processor and, on 4.x, is written even for
    // oneway requests.
    return framework_response(request, response_code::kSystemBusy,
                              "[REJECTREQUEST]system busy, start flow control for a while");
  }
  return handle_send(request, peer, now_ms, forced_code);
}

std::optional<RemotingCommand> Broker::handle_send(const RemotingCommand& request,
                                                   std::string_view peer, std::int64_t now_ms,
                                                   std::optional<int> forced_code) {
  // Oneway sends are processed alike but nothing of the answer is built.
  const bool answer = !request.is_oneway();
  auto header = decode_send_header(request);
  if (!header) {
    if (!answer) return std::nullopt;
    return framework_response(request, header.error().code, header.error().message);
  }
  auto fail = [&request, answer](int code, std::string remark) -> std::optional<RemotingCommand> {
    if (!answer) return std::nullopt;
    RemotingCommand response = send_response(request, code);
    response.remark = std::move(remark);
    return response;
  };

  const std::string& topic = header->topic;
  if (config_.slave) return fail(response_code::kServiceNotAvailable, service_not_available_remark());
  if (forced_code && !stores_despite(*forced_code)) {
    return fail(*forced_code, forced_failure_remark(*forced_code, topic));
  }
  if (Status invalid = validate_topic_name(topic)) return fail(invalid->code, invalid->message);
  if (is_not_allowed_send_topic(topic)) {
    return fail(response_code::kNoPermission, "Sending message to topic[" + topic + "] is forbidden.");
  }
  TopicEntry* entry = find_or_auto_create(*header);
  if (!entry) return fail(response_code::kTopicNotExist, topic_not_exist_remark(topic));

  const TopicConfig& topic_config = entry->config;
  if (header->queue_id >= std::max(topic_config.read_queue_nums, topic_config.write_queue_nums)) {
    return fail(response_code::kSystemError,
                fmt::format("request queueId[{}] is illegal, {} Producer: {}", header->queue_id,
                            topic_config.describe(), peer));
  }
  int queue_id = header->queue_id;
  if (queue_id < 0) {
    if (topic_config.write_queue_nums <= 0) return fail(response_code::kSystemError, "/ by zero");
    queue_id = static_cast<int>(random_queue_() % static_cast<unsigned>(topic_config.write_queue_nums));
  }

  std::string msg_ids;
  std::string* ids = answer ? &msg_ids : nullptr;
  std::int64_t first_queue_offset = 0;
  if (request.code == request_code::kSendBatchMessage) {
    if (request.body.size() > config_.max_message_size) {
      return fail(response_code::kMessageIllegal, message_illegal_remark());
    }
    auto members = decode_batch(request.body);
    if (!members) return fail(response_code::kSystemError, members.error().message);
    if (members->empty()) return fail(response_code::kMessageIllegal, message_illegal_remark());
    std::vector<std::string> properties(members->size());
    for (std::size_t i = 0; i < members->size(); ++i) {
      encode_properties((*members)[i].properties, properties[i]);
      if (Status too_big = check_size(topic, {(*members)[i].body, properties[i], 0})) {
        return fail(too_big->code, too_big->message);
      }
    }
    if (ids) ids->reserve(members->size() * 33);
    for (std::size_t i = 0; i < members->size(); ++i) {
      if (ids && i > 0) *ids += ',';
      const Incoming message{(*members)[i].body, properties[i], (*members)[i].flag};
      const std::int64_t offset = write(request, *header, *entry, queue_id, message, now_ms, ids);
      if (i == 0) first_queue_offset = offset;
    }
  } else {
    const Incoming message{request.body, header->properties, header->flag};
    if (Status too_big = check_size(topic, message)) return fail(too_big->code, too_big->message);
    first_queue_offset = write(request, *header, *entry, queue_id, message, now_ms, ids);
  }

  if (!answer) return std::nullopt;
  RemotingCommand response = send_response(request, forced_code.value_or(response_code::kSuccess));
  response.ext_fields.emplace("msgId", std::move(msg_ids));
  response.ext_fields.emplace("queueId", std::to_string(queue_id));
  response.ext_fields.emplace("queueOffset", std::to_string(first_queue_offset));
  return response;
}

Broker::TopicEntry* Broker::find_or_auto_create(const DecodedSendHeader& header) {
  if (auto it = topics_.find(header.topic); it != topics_.end()) return &it->second;
  // TopicConfigManager.createTopicInSendMessageMethod.
  auto default_topic = topics_.find(header.default_topic);
  if (default_topic == topics_.end()) return nullptr;
  int default_perm = default_topic->second.config.perm;
  if (header.default_topic == kAutoCreateTopicKey && !config_.auto_create_topic) {
    default_perm = perm::kRead | perm::kWrite;
  }
  if ((default_perm & perm::kInherit) == 0) return nullptr;
  TopicConfig created;
  created.name = header.topic;
  created.read_queue_nums = created.write_queue_nums = std::max(
      0, std::min(header.default_topic_queue_nums, default_topic->second.config.write_queue_nums));
  created.perm = default_perm & ~perm::kInherit;
  put_topic(created);
  return &topics_.find(header.topic)->second;
}

Status Broker::check_size(std::string_view topic, const Incoming& message) const {
  const std::size_t stored_length =
      kStoredRecordOverhead + message.body.size() + topic.size() + message.properties.size();
  if (message.properties.size() > kMaxPropertiesLength || stored_length > config_.max_message_size) {
    return Error{response_code::kMessageIllegal, message_illegal_remark()};
  }
  return std::nullopt;
}

std::int64_t Broker::write(const RemotingCommand& request, const DecodedSendHeader& header,
                           TopicEntry& entry, int queue_id, const Incoming& message,
                           std::int64_t now_ms, std::string* msg_ids) {
  const std::int64_t queue_offset = entry.next_offsets[static_cast<std::size_t>(queue_id)]++;
  const std::int64_t commit_log_offset = commit_log_offset_;
  commit_log_offset_ += static_cast<std::int64_t>(kStoredRecordOverhead + message.body.size() +
                                                  header.topic.size() + message.properties.size());
  const std::size_t id_start = msg_ids ? msg_ids->size() : 0;
  if (msg_ids) append_offset_msg_id(store_ip_, config_.port, commit_log_offset, *msg_ids);
  if (store_.keeps_messages()) {
    StoredMessage stored;
    stored.broker = config_.name;
    stored.topic = header.topic;
    stored.queue_id = queue_id;
    stored.queue_offset = queue_offset;
    stored.commit_log_offset = commit_log_offset;
    if (msg_ids) {
      stored.msg_id = msg_ids->substr(id_start);
    } else {
      append_offset_msg_id(store_ip_, config_.port, commit_log_offset, stored.msg_id);
    }
    stored.flag = message.flag;
    stored.sys_flag = header.sys_flag;
    stored.properties = std::string(message.properties);
    stored.body = std::string(message.body);
    stored.born_timestamp = header.born_timestamp;
    stored.store_timestamp = now_ms;
    stored.producer_group = header.producer_group;
    stored.request_code = request.code;
    store_.add(std::move(stored));
  } else {
    store_.add(StoredMessage{});  // counted only: nothing to copy when nothing is kept
  }
  return queue_offset;
}

std::string Broker::message_illegal_remark() const {
  return fmt::format(
      "the message is illegal, maybe msg body or properties length not matched. msg body length "
      "limit {}B, msg properties length limit 32KB.",
      config_.max_message_size);
}

std::string Broker::forced_failure_remark(int code, const std::string& topic) const {
  switch (code) {
    case response_code::kServiceNotAvailable: return service_not_available_remark();
    case response_code::kTopicNotExist: return topic_not_exist_remark(topic);
    case response_code::kNoPermission:
      return "the broker[" + config_.name + "] sending message is forbidden";
    case response_code::kMessageIllegal: return message_illegal_remark();
    default: return fault_injection_remark(code);
  }
}

RemotingCommand Broker::handle_heartbeat(const RemotingCommand& request) {
  const auto body = nlohmann::json::parse(request.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    return framework_response(request, response_code::kSystemError,
                              "HeartbeatData body is not a JSON object");
  }
  auto client_id = body.find("clientID");
  if (client_id != body.end() && client_id->is_string()) {
    auto& groups = clients_[client_id->get<std::string>()];
    auto producers = body.find("producerDataSet");
    if (producers != body.end() && producers->is_array()) {
      for (const auto& producer : *producers) {
        if (!producer.is_object()) continue;
        auto group = producer.find("groupName");
        if (group != producer.end() && group->is_string()) groups.insert(group->get<std::string>());
      }
    }
  }
  return server_response(request, response_code::kSuccess);
}

RemotingCommand Broker::handle_unregister(const RemotingCommand& request) {
  const std::string* client_id = request.field("clientID");
  if (!client_id) {
    return framework_response(request, response_code::kSystemError,
                              "the custom field <clientID> is null");
  }
  clients_.erase(*client_id);
  return server_response(request, response_code::kSuccess);
}

RemotingCommand Broker::handle_create_topic(const RemotingCommand& request) {
  const std::string* topic = request.field("topic");
  if (!topic) {
    return framework_response(request, response_code::kSystemError,
                              "the custom field <topic> is null");
  }
  TopicConfig created;
  created.name = *topic;
  const std::pair<const char*, int*> required_fields[] = {
      {"readQueueNums", &created.read_queue_nums},
      {"writeQueueNums", &created.write_queue_nums},
      {"perm", &created.perm}};
  for (const auto& [name, target] : required_fields) {
    auto value = required_int(request, name);
    if (!value) return framework_response(request, value.error().code, value.error().message);
    *target = *value;
  }
  if (const std::string* sys_flag = request.field("topicSysFlag")) {
    std::from_chars(sys_flag->data(), sys_flag->data() + sys_flag->size(), created.topic_sys_flag);
  }
  if (const std::string* order = request.field("order")) created.order = *order == "true";

  auto fail = [&request](std::string remark) {
    return server_response(request, response_code::kSystemError, std::move(remark));
  };
  if (*topic == config_.cluster) {
    return fail("the topic[" + *topic + "] is conflict with system reserved words.");
  }
  if (Status invalid = validate_topic_name(*topic)) return fail(invalid->message);
  if (is_system_topic(*topic)) return fail("The topic[" + *topic + "] is conflict with system topic.");
  put_topic(created);
  return server_response(request, response_code::kSuccess);
}

void Broker::put_topic(const TopicConfig& config) {
  TopicEntry& entry = topics_[config.name];
  entry.config = config;
  const auto queues = static_cast<std::size_t>(
      std::max({0, config.read_queue_nums, config.write_queue_nums}));
  if (entry.next_offsets.size() < queues) entry.next_offsets.resize(queues, 0);
  if (registry_) registry_->register_topic(config_.name, config);
}

bool Broker::remove_topic(const std::string& topic) {
  if (topics_.erase(topic) == 0) return false;
  if (registry_) registry_->unregister_topic(config_.name, topic);
  return true;
}

void Broker::register_all_topics() {
  if (!registry_) return;
  for (const auto& [name, entry] : topics_) registry_->register_topic(config_.name, entry.config);
}

const TopicConfig* Broker::find_topic(const std::string& topic) const {
  auto it = topics_.find(topic);
  return it == topics_.end() ? nullptr : &it->second.config;
}

nlohmann::json Broker::status() const {
  std::map<std::string, const TopicEntry*> sorted;
  for (const auto& [name, entry] : topics_) sorted.emplace(name, &entry);
  nlohmann::json topics = nlohmann::json::array();
  for (const auto& [name, entry] : sorted) {
    topics.push_back({{"topic", name},
                      {"read_queue_nums", entry->config.read_queue_nums},
                      {"write_queue_nums", entry->config.write_queue_nums},
                      {"perm", entry->config.perm},
                      {"queue_offsets", entry->next_offsets}});
  }
  nlohmann::json clients = nlohmann::json::object();
  for (const auto& [client_id, groups] : clients_) clients[client_id] = groups;
  return {{"name", config_.name},
          {"addr", config_.address()},
          {"cluster", config_.cluster},
          {"slave", config_.slave},
          {"commit_log_offset", commit_log_offset_},
          {"topics", std::move(topics)},
          {"clients", std::move(clients)}};
}

}  // namespace mqsend
