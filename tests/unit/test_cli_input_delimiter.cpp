#include <string>

#include <catch2/catch.hpp>

#include "client/common/base64.hpp"
#include "cli/input/delimiter.hpp"

using mqsend::base64_decode;
using mqsend::cli::parse_delimiter;

TEST_CASE("delimiter escapes decode to their bytes", "[input]") {
  CHECK(parse_delimiter("\\n").value() == "\n");
  CHECK(parse_delimiter("\\r\\n").value() == "\r\n");
  CHECK(parse_delimiter("\\t").value() == "\t");
  CHECK(parse_delimiter("\\0").value() == std::string(1, '\0'));
  CHECK(parse_delimiter("\\\\").value() == "\\");
  CHECK(parse_delimiter("\\x1e").value() == "\x1e");
  CHECK(parse_delimiter("\\xFF\\x00").value() == std::string("\xff\0", 2));
  CHECK(parse_delimiter("<=>").value() == "<=>");
  CHECK(parse_delimiter("a\\tb").value() == "a\tb");
  CHECK(parse_delimiter(";").value() == ";");
}

TEST_CASE("bad delimiter specs are refused with a reason", "[input]") {
  for (const char* spec : {"", "\\", "ab\\", "\\q", "\\x", "\\x1", "\\xg0", "\\x0z"}) {
    INFO(spec);
    const auto parsed = parse_delimiter(spec);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().code == mqsend::error_code::kInvalidArgument);
  }
  CHECK_THAT(parse_delimiter("").error().message, Catch::Contains("empty"));
  CHECK_THAT(parse_delimiter("\\q").error().message, Catch::Contains("unknown escape \\q"));
  CHECK_THAT(parse_delimiter("\\x4").error().message, Catch::Contains("two hex digits"));
}

TEST_CASE("base64 decodes the RFC 4648 vectors", "[input]") {
  CHECK(base64_decode("").value().empty());
  CHECK(base64_decode("Zg==").value() == "f");
  CHECK(base64_decode("Zm8=").value() == "fo");
  CHECK(base64_decode("Zm9v").value() == "foo");
  CHECK(base64_decode("Zm9vYg==").value() == "foob");
  CHECK(base64_decode("Zm9vYmE=").value() == "fooba");
  CHECK(base64_decode("Zm9vYmFy").value() == "foobar");
  CHECK(base64_decode("+/8A").value() == std::string("\xfb\xff\x00", 3));
}

TEST_CASE("base64 round-trips every byte value", "[input]") {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
  for (std::size_t length = 0; length <= 5; ++length) {
    const std::string part = bytes.substr(length, 250 + length);
    CHECK(base64_decode(mqsend::base64_encode(part)).value() == part);
  }
}

TEST_CASE("base64 is strict", "[input]") {
  for (const char* text : {"Zg", "Zg=", "Zm9", "Z===", "====", "Zg=a", "Z=g=", "Zm 9v", "Zm9v\n",
                           "Zm9-", "Zm9_", "Zh==", "Zm9=", "Zm9vYmFy===="}) {
    INFO(text);
    const auto decoded = base64_decode(text);
    REQUIRE_FALSE(decoded.ok());
    CHECK(decoded.error().code == mqsend::error_code::kInvalidArgument);
  }
  CHECK_THAT(base64_decode("Zm9-").error().message, Catch::Contains("offset 3"));
  CHECK_THAT(base64_decode("Zh==").error().message, Catch::Contains("non-zero bits"));
}
