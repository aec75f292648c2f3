#include "client/producer/lz4_frame.hpp"

#include <memory>

#include <lz4frame.h>

namespace mqsend {

bool lz4_frame_compress(std::string_view input, std::string& out) {
  LZ4F_preferences_t preferences{};
  preferences.frameInfo.blockSizeID = LZ4F_max4MB;
  preferences.frameInfo.blockMode = LZ4F_blockIndependent;  // lz4-java reads no linked blocks
  preferences.frameInfo.contentChecksumFlag = LZ4F_noContentChecksum;
  out.resize(LZ4F_compressFrameBound(input.size(), &preferences));
  const std::size_t written =
      LZ4F_compressFrame(out.data(), out.size(), input.data(), input.size(), &preferences);
  if (LZ4F_isError(written)) {
    out.clear();
    return false;
  }
  out.resize(written);
  return true;
}

Result<std::string> lz4_frame_decompress(std::string_view input, std::size_t max_output) {
  LZ4F_dctx* raw = nullptr;
  if (LZ4F_isError(LZ4F_createDecompressionContext(&raw, LZ4F_VERSION))) {
    return Error{error_code::kProtocolError, "LZ4 decoder setup failed"};
  }
  const std::unique_ptr<LZ4F_dctx, decltype(&LZ4F_freeDecompressionContext)> context(
      raw, &LZ4F_freeDecompressionContext);
  std::string output;
  char chunk[65536];
  const char* next = input.data();
  std::size_t left = input.size();
  std::size_t hint = 1;  // LZ4F_decompress returns 0 once the frame is complete
  while (hint != 0) {
    std::size_t produced = sizeof chunk;
    std::size_t consumed = left;
    hint = LZ4F_decompress(context.get(), chunk, &produced, next, &consumed, nullptr);
    if (LZ4F_isError(hint)) {
      return Error{error_code::kProtocolError,
                   std::string("corrupt LZ4 frame: ") + LZ4F_getErrorName(hint)};
    }
    if (output.size() + produced > max_output) {
      return Error{error_code::kProtocolError, "decompressed body exceeds the size limit"};
    }
    output.append(chunk, produced);
    next += consumed;
    left -= consumed;
    if (hint != 0 && left == 0 && produced == 0) {
      return Error{error_code::kProtocolError, "truncated LZ4 frame"};
    }
  }
  return output;
}

}  // namespace mqsend
