#include "client/producer/batch_codec.hpp"

#include <limits>

#include <fmt/format.h>

#include "client/producer/properties.hpp"
#include "client/producer/validators.hpp"
#include "client/remoting/binary_bytes.hpp"

namespace mqsend {
namespace {

// totalSize, magicCode, bodyCRC, flag, bodyLen (4 bytes each) + propsLen (2 bytes).
constexpr std::size_t kRecordOverhead = 22;

Error illegal(std::string message) { return Error{error_code::kMessageIllegal, std::move(message)}; }

}  // namespace

Result<std::string> encode_batch(const std::vector<Message>& messages) {
  std::string out;
  std::string properties;
  for (const Message& message : messages) {
    properties.clear();
    encode_properties(message.properties, properties);
    if (properties.size() > kMaxPropertiesLength) {
      return illegal(fmt::format("Properties size of message exceeded, properties size: {}, maxSize: {}.",
                                 properties.size(), kMaxPropertiesLength));
    }
    const std::size_t total = kRecordOverhead + message.body.size() + properties.size();
    if (total > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max())) {
      return illegal("the message body is too large for a batch record");
    }
    append_be32(out, static_cast<std::uint32_t>(total));
    append_be32(out, 0);  // magic code: the broker fills it in
    append_be32(out, 0);  // body CRC: computed by the broker
    append_be32(out, static_cast<std::uint32_t>(message.flag));
    append_be32(out, static_cast<std::uint32_t>(message.body.size()));
    out.append(message.body);
    append_be16(out, static_cast<std::uint16_t>(properties.size()));
    out.append(properties);
  }
  return out;
}

Result<std::vector<Message>> decode_batch(std::string_view body) {
  std::vector<Message> messages;
  std::size_t at = 0;
  while (at < body.size()) {
    const std::size_t left = body.size() - at;
    if (left < kRecordOverhead) return illegal("truncated batch record header");
    const char* record = body.data() + at;
    const std::uint32_t total = load_be32(record);
    const std::int32_t flag = static_cast<std::int32_t>(load_be32(record + 12));
    const std::uint32_t body_length = load_be32(record + 16);
    if (total > left || total < kRecordOverhead ||
        body_length > total - kRecordOverhead) {
      return illegal("batch record length out of bounds");
    }
    const std::uint16_t properties_length = load_be16(record + 20 + body_length);
    if (kRecordOverhead + body_length + properties_length != total) {
      return illegal("batch record sizes do not add up");
    }
    Message message;
    message.flag = flag;
    message.body.assign(record + 20, body_length);
    message.properties = decode_properties(
        std::string_view(record + kRecordOverhead + body_length, properties_length));
    messages.push_back(std::move(message));
    at += total;
  }
  return messages;
}

}  // namespace mqsend
