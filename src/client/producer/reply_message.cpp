#include "client/producer/reply_message.hpp"

#include <charconv>
#include <random>

#include <fmt/format.h>

#include "client/producer/compression.hpp"
#include "client/producer/message.hpp"
#include "client/producer/properties.hpp"

namespace mqsend {

namespace {

template <typename Integer>
Integer number_field(const RemotingCommand& request, const char* name) {
  const std::string* text = request.field(name);
  Integer value = 0;
  if (text) std::from_chars(text->data(), text->data() + text->size(), value);
  return value;
}

std::string text_field(const RemotingCommand& request, const char* name) {
  const std::string* text = request.field(name);
  return text ? *text : std::string();
}

// Java caps nothing here; the broker's maxMessageSize bounds what a reply can hold.
constexpr std::size_t kMaxReplyBody = 64 * 1024 * 1024;

}  // namespace

std::string ReplyMessage::correlation_id() const {
  const auto it = properties.find(std::string(property_key::kCorrelationId));
  return it == properties.end() ? std::string() : it->second;
}

Result<ReplyMessage> parse_reply_push(const RemotingCommand& request, std::int64_t arrive_time_ms) {
  const std::string* topic = request.field("topic");
  if (!topic) return Error{error_code::kProtocolError, "PUSH_REPLY_MESSAGE_TO_CLIENT without a topic"};
  ReplyMessage reply;
  reply.topic = *topic;
  reply.queue_id = number_field<std::int32_t>(request, "queueId");
  reply.sys_flag = number_field<std::int32_t>(request, "sysFlag");
  reply.flag = number_field<std::int32_t>(request, "flag");
  reply.born_timestamp = number_field<std::int64_t>(request, "bornTimestamp");
  reply.store_timestamp = number_field<std::int64_t>(request, "storeTimestamp");
  reply.reconsume_times = number_field<std::int32_t>(request, "reconsumeTimes");
  reply.born_host = text_field(request, "bornHost");
  reply.store_host = text_field(request, "storeHost");
  if ((reply.sys_flag & sys_flag::kCompressed) != 0) {
    auto body = decompress_body(reply.sys_flag, request.body, kMaxReplyBody);
    if (!body) return Error{error_code::kProtocolError, "a reply body that does not uncompress: " + body.error().message};
    reply.body = std::move(body.value());
  } else {
    reply.body = request.body;
  }
  reply.properties = decode_properties(text_field(request, "properties"));
  reply.properties["ARRIVE_TIME"] = std::to_string(arrive_time_ms);  // PROPERTY_REPLY_MESSAGE_ARRIVE_TIME
  return reply;
}

std::string make_correlation_id() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  const std::uint64_t high = (random() & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;  // version 4
  const std::uint64_t low = (random() & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;   // IETF variant
  return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", high >> 32, (high >> 16) & 0xFFFF,
                     high & 0xFFFF, low >> 48, low & 0xFFFFFFFFFFFFULL);
}

}  // namespace mqsend
