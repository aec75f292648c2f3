#pragma once
// Several independent producers in one process (--producers N), as N DefaultMQProducer
// instances with instance names of their own: each has its own client id (make_client_id),
// connections, I/O thread, route table, send window and trace dispatcher. Sends go round-robin; every send of a sharding key
// goes through the producer the key hashes to, so the key's order holds (each producer keeps
// the order of what it is given). All callbacks run on the thread that polls the pool.
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <poll.h>

#include "client/producer/producer.hpp"

namespace mqsend {

class ProducerPool {
 public:
  using Clock = Producer::Clock;

  // `options.max_in_flight` is each producer's window.
  ProducerPool(const ProducerOptions& options, std::size_t count);

  std::size_t size() const { return producers_.size(); }
  Producer& at(std::size_t index) { return *producers_[index]; }
  // The producer the next send goes to: the next in turn, or the sharding key's own
  // (SelectMessageQueueByHash's rule: |hashCode| % N).
  std::size_t pick(const std::optional<std::string>& sharding_key);

  // As Producer's, over every producer: callbacks of any of them run.
  std::size_t poll(Milliseconds timeout);
  // Polls until producer `index` has room for a send or `timeout` passed.
  bool make_room(std::size_t index, Milliseconds timeout);
  bool flush(Clock::time_point deadline);
  void close();
  std::size_t unreported() const;
  // One descriptor per producer, readable while its outcomes wait for poll().
  const std::vector<pollfd>& outcome_fds() const { return outcome_fds_; }
  TraceStats trace_stats() const;

 private:
  std::vector<std::unique_ptr<Producer>> producers_;
  std::vector<pollfd> outcome_fds_;
  std::size_t next_ = 0;
};

}  // namespace mqsend
