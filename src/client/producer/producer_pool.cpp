#include "client/producer/producer_pool.hpp"

#include <algorithm>
#include <cstdlib>

#include "client/common/java_string_hash.hpp"

namespace mqsend {

ProducerPool::ProducerPool(const ProducerOptions& options, std::size_t count) {
  producers_.reserve(count);
  for (std::size_t i = 0; i < std::max<std::size_t>(count, 1); ++i) {
    producers_.push_back(std::make_unique<Producer>(options));
    outcome_fds_.push_back(pollfd{producers_.back()->outcome_fd(), POLLIN, 0});
  }
}

std::size_t ProducerPool::pick(const std::optional<std::string>& sharding_key) {
  if (producers_.size() == 1) return 0;
  if (sharding_key) {
    return static_cast<std::size_t>(std::abs(static_cast<std::int64_t>(java_string_hash(*sharding_key)))) %
           producers_.size();
  }
  const std::size_t index = next_;
  next_ = (next_ + 1) % producers_.size();
  return index;
}

// One producer waits on its own queue; several wait on their descriptors together, then
// report what each has ready.
std::size_t ProducerPool::poll(Milliseconds timeout) {
  if (producers_.size() == 1) return producers_.front()->poll(timeout);
  std::size_t ran = 0;
  for (auto& producer : producers_) ran += producer->poll(Milliseconds(0));
  if (ran > 0 || timeout.count() <= 0) return ran;
  if (::poll(outcome_fds_.data(), outcome_fds_.size(), static_cast<int>(timeout.count())) <= 0) return 0;
  for (auto& producer : producers_) ran += producer->poll(Milliseconds(0));
  return ran;
}

bool ProducerPool::make_room(std::size_t index, Milliseconds timeout) {
  Producer& producer = *producers_[index];
  if (producers_.size() == 1) return producer.make_room(timeout);
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    if (producer.make_room(Milliseconds(0))) return true;
    const auto left = std::chrono::duration_cast<Milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return false;
    poll(left);
  }
}

bool ProducerPool::flush(Clock::time_point deadline) {
  if (producers_.size() == 1) return producers_.front()->flush(deadline);
  while (unreported() > 0) {
    const auto left = std::chrono::duration_cast<Milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return false;
    poll(left);
  }
  // Nothing unreported: each flush only sends what its trace dispatcher holds.
  bool flushed = true;
  for (auto& producer : producers_) flushed = producer->flush(deadline) && flushed;
  return flushed;
}

void ProducerPool::close() {
  for (auto& producer : producers_) producer->close();
}

std::size_t ProducerPool::unreported() const {
  std::size_t total = 0;
  for (const auto& producer : producers_) total += producer->unreported();
  return total;
}

TraceStats ProducerPool::trace_stats() const {
  TraceStats total;
  for (const auto& producer : producers_) {
    const TraceStats stats = producer->trace_stats();
    total.records += stats.records;
    total.records_dropped += stats.records_dropped;
    total.messages_sent += stats.messages_sent;
    total.messages_failed += stats.messages_failed;
    if (total.first_error.empty()) total.first_error = stats.first_error;
  }
  return total;
}

}  // namespace mqsend
