// The Pub trace record (apache/rocketmq 4.9.8 TraceDataEncoder.encoderFromContextBean,
// SendMessageTraceHookImpl) and the trace message batch (AsyncTraceDispatcher.TraceDataSegment).
#include <catch2/catch.hpp>

#include <chrono>
#include <string>

#include "client/producer/message.hpp"
#include "client/producer/trace/trace_dispatcher.hpp"
#include "client/producer/trace/trace_record.hpp"

using namespace mqsend;

namespace {

PubTrace sample_trace() {
  PubTrace trace;
  trace.timestamp_ms = 1700000000123;
  trace.region_id = "DefaultRegion";
  trace.group = "mqsend_producer";
  trace.topic = "TopicTest";
  trace.msg_id = "7F00000100002A9F0000000000000001";
  trace.tags = "TagA";
  trace.keys = "order-1";
  trace.store_host = "127.0.0.1:10911";
  trace.body_length = 11;
  trace.cost_time_ms = 3;
  trace.message_type = TraceMessageType::kNormal;
  trace.offset_msg_id = "7F00000100002A9F000000000000004D";
  trace.success = true;
  return trace;
}

}  // namespace

TEST_CASE("a Pub trace record has Java's fields, order and separators", "[trace]") {
  // Built by hand from encoderFromContextBean: type, timestamp, region, group, topic, msgId,
  // tags, keys, storeHost, bodyLength, costTime, msgType ordinal, offsetMsgId, success; each
  // followed by char 1, the record by char 2.
  const std::string expected =
      "Pub\x01" "1700000000123\x01" "DefaultRegion\x01" "mqsend_producer\x01" "TopicTest\x01"
      "7F00000100002A9F0000000000000001\x01" "TagA\x01" "order-1\x01" "127.0.0.1:10911\x01" "11\x01"
      "3\x01" "0\x01" "7F00000100002A9F000000000000004D\x01" "true\x02";
  CHECK(encode_pub_trace(sample_trace()) == expected);
}

TEST_CASE("a trace record writes absent tags and keys as Java's null and a failure as false", "[trace]") {
  Message message;
  message.topic = "TopicTest";
  PubTrace trace = pub_trace_before(message);
  CHECK(trace.tags == "null");
  CHECK(trace.keys == "null");
  trace.success = false;
  const std::string encoded = encode_pub_trace(trace);
  CHECK(encoded.find("\x01null\x01null\x01") != std::string::npos);
  CHECK(encoded.substr(encoded.size() - 7) == "\x01" "false\x02");
}

TEST_CASE("the message type is the one sendKernelImpl gives the hook", "[trace]") {
  Message message;
  message.topic = "T";
  message.set_tags("a");
  message.set_keys({"k1", "k2"});
  PubTrace trace = pub_trace_before(message);
  CHECK(trace.tags == "a");
  CHECK(trace.keys == "k1 k2");
  CHECK(trace.message_type == TraceMessageType::kNormal);
  message.set_property(property_key::kTransactionPrepared, "true");
  CHECK(pub_trace_before(message).message_type == TraceMessageType::kTransHalf);
  message.set_delay_level(3);
  CHECK(pub_trace_before(message).message_type == TraceMessageType::kDelay);
  CHECK(static_cast<int>(TraceMessageType::kDelay) == 3);  // MessageType.Delay_Msg.ordinal() in 4.9.8
}

TEST_CASE("a trace batch concatenates records and keeps each msgId and keys once", "[trace]") {
  TraceBatch batch;
  PubTrace first = sample_trace();
  PubTrace second = sample_trace();
  second.msg_id = "ID2";
  PubTrace keyless = sample_trace();
  keyless.msg_id = "ID3";
  keyless.keys = "null";
  batch.add(first);
  batch.add(second);
  batch.add(keyless);
  CHECK(batch.body() == encode_pub_trace(first) + encode_pub_trace(second) + encode_pub_trace(keyless));
  CHECK(batch.keys() == std::vector<std::string>{first.msg_id, "order-1", "ID2", "ID3"});
  batch.clear();
  CHECK(batch.empty());
  CHECK(batch.keys().empty());
}

TEST_CASE("the dispatcher sends a batch once it reaches 118000 bytes, the rest at flush, and counts failures",
          "[trace]") {
  ProducerOptions host;
  host.name_servers = {"127.0.0.1:1"};  // refused: every trace message fails, fast
  TraceDispatcher dispatcher(host, std::string(kDefaultTraceTopic));
  PubTrace trace = sample_trace();
  trace.keys = std::string(150, 'k');  // about 240 bytes a record
  trace.msg_id = "ID100000";           // as long as every id below
  const std::size_t record_size = encode_pub_trace(trace).size();
  const std::size_t records = 118000 / record_size + 10;  // one full batch and a partial one
  for (std::size_t i = 0; i < records; ++i) {
    trace.msg_id = "ID" + std::to_string(100000 + i);
    dispatcher.append(trace);
  }
  CHECK(dispatcher.flush(TraceDispatcher::Clock::now() + std::chrono::seconds(10)));
  const TraceStats stats = dispatcher.stats();
  CHECK(stats.records == records);
  CHECK(stats.messages_sent == 0);
  CHECK(stats.messages_failed == 2);
  CHECK_FALSE(stats.first_error.empty());
  dispatcher.close();
}
