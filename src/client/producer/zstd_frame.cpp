#include "client/producer/zstd_frame.hpp"

#include <memory>

#include <zstd.h>

namespace mqsend {

int zstd_max_level() { return ZSTD_maxCLevel(); }

bool zstd_frame_compress(std::string_view input, int level, std::string& out) {
  // One context per thread, kept: making one per message (ZSTD_compress) costs about as much
  // as compressing 10 KiB.
  thread_local const std::unique_ptr<ZSTD_CCtx, decltype(&ZSTD_freeCCtx)> context(ZSTD_createCCtx(),
                                                                                   &ZSTD_freeCCtx);
  if (!context) return false;
  out.resize(ZSTD_compressBound(input.size()));
  const std::size_t written =
      ZSTD_compressCCtx(context.get(), out.data(), out.size(), input.data(), input.size(), level);
  if (ZSTD_isError(written)) {
    out.clear();
    return false;
  }
  out.resize(written);
  return true;
}

Result<std::string> zstd_frame_decompress(std::string_view input, std::size_t max_output) {
  const std::unique_ptr<ZSTD_DStream, decltype(&ZSTD_freeDStream)> stream(ZSTD_createDStream(),
                                                                          &ZSTD_freeDStream);
  if (!stream) return Error{error_code::kProtocolError, "zstd decoder setup failed"};
  std::string output;
  char chunk[65536];
  ZSTD_inBuffer in{input.data(), input.size(), 0};
  std::size_t hint = 1;  // 0 once a frame is complete
  while (hint != 0) {
    ZSTD_outBuffer out{chunk, sizeof chunk, 0};
    hint = ZSTD_decompressStream(stream.get(), &out, &in);
    if (ZSTD_isError(hint)) {
      return Error{error_code::kProtocolError, std::string("corrupt zstd frame: ") + ZSTD_getErrorName(hint)};
    }
    if (output.size() + out.pos > max_output) {
      return Error{error_code::kProtocolError, "decompressed body exceeds the size limit"};
    }
    output.append(chunk, out.pos);
    if (hint != 0 && in.pos == in.size && out.pos < out.size) {
      return Error{error_code::kProtocolError, "truncated zstd frame"};
    }
  }
  return output;
}

}  // namespace mqsend
