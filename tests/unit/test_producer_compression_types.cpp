// RocketMQ 5 compression types: the sysFlag bits (MessageSysFlag, CompressionType), the frames
// (lz4-java's LZ4FrameOutputStream defaults, zstd-jni frames) and the level rules.
#include <catch2/catch.hpp>

#include <string>

#include "client/producer/compression.hpp"

using namespace mqsend;

namespace {

std::string log_like_body() {
  std::string body;
  for (int i = 0; body.size() < 10240; ++i) {
    body += "2026-12-01T17:00:" + std::to_string(i % 60) + "Z INFO [worker-" + std::to_string(i % 8) +
            "] order=" + std::to_string(10000 + i * 37) + " status=OK\n";
  }
  return body;
}

std::uint32_t little_endian32(const std::string& bytes, std::size_t at) {
  std::uint32_t value = 0;
  for (int i = 3; i >= 0; --i) value = value << 8 | static_cast<unsigned char>(bytes[at + static_cast<std::size_t>(i)]);
  return value;
}

}  // namespace

TEST_CASE("compression types: names and sysFlag bits as RocketMQ 5 sets them", "[producer][compression]") {
  CHECK(parse_compression_type("ZSTD") == CompressionType::kZstd);  // CompressionType.of uppercases
  CHECK(parse_compression_type("lz4") == CompressionType::kLz4);
  CHECK(parse_compression_type("Zlib") == CompressionType::kZlib);
  CHECK(parse_compression_type("snappy") == std::nullopt);
  // COMPRESSED_FLAG (0x1) | the type at bits 8-10: LZ4 1, ZSTD 2, ZLIB 3.
  CHECK(compressed_sys_flag(CompressionType::kLz4) == 0x101);
  CHECK(compressed_sys_flag(CompressionType::kZstd) == 0x201);
  CHECK(compressed_sys_flag(CompressionType::kZlib) == 0x301);
}

TEST_CASE("compression types: each round-trips and the flag picks the decoder", "[producer][compression]") {
  const std::string body = log_like_body();
  for (const CompressionType type : {CompressionType::kZlib, CompressionType::kLz4, CompressionType::kZstd}) {
    INFO(compression_type_name(type));
    std::string compressed;
    REQUIRE(compress_body(type, 5, body, compressed));
    CHECK(compressed.size() < body.size() / 2);
    auto restored = decompress_body(compressed_sys_flag(type), compressed, 1 << 20);
    REQUIRE(restored);
    CHECK(restored.value() == body);
    CHECK_FALSE(decompress_body(compressed_sys_flag(type), compressed.substr(0, compressed.size() / 2), 1 << 20));
    CHECK_FALSE(decompress_body(compressed_sys_flag(type), compressed, body.size() - 1));  // over the limit
  }
  // Clients before 4.9.4 set COMPRESSED_FLAG alone: zlib.
  std::string zlib;
  REQUIRE(compress_body(CompressionType::kZlib, 5, body, zlib));
  CHECK(decompress_body(sys_flag::kCompressed, zlib, 1 << 20).value() == body);
  CHECK_FALSE(decompress_body(sys_flag::kCompressed | 0x400, zlib, 1 << 20));  // type 4: unknown
}

TEST_CASE("compression types: the LZ4 frame is what lz4-java reads: independent blocks, no checksum", "[producer][compression]") {
  std::string frame;
  REQUIRE(compress_body(CompressionType::kLz4, 0, log_like_body(), frame));
  CHECK(little_endian32(frame, 0) == 0x184D2204);  // LZ4 frame magic
  const auto flg = static_cast<unsigned char>(frame[4]);
  CHECK((flg >> 6) == 1);          // version 01
  CHECK((flg & 0x20) != 0);        // block independence (LZ4FrameInputStream refuses linked blocks)
  CHECK((flg & 0x04) == 0);        // no content checksum, as LZ4FrameOutputStream's default
  // Block size at most 4 MiB: liblz4 lowers it to the smallest that holds the body (64 KiB).
  CHECK(((static_cast<unsigned char>(frame[5]) >> 4) & 0x7) == 4);
}

TEST_CASE("compression types: the zstd frame and the levels each type takes", "[producer][compression]") {
  std::string frame;
  REQUIRE(compress_body(CompressionType::kZstd, 3, log_like_body(), frame));
  CHECK(little_endian32(frame, 0) == 0xFD2FB528);  // zstd frame magic
  CHECK(compress_level_valid(CompressionType::kZlib, 0));
  CHECK(compress_level_valid(CompressionType::kZlib, 9));
  CHECK_FALSE(compress_level_valid(CompressionType::kZlib, 10));
  CHECK(compress_level_valid(CompressionType::kZstd, -7));
  CHECK(compress_level_valid(CompressionType::kZstd, 22));
  CHECK_FALSE(compress_level_valid(CompressionType::kZstd, 23));
  CHECK_FALSE(compress_level_valid(CompressionType::kLz4, 5));
}
