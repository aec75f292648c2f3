#include "client/remoting/repeating_timer.hpp"

#include <asio/post.hpp>
#include <future>
#include <memory>

namespace mqsend {

RepeatingTimer::RepeatingTimer(asio::io_context& io, std::chrono::milliseconds interval,
                               std::function<void()> tick)
    : io_(io), interval_(interval), tick_(std::move(tick)), timer_(io) {}

RepeatingTimer::~RepeatingTimer() { stop(); }

void RepeatingTimer::start() {
  asio::post(io_, [this] { arm(); });
}

void RepeatingTimer::arm() {
  if (stopped_) return;
  timer_.expires_after(interval_);
  timer_.async_wait([this](const asio::error_code& error) {
    if (error || stopped_) return;
    tick_();
    arm();
  });
}

void RepeatingTimer::stop() {
  if (io_.stopped()) return;
  // Shared with the handler, which may still be inside set_value when wait() returns.
  auto stopped = std::make_shared<std::promise<void>>();
  auto done = stopped->get_future();
  asio::post(io_, [this, stopped] {
    stopped_ = true;
    timer_.cancel();
    stopped->set_value();
  });
  done.wait();
}

}  // namespace mqsend
