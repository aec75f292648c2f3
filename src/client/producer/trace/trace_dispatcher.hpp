#pragma once
// Java's AsyncTraceDispatcher (4.9.8) for a producer: trace records are batched per trace
// topic into one message (TraceDataSegment) and sent by a producer of their own, group
// "_INNER_TRACE_PRODUCER-<group>-PRODUCE-<n>", send timeout 5000 ms, max message size 128000.
// A batch goes out once its body reaches maxMsgSize - 10000 bytes or its first record is
// 500 ms old (waitTimeThresholdMil), and at flush and close.
//
// Everything runs on the host producer's caller thread (poll, flush, close): appending never
// waits, and a trace send that fails is counted, never the traced record's outcome.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "client/producer/producer.hpp"
#include "client/producer/trace/trace_record.hpp"

namespace mqsend {

class TraceDispatcher {
 public:
  using Clock = std::chrono::steady_clock;

  // `host`: the traced producer's options (name servers, ACL, TLS, group, registration).
  TraceDispatcher(const ProducerOptions& host, std::string trace_topic);

  const std::string& topic() const { return topic_; }
  // Takes a record; a batch that is full goes out now.
  void append(const PubTrace& trace);
  // Sends a batch that waited long enough and reports the trace sends that ended.
  void poll();
  // Sends the batch and waits until every trace send is answered or `deadline` passed.
  bool flush(Clock::time_point deadline);
  // flush() within a short wait, then closes the trace producer: what is unanswered fails.
  void close();
  TraceStats stats() const { return stats_; }

 private:
  void send_batch();

  std::string topic_;
  std::size_t batch_limit_;
  std::unique_ptr<Producer> producer_;
  TraceBatch batch_;
  std::uint64_t batch_records_ = 0;
  Clock::time_point first_added_;
  TraceStats stats_;
};

}  // namespace mqsend
