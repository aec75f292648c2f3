// zlib body compression (reference 7.4) against the captured compressed send.
#include <catch2/catch.hpp>

#include <string>

#include "client/producer/compression.hpp"
#include "client/producer/send_request.hpp"
#include "test_producer_support.hpp"

using namespace mqsend;

TEST_CASE("zlib round trip", "[producer]") {
  std::string input;
  for (int i = 0; i < 5000; ++i) input += "payload " + std::to_string(i) + ' ';
  std::string compressed;
  REQUIRE(zlib_compress(input, kDefaultCompressLevel, compressed));
  CHECK(compressed.size() < input.size() / 2);
  CHECK(static_cast<unsigned char>(compressed[0]) == 0x78);  // zlib header, not raw deflate/gzip
  auto restored = zlib_decompress(compressed, input.size());
  REQUIRE(restored.ok());
  CHECK(*restored == input);

  std::string empty;
  REQUIRE(zlib_compress("", 5, empty));
  CHECK(zlib_decompress(empty, 0).value().empty());
  std::string dummy;
  CHECK_FALSE(zlib_compress("abc", 42, dummy));  // invalid level
}

TEST_CASE("zlib decompression rejects corrupt, truncated and oversized input", "[producer]") {
  const std::string input(100000, 'a');
  std::string compressed;
  REQUIRE(zlib_compress(input, 5, compressed));

  auto too_big = zlib_decompress(compressed, input.size() - 1);
  REQUIRE_FALSE(too_big.ok());
  CHECK(too_big.error().code == error_code::kProtocolError);
  CHECK_FALSE(zlib_decompress(compressed.substr(0, compressed.size() / 2), input.size()).ok());
  CHECK_FALSE(zlib_decompress(compressed.substr(0, compressed.size() - 1), input.size()).ok());
  CHECK_FALSE(zlib_decompress("not zlib at all", 1000).ok());
  CHECK_FALSE(zlib_decompress("", 1000).ok());
  std::string corrupt = compressed;
  corrupt[corrupt.size() - 2] ^= 0x55;  // Adler-32 mismatch
  CHECK_FALSE(zlib_decompress(corrupt, input.size()).ok());
}

TEST_CASE("the captured compressed send inflates and matches our level-5 output", "[producer]") {
  const RemotingCommand request = test::read_vector_frame("send-v2-compressed.req.bin");
  auto header = decode_send_header(request);
  REQUIRE(header.ok());
  CHECK(header->sys_flag == 769);
  CHECK(header->sys_flag == sys_flag::kCompressedZlib);
  CHECK((header->sys_flag & sys_flag::kCompressionTypeMask) == sys_flag::kCompressionZlib);

  auto body = zlib_decompress(request.body, 4194304);
  REQUIRE(body.ok());
  CHECK(body->size() == 12000);
  CHECK(body->compare(0, 12, "compress me ") == 0);

  std::string ours;
  REQUIRE(zlib_compress(*body, kDefaultCompressLevel, ours));
  CHECK(ours == request.body);
}
