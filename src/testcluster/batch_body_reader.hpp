#pragma once
// A SEND_BATCH_MESSAGE body read as the 4.9.8 broker reads it (CommitLog.MessageExtEncoder
// .encode(MessageExtBatch)): a ByteBuffer walk that ignores each member's totalSize, magic and
// CRC, so a member with totalSize 0 is accepted, and that fails with the JDK's exception when a
// member runs past the end.
#include <cstdint>
#include <string_view>
#include <vector>

#include "client/common/error.hpp"

namespace mqsend {

struct BatchMember {
  std::int32_t flag = 0;
  std::string_view body;        // views into the request body
  std::string_view properties;
};

// Errors are SYSTEM_ERROR with the exception remark (java_exception.hpp): a header field past
// the end is a BufferUnderflowException, a body past it an ArrayIndexOutOfBoundsException
// (UtilAll.crc32 runs first), properties past it IllegalArgumentException "newPosition > limit".
Result<std::vector<BatchMember>> read_batch_body(std::string_view body);

}  // namespace mqsend
