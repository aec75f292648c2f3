#include "client/producer/compression.hpp"

#include <limits>

#include <zlib.h>

namespace mqsend {

bool zlib_compress(std::string_view input, int level, std::string& out) {
  if (input.size() > std::numeric_limits<uLong>::max()) return false;
  uLongf capacity = compressBound(static_cast<uLong>(input.size()));
  out.resize(capacity);
  const int rc = compress2(reinterpret_cast<Bytef*>(out.data()), &capacity,
                           reinterpret_cast<const Bytef*>(input.data()),
                           static_cast<uLong>(input.size()), level);
  if (rc != Z_OK) {
    out.clear();
    return false;
  }
  out.resize(capacity);
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
