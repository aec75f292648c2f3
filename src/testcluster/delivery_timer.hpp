#pragma once
// Runs a delivery when its time comes, on the cluster's I/O thread (asio timers, nothing
// blocks): the schedule service of delay-level messages and the timer wheel of 5.x timer
// messages. Pending deliveries are dropped, never run, when the timer is destroyed.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>

#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>

namespace mqsend {

class DeliveryTimer {
 public:
  explicit DeliveryTimer(asio::io_context& io) : io_(io) {}
  ~DeliveryTimer();
  DeliveryTimer(const DeliveryTimer&) = delete;
  DeliveryTimer& operator=(const DeliveryTimer&) = delete;

  // Calls `deliver` after `delay` (at once, on the next turn, for a delay <= 0); returns the
  // delivery's id.
  std::uint64_t after(std::chrono::milliseconds delay, std::function<void()> deliver);
  // Drops a pending delivery; false when it ran or was dropped already.
  bool cancel(std::uint64_t id);
  std::size_t pending() const { return timers_.size(); }
  std::uint64_t delivered() const { return delivered_; }
  std::uint64_t cancelled() const { return cancelled_; }

 private:
  asio::io_context& io_;
  std::uint64_t next_id_ = 0;
  std::uint64_t delivered_ = 0;
  std::uint64_t cancelled_ = 0;
  std::map<std::uint64_t, std::unique_ptr<asio::steady_timer>> timers_;
};

}  // namespace mqsend
