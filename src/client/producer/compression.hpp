#pragma once
// Body compression (reference 7.4) and the sysFlag bits (7.5).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "client/common/error.hpp"

namespace mqsend {

namespace sys_flag {
inline constexpr std::int32_t kCompressed = 0x1;
inline constexpr std::int32_t kMultiTags = 0x2;
inline constexpr std::int32_t kTransactionPrepared = 0x4;
inline constexpr std::int32_t kTransactionCommit = 0x8;
inline constexpr std::int32_t kTransactionRollback = 0xC;
inline constexpr std::int32_t kBornHostV6 = 0x10;
inline constexpr std::int32_t kStoreHostV6 = 0x20;
inline constexpr std::int32_t kNeedUnwrap = 0x40;
inline constexpr std::int32_t kInnerBatch = 0x80;
inline constexpr std::int32_t kCompressionLz4 = 0x100;
inline constexpr std::int32_t kCompressionZstd = 0x200;
inline constexpr std::int32_t kCompressionZlib = 0x300;
inline constexpr std::int32_t kCompressionTypeMask = 0x700;
// What a 4.9.4+ Java client sets on a zlib-compressed body.
inline constexpr std::int32_t kCompressedZlib = kCompressed | kCompressionZlib;
}  // namespace sys_flag

inline constexpr int kDefaultCompressLevel = 5;
inline constexpr std::size_t kDefaultCompressThreshold = 4096;

// zlib stream (RFC 1950), as compress2 / java.util.zip.Deflater write it. Replaces `out`.
// False on failure (the caller then sends the body uncompressed, as Java does).
bool zlib_compress(std::string_view input, int level, std::string& out);

// Inflates a zlib stream; fails (kProtocolError) on corrupt or truncated input or when the
// output would exceed `max_output` bytes.
Result<std::string> zlib_decompress(std::string_view input, std::size_t max_output);

}  // namespace mqsend
