#include "client/producer/send_request.hpp"

#include <charconv>
#include <string_view>

#include "client/producer/properties.hpp"
#include "client/remoting/codes.hpp"

namespace mqsend {
namespace {

// One SendMessageRequestHeader field: its code-10 name and its V2 letter.
struct FieldName {
  const char* long_name;
  const char* letter;
};

constexpr FieldName kProducerGroup{"producerGroup", "a"};
constexpr FieldName kTopic{"topic", "b"};
constexpr FieldName kDefaultTopicField{"defaultTopic", "c"};
constexpr FieldName kDefaultTopicQueueNums{"defaultTopicQueueNums", "d"};
constexpr FieldName kQueueId{"queueId", "e"};
constexpr FieldName kSysFlag{"sysFlag", "f"};
constexpr FieldName kBornTimestamp{"bornTimestamp", "g"};
constexpr FieldName kFlag{"flag", "h"};
constexpr FieldName kProperties{"properties", "i"};
constexpr FieldName kReconsumeTimes{"reconsumeTimes", "j"};
constexpr FieldName kUnitMode{"unitMode", "k"};
constexpr FieldName kMaxReconsumeTimes{"maxReconsumeTimes", "l"};
constexpr FieldName kBatch{"batch", "m"};
constexpr FieldName kBrokerName{"bname", "n"};

const char* bool_text(bool value) { return value ? "true" : "false"; }

// Fills every header field the Java client sends.
RemotingCommand build_request(int code, bool letters, std::string body, std::string properties,
                              std::int32_t flag, std::int32_t sys_flag, std::int64_t born_ms,
                              bool batch, const MessageQueue& mq,
                              const SendRequestOptions& options) {
  RemotingCommand command = RemotingCommand::request(code);
  command.serialize_type = options.serialize;
  // The letters come in sorted order, so the end is the right hint for them.
  auto set = [&](const FieldName& field, std::string value) {
    command.ext_fields.emplace_hint(command.ext_fields.end(), letters ? field.letter : field.long_name,
                                    std::move(value));
  };
  set(kProducerGroup, options.producer_group);
  set(kTopic, mq.topic);
  set(kDefaultTopicField, options.default_topic);
  set(kDefaultTopicQueueNums, std::to_string(options.default_topic_queue_nums));
  set(kQueueId, std::to_string(mq.queue_id));
  set(kSysFlag, std::to_string(sys_flag));
  set(kBornTimestamp, std::to_string(born_ms));
  set(kFlag, std::to_string(flag));
  // Always present: a 4.9 broker dereferences the properties field without a null check.
  set(kProperties, std::move(properties));
  set(kReconsumeTimes, "0");
  set(kUnitMode, bool_text(false));
  set(kBatch, bool_text(batch));
  // A 4.9 client has no broker name in the code-10 header (it came with 5.x RpcRequestHeader).
  if (letters) set(kBrokerName, mq.broker_name);
  command.body = std::move(body);
  return command;
}

// Java's decodeCommandCustomHeader: letters for 310/320 (and 325), long names otherwise.
bool uses_letters(int code) {
  return code == request_code::kSendMessageV2 || code == request_code::kSendBatchMessage ||
         code == 325;
}

template <typename Integer>
bool parse_integer(std::string_view text, Integer& value) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);  // Integer.parseInt accepts it
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return !text.empty() && ec == std::errc() && end == text.data() + text.size();
}

// Boolean.parseBoolean: "true" in any case, anything else false.
bool parse_java_bool(std::string_view text) {
  if (text.size() != 4) return false;
  for (std::size_t i = 0; i < 4; ++i) {
    if ((text[i] | 0x20) != "true"[i]) return false;
  }
  return true;
}

class HeaderReader {
 public:
  explicit HeaderReader(const RemotingCommand& request)
      : request_(request), letters_(uses_letters(request.code)) {}

  const std::string* find(const FieldName& field) const {
    return request_.field(letters_ ? field.letter : field.long_name);
  }
  Status required_string(const FieldName& field, std::string& out) const {
    const std::string* value = find(field);
    if (value == nullptr) return missing(field);
    out = *value;
    return std::nullopt;
  }
  template <typename Integer>
  Status required_integer(const FieldName& field, Integer& out) const {
    const std::string* value = find(field);
    if (value == nullptr) return missing(field);
    return integer(field, *value, out);
  }
  template <typename Integer>
  Status optional_integer(const FieldName& field, Integer& out) const {
    const std::string* value = find(field);
    return value == nullptr ? std::nullopt : integer(field, *value, out);
  }
  bool optional_bool(const FieldName& field) const {
    const std::string* value = find(field);
    return value != nullptr && parse_java_bool(*value);
  }

 private:
  const char* name(const FieldName& field) const { return letters_ ? field.letter : field.long_name; }
  Error missing(const FieldName& field) const {
    return Error{response_code::kSystemError,
                 std::string("the custom field <") + name(field) + "> is null"};
  }
  template <typename Integer>
  Status integer(const FieldName& field, const std::string& text, Integer& out) const {
    if (parse_integer(text, out)) return std::nullopt;
    return Error{response_code::kSystemError,
                 std::string("the custom field <") + name(field) + "> is not a number: " + text};
  }

  const RemotingCommand& request_;
  bool letters_;
};

}  // namespace

RemotingCommand build_send_request(SendRequestPayload payload, const MessageQueue& mq,
                                   const SendRequestOptions& options) {
  const int code = options.v2 ? request_code::kSendMessageV2 : request_code::kSendMessage;
  return build_request(code, options.v2, std::move(payload.body), std::move(payload.properties),
                       payload.flag, payload.sys_flag, payload.born_timestamp_ms, false, mq,
                       options);
}

RemotingCommand build_send_request(const Message& prepared, const MessageQueue& mq,
                                   std::int32_t sys_flag, std::int64_t born_timestamp_ms,
                                   const SendRequestOptions& options) {
  SendRequestPayload payload;
  payload.body = prepared.body;
  encode_properties(prepared.properties, payload.properties);
  payload.flag = prepared.flag;
  payload.sys_flag = sys_flag;
  payload.born_timestamp_ms = born_timestamp_ms;
  return build_send_request(std::move(payload), mq, options);
}

RemotingCommand build_batch_request(std::string batch_body, std::string batch_properties,
                                    const MessageQueue& mq, std::int64_t born_timestamp_ms,
                                    const SendRequestOptions& options) {
  return build_request(request_code::kSendBatchMessage, true, std::move(batch_body),
                       std::move(batch_properties), 0, 0, born_timestamp_ms, true, mq, options);
}

Result<DecodedSendHeader> decode_send_header(const RemotingCommand& request) {
  const HeaderReader reader(request);
  DecodedSendHeader header;
  Status status;
  if ((status = reader.required_string(kProducerGroup, header.producer_group)) ||
      (status = reader.required_string(kTopic, header.topic)) ||
      (status = reader.required_string(kDefaultTopicField, header.default_topic)) ||
      (status = reader.required_integer(kDefaultTopicQueueNums, header.default_topic_queue_nums)) ||
      (status = reader.required_integer(kQueueId, header.queue_id)) ||
      (status = reader.required_integer(kSysFlag, header.sys_flag)) ||
      (status = reader.required_integer(kBornTimestamp, header.born_timestamp)) ||
      (status = reader.required_integer(kFlag, header.flag)) ||
      (status = reader.optional_integer(kReconsumeTimes, header.reconsume_times))) {
    return *status;
  }
  std::int32_t max_reconsume_times = 0;
  if (reader.find(kMaxReconsumeTimes) != nullptr) {
    if ((status = reader.optional_integer(kMaxReconsumeTimes, max_reconsume_times))) return *status;
    header.max_reconsume_times = max_reconsume_times;
  }
  if (const std::string* properties = reader.find(kProperties)) header.properties = *properties;
  header.unit_mode = reader.optional_bool(kUnitMode);
  header.batch = reader.optional_bool(kBatch);
  if (const std::string* broker = reader.find(kBrokerName)) header.broker_name = *broker;
  return header;
}

}  // namespace mqsend
