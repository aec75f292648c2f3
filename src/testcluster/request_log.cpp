#include "testcluster/request_log.hpp"

#include <charconv>

#include "client/remoting/codes.hpp"

namespace mqsend {

namespace {

bool is_send(int code) {
  return code == request_code::kSendMessage || code == request_code::kSendMessageV2 ||
         code == request_code::kSendBatchMessage;
}

int parse_queue_id(const std::string* text) {
  int value = -1;
  if (text) std::from_chars(text->data(), text->data() + text->size(), value);
  return value;
}

}  // namespace

RequestLogEntry describe_request(const std::string& target, const RemotingCommand& request,
                                 std::int64_t time_ms) {
  RequestLogEntry entry;
  entry.target = target;
  entry.code = request.code;
  entry.opaque = request.opaque;
  entry.time_ms = time_ms;
  entry.oneway = request.is_oneway();
  entry.response = request.is_response();
  if (is_send(request.code) && !entry.response) {
    // Code 10 uses the long header names, 310/320 the letters (reference 3.2).
    const bool v1 = request.code == request_code::kSendMessage;
    if (const std::string* topic = request.field(v1 ? "topic" : "b")) entry.topic = *topic;
    entry.queue_id = parse_queue_id(request.field(v1 ? "queueId" : "e"));
  }
  return entry;
}

void RequestLog::add(RequestLogEntry entry) {
  ++total_;
  if (limit_ == 0) return;
  if (entries_.size() >= limit_) entries_.pop_front();
  entries_.push_back(std::move(entry));
}

nlohmann::json RequestLog::to_json(const RequestLogEntry& entry) {
  nlohmann::json out = {{"target", entry.target}, {"code", entry.code},
                        {"opaque", entry.opaque}, {"time_ms", entry.time_ms},
                        {"oneway", entry.oneway}};
  if (entry.response) out["response"] = true;
  if (!entry.topic.empty()) {
    out["topic"] = entry.topic;
    out["queue_id"] = entry.queue_id;
  }
  return out;
}

}  // namespace mqsend
