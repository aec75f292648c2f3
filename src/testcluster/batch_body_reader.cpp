#include "testcluster/batch_body_reader.hpp"

#include <fmt/format.h>

#include "client/remoting/codes.hpp"
#include "testcluster/java_exception.hpp"

namespace mqsend {

namespace {

Error underflow() {
  return Error{response_code::kSystemError,
               exception_remark("java.nio.BufferUnderflowException", std::nullopt,
                                "java.nio.Buffer.nextGetIndex(Buffer.java)")};
}

// Buffer.position(newPosition) on a JDK 8u3xx.
Error bad_position(std::int64_t position, std::size_t limit) {
  const std::string message =
      position < 0 ? fmt::format("newPosition < 0: ({} < 0)", position)
                   : fmt::format("newPosition > limit: ({} > {})", position, limit);
  return Error{response_code::kSystemError,
               exception_remark("java.lang.IllegalArgumentException", message,
                                "java.nio.Buffer.createPositionException(Buffer.java:269)")};
}

class BufferWalk {
 public:
  explicit BufferWalk(std::string_view bytes) : bytes_(bytes) {}

  bool has_remaining() const { return position_ < bytes_.size(); }
  std::size_t position() const { return position_; }
  std::size_t limit() const { return bytes_.size(); }

  template <typename Integer>
  Result<Integer> get() {
    if (bytes_.size() - position_ < sizeof(Integer)) return underflow();
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < sizeof(Integer); ++i) {
      value = (value << 8) | static_cast<unsigned char>(bytes_[position_ + i]);
    }
    position_ += sizeof(Integer);
    return static_cast<Integer>(value);
  }
  Status set_position(std::int64_t position) {
    if (position < 0 || static_cast<std::uint64_t>(position) > bytes_.size()) {
      return bad_position(position, bytes_.size());
    }
    position_ = static_cast<std::size_t>(position);
    return std::nullopt;
  }
  std::string_view slice(std::size_t from, std::size_t length) const {
    return bytes_.substr(from, length);
  }

 private:
  std::string_view bytes_;
  std::size_t position_ = 0;
};

}  // namespace

Result<std::vector<BatchMember>> read_batch_body(std::string_view body) {
  BufferWalk walk(body);
  std::vector<BatchMember> members;
  while (walk.has_remaining()) {
    BatchMember member;
    for (int skipped = 0; skipped < 3; ++skipped) {  // totalSize, magic, bodyCRC: unread
      auto ignored = walk.get<std::int32_t>();
      if (!ignored) return ignored.error();
    }
    auto flag = walk.get<std::int32_t>();
    if (!flag) return flag.error();
    auto body_length = walk.get<std::int32_t>();
    if (!body_length) return body_length.error();
    const std::size_t body_position = walk.position();
    // UtilAll.crc32(array, bodyPos, bodyLen) checks its bounds before the position moves.
    if (*body_length < 0 || static_cast<std::size_t>(*body_length) > walk.limit() - body_position) {
      return Error{response_code::kSystemError,
                   exception_remark("java.lang.ArrayIndexOutOfBoundsException", std::nullopt,
                                    "java.util.zip.CRC32.update(CRC32.java)")};
    }
    if (Status error = walk.set_position(static_cast<std::int64_t>(body_position) + *body_length)) {
      return *error;
    }
    auto properties_length = walk.get<std::int16_t>();
    if (!properties_length) return properties_length.error();
    const std::size_t properties_position = walk.position();
    if (*properties_length < 0) {
      // The position moves back and the encoder's writeBytes fails on the negative length.
      return Error{response_code::kSystemError,
                   exception_remark("java.lang.IndexOutOfBoundsException", std::nullopt,
                                    "io.netty.buffer.AbstractByteBuf.checkIndex("
                                    "AbstractByteBuf.java)")};
    }
    if (Status error = walk.set_position(static_cast<std::int64_t>(properties_position) +
                                         *properties_length)) {
      return *error;
    }
    member.flag = *flag;
    member.body = walk.slice(body_position, static_cast<std::size_t>(*body_length));
    member.properties =
        walk.slice(properties_position, static_cast<std::size_t>(*properties_length));
    members.push_back(member);
  }
  return members;
}

}  // namespace mqsend
