// The transactional producer's pure pieces: the MessageExt codec of check-back bodies
// (MessageDecoder.encode/decode, 4.9.8), END_TRANSACTION and CHECK_TRANSACTION_STATE headers
// (EndTransactionRequestHeader, CheckTransactionStateRequestHeader), and the reply push of
// request-reply (ReplyMessageRequestHeader, ClientRemotingProcessor.receiveReplyMessage).
#include <catch2/catch.hpp>

#include <regex>
#include <set>
#include <string>

#include "client/producer/compression.hpp"
#include "client/producer/message_ext_codec.hpp"
#include "client/producer/producer.hpp"
#include "client/producer/properties.hpp"
#include "client/producer/reply_message.hpp"
#include "client/producer/transaction_request.hpp"

using namespace mqsend;

namespace {

MessageExt half_message() {
  MessageExt message;
  message.topic = "TopicTx";
  message.queue_id = 2;
  message.flag = 7;
  message.queue_offset = 5;
  message.commit_log_offset = 0x1122334455;
  message.sys_flag = sys_flag::kTransactionPrepared;
  message.born_timestamp = 1764600000123;
  message.born_host = "10.0.0.7:50123";
  message.store_timestamp = 1764600000456;
  message.store_host = "127.0.0.1:10911";
  message.reconsume_times = 0;
  message.prepared_transaction_offset = 0;
  message.body_crc = 99;
  message.body = "order-1";
  message.properties = encode_properties({{"UNIQ_KEY", "AC11000100002A9F0000000000000001"},
                                          {"TRAN_MSG", "true"},
                                          {"PGROUP", "tx_group"}});
  return message;
}

std::uint32_t be32_at(const std::string& bytes, std::size_t at) {
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data() + at);
  return (std::uint32_t{data[0]} << 24) | (std::uint32_t{data[1]} << 16) | (std::uint32_t{data[2]} << 8) | data[3];
}

}  // namespace

TEST_CASE("MessageExt: the layout of MessageDecoder.encode, field by field", "[transaction]") {
  const MessageExt message = half_message();
  const auto encoded = encode_message_ext(message);
  REQUIRE(encoded.ok());
  const std::string& bytes = encoded.value();
  const std::size_t expected_size = 4 + 4 + 4 + 4 + 4 + 8 + 8 + 4 + 8 + 8 + 8 + 8 + 4 + 8 + 4 +
                                    message.body.size() + 1 + message.topic.size() + 2 + message.properties.size();
  REQUIRE(bytes.size() == expected_size);
  CHECK(be32_at(bytes, 0) == expected_size);                       // storeSize
  CHECK(be32_at(bytes, 4) == 0xDAA320A7u);                         // MESSAGE_MAGIC_CODE
  CHECK(be32_at(bytes, 8) == 99u);                                 // bodyCRC
  CHECK(be32_at(bytes, 12) == 2u);                                 // queueId
  CHECK(be32_at(bytes, 16) == 7u);                                 // flag
  CHECK(be32_at(bytes, 20) == 0u);                                 // queueOffset high
  CHECK(be32_at(bytes, 24) == 5u);                                 // queueOffset low
  CHECK(be32_at(bytes, 28) == 0x11u);                              // commitLogOffset high
  CHECK(be32_at(bytes, 32) == 0x22334455u);
  CHECK(be32_at(bytes, 36) == 4u);                                 // sysFlag
  CHECK(bytes.substr(48, 4) == std::string("\x0a\x00\x00\x07", 4));  // bornHost ip
  CHECK(be32_at(bytes, 52) == 50123u);                             // bornHost port
  CHECK(bytes.substr(64, 4) == std::string("\x7f\x00\x00\x01", 4));  // storeHost ip
  CHECK(be32_at(bytes, 68) == 10911u);
  CHECK(be32_at(bytes, 84) == message.body.size());                // bodyLength
  CHECK(bytes.substr(88, 7) == "order-1");
  CHECK(static_cast<unsigned char>(bytes[95]) == message.topic.size());
  CHECK(bytes.substr(96, 7) == "TopicTx");
}

TEST_CASE("MessageExt: decode reads back what encode wrote, a short buffer is an error", "[transaction]") {
  const MessageExt message = half_message();
  const std::string bytes = encode_message_ext(message).value();
  const auto decoded = decode_message_ext(bytes);
  REQUIRE(decoded.ok());
  CHECK(decoded->topic == message.topic);
  CHECK(decoded->queue_id == 2);
  CHECK(decoded->queue_offset == 5);
  CHECK(decoded->commit_log_offset == message.commit_log_offset);
  CHECK(decoded->born_host == "10.0.0.7:50123");
  CHECK(decoded->store_host == "127.0.0.1:10911");
  CHECK(decoded->body == "order-1");
  CHECK(decoded->properties == message.properties);
  for (std::size_t cut : {std::size_t{0}, std::size_t{10}, bytes.size() - 1}) {
    CHECK_FALSE(decode_message_ext(bytes.substr(0, cut)).ok());
  }
  MessageExt v6_host = message;
  v6_host.store_host = "[::1]:10911";
  CHECK_FALSE(encode_message_ext(v6_host).ok());
}

TEST_CASE("decodeMessageId: the commit-log offset of an offsetMsgId", "[transaction]") {
  CHECK(commit_log_offset_of("7F000001000089B30000000000000249") == 0x249);
  CHECK(commit_log_offset_of("7f000001000089b3000000112233aabb") == 0x112233aabb);
  CHECK_FALSE(commit_log_offset_of("7F000001000089B3").has_value());
  CHECK_FALSE(commit_log_offset_of("7F000001000089B3000000000000024G").has_value());
}

TEST_CASE("END_TRANSACTION: EndTransactionRequestHeader's fields and commitOrRollback values", "[transaction]") {
  EndTransactionHeader header;
  header.producer_group = "tx_group";
  header.tran_state_table_offset = 5;
  header.commit_log_offset = 585;
  header.msg_id = "AC11000100002A9F0000000000000001";
  for (auto [state, value] : {std::pair{TransactionState::kCommit, "8"}, std::pair{TransactionState::kRollback, "12"},
                              std::pair{TransactionState::kUnknown, "0"}}) {
    header.state = state;
    const RemotingCommand request = build_end_transaction_request(header, SerializeType::kJson);
    CHECK(request.code == 37);
    CHECK(*request.field("commitOrRollback") == value);
  }
  const RemotingCommand request = build_end_transaction_request(header, SerializeType::kJson, "why");
  CHECK(request.ext_fields == std::map<std::string, std::string>{{"producerGroup", "tx_group"},
                                                                 {"tranStateTableOffset", "5"},
                                                                 {"commitLogOffset", "585"},
                                                                 {"commitOrRollback", "0"},
                                                                 {"fromTransactionCheck", "false"},
                                                                 {"msgId", "AC11000100002A9F0000000000000001"}});
  CHECK(request.remark == std::optional<std::string>("why"));
  header.transaction_id = "T1";
  CHECK(*build_end_transaction_request(header, SerializeType::kJson).field("transactionId") == "T1");
  CHECK(transaction_state_name(TransactionState::kUnknown) == "UNKNOW");
}

TEST_CASE("CHECK_TRANSACTION_STATE: header and body parsed, the answer is fromTransactionCheck", "[transaction]") {
  RemotingCommand check = RemotingCommand::request(kCheckTransactionStateRequestCode);
  check.ext_fields = {{"tranStateTableOffset", "9"},
                      {"commitLogOffset", "1234"},
                      {"msgId", "AC11000100002A9F0000000000000001"},
                      {"transactionId", "AC11000100002A9F0000000000000001"},
                      {"offsetMsgId", "7F000001000089B300000000000004D2"}};
  check.body = encode_message_ext(half_message()).value();
  const auto parsed = parse_transaction_check(check);
  REQUIRE(parsed.ok());
  CHECK(parsed->tran_state_table_offset == 9);
  CHECK(parsed->commit_log_offset == 1234);
  CHECK(parsed->message.topic == "TopicTx");

  const EndTransactionHeader answer = end_transaction_for_check(*parsed, "tx_group", TransactionState::kCommit);
  CHECK(answer.from_transaction_check);
  CHECK(answer.tran_state_table_offset == 9);
  CHECK(answer.commit_log_offset == 1234);
  CHECK(answer.msg_id == "AC11000100002A9F0000000000000001");  // the UNIQ_KEY property
  CHECK(answer.transaction_id == std::optional<std::string>("AC11000100002A9F0000000000000001"));
  CHECK(*build_end_transaction_request(answer, SerializeType::kJson).field("fromTransactionCheck") == "true");

  check.body = "garbage";
  CHECK_FALSE(parse_transaction_check(check).ok());
  check.body = encode_message_ext(half_message()).value();
  check.ext_fields.erase("commitLogOffset");
  CHECK_FALSE(parse_transaction_check(check).ok());
}

TEST_CASE("PUSH_REPLY_MESSAGE_TO_CLIENT: ReplyMessageRequestHeader and the body, uncompressed", "[transaction]") {
  RemotingCommand push = RemotingCommand::request(kPushReplyMessageRequestCode);
  push.ext_fields = {{"producerGroup", "consumer_group"}, {"topic", "DefaultCluster_REPLY_TOPIC"},
                     {"defaultTopic", "TBW102"},        {"defaultTopicQueueNums", "4"},
                     {"queueId", "0"},                  {"sysFlag", "0"},
                     {"bornTimestamp", "1764600000000"}, {"flag", "0"},
                     {"properties", encode_properties({{"CORRELATION_ID", "c-1"}, {"MSG_TYPE", "reply"}})},
                     {"reconsumeTimes", "0"},           {"unitMode", "false"},
                     {"bornHost", "127.0.0.1:40000"},   {"storeHost", "127.0.0.1:10911"},
                     {"storeTimestamp", "1764600000001"}};
  push.body = "pong";
  auto reply = parse_reply_push(push, 1764600000005);
  REQUIRE(reply.ok());
  CHECK(reply->topic == "DefaultCluster_REPLY_TOPIC");
  CHECK(reply->correlation_id() == "c-1");
  CHECK(reply->body == "pong");
  CHECK(reply->properties.at("ARRIVE_TIME") == "1764600000005");
  CHECK(reply->store_host == "127.0.0.1:10911");

  std::string compressed;
  REQUIRE(zlib_compress("pong pong pong", 5, compressed));
  push.body = compressed;
  push.ext_fields["sysFlag"] = std::to_string(sys_flag::kCompressed);
  reply = parse_reply_push(push, 0);
  REQUIRE(reply.ok());
  CHECK(reply->body == "pong pong pong");

  push.ext_fields.erase("topic");
  CHECK_FALSE(parse_reply_push(push, 0).ok());
}

TEST_CASE("CORRELATION_ID: a random version-4 UUID each time", "[transaction]") {
  const std::regex uuid("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    const std::string id = make_correlation_id();
    CHECK(std::regex_match(id, uuid));
    seen.insert(id);
  }
  CHECK(seen.size() == 100);
}

TEST_CASE("end_transaction after close() still reports its outcome: SHUTDOWN, from the next poll", "[transaction]") {
  ProducerOptions options;
  options.name_servers = {"127.0.0.1:1"};
  Producer producer(options);
  producer.close();
  SendResult half;
  half.msg_id = "AC11000100002A9F0000000000000001";
  half.offset_msg_id = "7F000001000089B30000000000000249";
  half.queue = MessageQueue{"TopicTx", "broker-a", 0};
  std::optional<SendOutcome> ended;
  producer.end_transaction(half, TransactionState::kCommit, [&ended](SendOutcome outcome) { ended = std::move(outcome); });
  CHECK(producer.unreported() == 1);
  producer.poll(std::chrono::milliseconds(0));
  REQUIRE(ended.has_value());
  REQUIRE_FALSE(ended->result.ok());
  CHECK(ended->result.error().code == error_code::kShutdown);
  CHECK(producer.unreported() == 0);
}
