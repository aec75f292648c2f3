// Frame codec: byte-exact against the protocol reference (10.1, 10.2), the real RocketMQ 4.9.8
// vectors, frame limits and the incremental decoder.
#include <catch2/catch.hpp>

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "client/remoting/frame_codec.hpp"

namespace mqsend {
namespace {

// Bytes of a hexdump in the reference's layout: "offset  hex bytes  |ascii|".
std::string bytes_from_hexdump(const std::string& dump) {
  std::string bytes;
  std::istringstream lines(dump);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream words(line.substr(0, line.find('|')));
    std::string word;
    words >> word;  // the offset
    while (words >> word) bytes.push_back(static_cast<char>(std::stoi(word, nullptr, 16)));
  }
  return bytes;
}

// Protocol reference 10.1: SEND_MESSAGE_V2 with a JSON header, 353 bytes.
const char* const kWorkedExampleJson = R"(
00000000  00 00 01 5d 00 00 01 54 7b 22 63 6f 64 65 22 3a  |...]...T{"code":|
00000010  33 31 30 2c 22 65 78 74 46 69 65 6c 64 73 22 3a  |310,"extFields":|
00000020  7b 22 61 22 3a 22 50 47 31 22 2c 22 62 22 3a 22  |{"a":"PG1","b":"|
00000030  54 31 22 2c 22 63 22 3a 22 54 42 57 31 30 32 22  |T1","c":"TBW102"|
00000040  2c 22 64 22 3a 22 34 22 2c 22 65 22 3a 22 30 22  |,"d":"4","e":"0"|
00000050  2c 22 66 22 3a 22 30 22 2c 22 67 22 3a 22 31 37  |,"f":"0","g":"17|
00000060  30 30 30 30 30 30 30 30 30 30 30 22 2c 22 68 22  |00000000000","h"|
00000070  3a 22 30 22 2c 22 69 22 3a 22 55 4e 49 51 5f 4b  |:"0","i":"UNIQ_K|
00000080  45 59 5c 75 30 30 30 31 43 30 41 38 30 30 30 41  |EY\u0001C0A8000A|
00000090  31 32 33 34 31 42 36 44 33 35 38 36 34 37 42 37  |12341B6D358647B7|
000000a0  36 30 30 30 30 30 30 30 5c 75 30 30 30 32 57 41  |60000000\u0002WA|
000000b0  49 54 5c 75 30 30 30 31 74 72 75 65 5c 75 30 30  |IT\u0001true\u00|
000000c0  30 32 54 41 47 53 5c 75 30 30 30 31 54 61 67 41  |02TAGS\u0001TagA|
000000d0  5c 75 30 30 30 32 22 2c 22 6a 22 3a 22 30 22 2c  |\u0002","j":"0",|
000000e0  22 6b 22 3a 22 66 61 6c 73 65 22 2c 22 6d 22 3a  |"k":"false","m":|
000000f0  22 66 61 6c 73 65 22 2c 22 6e 22 3a 22 62 72 6f  |"false","n":"bro|
00000100  6b 65 72 2d 61 22 7d 2c 22 66 6c 61 67 22 3a 30  |ker-a"},"flag":0|
00000110  2c 22 6c 61 6e 67 75 61 67 65 22 3a 22 43 50 50  |,"language":"CPP|
00000120  22 2c 22 6f 70 61 71 75 65 22 3a 31 2c 22 73 65  |","opaque":1,"se|
00000130  72 69 61 6c 69 7a 65 54 79 70 65 43 75 72 72 65  |rializeTypeCurre|
00000140  6e 74 52 50 43 22 3a 22 4a 53 4f 4e 22 2c 22 76  |ntRPC":"JSON","v|
00000150  65 72 73 69 6f 6e 22 3a 34 30 39 7d 68 65 6c 6c  |ersion":409}hell|
00000160  6f                                               |o|
)";

// Protocol reference 10.2: the same request with the ROCKETMQ binary header, 234 bytes.
const char* const kWorkedExampleBinary = R"(
00000000  00 00 00 e6 01 00 00 dd 01 36 01 01 99 00 00 00  |.........6......|
00000010  01 00 00 00 00 00 00 00 00 00 00 00 c8 00 01 61  |...............a|
00000020  00 00 00 03 50 47 31 00 01 62 00 00 00 02 54 31  |....PG1..b....T1|
00000030  00 01 63 00 00 00 06 54 42 57 31 30 32 00 01 64  |..c....TBW102..d|
00000040  00 00 00 01 34 00 01 65 00 00 00 01 30 00 01 66  |....4..e....0..f|
00000050  00 00 00 01 30 00 01 67 00 00 00 0d 31 37 30 30  |....0..g....1700|
00000060  30 30 30 30 30 30 30 30 30 00 01 68 00 00 00 01  |000000000..h....|
00000070  30 00 01 69 00 00 00 3e 55 4e 49 51 5f 4b 45 59  |0..i...>UNIQ_KEY|
00000080  01 43 30 41 38 30 30 30 41 31 32 33 34 31 42 36  |.C0A8000A12341B6|
00000090  44 33 35 38 36 34 37 42 37 36 30 30 30 30 30 30  |D358647B76000000|
000000a0  30 02 57 41 49 54 01 74 72 75 65 02 54 41 47 53  |0.WAIT.true.TAGS|
000000b0  01 54 61 67 41 02 00 01 6a 00 00 00 01 30 00 01  |.TagA...j....0..|
000000c0  6b 00 00 00 05 66 61 6c 73 65 00 01 6d 00 00 00  |k....false..m...|
000000d0  05 66 61 6c 73 65 00 01 6e 00 00 00 08 62 72 6f  |.false..n....bro|
000000e0  6b 65 72 2d 61 68 65 6c 6c 6f                    |ker-ahello|
)";

RemotingCommand worked_example(SerializeType serialize_type) {
  RemotingCommand command = RemotingCommand::request(310);
  command.language = LanguageCode::kCpp;
  command.version = 409;
  command.opaque = 1;
  command.flag = 0;
  command.ext_fields = {
      {"a", "PG1"}, {"b", "T1"}, {"c", "TBW102"}, {"d", "4"}, {"e", "0"}, {"f", "0"},
      {"g", "1700000000000"}, {"h", "0"},
      {"i", "UNIQ_KEY\x01" "C0A8000A12341B6D358647B760000000\x02WAIT\x01true\x02TAGS\x01TagA\x02"},
      {"j", "0"}, {"k", "false"}, {"m", "false"}, {"n", "broker-a"},
  };
  command.body = "hello";
  command.serialize_type = serialize_type;
  return command;
}

void check_same_command(const RemotingCommand& actual, const RemotingCommand& expected) {
  CHECK(actual.code == expected.code);
  CHECK(actual.language == expected.language);
  CHECK(actual.version == expected.version);
  CHECK(actual.opaque == expected.opaque);
  CHECK(actual.flag == expected.flag);
  CHECK(actual.remark == expected.remark);
  CHECK(actual.ext_fields == expected.ext_fields);
  CHECK(actual.body == expected.body);
  CHECK(actual.serialize_type == expected.serialize_type);
}

std::uint32_t word_at(const std::string& frame, std::size_t offset) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(frame.data() + offset);
  return (std::uint32_t{bytes[0]} << 24) | (std::uint32_t{bytes[1]} << 16) |
         (std::uint32_t{bytes[2]} << 8) | bytes[3];
}

std::string big_endian(std::uint32_t value) {
  return {static_cast<char>(value >> 24), static_cast<char>(value >> 16),
          static_cast<char>(value >> 8), static_cast<char>(value)};
}

// Decodes one whole frame (length word included), checking the length word matches.
Result<RemotingCommand> decode_whole_frame(const std::string& frame) {
  REQUIRE(frame.size() >= 4);
  REQUIRE(word_at(frame, 0) == frame.size() - 4);
  return decode_frame_payload(std::string_view(frame).substr(4));
}

std::string read_vector(const std::string& file_name) {
  std::ifstream file(std::string(MQSEND_VECTORS_DIR) + "/" + file_name, std::ios::binary);
  REQUIRE(file.good());
  std::ostringstream content;
  content << file.rdbuf();
  return content.str();
}

nlohmann::json vector_index() { return nlohmann::json::parse(read_vector("index.json")); }

// Every vector file name, requests and responses, in index order.
std::vector<std::string> all_vector_files() {
  std::vector<std::string> names;
  for (const auto& entry : vector_index()) {
    const std::string name = entry.at("name");
    if (name != "send-oversize") names.push_back(name + ".req.bin");  // request not kept (4.5 MiB)
    names.push_back(name + ".resp.bin");
  }
  return names;
}

void check_protocol_error(const Result<RemotingCommand>& result) {
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().code == error_code::kProtocolError);
  CHECK_FALSE(result.error().message.empty());
}

}  // namespace

TEST_CASE("encode_frame writes the JSON worked example byte for byte", "[codec]") {
  const std::string expected = bytes_from_hexdump(kWorkedExampleJson);
  REQUIRE(expected.size() == 353);
  CHECK(encode_frame(worked_example(SerializeType::kJson)) == expected);
}

TEST_CASE("encode_frame writes the binary worked example byte for byte", "[codec]") {
  const std::string expected = bytes_from_hexdump(kWorkedExampleBinary);
  REQUIRE(expected.size() == 234);
  CHECK(encode_frame(worked_example(SerializeType::kRocketMQ)) == expected);
}

TEST_CASE("encode_frame appends after existing bytes", "[codec]") {
  std::string out = "prefix";
  encode_frame(worked_example(SerializeType::kJson), out);
  CHECK(out == "prefix" + bytes_from_hexdump(kWorkedExampleJson));
}

TEST_CASE("the worked examples decode to the command that produced them", "[codec]") {
  for (const auto type : {SerializeType::kJson, SerializeType::kRocketMQ}) {
    const auto dump = type == SerializeType::kJson ? kWorkedExampleJson : kWorkedExampleBinary;
    const auto decoded = decode_whole_frame(bytes_from_hexdump(dump));
    REQUIRE(decoded.ok());
    check_same_command(*decoded, worked_example(type));
  }
}

TEST_CASE("round trip keeps remark, flags, negative opaque and an empty body", "[codec]") {
  for (const auto type : {SerializeType::kJson, SerializeType::kRocketMQ}) {
    RemotingCommand command = RemotingCommand::request(17);
    command.opaque = -2147483647 - 1;
    command.flag = kResponseFlag | kOnewayFlag;
    command.language = LanguageCode::kJava;
    command.remark = std::string("line one\nline \"two\" \\ \x01 caf\xC3\xA9");
    command.ext_fields = {{"topic", "T1"}, {"x", "\x02"}};
    command.serialize_type = type;
    const auto decoded = decode_whole_frame(encode_frame(command));
    REQUIRE(decoded.ok());
    check_same_command(*decoded, command);
  }
}

TEST_CASE("every real response vector decodes to the fields in index.json", "[codec]") {
  for (const auto& entry : vector_index()) {
    const std::string name = entry.at("name");
    INFO("vector " << name);
    const auto& expected = entry.at("response");
    const std::string frame = read_vector(name + ".resp.bin");
    const auto decoded = decode_whole_frame(frame);
    REQUIRE(decoded.ok());
    const std::uint32_t header_word = word_at(frame, 4);
    CHECK((header_word & 0xFFFFFF) == expected.at("header_len").get<std::uint32_t>());
    CHECK(decoded->body.size() == expected.at("body_len").get<std::size_t>());
    CHECK(static_cast<int>(decoded->serialize_type) == expected.at("serialize_type").get<int>());

    const auto& header = expected.at("header");
    if (!header.is_object()) continue;  // "binary": checked field by field in its own test
    CHECK(decoded->code == header.at("code").get<int>());
    CHECK(decoded->flag == header.at("flag").get<int>());
    CHECK(decoded->opaque == header.at("opaque").get<int>());
    CHECK(decoded->version == header.at("version").get<int>());
    CHECK(language_name(decoded->language) == header.at("language").get<std::string>());
    if (header.contains("remark")) {
      CHECK(decoded->remark == header.at("remark").get<std::string>());
    } else {
      CHECK_FALSE(decoded->remark.has_value());
    }
    const auto fields =
        header.value("extFields", nlohmann::json::object()).get<std::map<std::string, std::string>>();
    CHECK(decoded->ext_fields == fields);
  }
}

TEST_CASE("the binary send response vector decodes field by field", "[codec]") {
  const auto decoded = decode_whole_frame(read_vector("send-v2-rocketmq.resp.bin"));
  REQUIRE(decoded.ok());
  CHECK(decoded->serialize_type == SerializeType::kRocketMQ);
  CHECK(decoded->code == 0);
  CHECK(decoded->language == LanguageCode::kJava);
  CHECK(decoded->version == 409);
  CHECK(decoded->opaque == 107);
  CHECK(decoded->flag == kResponseFlag);
  CHECK_FALSE(decoded->remark.has_value());
  const std::map<std::string, std::string> fields = {
      {"msgId", "7F00000100002A9F0000000008DD4BD3"}, {"queueId", "2"}, {"queueOffset", "0"},
      {"TRACE_ON", "true"}, {"MSG_REGION", "DefaultRegion"}};
  CHECK(decoded->ext_fields == fields);
}

TEST_CASE("the real send requests decode to the fields the client sent", "[codec]") {
  const auto json = decode_whole_frame(read_vector("send-v2-json.req.bin"));
  REQUIRE(json.ok());
  CHECK(json->code == 310);
  CHECK(json->language == LanguageCode::kCpp);
  CHECK(json->opaque == 105);
  CHECK(*json->field("b") == "VecTopic");
  CHECK(*json->field("i") ==
        "UNIQ_KEY\x01" "7F0000010001AABBCCDD00000000AA01\x02WAIT\x01true\x02TAGS\x01TagA\x02"
        "KEYS\x01k1 k2\x02" "color\x01" "blue\x02");
  CHECK(json->body == "hello");

  const auto binary = decode_whole_frame(read_vector("send-v2-rocketmq.req.bin"));
  REQUIRE(binary.ok());
  CHECK(binary->serialize_type == SerializeType::kRocketMQ);
  CHECK(binary->code == 310);
  CHECK(binary->ext_fields.size() == 13);
  CHECK(*binary->field("n") == "broker-a");
  CHECK(binary->body == "hello-binary");
}

TEST_CASE("every real frame re-encodes to a frame that decodes to the same fields", "[codec]") {
  for (const auto& file_name : all_vector_files()) {
    INFO("vector " << file_name);
    const auto decoded = decode_whole_frame(read_vector(file_name));
    REQUIRE(decoded.ok());
    const auto again = decode_whole_frame(encode_frame(*decoded));
    REQUIRE(again.ok());
    check_same_command(*again, *decoded);
  }
}

TEST_CASE("frame limits are protocol errors", "[codec]") {
  const std::string json_header = "{}";
  SECTION("payload shorter than the header-length word") {
    check_protocol_error(decode_frame_payload(std::string_view("\0\0\0", 3)));
  }
  SECTION("header length beyond the frame") {
    check_protocol_error(decode_frame_payload(big_endian(3) + json_header));
  }
  SECTION("unknown serialize type") {
    check_protocol_error(decode_frame_payload(big_endian(0x02000002) + json_header));
  }
  SECTION("malformed header") {
    check_protocol_error(decode_frame_payload(big_endian(2) + "{x"));
  }
  SECTION("payload larger than the maximum frame") {
    const std::string payload = big_endian(2) + json_header + std::string(kMaxFrameLength, 'b');
    check_protocol_error(decode_frame_payload(payload));
  }
  SECTION("the largest frame is accepted") {
    const std::string payload = big_endian(2) + json_header + std::string(kMaxFrameLength - 6, 'b');
    const auto decoded = decode_frame_payload(payload);
    REQUIRE(decoded.ok());
    CHECK(decoded->body.size() == kMaxFrameLength - 6);
  }
}

TEST_CASE("FrameDecoder rejects a bad length word as soon as it is seen", "[codec]") {
  const std::uint32_t bad_lengths[] = {0xFFFFFFFF, 0x80000000, 0, 3,
                                        static_cast<std::uint32_t>(kMaxFrameLength + 1), 0x7FFFFFFF};
  for (const std::uint32_t length : bad_lengths) {
    INFO("length word " << length);
    FrameDecoder decoder;
    RemotingCommand command;
    Error error;
    const std::string word = big_endian(length);
    decoder.feed(word.substr(0, 3));
    CHECK(decoder.next(command, error) == FrameDecoder::State::kNeedMore);
    decoder.feed(word.substr(3));
    REQUIRE(decoder.next(command, error) == FrameDecoder::State::kError);
    CHECK(error.code == error_code::kProtocolError);
    // The stream stays dead and keeps nothing more.
    decoder.feed(bytes_from_hexdump(kWorkedExampleJson));
    CHECK(decoder.next(command, error) == FrameDecoder::State::kError);
    CHECK(decoder.buffered() <= 4);
  }
}

TEST_CASE("FrameDecoder reports a malformed complete frame", "[codec]") {
  FrameDecoder decoder;
  decoder.feed(big_endian(6) + big_endian(0x05000002) + "{}");
  RemotingCommand command;
  Error error;
  REQUIRE(decoder.next(command, error) == FrameDecoder::State::kError);
  CHECK(error.code == error_code::kProtocolError);
  CHECK(error.message.find("serialize type") != std::string::npos);
}

TEST_CASE("FrameDecoder reassembles every vector fed one byte at a time", "[codec]") {
  std::string stream;
  std::vector<RemotingCommand> expected;
  for (const auto& file_name : all_vector_files()) {
    const std::string frame = read_vector(file_name);
    stream += frame;
    expected.push_back(*decode_whole_frame(frame));
  }

  // One byte at a time, then in uneven chunks that straddle frame boundaries.
  for (const std::size_t chunk : {std::size_t{1}, std::size_t{7}, std::size_t{4093}}) {
    INFO("chunk size " << chunk);
    FrameDecoder decoder;
    std::vector<RemotingCommand> frames;
    for (std::size_t offset = 0; offset < stream.size(); offset += chunk) {
      decoder.feed(std::string_view(stream).substr(offset, chunk));
      RemotingCommand command;
      Error error;
      FrameDecoder::State state;
      while ((state = decoder.next(command, error)) == FrameDecoder::State::kFrame) {
        frames.push_back(std::move(command));
      }
      REQUIRE(state == FrameDecoder::State::kNeedMore);
      // Never more than one partial frame plus a chunk stays buffered.
      CHECK(decoder.buffered() < 16 * 1024 + chunk);
    }
    CHECK(decoder.buffered() == 0);
    REQUIRE(frames.size() == expected.size());
    for (std::size_t i = 0; i < frames.size(); ++i) check_same_command(frames[i], expected[i]);
  }
}

}  // namespace mqsend
