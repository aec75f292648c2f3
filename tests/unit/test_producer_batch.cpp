// SEND_BATCH_MESSAGE body (reference 5).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "client/producer/batch_codec.hpp"
#include "client/producer/send_request.hpp"
#include "client/remoting/codes.hpp"
#include "test_producer_support.hpp"

using namespace mqsend;

namespace {

Message member(int i) {
  Message message;
  message.topic = "VecTopic";
  message.body = "batch-" + std::to_string(i);
  message.properties = {{"UNIQ_KEY", "7F0000010001AABBCCDD00000000B00" + std::to_string(i)},
                        {"WAIT", "true"},
                        {"TAGS", "TagA"}};
  return message;
}

}  // namespace

TEST_CASE("batch records have the documented layout", "[producer]") {
  Message message;
  message.body = "xy";
  message.flag = 0x01020304;
  message.properties = {{"K", "V"}};
  auto encoded = encode_batch({message});
  REQUIRE(encoded.ok());
  const std::string expected = std::string("\x00\x00\x00\x1c", 4) + std::string(8, '\0') +
                               "\x01\x02\x03\x04" + std::string("\x00\x00\x00\x02", 4) + "xy" +
                               std::string("\x00\x04", 2) + "K\x01V\x02";
  CHECK(*encoded == expected);
}

TEST_CASE("batch encode/decode round trip", "[producer]") {
  std::vector<Message> messages{member(0), member(1), member(2)};
  messages[1].flag = -7;
  messages[2].body.assign(70000, 'b');
  messages[2].properties.clear();
  auto encoded = encode_batch(messages);
  REQUIRE(encoded.ok());
  auto decoded = decode_batch(*encoded);
  REQUIRE(decoded.ok());
  REQUIRE(decoded->size() == 3);
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK((*decoded)[i].topic.empty());
    CHECK((*decoded)[i].body == messages[i].body);
    CHECK((*decoded)[i].flag == messages[i].flag);
    CHECK((*decoded)[i].properties == messages[i].properties);
  }
  CHECK(decode_batch("").value().empty());
}

TEST_CASE("batch encoding refuses properties over 32767 bytes", "[producer]") {
  Message message = member(0);
  message.properties = {{"K", std::string(32767 - 3, 'v')}};  // exactly 32767 encoded bytes
  CHECK(encode_batch({message}).ok());
  message.properties["K"].push_back('v');
  auto encoded = encode_batch({message});
  REQUIRE_FALSE(encoded.ok());
  CHECK(encoded.error().code == error_code::kMessageIllegal);
}

TEST_CASE("batch decoding is bounds-checked", "[producer]") {
  const std::string good = encode_batch({member(0), member(1)}).value();
  // Every truncation fails except at a record boundary.
  const std::size_t first_record = good.size() / 2;
  for (std::size_t cut = 1; cut < good.size(); ++cut) {
    INFO(cut);
    CHECK(decode_batch(std::string_view(good).substr(0, cut)).ok() == (cut == first_record));
  }
  auto corrupt = [&](std::size_t at, char value) {
    std::string copy = good;
    copy[at] = value;
    return decode_batch(copy);
  };
  CHECK_FALSE(corrupt(0, '\x7f').ok());   // totalSize beyond the input
  CHECK_FALSE(corrupt(3, '\x01').ok());   // totalSize below the header size
  CHECK_FALSE(corrupt(16, '\x7f').ok());  // bodyLen beyond the record
  CHECK_FALSE(corrupt(19, '\x09').ok());  // bodyLen inconsistent with propsLen
  std::string huge_body_length = good;
  huge_body_length.replace(16, 4, "\xff\xff\xff\xf0", 4);
  CHECK_FALSE(decode_batch(huge_body_length).ok());
}

TEST_CASE("the captured batch body decodes and re-encodes byte for byte", "[producer]") {
  const RemotingCommand request = test::read_vector_frame("send-batch.req.bin");
  CHECK(request.code == request_code::kSendBatchMessage);
  auto decoded = decode_batch(request.body);
  REQUIRE(decoded.ok());
  REQUIRE(decoded->size() == 3);
  for (int i = 0; i < 3; ++i) {
    const Message& message = (*decoded)[i];
    CHECK(message.body == "batch-" + std::to_string(i));
    CHECK(message.flag == 0);
    CHECK(message.property("UNIQ_KEY") == "7F0000010001AABBCCDD00000000B00" + std::to_string(i));
    CHECK(message.property("WAIT") == "true");
    CHECK(message.property("TAGS") == "TagA");
  }
  // The capture's properties are in Java HashMap order (UNIQ_KEY, WAIT, TAGS): compare lengths
  // and decoded content, since our map encodes in key order.
  auto reencoded = encode_batch(*decoded);
  REQUIRE(reencoded.ok());
  CHECK(reencoded->size() == request.body.size());
  CHECK(decode_batch(*reencoded).value().size() == 3);

  auto header = decode_send_header(request);
  REQUIRE(header.ok());
  CHECK(header->batch);
  CHECK(header->properties == std::string("WAIT\x01true\x02"));
}
