#pragma once
// Body compression (reference 7.4) and the sysFlag bits (7.5).
#include <cstddef>
#include <cstdint>
#include <optional>
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

// RocketMQ 5's CompressionType (common/.../compression/CompressionType.java): the sysFlag
// type bits say which; bits 0 (clients before 4.9.4) or ZLIB mean zlib. Only 5.x brokers and
// consumers know LZ4 and Zstandard: a 4.x consumer inflates every compressed body as zlib.
enum class CompressionType { kZlib, kLz4, kZstd };

// "zlib", "lz4", "zstd", any case (CompressionType.of); nullopt otherwise.
std::optional<CompressionType> parse_compression_type(std::string_view name);
std::string_view compression_type_name(CompressionType type);
// The sysFlag bits of a body compressed so: COMPRESSED_FLAG | the type's bits.
std::int32_t compressed_sys_flag(CompressionType type);
// Whether `level` means something for `type` (zlib 0..9, zstd -7..22, lz4 none: Java's
// Lz4Compressor ignores the level).
bool compress_level_valid(CompressionType type, int level);

// Compresses with `type` at `level` (ignored for LZ4); replaces `out`; false on failure.
bool compress_body(CompressionType type, int level, std::string_view input, std::string& out);
// Decompresses a body stored with `sys_flag` (its type bits choose the codec).
Result<std::string> decompress_body(std::int32_t sys_flag, std::string_view input, std::size_t max_output);

inline constexpr int kDefaultCompressLevel = 5;
inline constexpr std::size_t kDefaultCompressThreshold = 4096;

// zlib stream (RFC 1950), as compress2 / java.util.zip.Deflater write it. Replaces `out`.
// False on failure (the caller then sends the body uncompressed, as Java does).
bool zlib_compress(std::string_view input, int level, std::string& out);

// Inflates a zlib stream; fails (kProtocolError) on corrupt or truncated input or when the
// output would exceed `max_output` bytes.
Result<std::string> zlib_decompress(std::string_view input, std::size_t max_output);

}  // namespace mqsend
