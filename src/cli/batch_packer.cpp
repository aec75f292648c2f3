#include "cli/batch_packer.hpp"

#include <utility>

namespace mqsend::cli {

std::size_t BatchPacker::estimated_size(const Message& message) {
  std::size_t size = 22 + message.body.size() + 64;  // 64: UNIQ_KEY and WAIT pairs
  for (const auto& [key, value] : message.properties) size += key.size() + value.size() + 2;
  return size;
}

std::optional<Batch> BatchPacker::add(PendingRecord record, Message message, Clock::time_point now) {
  const std::size_t size = estimated_size(message);
  std::optional<Batch> full;
  if (!pending_.messages.empty() &&
      (pending_.messages.size() >= max_messages_ || bytes_ + size > max_bytes_)) {
    full = take();
  }
  if (pending_.messages.empty()) first_added_ = now;
  bytes_ += size;
  pending_.records.push_back(std::move(record));
  pending_.messages.push_back(std::move(message));
  if (!full && pending_.messages.size() >= max_messages_) full = take();
  return full;
}

std::optional<Batch> BatchPacker::take() {
  if (pending_.messages.empty()) return std::nullopt;
  bytes_ = 0;
  return std::exchange(pending_, Batch{});
}

std::optional<BatchPacker::Clock::time_point> BatchPacker::due() const {
  if (pending_.messages.empty()) return std::nullopt;
  return first_added_ + linger_;
}

}  // namespace mqsend::cli
