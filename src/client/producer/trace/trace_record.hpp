#pragma once
// The Pub trace record of the Java client's message trace (enableMsgTrace), 4.9.8:
// TraceContext + TraceBean as SendMessageTraceHookImpl fills them, encoded as
// TraceDataEncoder.encoderFromContextBean writes the Pub type, and the batching of encoded
// records into one trace message body (AsyncTraceDispatcher.TraceDataSegment). No I/O.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "client/producer/message.hpp"

namespace mqsend {

// TraceConstants: CONTENT_SPLITOR (char 1) between fields, FIELD_SPLITOR (char 2) after a record.
inline constexpr char kTraceContentSplitor = '\1';
inline constexpr char kTraceFieldSplitor = '\2';
// TopicValidator.RMQ_SYS_TRACE_TOPIC, AsyncTraceDispatcher's topic unless one is configured.
inline constexpr std::string_view kDefaultTraceTopic = "RMQ_SYS_TRACE_TOPIC";

// MessageType (4.9.8); the trace writes the ordinal.
enum class TraceMessageType { kNormal = 0, kTransHalf = 1, kTransCommit = 2, kDelay = 3 };

// One traced send: the attempt that got a SendResult (Java records none for an exception).
// Absent Java Strings are written "null" (StringBuilder.append(null)): tags and keys of a
// message without them, and of a batch (a MessageBatch has neither).
struct PubTrace {
  std::int64_t timestamp_ms = 0;  // TraceContext.timeStamp: when the attempt started
  std::string region_id;          // the response's MSG_REGION
  std::string group;              // the producer group, without the namespace
  std::string topic;              // without the namespace
  std::string msg_id;             // SendResult.msgId (a batch: comma-joined)
  std::string tags = "null";
  std::string keys = "null";
  std::string store_host;         // the broker address the attempt went to
  std::size_t body_length = 0;    // the body as sent (compressed, or the batch encoding)
  std::int64_t cost_time_ms = 0;
  TraceMessageType message_type = TraceMessageType::kNormal;
  std::string offset_msg_id;
  bool success = false;           // SendStatus SEND_OK
};

// sendMessageBefore's part, from the message: topic, tags, keys and the type sendKernelImpl
// gives the context (TRAN_MSG "true": Trans_Msg_Half; DELAY or __STARTDELIVERTIME: Delay_Msg).
PubTrace pub_trace_before(const Message& message);

// encoderFromContextBean's Pub record, FIELD_SPLITOR included.
void append_pub_trace(const PubTrace& trace, std::string& out);
std::string encode_pub_trace(const PubTrace& trace);

// Encoded records waiting to go out as one trace message: the body is their concatenation,
// the keys the traced msgIds and message keys (TraceTransferBean.transKey), each once.
class TraceBatch {
 public:
  void add(const PubTrace& trace);
  bool empty() const { return body_.empty(); }
  std::size_t body_size() const { return body_.size(); }
  const std::string& body() const { return body_; }
  const std::vector<std::string>& keys() const { return keys_; }
  void clear();

 private:
  void add_key(const std::string& key);

  std::string body_;
  std::vector<std::string> keys_;
  std::unordered_set<std::string> seen_keys_;
};

}  // namespace mqsend
