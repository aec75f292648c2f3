#include "client/producer/trace/trace_record.hpp"

namespace mqsend {

namespace {
void append_field(std::string_view value, std::string& out) {
  out += value;
  out += kTraceContentSplitor;
}
}  // namespace

PubTrace pub_trace_before(const Message& message) {
  PubTrace trace;
  trace.topic = message.topic;
  if (auto tags = message.property(property_key::kTags); !tags.empty()) trace.tags = tags;
  if (auto keys = message.property(property_key::kKeys); !keys.empty()) trace.keys = keys;
  if (message.property(property_key::kTransactionPrepared) == "true") {
    trace.message_type = TraceMessageType::kTransHalf;
  }
  if (!message.property(property_key::kDelay).empty() || !message.property("__STARTDELIVERTIME").empty()) {
    trace.message_type = TraceMessageType::kDelay;
  }
  return trace;
}

// Field order of TraceDataEncoder.encoderFromContextBean, case Pub (4.9.8).
void append_pub_trace(const PubTrace& trace, std::string& out) {
  append_field("Pub", out);
  append_field(std::to_string(trace.timestamp_ms), out);
  append_field(trace.region_id, out);
  append_field(trace.group, out);
  append_field(trace.topic, out);
  append_field(trace.msg_id, out);
  append_field(trace.tags, out);
  append_field(trace.keys, out);
  append_field(trace.store_host, out);
  append_field(std::to_string(trace.body_length), out);
  append_field(std::to_string(trace.cost_time_ms), out);
  append_field(std::to_string(static_cast<int>(trace.message_type)), out);
  append_field(trace.offset_msg_id, out);
  out += trace.success ? "true" : "false";
  out += kTraceFieldSplitor;
}

std::string encode_pub_trace(const PubTrace& trace) {
  std::string out;
  append_pub_trace(trace, out);
  return out;
}

// transKey: the msgId, then the keys when the message has any (Java skips null and "").
void TraceBatch::add(const PubTrace& trace) {
  append_pub_trace(trace, body_);
  add_key(trace.msg_id);
  if (trace.keys != "null") add_key(trace.keys);
}

// A HashSet in Java; first-seen order here, so the KEYS property is reproducible.
void TraceBatch::add_key(const std::string& key) {
  if (key.empty() || !seen_keys_.insert(key).second) return;
  keys_.push_back(key);
}

void TraceBatch::clear() {
  body_.clear();
  keys_.clear();
  seen_keys_.clear();
}

}  // namespace mqsend
