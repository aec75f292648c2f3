#pragma once
// --batch N / --batch-bytes B / --batch-linger MS: packs records into SEND_BATCH_MESSAGE units,
// each record keeping its index and bytes so that its outcome is still reported per record.
// A partial batch is due once its first record has waited the linger (Kafka's linger.ms,
// RocketMQ 5's ProduceAccumulator holdMs), so a trickling input is not held back.
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "client/producer/message.hpp"

namespace mqsend::cli {

// A record on its way to the producer: its position and its bytes as read (--failed-output).
struct PendingRecord {
  std::size_t index;
  std::string raw;
};

struct Batch {
  std::vector<PendingRecord> records;
  std::vector<Message> messages;
};

class BatchPacker {
 public:
  using Clock = std::chrono::steady_clock;

  BatchPacker(std::size_t max_messages, std::size_t max_bytes, Clock::duration linger)
      : max_messages_(max_messages), max_bytes_(max_bytes), linger_(linger) {}

  // Adds a record at `now`; returns a batch when one is complete: the pending records when
  // this one would not fit, or them with this one when it makes the count.
  std::optional<Batch> add(PendingRecord record, Message message, Clock::time_point now = Clock::now());
  // What is pending (linger over, end of input), if anything.
  std::optional<Batch> take();
  // When the pending records are due to go out as they are; nullopt when none is pending.
  std::optional<Clock::time_point> due() const;

  // Record overhead of the batch encoding plus a generous allowance for the properties.
  static std::size_t estimated_size(const Message& message);

 private:
  const std::size_t max_messages_;
  const std::size_t max_bytes_;
  const Clock::duration linger_;
  Batch pending_;
  Clock::time_point first_added_;
  std::size_t bytes_ = 0;
};

}  // namespace mqsend::cli
