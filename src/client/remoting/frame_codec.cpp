#include "client/remoting/frame_codec.hpp"

#include <fmt/format.h>

#include "client/remoting/binary_bytes.hpp"
#include "client/remoting/header_codec.hpp"

namespace mqsend {

namespace {

constexpr std::size_t kWordSize = 4;
constexpr std::uint32_t kHeaderLengthMask = 0xFFFFFF;
// Once this much of the buffer is consumed it is moved down, so a long stream stays bounded.
constexpr std::size_t kCompactThreshold = 64 * 1024;

Error frame_error(std::string message) {
  return Error{error_code::kProtocolError, std::move(message)};
}

// Checks a length word as soon as it is seen, before anything is allocated for it.
Status check_frame_length(std::int64_t length) {
  if (length < static_cast<std::int64_t>(kWordSize)) {
    return frame_error(fmt::format("frame length {} is below the minimum of 4", length));
  }
  if (length > kMaxFrameLength) {
    return frame_error(fmt::format("frame length {} exceeds the maximum of {}", length, kMaxFrameLength));
  }
  return std::nullopt;
}

}  // namespace

void encode_frame(const RemotingCommand& command, std::string& out, const ExtFieldOrder* order) {
  const std::size_t start = out.size();
  out.append(2 * kWordSize, '\0');  // length and header-length words, filled in below
  if (command.serialize_type == SerializeType::kRocketMQ) {
    encode_binary_header(command, out, order);
  } else {
    encode_json_header(command, out, order);
  }
  // Precondition (callers validate sizes): the header fits 24 bits, the frame kMaxFrameLength.
  const std::size_t header_length = out.size() - start - 2 * kWordSize;
  out += command.body;
  const std::size_t length = kWordSize + header_length + command.body.size();
  const auto type_byte = static_cast<std::uint32_t>(command.serialize_type);
  store_be32(out.data() + start, static_cast<std::uint32_t>(length));
  store_be32(out.data() + start + kWordSize,
             (type_byte << 24) | (static_cast<std::uint32_t>(header_length) & kHeaderLengthMask));
}

std::string encode_frame(const RemotingCommand& command) {
  std::string out;
  encode_frame(command, out);
  return out;
}

Result<RemotingCommand> decode_frame_payload(std::string_view payload) {
  if (auto failure = check_frame_length(static_cast<std::int64_t>(payload.size()))) return *failure;
  const std::uint32_t word = load_be32(payload.data());
  const std::uint32_t type_byte = word >> 24;
  const std::size_t header_length = word & kHeaderLengthMask;
  if (header_length > payload.size() - kWordSize) {
    return frame_error(fmt::format("header length {} exceeds the {} bytes left in the frame",
                                   header_length, payload.size() - kWordSize));
  }
  const std::string_view header = payload.substr(kWordSize, header_length);
  RemotingCommand command;
  Status header_status;
  switch (type_byte) {
    case static_cast<std::uint32_t>(SerializeType::kJson):
      command.serialize_type = SerializeType::kJson;
      header_status = decode_json_header(header, command);
      break;
    case static_cast<std::uint32_t>(SerializeType::kRocketMQ):
      command.serialize_type = SerializeType::kRocketMQ;
      header_status = decode_binary_header(header, command);
      break;
    default:
      return frame_error(fmt::format("unknown serialize type {}", type_byte));
  }
  if (header_status) return *header_status;
  command.body.assign(payload.substr(kWordSize + header_length));
  return command;
}

void FrameDecoder::feed(std::string_view bytes) {
  if (failed_) return;  // a dead stream keeps nothing
  if (consumed_ == buffer_.size()) {
    buffer_.clear();
    consumed_ = 0;
  } else if (consumed_ >= kCompactThreshold) {
    buffer_.erase(0, consumed_);
    consumed_ = 0;
  }
  buffer_.append(bytes.data(), bytes.size());
}

FrameDecoder::State FrameDecoder::next(RemotingCommand& out, Error& error) {
  if (failed_) {
    error = frame_error("the stream already failed to decode");
    return State::kError;
  }
  if (buffered() < kWordSize) return State::kNeedMore;
  const auto length = static_cast<std::int32_t>(load_be32(buffer_.data() + consumed_));
  if (auto failure = check_frame_length(length)) {
    failed_ = true;
    error = std::move(*failure);
    return State::kError;
  }
  const std::size_t frame_size = kWordSize + static_cast<std::size_t>(length);
  if (buffered() < frame_size) return State::kNeedMore;
  auto command = decode_frame_payload(std::string_view(buffer_).substr(consumed_ + kWordSize, length));
  consumed_ += frame_size;
  if (!command) {
    failed_ = true;
    error = command.error();
    return State::kError;
  }
  out = std::move(command).value();
  return State::kFrame;
}

}  // namespace mqsend
