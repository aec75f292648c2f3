#pragma once
// LZ4 frames as RocketMQ 5's Lz4Compressor writes and reads them (lz4-java's
// LZ4FrameOutputStream defaults: independent blocks of up to 4 MiB, no checksums), with liblz4.
#include <cstddef>
#include <string>
#include <string_view>

#include "client/common/error.hpp"

namespace mqsend {

// Replaces `out`; false on failure (the body is then sent uncompressed).
bool lz4_frame_compress(std::string_view input, std::string& out);

// Any LZ4 frame (linked blocks too); kProtocolError on corrupt or truncated input, or when
// the output would exceed `max_output` bytes.
Result<std::string> lz4_frame_decompress(std::string_view input, std::size_t max_output);

}  // namespace mqsend
