#pragma once
// A task that runs every interval on an io_context's thread (heartbeats, route refresh), so
// that periodic work needs no thread of its own.
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <chrono>
#include <functional>

namespace mqsend {

class RepeatingTimer {
 public:
  // `tick` runs on the io_context's thread and must not block.
  RepeatingTimer(asio::io_context& io, std::chrono::milliseconds interval, std::function<void()> tick);
  ~RepeatingTimer();
  RepeatingTimer(const RepeatingTimer&) = delete;
  RepeatingTimer& operator=(const RepeatingTimer&) = delete;

  // Any thread: the first tick comes one interval from now.
  void start();
  // Any thread but the io_context's: once it returns, `tick` is not running and never runs
  // again. Returns at once when the io_context no longer runs.
  void stop();

 private:
  void arm();

  asio::io_context& io_;
  const std::chrono::milliseconds interval_;
  const std::function<void()> tick_;
  asio::steady_timer timer_;
  bool stopped_ = false;  // the io_context's thread only
};

}  // namespace mqsend
