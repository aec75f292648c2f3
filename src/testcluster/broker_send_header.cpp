#include "testcluster/broker_send_header.hpp"

#include "client/remoting/codes.hpp"
#include "testcluster/java_exception.hpp"

namespace mqsend {

namespace {

constexpr std::string_view kMsgCheckFrame =
    "org.apache.rocketmq.broker.processor.AbstractSendMessageProcessor.msgCheck("
    "AbstractSendMessageProcessor.java)";
constexpr std::string_view kSendFrame =
    "org.apache.rocketmq.broker.processor.SendMessageProcessor.asyncSendMessage("
    "SendMessageProcessor.java)";

// 4.9.8 decodes 310/320 (and the 5.x 325) with the letter names, 10 with the long ones.
bool uses_letters(int code) {
  return code == request_code::kSendMessageV2 || code == request_code::kSendBatchMessage ||
         code == 325;
}

class FieldReader {
 public:
  explicit FieldReader(const RemotingCommand& request)
      : request_(request), letters_(uses_letters(request.code)) {}

  const std::string* find(const char* letter, const char* long_name) const {
    return request_.field(letters_ ? letter : long_name);
  }
  // Integer.parseInt of a present field; an absent one leaves `out` and `present` untouched.
  template <typename Integer, typename Parse>
  Status number(const char* letter, const char* long_name, Parse parse, Integer& out,
                bool* present = nullptr) const {
    const std::string* text = find(letter, long_name);
    if (!text) return std::nullopt;
    const auto value = parse(*text);
    if (!value) return Error{response_code::kSystemError, number_format_remark(*text)};
    out = *value;
    if (present) *present = true;
    return std::nullopt;
  }
  // A field the send path unboxes: absent is a NullPointerException there.
  template <typename Integer, typename Parse>
  Status required_number(const char* letter, const char* long_name, Parse parse, Integer& out,
                         std::string_view frame) const {
    bool present = false;
    if (Status error = number(letter, long_name, parse, out, &present)) return error;
    if (!present) return Error{response_code::kSystemError, null_pointer_remark(frame)};
    return std::nullopt;
  }

 private:
  const RemotingCommand& request_;
  bool letters_;
};

}  // namespace

Result<BrokerSendHeader> decode_broker_send_header(const RemotingCommand& request) {
  const FieldReader reader(request);
  BrokerSendHeader decoded;
  DecodedSendHeader& header = decoded.fields;
  if (const std::string* group = reader.find("a", "producerGroup")) header.producer_group = *group;
  const std::string* topic = reader.find("b", "topic");
  if (const std::string* default_topic = reader.find("c", "defaultTopic")) {
    header.default_topic = *default_topic;
    decoded.has_default_topic = true;
  }
  Status status;
  if ((status = reader.number("d", "defaultTopicQueueNums", parse_java_int,
                              header.default_topic_queue_nums,
                              &decoded.has_default_topic_queue_nums)) ||
      (status = reader.required_number("e", "queueId", parse_java_int, header.queue_id,
                                       kMsgCheckFrame)) ||
      (status = reader.required_number("f", "sysFlag", parse_java_int, header.sys_flag,
                                       kSendFrame)) ||
      (status = reader.required_number("g", "bornTimestamp", parse_java_long,
                                       header.born_timestamp, kSendFrame)) ||
      (status = reader.required_number("h", "flag", parse_java_int, header.flag, kSendFrame)) ||
      (status = reader.number("j", "reconsumeTimes", parse_java_int, header.reconsume_times,
                              &decoded.has_reconsume_times))) {
    return *status;
  }
  std::int32_t max_reconsume_times = 0;
  bool has_max_reconsume_times = false;
  if ((status = reader.number("l", "maxReconsumeTimes", parse_java_int, max_reconsume_times,
                              &has_max_reconsume_times))) {
    return *status;
  }
  if (has_max_reconsume_times) header.max_reconsume_times = max_reconsume_times;
  // The topic is read (TopicValidator) before the queue id is unboxed.
  if (!topic) return Error{response_code::kSystemError, null_pointer_remark(kMsgCheckFrame)};
  header.topic = *topic;
  if (const std::string* properties = reader.find("i", "properties")) {
    header.properties = *properties;
  }
  if (const std::string* unit = reader.find("k", "unitMode")) {
    header.unit_mode = parse_java_boolean(*unit);
  }
  if (const std::string* batch = reader.find("m", "batch")) {
    header.batch = parse_java_boolean(*batch);
  }
  if (const std::string* broker = reader.find("n", "bname")) header.broker_name = *broker;
  return decoded;
}

}  // namespace mqsend
