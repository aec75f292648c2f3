#include "cli/event_pump.hpp"

#include <poll.h>

#include <algorithm>

#include "cli/interrupt.hpp"

namespace mqsend::cli {

namespace {
// A signal that lands just before a wait starts is seen within this long.
constexpr std::chrono::milliseconds kLongestWait{100};
}  // namespace

void EventPump::every(double seconds, std::function<void()> action) {
  if (seconds <= 0) return;
  const auto interval =
      std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  periodic_.push_back({interval, Clock::now() + interval, std::move(action)});
}

std::chrono::milliseconds EventPump::until_next_action() const {
  auto wait = kLongestWait;
  const auto now = Clock::now();
  for (const auto& periodic : periodic_) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(periodic.next - now);
    wait = std::clamp(left, std::chrono::milliseconds(0), wait);
  }
  return wait;
}

void EventPump::run_due_actions() {
  if (periodic_.empty()) return;
  const auto now = Clock::now();
  for (auto& periodic : periodic_) {
    if (now < periodic.next) continue;
    periodic.action();
    periodic.next += periodic.interval;
    if (periodic.next < now) periodic.next = now + periodic.interval;  // fell behind: no burst
  }
}

void EventPump::tick() {
  producer_.poll(std::chrono::milliseconds(0));
  run_due_actions();
}

void EventPump::pump_for(Clock::duration duration) {
  const auto deadline = Clock::now() + duration;
  while (!interrupt_requested()) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) break;
    producer_.poll(std::min(left, until_next_action()));
    run_due_actions();
  }
}

bool EventPump::wait_readable(int fd) {
  for (;;) {
    if (interrupt_requested()) return false;
    pollfd fds[2] = {{fd, POLLIN, 0}, {producer_.outcome_fd(), POLLIN, 0}};
    const int ready = ::poll(fds, 2, static_cast<int>(until_next_action().count()));
    if (ready > 0 && fds[1].revents != 0) producer_.poll(std::chrono::milliseconds(0));
    run_due_actions();
    // POLLHUP / POLLERR / POLLNVAL too: the read then tells the end or the error.
    if (ready > 0 && fds[0].revents != 0) return true;
  }
}

bool EventPump::wait_for_room() {
  if (interrupt_requested()) return false;
  while (!producer_.make_room(until_next_action())) {
    run_due_actions();
    if (interrupt_requested()) return false;
  }
  return true;
}

bool EventPump::drain(Clock::time_point deadline) {
  for (;;) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
    const bool drained = producer_.flush(Clock::now() + std::min(std::max(left, std::chrono::milliseconds(0)), until_next_action()));
    run_due_actions();
    if (drained) return true;
    if (left.count() <= 0) return false;
  }
}

}  // namespace mqsend::cli
