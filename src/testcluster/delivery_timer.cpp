#include "testcluster/delivery_timer.hpp"

namespace mqsend {

DeliveryTimer::~DeliveryTimer() {
  // Cancelled handlers see operation_aborted and touch nothing of this object.
  for (auto& [id, timer] : timers_) timer->cancel();
}

std::uint64_t DeliveryTimer::after(std::chrono::milliseconds delay, std::function<void()> deliver) {
  const std::uint64_t id = next_id_++;
  auto& timer = timers_[id];
  timer = std::make_unique<asio::steady_timer>(io_, delay);
  timer->async_wait([this, id, deliver = std::move(deliver)](const std::error_code& error) {
    if (error) return;
    timers_.erase(id);
    ++delivered_;
    deliver();
  });
  return id;
}

bool DeliveryTimer::cancel(std::uint64_t id) {
  auto it = timers_.find(id);
  if (it == timers_.end()) return false;
  it->second->cancel();
  timers_.erase(it);
  ++cancelled_;
  return true;
}

}  // namespace mqsend
