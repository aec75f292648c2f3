#include "client/producer/compression.hpp"

#include <cctype>
#include <limits>

#include <zlib.h>

#include "client/producer/lz4_frame.hpp"
#include "client/producer/zstd_frame.hpp"

namespace mqsend {

namespace {
// libzstd goes far lower; past -7 the ratio is hardly compression any more.
constexpr int kZstdFastestLevel = -7;
}  // namespace

std::optional<CompressionType> parse_compression_type(std::string_view name) {
  std::string lower(name);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "zlib") return CompressionType::kZlib;
  if (lower == "lz4") return CompressionType::kLz4;
  if (lower == "zstd") return CompressionType::kZstd;
  return std::nullopt;
}

std::string_view compression_type_name(CompressionType type) {
  switch (type) {
    case CompressionType::kZlib: return "zlib";
    case CompressionType::kLz4: return "lz4";
    case CompressionType::kZstd: return "zstd";
  }
  return "zlib";
}

std::int32_t compressed_sys_flag(CompressionType type) {
  switch (type) {
    case CompressionType::kZlib: return sys_flag::kCompressed | sys_flag::kCompressionZlib;
    case CompressionType::kLz4: return sys_flag::kCompressed | sys_flag::kCompressionLz4;
    case CompressionType::kZstd: return sys_flag::kCompressed | sys_flag::kCompressionZstd;
  }
  return sys_flag::kCompressedZlib;
}

bool compress_level_valid(CompressionType type, int level) {
  switch (type) {
    case CompressionType::kZlib: return level >= 0 && level <= 9;
    case CompressionType::kLz4: return false;
    case CompressionType::kZstd: return level >= kZstdFastestLevel && level <= zstd_max_level();
  }
  return false;
}

bool compress_body(CompressionType type, int level, std::string_view input, std::string& out) {
  switch (type) {
    case CompressionType::kZlib: return zlib_compress(input, level, out);
    case CompressionType::kLz4: return lz4_frame_compress(input, out);
    case CompressionType::kZstd: return zstd_frame_compress(input, level, out);
  }
  return false;
}

Result<std::string> decompress_body(std::int32_t flags, std::string_view input, std::size_t max_output) {
  switch (flags & sys_flag::kCompressionTypeMask) {
    case 0:  // clients before 4.9.4: zlib without type bits
    case sys_flag::kCompressionZlib: return zlib_decompress(input, max_output);
    case sys_flag::kCompressionLz4: return lz4_frame_decompress(input, max_output);
    case sys_flag::kCompressionZstd: return zstd_frame_decompress(input, max_output);
    default:
      return Error{error_code::kProtocolError,
                   "unknown compression type " + std::to_string((flags & sys_flag::kCompressionTypeMask) >> 8)};
  }
}

namespace {

// One deflate state per thread, reset for each body: deflateInit allocates about 270 KiB,
// which costs more than compressing a 10 KiB body. The output is compress2's.
class DeflateState {
 public:
  DeflateState() = default;
  DeflateState(const DeflateState&) = delete;
  DeflateState& operator=(const DeflateState&) = delete;
  ~DeflateState() {
    if (ready_) deflateEnd(&stream_);
  }

  z_stream* reset_for(int level) {
    if (ready_ && level_ != level) {
      deflateEnd(&stream_);
      ready_ = false;
    }
    if (ready_) {
      deflateReset(&stream_);
      return &stream_;
    }
    stream_ = z_stream{};
    if (deflateInit(&stream_, level) != Z_OK) return nullptr;
    ready_ = true;
    level_ = level;
    return &stream_;
  }

 private:
  z_stream stream_{};
  bool ready_ = false;
  int level_ = 0;
};

}  // namespace

bool zlib_compress(std::string_view input, int level, std::string& out) {
  if (input.size() > std::numeric_limits<uInt>::max()) return false;
  thread_local DeflateState state;
  z_stream* stream = state.reset_for(level);
  if (!stream) return false;
  out.resize(deflateBound(stream, static_cast<uLong>(input.size())));
  stream->next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
  stream->avail_in = static_cast<uInt>(input.size());
  stream->next_out = reinterpret_cast<Bytef*>(out.data());
  stream->avail_out = static_cast<uInt>(out.size());
  if (deflate(stream, Z_FINISH) != Z_STREAM_END) {
    out.clear();
    return false;
  }
  out.resize(out.size() - stream->avail_out);
  return true;
}

Result<std::string> zlib_decompress(std::string_view input, std::size_t max_output) {
  if (input.size() > std::numeric_limits<uInt>::max()) {
    return Error{error_code::kProtocolError, "compressed body too large"};
  }
  z_stream stream{};
  if (inflateInit(&stream) != Z_OK) return Error{error_code::kProtocolError, "inflateInit failed"};
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
  stream.avail_in = static_cast<uInt>(input.size());

  std::string output;
  char chunk[16384];
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    stream.next_out = reinterpret_cast<Bytef*>(chunk);
    stream.avail_out = sizeof chunk;
    rc = inflate(&stream, Z_NO_FLUSH);
    const std::size_t produced = sizeof chunk - stream.avail_out;
    if (rc != Z_OK && rc != Z_STREAM_END) break;
    if (output.size() + produced > max_output) {
      inflateEnd(&stream);
      return Error{error_code::kProtocolError, "inflated body exceeds the size limit"};
    }
    output.append(chunk, produced);
  }
  inflateEnd(&stream);
  // Z_BUF_ERROR here means no progress was possible: the stream is truncated. Bytes after the
  // end of the stream are ignored, as Java's InflaterInputStream does.
  if (rc != Z_STREAM_END) {
    return Error{error_code::kProtocolError, "corrupt or truncated zlib stream"};
  }
  return output;
}

}  // namespace mqsend
