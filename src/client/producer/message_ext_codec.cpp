#include "client/producer/message_ext_codec.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

#include "client/producer/compression.hpp"
#include "client/remoting/binary_bytes.hpp"

namespace mqsend {

namespace {

void append_be64(std::string& out, std::int64_t value) {
  append_be32(out, static_cast<std::uint32_t>(static_cast<std::uint64_t>(value) >> 32));
  append_be32(out, static_cast<std::uint32_t>(value));
}

// "a.b.c.d:port" as 4 address bytes and a 4-byte port.
Status append_ipv4_host(std::string& out, const std::string& host, const char* what) {
  const auto colon = host.rfind(':');
  in_addr address{};
  int port = -1;
  if (colon != std::string::npos) {
    const std::string ip = host.substr(0, colon);
    const char* end = host.data() + host.size();
    const auto parsed = std::from_chars(host.data() + colon + 1, end, port);
    if (inet_pton(AF_INET, ip.c_str(), &address) != 1 || parsed.ec != std::errc() ||
        parsed.ptr != end) {
      port = -1;
    }
  }
  if (port < 0 || port > 65535) {
    return Error{error_code::kInvalidArgument, std::string(what) + " is not an IPv4 ip:port: " + host};
  }
  out.append(reinterpret_cast<const char*>(&address.s_addr), 4);  // already network order
  append_be32(out, static_cast<std::uint32_t>(port));
  return std::nullopt;
}

// Reads fields front to back; every read fails once the buffer is short.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}

  bool ok() const { return ok_; }
  std::int32_t i32() {
    if (!take(4)) return 0;
    return static_cast<std::int32_t>(load_be32(bytes_.data() + at_ - 4));
  }
  std::int64_t i64() {
    const auto high = static_cast<std::uint32_t>(i32());
    const auto low = static_cast<std::uint32_t>(i32());
    return static_cast<std::int64_t>((std::uint64_t{high} << 32) | low);
  }
  std::int32_t i16() {
    if (!take(2)) return 0;
    return static_cast<std::int16_t>(load_be16(bytes_.data() + at_ - 2));
  }
  std::int32_t i8() {
    if (!take(1)) return 0;
    return static_cast<std::int8_t>(bytes_[at_ - 1]);
  }
  std::string_view bytes(std::int64_t length) {
    if (length < 0 || !take(static_cast<std::size_t>(length))) return {};
    return bytes_.substr(at_ - static_cast<std::size_t>(length), static_cast<std::size_t>(length));
  }
  // An address of 4 or 16 bytes and a port, as "ip:port" ("[ip]:port" for IPv6).
  std::string host(bool v6) {
    const std::string_view raw = bytes(v6 ? 16 : 4);
    const std::int32_t port = i32();
    if (!ok_) return {};
    char text[INET6_ADDRSTRLEN] = {};
    inet_ntop(v6 ? AF_INET6 : AF_INET, raw.data(), text, sizeof text);
    return v6 ? "[" + std::string(text) + "]:" + std::to_string(port)
              : std::string(text) + ":" + std::to_string(port);
  }

 private:
  bool take(std::size_t count) {
    if (!ok_ || bytes_.size() - at_ < count) {
      ok_ = false;
      return false;
    }
    at_ += count;
    return true;
  }

  std::string_view bytes_;
  std::size_t at_ = 0;
  bool ok_ = true;
};

}  // namespace

Result<std::string> encode_message_ext(const MessageExt& message) {
  if (message.topic.size() > 127) {
    return Error{error_code::kInvalidArgument, "the topic is longer than a MessageExt holds"};
  }
  if (message.properties.size() > 32767) {
    return Error{error_code::kInvalidArgument, "the properties are longer than a MessageExt holds"};
  }
  std::string out;
  out.reserve(100 + message.body.size() + message.topic.size() + message.properties.size());
  append_be32(out, 0);  // storeSize, set below
  append_be32(out, static_cast<std::uint32_t>(kMessageMagicCode));
  append_be32(out, static_cast<std::uint32_t>(message.body_crc));
  append_be32(out, static_cast<std::uint32_t>(message.queue_id));
  append_be32(out, static_cast<std::uint32_t>(message.flag));
  append_be64(out, message.queue_offset);
  append_be64(out, message.commit_log_offset);
  append_be32(out, static_cast<std::uint32_t>(message.sys_flag & ~(sys_flag::kBornHostV6 | sys_flag::kStoreHostV6)));
  append_be64(out, message.born_timestamp);
  if (Status bad = append_ipv4_host(out, message.born_host, "the born host")) return *bad;
  append_be64(out, message.store_timestamp);
  if (Status bad = append_ipv4_host(out, message.store_host, "the store host")) return *bad;
  append_be32(out, static_cast<std::uint32_t>(message.reconsume_times));
  append_be64(out, message.prepared_transaction_offset);
  append_be32(out, static_cast<std::uint32_t>(message.body.size()));
  out += message.body;
  out.push_back(static_cast<char>(message.topic.size()));
  out += message.topic;
  append_be16(out, static_cast<std::uint16_t>(message.properties.size()));
  out += message.properties;
  store_be32(out.data(), static_cast<std::uint32_t>(out.size()));
  return out;
}

Result<MessageExt> decode_message_ext(std::string_view bytes) {
  Reader reader(bytes);
  MessageExt message;
  const std::int32_t store_size = reader.i32();
  reader.i32();  // magic code: Java reads past it
  message.body_crc = reader.i32();
  message.queue_id = reader.i32();
  message.flag = reader.i32();
  message.queue_offset = reader.i64();
  message.commit_log_offset = reader.i64();
  message.sys_flag = reader.i32();
  message.born_timestamp = reader.i64();
  message.born_host = reader.host((message.sys_flag & sys_flag::kBornHostV6) != 0);
  message.store_timestamp = reader.i64();
  message.store_host = reader.host((message.sys_flag & sys_flag::kStoreHostV6) != 0);
  message.reconsume_times = reader.i32();
  message.prepared_transaction_offset = reader.i64();
  message.body = std::string(reader.bytes(reader.i32()));
  message.topic = std::string(reader.bytes(reader.i8()));
  message.properties = std::string(reader.bytes(reader.i16()));
  if (!reader.ok() || store_size <= 0) {
    return Error{error_code::kProtocolError, "a stored message (MessageExt) ends early"};
  }
  return message;
}

std::optional<std::int64_t> commit_log_offset_of(std::string_view offset_msg_id) {
  if (offset_msg_id.size() != 32) return std::nullopt;
  std::uint64_t offset = 0;
  const char* end = offset_msg_id.data() + 32;
  const auto parsed = std::from_chars(offset_msg_id.data() + 16, end, offset, 16);
  if (parsed.ec != std::errc() || parsed.ptr != end) return std::nullopt;
  return static_cast<std::int64_t>(offset);
}

}  // namespace mqsend
