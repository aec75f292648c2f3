#include "testcluster/broker.hpp"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>
#include <zlib.h>

#include "client/common/base64.hpp"
#include "client/producer/message_ext_codec.hpp"
#include "client/producer/properties.hpp"
#include "client/remoting/codes.hpp"
#include "testcluster/batch_body_reader.hpp"
#include "testcluster/java_exception.hpp"
#include "testcluster/server_response.hpp"

namespace mqsend {

namespace {

constexpr std::string_view kRegion = "DefaultRegion";
// CommitLog.calMsgLength for IPv4 hosts without body, topic and properties.
constexpr std::size_t kStoredRecordOverhead = 91;
// MessageExtEncoder: a record may exceed maxMessageSize by this much (the body may not).
constexpr std::size_t kRecordHeadroom = 64 * 1024;

// TopicValidator / TransactionalMessageUtil / TimerMessageStore topic names.
constexpr std::string_view kScheduleTopic = "SCHEDULE_TOPIC_XXXX";
constexpr std::string_view kHalfTopic = "RMQ_SYS_TRANS_HALF_TOPIC";
constexpr std::string_view kOpHalfTopic = "RMQ_SYS_TRANS_OP_HALF_TOPIC";
constexpr std::string_view kTimerTopic = "rmq_sys_wheel_timer";
// TopicValidator.RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC, TCMT_QUEUE_NUMS 1.
constexpr std::string_view kCheckMaxTimeTopic = "TRANS_CHECK_MAX_TIME_TOPIC";
constexpr int kScheduleTopicQueueNums = 18;  // TopicConfigManager.SCHEDULE_TOPIC_QUEUE_NUM
constexpr int kTopicConfigDefaultQueueNums = 16;  // TopicConfig.defaultReadQueueNums

// MessageSysFlag: bits 2-3 are the transaction type.
constexpr std::int32_t kTransactionMask = 0xC;
constexpr std::int32_t kTransactionPrepared = 0x4;
constexpr std::int32_t kTransactionCommit = 0x8;
constexpr std::int32_t kTransactionRollback = 0xC;

// MessageStoreConfig 5.x: timerMaxDelaySec (3 days) and timerPrecisionMs.
constexpr std::int64_t kTimerMaxDelayMs = 3LL * 24 * 3600 * 1000;
constexpr std::int64_t kTimerPrecisionMs = 1000;

// ResponseCode.ILLEGAL_OPERATION (5.x).
constexpr int kIllegalOperation = 604;

// Broker2Client.callClient: invokeSync with 10 s.
constexpr std::chrono::milliseconds kCallClientTimeout{10000};
// MixAll.REPLY_TOPIC_POSTFIX, MixAll.REPLY_MESSAGE_FLAG.
constexpr std::string_view kReplyTopicSuffix = "_REPLY_TOPIC";
constexpr std::string_view kReplyMessageType = "reply";
// The producer group the cluster's own responder sends its replies with.
constexpr std::string_view kResponderGroup = "mqsend-testcluster-responder";

bool is_reply(int code) {
  return code == broker_request_code::kSendReplyMessage ||
         code == broker_request_code::kSendReplyMessageV2;
}

// UtilAll.crc32: the stored bodyCRC.
std::int32_t body_crc(std::string_view body) {
  const auto crc = ::crc32(0, reinterpret_cast<const Bytef*>(body.data()),
                           static_cast<uInt>(body.size()));
  return static_cast<std::int32_t>(crc & 0x7FFFFFFF);
}

// InetSocketAddress.toString of a literal IPv4 address.
std::string java_socket_address(std::string_view address) { return "/" + std::string(address); }

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

// The send processor's error answer; none for a oneway request (processed alike).
std::optional<RemotingCommand> send_failure(const RemotingCommand& request, int code,
                                            std::string remark) {
  if (request.is_oneway()) return std::nullopt;
  RemotingCommand response = send_response(request, code);
  response.remark = std::move(remark);
  return response;
}

// A send that ends in a Java exception: NettyRemotingAbstract's answer, none for a oneway one.
std::optional<RemotingCommand> exception_failure(const RemotingCommand& request,
                                                 std::string remark) {
  if (request.is_oneway()) return std::nullopt;
  return exception_response(request, std::move(remark));
}

// A stored send's answer (code SUCCESS, or the forced code of a fault that stores).
RemotingCommand send_success(const RemotingCommand& request, std::optional<int> forced_code,
                             std::string msg_id, int queue_id, std::int64_t queue_offset) {
  RemotingCommand response = send_response(request, forced_code.value_or(response_code::kSuccess));
  response.ext_fields.emplace("msgId", std::move(msg_id));
  response.ext_fields.emplace("queueId", std::to_string(queue_id));
  response.ext_fields.emplace("queueOffset", std::to_string(queue_offset));
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

// HandlePutMessageResult for WHEEL_TIMER_MSG_ILLEGAL (5.x).
std::string timer_illegal_remark() {
  return fmt::format("timer message illegal, the delay time should not be bigger than the max "
                     "delay {}ms; or if set del msg, the delay time should be bigger than the "
                     "current time",
                     kTimerMaxDelayMs);
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

// The sent properties with the broker's put in (a moved message's REAL_TOPIC, REAL_QID, clamped
// DELAY, ...), re-encoded in key order (Java: HashMap order).
std::string properties_with(std::string_view sent,
                             std::initializer_list<std::pair<std::string_view, std::string>> set) {
  std::map<std::string, std::string> properties = decode_properties(sent);
  for (const auto& [key, value] : set) properties.insert_or_assign(std::string(key), value);
  return encode_properties(properties);
}

}  // namespace

// Where a single message is written and what its answer adds.
struct Broker::Placement {
  std::string_view topic;  // the real topic unless moved
  int queue_id = 0;
  std::string moved_properties;  // set when moved: the properties stored in the system topic
  bool moved = false;
  bool half = false;  // a transaction half message
  std::optional<std::chrono::milliseconds> deliver_in;  // delay and timer messages
  std::string recall_handle;  // 5.3 timer messages
};

Broker::OwnedRecord::OwnedRecord(const Record& record)
    : fields(record),
      topic(record.topic),
      body(record.body),
      properties(record.properties),
      producer_group(record.producer_group) {}

Broker::Record Broker::OwnedRecord::view() const {
  Record record = fields;
  record.topic = topic;
  record.body = body;
  record.properties = properties;
  record.producer_group = producer_group;
  return record;
}

Broker::Broker(BrokerConfig config, MessageStore& store, FaultState& faults,
               TopicRegistry* registry, asio::io_context& io)
    : config_(std::move(config)),
      store_(store),
      faults_(faults),
      registry_(registry),
      delivery_(io),
      random_queue_(config_.port),
      transaction_check_timer_(io),
      auto_replies_(io) {
  store_ip_ = parse_ipv4(config_.host).value_or(Ipv4Bytes{127, 0, 0, 1});
  if (config_.version == ServerVersion::k5_3_3) uniq_ids_.emplace();
  create_system_topics();
  // The check service runs on masters only.
  if (!config_.slave && config_.transaction_check_interval.count() > 0) {
    schedule_transaction_check();
  }
}

// TopicConfigManager's constructor (4.9.8) with autoCreateTopicEnable as configured and
// clusterTopicEnable, brokerTopicEnable and traceTopicEnable at their defaults (true, true, false).
void Broker::create_system_topics() {
  auto add = [this](std::string name, int queues, int perm_bits) {
    TopicConfig topic;
    topic.name = std::move(name);
    topic.read_queue_nums = topic.write_queue_nums = queues;
    topic.perm = perm_bits;
    put_topic(topic);
  };
  const int read_write = perm::kRead | perm::kWrite;
  const int inherit = read_write | perm::kInherit;
  add("SELF_TEST_TOPIC", 1, read_write);
  if (config_.auto_create_topic) {
    add(std::string(kAutoCreateTopicKey), kBrokerDefaultTopicQueueNums, inherit);
    add("BenchmarkTest", 1024, read_write);
  }
  add(config_.cluster, kTopicConfigDefaultQueueNums, inherit);
  add(config_.name, 1, inherit);
  add("OFFSET_MOVED_EVENT", 1, read_write);
  add(std::string(kScheduleTopic), kScheduleTopicQueueNums, read_write);
  add(config_.cluster + std::string(kReplyTopicSuffix), 1, read_write);
}

// TopicValidator.isSystemTopic after the constructor's addSystemTopic calls.
bool Broker::is_broker_system_topic(const std::string& topic) const {
  return is_system_topic(topic) || topic == config_.cluster || topic == config_.name ||
         topic == config_.cluster + std::string(kReplyTopicSuffix);
}

std::optional<RemotingCommand> Broker::handle(const RemotingCommand& request,
                                              std::string_view peer, std::int64_t now_ms) {
  if (is_reply(request.code)) return handle_send_reply(request, std::string(peer), now_ms);
  if (!is_send(request.code)) {
    RemotingCommand response;
    switch (request.code) {
      case request_code::kHeartBeat: response = handle_heartbeat(request, peer); break;
      case request_code::kUnregisterClient: response = handle_unregister(request, peer); break;
      case request_code::kUpdateAndCreateTopic: response = handle_create_topic(request); break;
      case broker_request_code::kGetMaxOffset: response = handle_get_max_offset(request); break;
      case broker_request_code::kEndTransaction:
        response = handle_end_transaction(request, now_ms);
        break;
      case broker_request_code::kRecallMessage:
        if (config_.version == ServerVersion::k5_3_3) {
          response = handle_recall(request, now_ms);
          break;
        }
        [[fallthrough]];  // a 4.9.8 broker has no such request
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

// SendMessageProcessor.asyncProcessRequest: the header's batch flag (m), not the request code,
// chooses asyncSendBatchMessage or asyncSendMessage.
std::optional<RemotingCommand> Broker::handle_send(const RemotingCommand& request,
                                                   std::string_view peer, std::int64_t now_ms,
                                                   std::optional<int> forced_code) {
  // Oneway sends are processed alike but nothing of the answer is built.
  auto decoded = decode_broker_send_header(request);
  if (!decoded) return exception_failure(request, decoded.error().message);
  const DecodedSendHeader& header = decoded->fields;

  const std::string& topic = header.topic;
  if (config_.slave) {
    return send_failure(request, response_code::kServiceNotAvailable,
                        service_not_available_remark());
  }
  if (forced_code && !stores_despite(*forced_code)) {
    return send_failure(request, *forced_code, forced_failure_remark(*forced_code, topic));
  }
  SendTarget target = check_send_target(request, *decoded, peer);
  if (!target.entry) return std::move(target.refusal);
  if (header.batch) {
    return send_batch(request, header, *target.entry, target.queue_id, now_ms, forced_code);
  }
  return send_single(request, header, *target.entry, target.queue_id, peer, now_ms, forced_code);
}

Broker::SendTarget Broker::check_send_target(const RemotingCommand& request,
                                             const BrokerSendHeader& decoded,
                                             std::string_view peer) {
  SendTarget target;
  const DecodedSendHeader& header = decoded.fields;
  const std::string& topic = header.topic;
  auto refuse = [&target](std::optional<RemotingCommand> answer) {
    target.refusal = std::move(answer);
    return std::move(target);
  };
  if (Status invalid = validate_topic_name(topic)) {
    return refuse(send_failure(request, invalid->code, invalid->message));
  }
  if (is_not_allowed_send_topic(topic)) {
    return refuse(send_failure(request, response_code::kNoPermission,
                               "Sending message to topic[" + topic + "] is forbidden."));
  }
  auto found = find_or_auto_create(decoded);
  if (!found) return refuse(exception_failure(request, found.error().message));
  TopicEntry* entry = *found;
  if (!entry) {
    return refuse(send_failure(request, response_code::kTopicNotExist,
                               topic_not_exist_remark(topic)));
  }

  const TopicConfig& topic_config = entry->config;
  if (header.queue_id >= std::max(topic_config.read_queue_nums, topic_config.write_queue_nums)) {
    return refuse(send_failure(request, response_code::kSystemError,
                               fmt::format("request queueId[{}] is illegal, {} Producer: {}",
                                           header.queue_id, topic_config.describe(), peer)));
  }
  int queue_id = header.queue_id;
  if (queue_id < 0) {
    if (topic_config.write_queue_nums <= 0) {
      return refuse(send_failure(request, response_code::kSystemError, "/ by zero"));
    }
    queue_id = static_cast<int>(random_queue_() %
                                static_cast<unsigned>(topic_config.write_queue_nums));
  }
  target.entry = entry;
  target.queue_id = queue_id;
  return target;
}

// DELAY (CommitLog.asyncPutMessage 4.9.8, HookUtils.handleScheduleMessage 5.x), 5.x timer
// properties (HookUtils.transformTimerMessage) and TRAN_MSG (SendMessageProcessor
// .asyncSendMessage, TransactionalMessageBridge.parseHalfMessageInner) move a message.
Result<Broker::Placement> Broker::place(const DecodedSendHeader& header,
                                        std::string_view properties,
                                        const SendProperties& scanned, int queue_id,
                                        std::int64_t now_ms) {
  Placement placement;
  placement.topic = header.topic;
  placement.queue_id = queue_id;
  const std::string real_queue = std::to_string(queue_id);
  auto delay_level = [&scanned]() -> Result<int> {
    if (!scanned.delay) return 0;
    auto level = parse_java_int(*scanned.delay);
    if (!level) return Error{response_code::kSystemError, number_format_remark(*scanned.delay)};
    return *level;
  };

  if (scanned.transaction && parse_java_boolean(*scanned.transaction)) {
    bool retried_delayed = false;  // "For client under version 4.6.1"
    if (header.reconsume_times > 0) {
      auto level = delay_level();
      if (!level) return level.error();
      retried_delayed = *level > 0;
    }
    if (!retried_delayed) {
      placement.moved = placement.half = true;
      placement.topic = kHalfTopic;
      placement.queue_id = 0;
      placement.moved_properties =
          properties_with(properties, {{"REAL_TOPIC", header.topic}, {"REAL_QID", real_queue}});
      return placement;
    }
  }
  const std::int32_t transaction_type = header.sys_flag & kTransactionMask;
  if (transaction_type != 0 && transaction_type != kTransactionCommit) return placement;

  auto level = delay_level();
  if (!level) return level.error();
  if (*level > 0) {
    const int max_level = static_cast<int>(config_.delay_levels.size());
    const int clamped = std::min(*level, max_level);
    placement.moved = true;
    placement.topic = kScheduleTopic;
    placement.queue_id = clamped - 1;  // ScheduleMessageService.delayLevel2QueueId
    placement.deliver_in = config_.delay_levels[static_cast<std::size_t>(clamped - 1)];
    placement.moved_properties =
        properties_with(properties, {{"DELAY", std::to_string(clamped)},
                                             {"REAL_TOPIC", header.topic},
                                             {"REAL_QID", real_queue}});
    return placement;
  }
  if (config_.version != ServerVersion::k5_3_3 || !scanned.has_timer()) return placement;

  std::optional<std::int64_t> deliver_ms;
  if (scanned.timer_delay_sec) {
    if (auto seconds = parse_java_long(*scanned.timer_delay_sec)) {
      deliver_ms = now_ms + *seconds * 1000;
    }
  } else if (scanned.timer_delay_ms) {
    if (auto ms = parse_java_long(*scanned.timer_delay_ms)) deliver_ms = now_ms + *ms;
  } else if (auto at = parse_java_long(*scanned.timer_deliver_ms)) {
    deliver_ms = *at;
  }
  if (!deliver_ms) return Error{response_code::kMessageIllegal, timer_illegal_remark()};
  if (*deliver_ms <= now_ms) {
    if (scanned.timer_del_uniq_key) {
      return Error{response_code::kMessageIllegal, timer_illegal_remark()};
    }
    return placement;  // already due: stored as a plain message
  }
  if (*deliver_ms - now_ms > kTimerMaxDelayMs) {
    return Error{response_code::kMessageIllegal, timer_illegal_remark()};
  }
  // The wheel's slot: rounded down to timerPrecisionMs, one slot earlier when exact.
  std::int64_t out_ms = *deliver_ms / kTimerPrecisionMs * kTimerPrecisionMs;
  if (out_ms == *deliver_ms) out_ms -= kTimerPrecisionMs;
  placement.moved = true;
  placement.topic = kTimerTopic;
  placement.queue_id = 0;
  placement.deliver_in = std::chrono::milliseconds(std::max<std::int64_t>(0, out_ms - now_ms));
  placement.moved_properties = properties_with(properties,
                                                {{"TIMER_OUT_MS", std::to_string(out_ms)},
                                                 {"REAL_TOPIC", header.topic},
                                                 {"REAL_QID", real_queue}});
  if (header.topic.rfind("%RETRY%", 0) != 0 && scanned.uniq_key) {
    // SendMessageProcessor (5.3): RecallMessageHandle.HandleV1.buildHandle, URL-safe base64.
    std::string handle = base64_encode(fmt::format("v1 {} {} {} {}", header.topic, config_.name,
                                                   out_ms + 1, *scanned.uniq_key));
    std::replace(handle.begin(), handle.end(), '+', '-');
    std::replace(handle.begin(), handle.end(), '/', '_');
    placement.recall_handle = std::move(handle);
  }
  return placement;
}

std::optional<RemotingCommand> Broker::send_single(const RemotingCommand& request,
                                                   const DecodedSendHeader& header,
                                                   TopicEntry& entry, int queue_id,
                                                   std::string_view peer, std::int64_t now_ms,
                                                   std::optional<int> forced_code) {
  const bool answer = !request.is_oneway();
  SendProperties scanned = scan_send_properties(header.properties);
  // 5.3 (SendMessageProcessor.sendMessage) gives a message without UNIQ_KEY one.
  std::string properties_with_key;
  std::string generated_key;
  std::string_view properties = header.properties;
  if (uniq_ids_ && !scanned.uniq_key) {
    generated_key = uniq_ids_->next();
    if (scanned.well_formed) {
      properties_with_key = header.properties;
      append_property("UNIQ_KEY", generated_key, properties_with_key);
    } else {  // appending would merge with an unterminated last pair
      properties_with_key = properties_with(header.properties, {{"UNIQ_KEY", generated_key}});
    }
    properties = properties_with_key;
    scanned.uniq_key = generated_key;
  }

  auto placement = place(header, properties, scanned, queue_id, now_ms);
  if (!placement) {
    if (placement.error().code == response_code::kSystemError) {
      return exception_failure(request, placement.error().message);  // DELAY not a number
    }
    return send_failure(request, placement.error().code, placement.error().message);
  }
  const std::string_view stored_properties =
      placement->moved ? std::string_view(placement->moved_properties) : properties;

  // DefaultMessageStore.checkMessage and CommitLog.MessageExtEncoder.encode (4.9.8): the
  // properties as stored (WAIT dropped, CLUSTER added) fit a short; the body fits
  // maxMessageSize, the whole record maxMessageSize + 64 KiB.
  const std::size_t properties_length =
      stored_properties_length(stored_properties, scanned, config_.cluster);
  const std::size_t record_length = kStoredRecordOverhead + request.body.size() +
                                    placement->topic.size() + properties_length;
  if (properties_length > kMaxPropertiesLength || request.body.size() > config_.max_message_size ||
      record_length > config_.max_message_size + kRecordHeadroom) {
    return send_failure(request, response_code::kMessageIllegal, message_illegal_remark());
  }

  TopicEntry& target = placement->moved
                           ? internal_topic(placement->topic, std::max(1, placement->queue_id + 1))
                           : entry;
  std::int32_t sys_flag = header.sys_flag;
  if (placement->half) sys_flag &= ~kTransactionMask;  // parseHalfMessageInner: NOT_TYPE
  const Record record{placement->topic, placement->queue_id, request.body, stored_properties,
                      header.flag,      sys_flag,            header.born_timestamp,
                      header.producer_group, request.code};
  std::string msg_id;
  const Written written = write(target, record, now_ms, answer ? &msg_id : nullptr);

  if (placement->half) {
    Record real = record;
    real.topic = header.topic;
    real.queue_id = queue_id;
    HalfMessage half{OwnedRecord(real), written.queue_offset, std::nullopt,
                     std::string(peer),  now_ms,           header.reconsume_times};
    if (auto group = decode_properties(stored_properties); group.count("PGROUP")) {
      half.producer_group = group.at("PGROUP");
    }
    half_messages_.emplace(written.commit_log_offset, std::move(half));
  } else if (placement->deliver_in) {
    Record real = record;
    real.topic = header.topic;
    real.queue_id = queue_id;
    const bool recallable = !placement->recall_handle.empty();
    deliver_later(*placement->deliver_in, OwnedRecord(real),
                  recallable ? std::string(*scanned.uniq_key) : std::string());
  } else if (config_.auto_reply_delay) {
    const auto sent = decode_properties(stored_properties);
    if (sent.count("REPLY_TO_CLIENT") > 0 && sent.count("CORRELATION_ID") > 0) {
      auto_replies_.after(*config_.auto_reply_delay,
                          [this, properties = std::string(stored_properties),
                           body = std::string(request.body)]() mutable {
                            reply_to_request(properties, std::move(body),
                                             UniqueIdGenerator::system_now_ms());
                          });
    }
  }

  if (!answer) return std::nullopt;
  RemotingCommand response =
      send_success(request, forced_code, std::move(msg_id), queue_id, written.queue_offset);
  if (config_.version == ServerVersion::k5_3_3) {
    response.ext_fields.emplace("transactionId", std::string(*scanned.uniq_key));
    if (!placement->recall_handle.empty()) {
      response.ext_fields.emplace("recallHandle", std::move(placement->recall_handle));
    }
  }
  return response;
}

// SendMessageProcessor.asyncSendBatchMessage, DefaultMessageStore.checkMessages and
// CommitLog.asyncPutMessages (4.9.8).
std::optional<RemotingCommand> Broker::send_batch(const RemotingCommand& request,
                                                  const DecodedSendHeader& header,
                                                  TopicEntry& entry, int queue_id,
                                                  std::int64_t now_ms,
                                                  std::optional<int> forced_code) {
  const bool answer = !request.is_oneway();
  if (request.body.empty()) {
    // An empty body is decoded as null: checkMessages reads its length.
    return exception_failure(request, null_pointer_remark(
        "org.apache.rocketmq.store.DefaultMessageStore.checkMessages(DefaultMessageStore.java)"));
  }
  if (request.body.size() > config_.max_message_size) {
    return send_failure(request, response_code::kMessageIllegal, message_illegal_remark());
  }
  if ((header.sys_flag & kTransactionMask) != 0) {
    return send_failure(request, response_code::kMessageIllegal, message_illegal_remark());
  }
  const SendProperties batch_properties = scan_send_properties(header.properties);
  if (batch_properties.delay) {
    // MessageExtBatch.getDelayTimeLevel(): Integer.parseInt, and a level > 0 is illegal.
    auto level = parse_java_int(*batch_properties.delay);
    if (!level) return exception_failure(request, number_format_remark(*batch_properties.delay));
    if (*level > 0) {
      return send_failure(request, response_code::kMessageIllegal, message_illegal_remark());
    }
  }
  auto members = read_batch_body(request.body);
  if (!members) return exception_failure(request, members.error().message);

  std::string msg_ids;
  std::string* ids = answer ? &msg_ids : nullptr;
  if (ids) ids->reserve(members->size() * 33);
  std::int64_t first_queue_offset = 0;
  for (std::size_t i = 0; i < members->size(); ++i) {
    if (ids && i > 0) *ids += ',';
    const BatchMember& member = (*members)[i];
    const Record record{header.topic, queue_id, member.body, member.properties, member.flag,
                        header.sys_flag, header.born_timestamp, header.producer_group,
                        request.code};
    const Written written = write(entry, record, now_ms, ids);
    if (i == 0) first_queue_offset = written.queue_offset;
  }

  if (!answer) return std::nullopt;
  RemotingCommand response =
      send_success(request, forced_code, std::move(msg_ids), queue_id, first_queue_offset);
  // 5.3: MessageClientIDSetter.getUniqID(messageExtBatch), the batch's own UNIQ_KEY if any.
  if (config_.version == ServerVersion::k5_3_3 && batch_properties.uniq_key) {
    response.ext_fields.emplace("transactionId", std::string(*batch_properties.uniq_key));
  }
  return response;
}

// TopicConfigManager.createTopicInSendMessageMethod. A null defaultTopic is a
// ConcurrentHashMap.get(null), a null defaultTopicQueueNums an unboxing: both exceptions.
Result<Broker::TopicEntry*> Broker::find_or_auto_create(const BrokerSendHeader& decoded) {
  const DecodedSendHeader& header = decoded.fields;
  if (auto it = topics_.find(header.topic); it != topics_.end()) return &it->second;
  constexpr std::string_view kCreateFrame =
      "org.apache.rocketmq.broker.topic.TopicConfigManager.createTopicInSendMessageMethod("
      "TopicConfigManager.java)";
  if (!decoded.has_default_topic) {
    return Error{response_code::kSystemError,
                 null_pointer_remark("java.util.concurrent.ConcurrentHashMap.get("
                                     "ConcurrentHashMap.java:936)")};
  }
  auto default_topic = topics_.find(header.default_topic);
  if (default_topic == topics_.end()) return nullptr;
  int default_perm = default_topic->second.config.perm;
  if (header.default_topic == kAutoCreateTopicKey && !config_.auto_create_topic) {
    default_perm = perm::kRead | perm::kWrite;
  }
  if ((default_perm & perm::kInherit) == 0) return nullptr;
  if (!decoded.has_default_topic_queue_nums) {
    return Error{response_code::kSystemError, null_pointer_remark(kCreateFrame)};
  }
  TopicConfig created;
  created.name = header.topic;
  created.read_queue_nums = created.write_queue_nums = std::max(
      0, std::min(header.default_topic_queue_nums, default_topic->second.config.write_queue_nums));
  created.perm = default_perm & ~perm::kInherit;
  put_topic(created);
  return &topics_.find(header.topic)->second;
}

Broker::TopicEntry& Broker::internal_topic(std::string_view name, int queues) {
  auto it = topics_.find(std::string(name));
  if (it == topics_.end()) {
    TopicConfig config;
    config.name = std::string(name);
    config.read_queue_nums = config.write_queue_nums = queues;
    put_topic(config);
    it = topics_.find(config.name);
  }
  TopicEntry& entry = it->second;
  if (entry.next_offsets.size() < static_cast<std::size_t>(queues)) {
    entry.next_offsets.resize(static_cast<std::size_t>(queues), 0);  // more delay levels than 18
  }
  return entry;
}

Broker::Written Broker::write(TopicEntry& entry, const Record& record, std::int64_t now_ms,
                              std::string* msg_ids) {
  Written written;
  written.queue_offset = entry.next_offsets[static_cast<std::size_t>(record.queue_id)]++;
  written.commit_log_offset = commit_log_offset_;
  commit_log_offset_ += static_cast<std::int64_t>(kStoredRecordOverhead + record.body.size() +
                                                  record.topic.size() + record.properties.size());
  const std::size_t id_start = msg_ids ? msg_ids->size() : 0;
  if (msg_ids) append_offset_msg_id(store_ip_, config_.port, written.commit_log_offset, *msg_ids);
  if (store_.keeps_messages()) {
    StoredMessage stored;
    stored.broker = config_.name;
    stored.topic = std::string(record.topic);
    stored.queue_id = record.queue_id;
    stored.queue_offset = written.queue_offset;
    stored.commit_log_offset = written.commit_log_offset;
    if (msg_ids) {
      stored.msg_id = msg_ids->substr(id_start);
    } else {
      append_offset_msg_id(store_ip_, config_.port, written.commit_log_offset, stored.msg_id);
    }
    stored.flag = record.flag;
    stored.sys_flag = record.sys_flag;
    stored.properties = std::string(record.properties);
    stored.body = std::string(record.body);
    stored.born_timestamp = record.born_timestamp;
    stored.store_timestamp = now_ms;
    stored.producer_group = std::string(record.producer_group);
    stored.request_code = record.request_code;
    store_.add(std::move(stored));
  } else {
    store_.add(StoredMessage{});  // counted only: nothing to copy when nothing is kept
  }
  return written;
}

// ScheduleMessageService.messageTimeup / the 5.x timer wheel: the real topic and queue get the
// message with the properties it was stored with.
void Broker::deliver_later(std::chrono::milliseconds delay, OwnedRecord record,
                           std::string recall_key) {
  std::pair<std::string, std::string> key{record.topic, std::move(recall_key)};
  const bool recallable = !key.second.empty();
  auto deliver = [this, record = std::move(record), key, recallable] {
    if (recallable) recallable_.erase(key);
    auto it = topics_.find(record.topic);
    if (it == topics_.end() ||
        static_cast<std::size_t>(record.fields.queue_id) >= it->second.next_offsets.size()) {
      ++deliveries_dropped_;
      return;
    }
    write(it->second, record.view(), UniqueIdGenerator::system_now_ms(), nullptr);
  };
  const std::uint64_t id = delivery_.after(delay, std::move(deliver));
  if (recallable) recallable_[std::move(key)] = id;
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

// ClientManageProcessor.heartBeat: HeartbeatData.decode(body) is fastjson's parseObject of
// new String(body); an empty body arrives as null.
// ProducerManager.registerProducer: the connection becomes a channel of each producer group and
// the client's channel.
RemotingCommand Broker::handle_heartbeat(const RemotingCommand& request, std::string_view peer) {
  if (request.body.empty()) {
    return exception_response(request, null_pointer_remark("java.lang.String.<init>(String.java)"));
  }
  const auto body = nlohmann::json::parse(request.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    return exception_response(
        request, exception_remark("com.alibaba.fastjson.JSONException",
                                  "syntax error, expect {, actual " +
                                      std::string(body.is_discarded() ? "error" : body.type_name()),
                                  "com.alibaba.fastjson.parser.DefaultJSONParser.parseObject("
                                  "DefaultJSONParser.java)"));
  }
  auto client_id = body.find("clientID");
  if (client_id != body.end() && client_id->is_string()) {
    auto& groups = clients_[client_id->get<std::string>()];
    auto producers = body.find("producerDataSet");
    if (producers != body.end() && producers->is_array()) {
      for (const auto& producer : *producers) {
        if (!producer.is_object()) continue;
        auto group = producer.find("groupName");
        if (group == producer.end() || !group->is_string()) continue;
        groups.insert(group->get<std::string>());
        group_channels_[group->get<std::string>()].emplace(peer);
        client_channels_[client_id->get<std::string>()] = std::string(peer);
      }
    }
  }
  return server_response(request, response_code::kSuccess);
}

// ClientManageProcessor.unregisterClient, ProducerManager.unregisterProducer for the header's
// producerGroup.
RemotingCommand Broker::handle_unregister(const RemotingCommand& request, std::string_view peer) {
  const std::string* client_id = request.field("clientID");
  if (!client_id) {
    return framework_response(request, response_code::kSystemError,
                              "the custom field <clientID> is null");
  }
  clients_.erase(*client_id);
  if (const std::string* group = request.field("producerGroup")) {
    auto channels = group_channels_.find(*group);
    if (channels != group_channels_.end()) {
      channels->second.erase(std::string(peer));
      client_channels_.erase(*client_id);
      if (channels->second.empty()) group_channels_.erase(channels);
    }
  }
  // ClientManageProcessor.unregisterClient: createResponseCommand(UnregisterClientResponseHeader
  // .class), a header without fields, so fastjson writes "extFields":{}.
  RemotingCommand response = server_response(request, response_code::kSuccess);
  response.empty_ext_fields_written = true;
  return response;
}

// AdminBrokerProcessor.updateAndCreateTopic (4.9.8): validateTopic, then isSystemTopic (which
// includes the cluster and broker names), and success keeps createResponseCommand's default
// remark.
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
  if (Status invalid = validate_topic_name(*topic)) return fail(invalid->message);
  if (is_broker_system_topic(*topic)) {
    return fail("The topic[" + *topic + "] is conflict with system topic.");
  }
  put_topic(created);
  return server_response(request, response_code::kSuccess, "not set any response code");
}

// AdminBrokerProcessor.getMaxOffset: the queue's next offset, 0 for an unknown queue.
RemotingCommand Broker::handle_get_max_offset(const RemotingCommand& request) {
  constexpr std::string_view kFrame =
      "org.apache.rocketmq.broker.processor.AdminBrokerProcessor.getMaxOffset("
      "AdminBrokerProcessor.java)";
  const std::string* topic = request.field("topic");
  const std::string* queue_text = request.field("queueId");
  // The reflective header decoder leaves an absent or malformed field null.
  const std::optional<std::int32_t> queue_id =
      queue_text ? parse_java_int(*queue_text) : std::nullopt;
  if (!topic || !queue_id) return exception_response(request, null_pointer_remark(kFrame));
  std::int64_t offset = 0;
  if (auto it = topics_.find(*topic); it != topics_.end() && *queue_id >= 0) {
    const auto& offsets = it->second.next_offsets;
    const auto queue = static_cast<std::size_t>(*queue_id);
    if (queue < offsets.size()) offset = offsets[queue];
  }
  RemotingCommand response = server_response(request, response_code::kSuccess);
  response.ext_fields.emplace("offset", std::to_string(offset));
  return response;
}

// EndTransactionProcessor.processRequest with TransactionalMessageServiceImpl (4.9.8): commit
// writes the half message to its real topic and queue, rollback drops it; both then put an op
// message ("d", the half queue offset) to RMQ_SYS_TRANS_OP_HALF_TOPIC. A oneway request (the
// Java producer's) is processed alike and answered by no one.
RemotingCommand Broker::handle_end_transaction(const RemotingCommand& request,
                                               std::int64_t now_ms) {
  constexpr std::string_view kFrame =
      "org.apache.rocketmq.broker.processor.EndTransactionProcessor.processRequest("
      "EndTransactionProcessor.java)";
  RemotingCommand response = server_response(request, response_code::kSuccess);
  if (config_.slave) {
    response.code = response_code::kSlaveNotAvailable;
    return response;
  }
  auto long_field = [&request](const char* name) -> std::optional<std::int64_t> {
    const std::string* text = request.field(name);
    return text ? parse_java_long(*text) : std::nullopt;
  };
  const auto commit_or_rollback = long_field("commitOrRollback");
  const auto queue_offset = long_field("tranStateTableOffset");
  const auto commit_log_offset = long_field("commitLogOffset");
  if (!commit_or_rollback || !queue_offset || !commit_log_offset) {
    return exception_response(request, null_pointer_remark(kFrame));
  }
  if (*commit_or_rollback != kTransactionCommit && *commit_or_rollback != kTransactionRollback) {
    return response;  // NOT_TYPE (unknown) and anything else: nothing done
  }
  auto fail = [&response](std::string remark) {
    response.code = response_code::kSystemError;
    response.remark = std::move(remark);
    return response;
  };
  auto half = half_messages_.find(*commit_log_offset);
  if (half == half_messages_.end()) return fail("Find prepared transaction message failed");
  // checkPrepareMessage.
  const std::string* group = request.field("producerGroup");
  if (!half->second.producer_group) return exception_response(request, null_pointer_remark(kFrame));
  if (!group || *group != *half->second.producer_group) return fail("The producer group wrong");
  if (half->second.half_queue_offset != *queue_offset) {
    return fail("The transaction state table offset wrong");
  }

  if (*commit_or_rollback == kTransactionCommit) {
    const auto target = topics_.find(half->second.real.topic);
    if (target == topics_.end()) {
      ++deliveries_dropped_;
    } else {
      Record real = half->second.real.view();
      real.sys_flag |= kTransactionCommit;
      write(target->second, real, now_ms, nullptr);
    }
    ++transactions_committed_;
  } else {
    ++transactions_rolled_back_;
  }
  const std::string op_body = std::to_string(half->second.half_queue_offset);
  const Record op{kOpHalfTopic, 0, op_body, "TAGS\x01" "d\x02" "WAIT\x01" "true\x02", 0, 0,
                  now_ms, half->second.real.producer_group, request.code};
  write(internal_topic(kOpHalfTopic, 1), op, now_ms, nullptr);
  half_messages_.erase(half);
  return response;
}

// RecallMessageProcessor (5.3): the handle names the topic, this broker, the delivery time and
// the UNIQ_KEY of a pending timer message; a recall marker (TIMER_DEL_UNIQKEY) is written to
// the timer topic and the message will not be delivered.
RemotingCommand Broker::handle_recall(const RemotingCommand& request, std::int64_t now_ms) {
  RemotingCommand response = server_response(request, response_code::kSuccess);
  response.ext_fields.emplace("MSG_REGION", kRegion);
  auto fail = [&response](int code, std::string remark) {
    response.code = code;
    response.remark = std::move(remark);
    return response;
  };
  const std::string* topic = request.field("topic");
  const std::string* handle_text = request.field("recallHandle");
  for (const auto& [name, value] :
       {std::pair{"topic", topic}, std::pair{"recallHandle", handle_text}}) {
    if (!value) {
      return framework_response(request, response_code::kSystemError,
                                std::string("the custom field <") + name + "> is null");
    }
  }
  if (config_.slave) {
    return fail(response_code::kSlaveNotAvailable, "recall failed, broker service not available");
  }
  if (topics_.count(*topic) == 0) {
    return fail(response_code::kTopicNotExist,
                "recall failed, the topic[" + *topic + "] not exist");
  }
  // RecallMessageHandle.decodeHandle: URL-safe base64 of "v1 topic broker timestamp uniqKey".
  std::string standard = *handle_text;
  std::replace(standard.begin(), standard.end(), '-', '+');
  std::replace(standard.begin(), standard.end(), '_', '/');
  auto raw = standard.empty() ? Result<std::string>(Error{error_code::kInvalidArgument, ""})
                              : base64_decode(standard);
  std::vector<std::string_view> items;
  if (raw) {
    for (std::string_view rest = *raw; !rest.empty();) {
      const std::size_t space = rest.find(' ');
      items.push_back(rest.substr(0, space));
      rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
    }
  }
  if (items.size() < 5 || items[0] != "v1") {
    return fail(kIllegalOperation, "recall handle is invalid");
  }
  if (items[1] != *topic) return fail(kIllegalOperation, "recall failed, topic not match");
  if (items[2] != config_.name) {
    return fail(kIllegalOperation, "recall failed, broker service not available");
  }
  const std::int64_t time_left = parse_java_long(items[3]).value_or(-1) - now_ms;
  if (time_left <= 0 || time_left >= kTimerMaxDelayMs) {
    return fail(kIllegalOperation, "recall failed, timestamp invalid");
  }
  const std::string uniq_key(items[4]);
  if (auto pending = recallable_.find({*topic, uniq_key}); pending != recallable_.end()) {
    delivery_.cancel(pending->second);
    recallable_.erase(pending);
  }
  std::string properties;
  const std::string* group = request.field("producerGroup");
  for (const auto& [key, value] :
       {std::pair<std::string_view, std::string_view>{"TAGS", "_RECALL_TAG_"},
        {"TIMER_DEL_UNIQKEY", uniq_key},
        {"UNIQ_KEY", uniq_key},
        {"TIMER_OUT_MS", items[3]},
        {"REAL_TOPIC", *topic},
        {"REAL_QID", "0"},
        {"PGROUP", group ? std::string_view(*group) : std::string_view()}}) {
    append_property(key, value, properties);
  }
  const Record marker{kTimerTopic, 0, "0", properties, 0, 0, now_ms,
                      group ? std::string_view(*group) : std::string_view(), request.code};
  write(internal_topic(kTimerTopic, 1), marker, now_ms, nullptr);
  response.ext_fields.emplace("msgId", uniq_key);
  return response;
}

void Broker::channel_closed(std::string_view peer) {
  for (auto group = group_channels_.begin(); group != group_channels_.end();) {
    group->second.erase(std::string(peer));
    group = group->second.empty() ? group_channels_.erase(group) : std::next(group);
  }
  for (auto client = client_channels_.begin(); client != client_channels_.end();) {
    client = client->second == peer ? client_channels_.erase(client) : std::next(client);
  }
}

std::optional<std::string> Broker::available_channel(const std::string& group) {
  auto channels = group_channels_.find(group);
  if (channels == group_channels_.end() || channels->second.empty()) return std::nullopt;
  const std::size_t index = ++channel_counter_ % channels->second.size();
  return *std::next(channels->second.begin(), static_cast<std::ptrdiff_t>(index));
}

void Broker::schedule_transaction_check() {
  transaction_check_timer_.expires_after(config_.transaction_check_interval);
  transaction_check_timer_.async_wait([this](std::error_code error) {
    if (error) return;  // the broker is going away
    check_transactions(UniqueIdGenerator::system_now_ms());
    schedule_transaction_check();
  });
}

// TransactionalMessageServiceImpl.check (4.9.8) over the half queue in order: a copy checked
// transactionCheckMax times is discarded (needDiscard comes first, whatever the age); one younger
// than transactionTimeOut ends the round, the rest being younger still, unless it has
// CHECK_IMMUNITY_TIME_IN_SECONDS, whose own time it waits (Java also puts such a copy back once,
// with TRAN_PREPARED_QUEUE_OFFSET; not imitated); an older one, or one born in the future, is
// put back and checked. Copies written during the round wait for the next ("Fresh stored").
void Broker::check_transactions(std::int64_t now_ms) {
  const std::int64_t round_end = commit_log_offset_;
  for (auto half = half_messages_.begin();
       half != half_messages_.end() && half->first < round_end;) {
    const auto next = std::next(half);
    const auto properties = decode_properties(half->second.real.properties);
    int checks = 0;
    if (auto times = properties.find("TRANSACTION_CHECK_TIMES"); times != properties.end()) {
      checks = parse_java_int(times->second).value_or(-1);  // getInt: -1 when malformed
      if (checks >= config_.transaction_check_max) {
        // resolveDiscardMsg (DefaultTransactionalMessageCheckListener): kept aside, never checked
        // again.
        Record discarded = half->second.real.view();
        discarded.topic = kCheckMaxTimeTopic;
        discarded.queue_id = 0;
        write(internal_topic(kCheckMaxTimeTopic, 1), discarded, now_ms, nullptr);
        half_messages_.erase(half);
        ++half_messages_discarded_;
        half = next;
        continue;
      }
    }
    const std::int64_t age = now_ms - half->second.real.fields.born_timestamp;
    std::int64_t immunity_ms = config_.transaction_timeout_ms;
    if (auto immunity = properties.find("CHECK_IMMUNITY_TIME_IN_SECONDS");
        immunity != properties.end()) {
      // getImmunityTime: seconds; -1 (also what a malformed value reads as) means the timeout.
      const std::int64_t seconds = parse_java_long(immunity->second).value_or(-1);
      if (seconds != -1) immunity_ms = seconds * 1000;
      if (age < immunity_ms) {
        half = next;
        continue;
      }
    } else if (age >= 0 && age < immunity_ms) {
      break;
    }
    if (age > immunity_ms || age < 0) check_half_message(half, checks + 1, now_ms);
    half = next;
  }
}

// putBackHalfMsgQueue (renewHalfMessageInner: a new copy without flag and reconsume times, the
// check count in TRANSACTION_CHECK_TIMES), then AbstractTransactionalMessageCheckListener
// .sendCheckMessage: CHECK_TRANSACTION_STATE, oneway (Broker2Client.checkProducerTransactionState),
// to one channel of the PGROUP group, with the checked copy (real topic and queue, new offsets)
// as MessageDecoder.encode writes it.
void Broker::check_half_message(std::map<std::int64_t, HalfMessage>::iterator half_entry,
                                int check_count, std::int64_t now_ms) {
  HalfMessage& half = half_entry->second;
  half.real.properties = properties_with(
      half.real.properties, {{"TRANSACTION_CHECK_TIMES", std::to_string(check_count)}});
  Record copy = half.real.view();
  copy.topic = kHalfTopic;
  copy.queue_id = 0;
  copy.flag = 0;
  const Written written = write(internal_topic(kHalfTopic, 1), copy, now_ms, nullptr);

  MessageExt checked;
  checked.topic = half.real.topic;
  checked.queue_id = half.real.fields.queue_id;
  checked.flag = half.real.fields.flag;
  checked.queue_offset = written.queue_offset;
  checked.commit_log_offset = written.commit_log_offset;
  checked.sys_flag = half.real.fields.sys_flag;
  checked.born_timestamp = half.real.fields.born_timestamp;
  checked.born_host = half.born_host;
  checked.store_timestamp = half.store_timestamp;
  checked.store_host = config_.address();
  checked.reconsume_times = half.reconsume_times;
  checked.body_crc = body_crc(half.real.body);
  checked.body = half.real.body;
  checked.properties = half.real.properties;

  RemotingCommand request =
      server_request(broker_request_code::kCheckTransactionState, config_.version);
  std::string offset_msg_id;
  append_offset_msg_id(store_ip_, config_.port, written.commit_log_offset, offset_msg_id);
  request.ext_fields = {{"tranStateTableOffset", std::to_string(written.queue_offset)},
                        {"commitLogOffset", std::to_string(written.commit_log_offset)},
                        {"offsetMsgId", std::move(offset_msg_id)}};
  // 5.x sendCheckMessage also names the broker (RpcRequestHeader.bname).
  if (config_.version == ServerVersion::k5_3_3) request.ext_fields.emplace("bname", config_.name);
  if (auto uniq_key = decode_properties(half.real.properties); uniq_key.count("UNIQ_KEY") > 0) {
    request.ext_fields.emplace("msgId", uniq_key.at("UNIQ_KEY"));
    request.ext_fields.emplace("transactionId", uniq_key.at("UNIQ_KEY"));
  }
  // Encoding fails only for a born host that is no IPv4 "ip:port": such a check has no body.
  if (auto body = encode_message_ext(checked)) request.body = std::move(*body);

  // The copy replaces the message: END_TRANSACTION names its offsets from now on.
  half.real.fields.flag = 0;
  half.reconsume_times = 0;
  half.store_timestamp = now_ms;
  half.half_queue_offset = written.queue_offset;
  auto node = half_messages_.extract(half_entry);
  node.key() = written.commit_log_offset;
  const HalfMessage& moved = half_messages_.insert(std::move(node)).position->second;

  const std::optional<std::string> channel =
      moved.producer_group ? available_channel(*moved.producer_group) : std::nullopt;
  if (channel && link_ &&
      link_->send_request(*channel, std::move(request), std::chrono::milliseconds(0), {})) {
    ++checks_sent_;
  } else {
    ++checks_without_producer_;
  }
}

// ReplyMessageProcessor (4.9.8): the send checks, then PUSH_REPLY_MESSAGE_TO_CLIENT to the
// channel of the REPLY_TO_CLIENT client (ProducerManager.findChannel), waiting for its answer
// (Broker2Client.callClient); then the reply is stored in its topic (storeReplyMessageEnable)
// and the replier answered: SUCCESS only when the push was acknowledged.
std::optional<RemotingCommand> Broker::handle_send_reply(const RemotingCommand& request,
                                                         std::string peer, std::int64_t now_ms) {
  auto decoded = decode_broker_send_header(request);
  if (!decoded) return exception_failure(request, decoded.error().message);
  SendTarget target = check_send_target(request, *decoded, peer);
  if (!target.entry) return std::move(target.refusal);
  const DecodedSendHeader& header = decoded->fields;

  // What answering needs of the request: its code, opaque, serialization and oneway flag.
  RemotingCommand answered = RemotingCommand::request(request.code);
  answered.opaque = request.opaque;
  answered.flag = request.flag;
  answered.serialize_type = request.serialize_type;
  auto pending = std::make_shared<PendingReply>(PendingReply{
      std::move(answered), peer,
      OwnedRecord(Record{header.topic, target.queue_id, request.body, header.properties,
                         header.flag, header.sys_flag, header.born_timestamp,
                         header.producer_group, request.code})});
  auto answer_now = [&request](RemotingCommand response) -> std::optional<RemotingCommand> {
    if (request.is_oneway()) return std::nullopt;
    return response;
  };

  auto properties = decode_properties(header.properties);
  const auto reply_to = properties.find("REPLY_TO_CLIENT");
  if (reply_to == properties.end()) {
    return answer_now(
        finish_reply(*pending, "reply message properties[REPLY_TO_CLIENT] is null", now_ms));
  }
  const std::string client_id = reply_to->second;
  const auto channel = client_channels_.find(client_id);
  if (channel == client_channels_.end()) {
    return answer_now(finish_reply(
        *pending, "push reply message fail, channel of <" + client_id + "> not found.", now_ms));
  }

  properties["PUSH_REPLY_TIME"] = std::to_string(now_ms);
  RemotingCommand push =
      server_request(broker_request_code::kPushReplyMessageToClient, config_.version);
  auto& fields = push.ext_fields;
  if (!header.producer_group.empty()) fields.emplace("producerGroup", header.producer_group);
  fields.emplace("topic", header.topic);
  if (decoded->has_default_topic) fields.emplace("defaultTopic", header.default_topic);
  if (decoded->has_default_topic_queue_nums) {
    fields.emplace("defaultTopicQueueNums", std::to_string(header.default_topic_queue_nums));
  }
  fields.emplace("queueId", std::to_string(header.queue_id));  // as sent, not the chosen one
  fields.emplace("sysFlag", std::to_string(header.sys_flag));
  fields.emplace("bornTimestamp", std::to_string(header.born_timestamp));
  fields.emplace("flag", std::to_string(header.flag));
  fields.emplace("properties", encode_properties(properties));
  if (decoded->has_reconsume_times) {
    fields.emplace("reconsumeTimes", std::to_string(header.reconsume_times));
  }
  fields.emplace("unitMode", header.unit_mode ? "true" : "false");
  fields.emplace("bornHost", java_socket_address(peer.empty() ? config_.address() : peer));
  fields.emplace("storeHost", java_socket_address(config_.address()));
  fields.emplace("storeTimestamp", std::to_string(now_ms));
  push.body = request.body;

  std::string push_failed = "push reply message to " + client_id + "fail.";  // sic, no space
  auto on_answer = [this, pending, push_failed](std::optional<RemotingCommand> answer) {
    const bool acknowledged = answer && answer->code == response_code::kSuccess;
    RemotingCommand response =
        finish_reply(*pending, acknowledged ? std::nullopt : std::optional(push_failed),
                     UniqueIdGenerator::system_now_ms());
    if (!pending->request.is_oneway() && !pending->peer.empty() && link_) {
      link_->send_response(pending->peer, pending->request, std::move(response));
    }
  };
  if (link_ && link_->send_request(channel->second, std::move(push), kCallClientTimeout,
                                   std::move(on_answer))) {
    return std::nullopt;  // answered once the push is
  }
  return answer_now(finish_reply(*pending, std::move(push_failed), now_ms));
}

RemotingCommand Broker::finish_reply(const PendingReply& reply,
                                     std::optional<std::string> push_failure,
                                     std::int64_t now_ms) {
  const Record record = reply.record.view();
  RemotingCommand response = send_response(
      reply.request, push_failure ? response_code::kSystemError : response_code::kSuccess);
  if (push_failure) {
    response.remark = std::move(push_failure);
    ++replies_push_failed_;
  } else {
    // handlePushReplyResult: "set to zore to avoid client decoding exception"
    response.ext_fields.emplace("msgId", "0");
    response.ext_fields.emplace("queueId", std::to_string(record.queue_id));
    response.ext_fields.emplace("queueOffset", "0");
    ++replies_pushed_;
  }
  if (!config_.store_reply_messages || config_.slave) return response;
  auto topic = topics_.find(std::string(record.topic));
  if (topic == topics_.end() ||
      static_cast<std::size_t>(record.queue_id) >= topic->second.next_offsets.size()) {
    return response;  // removed while the push was under way
  }
  std::string msg_id;
  const Written written = write(topic->second, record, now_ms, &msg_id);
  response.ext_fields.insert_or_assign("msgId", std::move(msg_id));
  response.ext_fields.insert_or_assign("queueId", std::to_string(record.queue_id));
  response.ext_fields.insert_or_assign("queueOffset", std::to_string(written.queue_offset));
  ++replies_stored_;
  return response;
}

// MessageUtil.createReplyMessage, sent as DefaultMQProducer sends it (MSG_TYPE reply makes it a
// SEND_REPLY_MESSAGE; the producer adds UNIQ_KEY). The request's CLUSTER property, which names
// the reply topic, is this broker's cluster.
void Broker::reply_to_request(std::string_view request_properties, std::string body,
                              std::int64_t now_ms) {
  const auto sent = decode_properties(request_properties);
  std::map<std::string, std::string> properties{{"MSG_TYPE", std::string(kReplyMessageType)},
                                                {"UNIQ_KEY", reply_ids_.next()}};
  for (const char* key : {"CORRELATION_ID", "REPLY_TO_CLIENT", "TTL"}) {
    if (auto value = sent.find(key); value != sent.end()) properties.emplace(key, value->second);
  }
  RemotingCommand reply = RemotingCommand::request(broker_request_code::kSendReplyMessage);
  reply.ext_fields = {{"producerGroup", std::string(kResponderGroup)},
                      {"topic", config_.cluster + std::string(kReplyTopicSuffix)},
                      {"defaultTopic", std::string(kAutoCreateTopicKey)},
                      {"defaultTopicQueueNums", "4"},
                      {"queueId", "0"},
                      {"sysFlag", "0"},
                      {"bornTimestamp", std::to_string(now_ms)},
                      {"flag", "0"},
                      {"properties", encode_properties(properties)},
                      {"reconsumeTimes", "0"},
                      {"unitMode", "false"},
                      {"batch", "false"}};
  reply.body = std::move(body);
  ++replies_sent_by_cluster_;
  // No peer: nobody reads the answer, the counters tell the outcome.
  (void)handle_send_reply(reply, std::string(), now_ms);
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
          {"clients", std::move(clients)},
          {"scheduled", {{"pending", delivery_.pending()},
                         {"delivered", delivery_.delivered()},
                         {"recalled", delivery_.cancelled()},
                         {"dropped", deliveries_dropped_}}},
          {"producer_channels", {{"groups", group_channels_}, {"clients", client_channels_}}},
          {"transactions", {{"half", half_messages_.size()},
                            {"committed", transactions_committed_},
                            {"rolled_back", transactions_rolled_back_},
                            {"checks_sent", checks_sent_},
                            {"checks_without_producer", checks_without_producer_},
                            {"discarded", half_messages_discarded_}}},
          {"replies", {{"pushed", replies_pushed_},
                       {"push_failed", replies_push_failed_},
                       {"stored", replies_stored_},
                       {"sent_by_cluster", replies_sent_by_cluster_},
                       {"auto_replies_pending", auto_replies_.pending()}}}};
}

}  // namespace mqsend
