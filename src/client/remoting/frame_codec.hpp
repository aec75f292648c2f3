#pragma once
// Frame layout: int32 length (excludes itself) | serType(1B) hdrLen(3B) | header | body.
// Pure functions: no I/O. Both header serializations are decoded; the encoder uses
// command.serialize_type.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "client/common/error.hpp"
#include "client/remoting/header_codec.hpp"
#include "client/remoting/remoting_command.hpp"

namespace mqsend {

// Largest accepted value of the length field: Netty checks length + 4 against 16 MiB.
inline constexpr std::int64_t kMaxFrameLength = 16777216 - 4;

// Appends the whole frame (length word included) to `out`. The caller keeps the command within
// the limits (header below 16 MiB, length at most kMaxFrameLength): producers validate sizes first.
// `order`: the extFields order (header_codec.hpp), by key when null.
void encode_frame(const RemotingCommand& command, std::string& out,
                  const ExtFieldOrder* order = nullptr);
std::string encode_frame(const RemotingCommand& command);

// Decodes the bytes after the length word (header-length word, header, body).
// Errors carry error_code::kProtocolError.
Result<RemotingCommand> decode_frame_payload(std::string_view payload);

// Incremental decoder for a byte stream: feed what arrived, take complete frames out.
// Validates the length word as soon as it is seen, so a hostile length never allocates.
class FrameDecoder {
 public:
  enum class State { kNeedMore, kFrame, kError };

  // Appends received bytes.
  void feed(std::string_view bytes);
  // Tries to take the next frame. kFrame fills `out`; kError fills `error` and the stream is dead.
  State next(RemotingCommand& out, Error& error);
  std::size_t buffered() const { return buffer_.size() - consumed_; }

 private:
  std::string buffer_;
  std::size_t consumed_ = 0;
  bool failed_ = false;
};

}  // namespace mqsend
