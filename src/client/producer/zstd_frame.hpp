#pragma once
// Zstandard frames as RocketMQ 5's ZstdCompressor writes and reads them (zstd-jni's
// ZstdOutputStream at the producer's compressLevel), with libzstd.
#include <cstddef>
#include <string>
#include <string_view>

#include "client/common/error.hpp"

namespace mqsend {

// ZSTD_maxCLevel(): 22. Levels below 0 are the fast ones, 0 is zstd's default (3).
int zstd_max_level();

// Replaces `out`; false on failure (the body is then sent uncompressed).
bool zstd_frame_compress(std::string_view input, int level, std::string& out);

// kProtocolError on corrupt or truncated input, or when the output would exceed `max_output`.
Result<std::string> zstd_frame_decompress(std::string_view input, std::size_t max_output);

}  // namespace mqsend
