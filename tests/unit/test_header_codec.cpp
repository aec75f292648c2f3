// Header codecs: the JSON writer's exact output, the JSON reader's tolerance and strictness,
// and the ROCKETMQ binary layout with its bounds checks.
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>

#include "client/remoting/header_codec.hpp"

namespace mqsend {
namespace {

std::string json_of(const RemotingCommand& command) {
  std::string out;
  encode_json_header(command, out);
  return out;
}

std::string binary_of(const RemotingCommand& command) {
  std::string out;
  encode_binary_header(command, out);
  return out;
}

RemotingCommand decoded_json(std::string_view header) {
  RemotingCommand command;
  const Status status = decode_json_header(header, command);
  INFO(header);
  if (status) FAIL(status->message);
  return command;
}

RemotingCommand decoded_binary(std::string_view header) {
  RemotingCommand command;
  const Status status = decode_binary_header(header, command);
  if (status) FAIL(status->message);
  return command;
}

void check_json_rejected(std::string_view header) {
  INFO("header: " << header);
  RemotingCommand command;
  const Status status = decode_json_header(header, command);
  REQUIRE(status.has_value());
  CHECK(status->code == error_code::kProtocolError);
  CHECK(status->message.find("JSON") != std::string::npos);
}

void check_binary_rejected(std::string_view header) {
  RemotingCommand command;
  const Status status = decode_binary_header(header, command);
  REQUIRE(status.has_value());
  CHECK(status->code == error_code::kProtocolError);
}

// Binary header pieces, big-endian.
std::string be16(std::uint16_t value) {
  return {static_cast<char>(value >> 8), static_cast<char>(value)};
}
std::string be32(std::uint32_t value) { return be16(value >> 16) + be16(value & 0xFFFF); }

// code 105, CPP, version 409, opaque 7, flag 0: the 13 fixed bytes.
std::string binary_fixed_part() {
  return be16(105) + std::string(1, '\x01') + be16(409) + be32(7) + be32(0);
}

}  // namespace

TEST_CASE("language names follow the Java enum", "[codec]") {
  CHECK(language_name(LanguageCode::kJava) == "JAVA");
  CHECK(language_name(LanguageCode::kCpp) == "CPP");
  CHECK(language_name(LanguageCode::kNodeJs) == "NODE_JS");
  CHECK(language_from_name("GO") == LanguageCode::kGo);
  CHECK(language_from_name("RUST") == LanguageCode::kRust);
  CHECK_FALSE(language_from_name("COBOL").has_value());
  CHECK_FALSE(language_from_name("cpp").has_value());
}

TEST_CASE("JSON header: fastjson key order, no whitespace, optional keys omitted", "[codec]") {
  RemotingCommand command = RemotingCommand::request(105);
  command.opaque = 2;
  CHECK(json_of(command) ==
        R"({"code":105,"flag":0,"language":"CPP","opaque":2,"serializeTypeCurrentRPC":"JSON","version":409})");

  command.ext_fields = {{"topic", "T1"}, {"acceptStandardJsonOnly", "true"}};
  command.remark = "oops";
  command.flag = 1;
  command.opaque = -5;
  CHECK(json_of(command) ==
        R"({"code":105,"extFields":{"acceptStandardJsonOnly":"true","topic":"T1"},"flag":1,)"
        R"("language":"CPP","opaque":-5,"remark":"oops","serializeTypeCurrentRPC":"JSON","version":409})");
}

TEST_CASE("JSON header: strings escape quotes, backslashes and control bytes only", "[codec]") {
  RemotingCommand command;
  command.remark = std::string("a\"b\\c\x01\x1f\n\x7f caf\xC3\xA9 /", 17);
  const std::string json = json_of(command);
  CHECK(json.find(R"("remark":"a\"b\\c\u0001\u001f\u000a)"
                  "\x7f caf\xC3\xA9 /\"") != std::string::npos);
  CHECK(decoded_json(json).remark == command.remark);
}

TEST_CASE("JSON header: a NUL byte survives the round trip", "[codec]") {
  RemotingCommand command;
  command.ext_fields = {{"k", std::string("a\0b", 3)}};
  const std::string json = json_of(command);
  CHECK(json.find(R"("k":"a\u0000b")") != std::string::npos);
  CHECK(decoded_json(json).ext_fields == command.ext_fields);
}

TEST_CASE("JSON header decoder tolerates what real peers send", "[codec]") {
  SECTION("whitespace everywhere and the trailing newline of rocketmq-client-cpp") {
    const auto command = decoded_json(
        " {\n \"code\" : 310 ,\t\"language\" :\"JAVA\",\r\n\"opaque\":9, \"flag\":1 ,"
        "\"version\":401, \"extFields\" : { \"a\" : \"b\" } }\n");
    CHECK(command.code == 310);
    CHECK(command.language == LanguageCode::kJava);
    CHECK(command.opaque == 9);
    CHECK(command.flag == 1);
    CHECK(command.version == 401);
    CHECK(command.ext_fields.at("a") == "b");
  }
  SECTION("unknown keys of every type, nested included") {
    const auto command = decoded_json(
        R"({"x":{"y":[1,{"z":null},[true,false]],"w":"}"},"code":3,"n":-1.5e+3,"s":"\"",)"
        R"("a":[],"o":{},"serializeTypeCurrentRPC":"ROCKETMQ","remark":"r"})");
    CHECK(command.code == 3);
    CHECK(command.remark == "r");
  }
  SECTION("extFields values that are numbers, booleans or null") {
    const auto command = decoded_json(
        R"({"extFields":{"n":42,"neg":-7,"big":1700000000000,"f":1.5,"t":true,"no":false,"gone":null}})");
    const std::map<std::string, std::string> expected = {
        {"n", "42"}, {"neg", "-7"}, {"big", "1700000000000"}, {"f", "1.5"}, {"t", "true"}, {"no", "false"}};
    CHECK(command.ext_fields == expected);
  }
  SECTION("escapes, \\u sequences and surrogate pairs decode to UTF-8") {
    const auto command = decoded_json(
        R"({"remark":"\"\\\/\b\f\n\r\t\u0001\u00e9\u20AC\ud83d\ude00|\ud83d|\ude00|\ud83d\u0041"})");
    CHECK(command.remark ==
          "\"\\/\b\f\n\r\t\x01\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80|\xEF\xBF\xBD|\xEF\xBF\xBD|\xEF\xBF\xBD" "A");
  }
  SECTION("language as a number, as an unknown name, and null") {
    CHECK(decoded_json(R"({"language":9})").language == LanguageCode::kGo);
    CHECK(decoded_json(R"({"language":99})").language == LanguageCode::kOther);
    CHECK(decoded_json(R"({"language":"COBOL"})").language == LanguageCode::kOther);
    CHECK(decoded_json(R"({"language":null})").language == LanguageCode::kCpp);
  }
  SECTION("integers as quoted decimals, null remark, null extFields") {
    const auto command = decoded_json(R"({"code":"17","opaque":-2147483648,"remark":null,"extFields":null})");
    CHECK(command.code == 17);
    CHECK(command.opaque == -2147483647 - 1);
    CHECK_FALSE(command.remark.has_value());
    CHECK(command.ext_fields.empty());
  }
  SECTION("an empty object") { CHECK(decoded_json("{}").code == 0); }
}

TEST_CASE("JSON header decoder rejects malformed input with a protocol error", "[codec]") {
  const char* const malformed[] = {
      "", " ", "[]", "{", "}", "{\"code\"}", "{\"code\":}", "{\"code\":1,}", "{,}", "{\"code\":1}x",
      "{\"code\":1}{}", "{code:1}", "{\"code\":2147483648}", "{\"code\":1.5}", "{\"code\":1e2}",
      "{\"code\":-}", "{\"code\":01}", "{\"code\":true}", "{\"remark\":\"abc}", "{\"remark\":\"\\x\"}",
      "{\"remark\":\"\\u12\"}", "{\"remark\":\"\\u12G4\"}", "{\"remark\":\"\\", "{\"remark\":5}",
      "{\"extFields\":{\"a\":{}}}", "{\"extFields\":{\"a\":[1]}}", "{\"extFields\":[]}",
      "{\"extFields\":{\"a\"}}", "{\"extFields\":{\"a\":\"b\"}", "{\"x\":[1,]}", "{\"x\":tru}",
      "{\"x\":nul}", "{\"x\":[1 2]}", "{\"x\":{\"a\" 1}}", "{\"language\":[]}",
  };
  for (const char* header : malformed) check_json_rejected(header);
  check_json_rejected(std::string_view("{\"code\":1\0}", 11));
}

TEST_CASE("JSON header decoder bounds nesting instead of recursing without limit", "[codec]") {
  const std::size_t depth = 100000;
  check_json_rejected("{\"x\":" + std::string(depth, '[') + std::string(depth, ']') + "}");
  const std::string shallow = "{\"x\":" + std::string(60, '[') + std::string(60, ']') + ",\"code\":4}";
  CHECK(decoded_json(shallow).code == 4);
}

TEST_CASE("JSON header decoder survives every truncation of a valid header", "[codec]") {
  RemotingCommand command = RemotingCommand::request(310);
  command.remark = "r\x01\xF0\x9F\x98\x80";
  command.ext_fields = {{"a", "b\x02"}, {"c", "\"d\""}};
  const std::string json = json_of(command) + "\n";
  for (std::size_t length = 0; length + 1 < json.size(); ++length) {
    check_json_rejected(std::string_view(json).substr(0, length));
  }
  CHECK(decoded_json(json).ext_fields == command.ext_fields);
}

TEST_CASE("binary header follows the layout of reference 1.4", "[codec]") {
  RemotingCommand command = RemotingCommand::request(105);
  command.opaque = 7;
  command.remark = "hi";
  command.ext_fields = {{"k", "vv"}};
  const std::string expected = binary_fixed_part() + be32(2) + "hi" + be32(2 + 1 + 4 + 2) + be16(1) +
                               "k" + be32(2) + "vv";
  CHECK(binary_of(command) == expected);
  const auto decoded = decoded_binary(expected);
  CHECK(decoded.code == 105);
  CHECK(decoded.language == LanguageCode::kCpp);
  CHECK(decoded.version == 409);
  CHECK(decoded.opaque == 7);
  CHECK(decoded.remark == "hi");
  CHECK(decoded.ext_fields == command.ext_fields);
}

TEST_CASE("binary header never sends empty strings and reads zero lengths as absent", "[codec]") {
  RemotingCommand command = RemotingCommand::request(105);
  command.opaque = 7;
  command.remark = "";
  command.ext_fields = {{"empty", ""}, {"k", "v"}};
  const std::string expected =
      binary_fixed_part() + be32(0) + be32(2 + 1 + 4 + 1) + be16(1) + "k" + be32(1) + "v";
  CHECK(binary_of(command) == expected);

  const std::string with_empty_entries = binary_fixed_part() + be32(0) +
                                         be32((2 + 0 + 4 + 1) + (2 + 1 + 4 + 0) + (2 + 1 + 4 + 1)) +
                                         be16(0) + be32(1) + "x" + be16(1) + "y" + be32(0) +
                                         be16(1) + "k" + be32(1) + "v";
  const auto decoded = decoded_binary(with_empty_entries);
  CHECK_FALSE(decoded.remark.has_value());
  CHECK(decoded.ext_fields == std::map<std::string, std::string>{{"k", "v"}});
}

TEST_CASE("binary header: signed shorts and unknown language bytes", "[codec]") {
  std::string header = be16(0xFFFF) + std::string(1, '\x63') + be16(0x8000) + be32(0xFFFFFFFF) +
                       be32(1) + be32(0) + be32(0);
  const auto decoded = decoded_binary(header);
  CHECK(decoded.code == -1);
  CHECK(decoded.version == -32768);
  CHECK(decoded.opaque == -1);
  CHECK(decoded.flag == 1);
  CHECK(decoded.language == LanguageCode::kOther);
}

TEST_CASE("binary header rejects every out-of-bounds or negative length", "[codec]") {
  const std::string fixed = binary_fixed_part();
  check_binary_rejected("");
  check_binary_rejected(fixed.substr(0, 12));
  check_binary_rejected(fixed);                                      // no remark length
  check_binary_rejected(fixed + be32(0));                            // no extFields length
  check_binary_rejected(fixed + be32(0xFFFFFFFF) + be32(0));         // negative remark length
  check_binary_rejected(fixed + be32(5) + "abc" + be32(0));          // remark beyond the end
  check_binary_rejected(fixed + be32(0) + be32(0x80000000));         // negative extFields length
  check_binary_rejected(fixed + be32(0) + be32(9) + be16(1) + "k");  // extFields beyond the end
  check_binary_rejected(fixed + be32(0) + be32(1) + "k");            // truncated key length
  check_binary_rejected(fixed + be32(0) + be32(3) + be16(0xFFFF) + "k");  // negative key length
  check_binary_rejected(fixed + be32(0) + be32(3) + be16(2) + "k");       // key beyond extFields
  check_binary_rejected(fixed + be32(0) + be32(5) + be16(1) + "k" + "vv");  // truncated value length
  check_binary_rejected(fixed + be32(0) + be32(7) + be16(1) + "k" + be32(0xFFFFFFFF));  // negative
  check_binary_rejected(fixed + be32(0) + be32(8) + be16(1) + "k" + be32(2) + "v");     // beyond
}

TEST_CASE("binary header ignores bytes after the extFields, as Java does", "[codec]") {
  CHECK(decoded_binary(binary_fixed_part() + be32(0) + be32(0) + "trailing").code == 105);
}

}  // namespace mqsend
