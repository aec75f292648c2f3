#pragma once
// --batch N / --batch-bytes B: packs records into SEND_BATCH_MESSAGE units, each record
// keeping its index and bytes so that its outcome is still reported per record.
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
  BatchPacker(std::size_t max_messages, std::size_t max_bytes)
      : max_messages_(max_messages), max_bytes_(max_bytes) {}

  // Adds a record; returns a batch when one is complete: the pending records when this one
  // would not fit, or them with this one when it makes the count.
  std::optional<Batch> add(PendingRecord record, Message message);
  // What is pending (the end of the input), if anything.
  std::optional<Batch> take();

  // Record overhead of the batch encoding plus a generous allowance for the properties.
  static std::size_t estimated_size(const Message& message);

 private:
  const std::size_t max_messages_;
  const std::size_t max_bytes_;
  Batch pending_;
  std::size_t bytes_ = 0;
};

}  // namespace mqsend::cli
