#include "cli/event_pump.hpp"

#include <poll.h>

#include <algorithm>

#include "cli/diagnostics.hpp"
#include "cli/interrupt.hpp"

namespace mqsend::cli {

namespace {
// A signal that lands just before a wait starts is seen within this long.
constexpr std::chrono::milliseconds kLongestWait{100};

std::chrono::milliseconds until(EventPump::Clock::time_point when) {
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(when - EventPump::Clock::now());
  return std::max(left, std::chrono::milliseconds(0));
}
}  // namespace

EventPump::EventPump(ProducerPool& producers) : producers_(producers) {
  input_and_outcome_fds_.push_back(pollfd{-1, POLLIN, 0});
  const auto& outcome_fds = producers.outcome_fds();
  input_and_outcome_fds_.insert(input_and_outcome_fds_.end(), outcome_fds.begin(), outcome_fds.end());
}

void EventPump::every(double seconds, std::function<void()> action) {
  if (seconds <= 0) return;
  const auto interval =
      std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  periodic_.push_back({interval, Clock::now() + interval, std::move(action)});
}

std::chrono::milliseconds EventPump::until_next_action() const {
  auto wait = kLongestWait;
  for (const auto& periodic : periodic_) wait = std::min(wait, until(periodic.next));
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
  producers_.poll(std::chrono::milliseconds(0));
  run_due_actions();
}

void EventPump::pump_for(Clock::duration duration) {
  const auto deadline = Clock::now() + duration;
  while (!interrupt_requested()) {
    const auto left = until(deadline);
    if (left.count() == 0) break;
    producers_.poll(std::min(left, until_next_action()));
    run_due_actions();
  }
}

EventPump::InputWait EventPump::wait_readable(int fd, std::optional<Clock::time_point> due) {
  for (;;) {
    if (interrupt_requested()) return InputWait::kInterrupted;
    auto wait = until_next_action();
    if (due) {
      wait = std::min(wait, until(*due));
      if (wait.count() == 0) return InputWait::kDue;
    }
    auto& fds = input_and_outcome_fds_;
    fds[0].fd = fd;
    const int ready = ::poll(fds.data(), fds.size(), static_cast<int>(wait.count()));
    const bool outcomes_ready =
        ready > 0 && std::any_of(fds.begin() + 1, fds.end(), [](const pollfd& slot) { return slot.revents != 0; });
    if (outcomes_ready) producers_.poll(std::chrono::milliseconds(0));
    run_due_actions();
    // POLLHUP / POLLERR / POLLNVAL too: the read then tells the end or the error.
    if (ready > 0 && fds[0].revents != 0) return InputWait::kReadable;
  }
}

bool EventPump::wait_for_room(std::size_t index) {
  for (;;) {
    if (final_ ? !final_wait_goes_on() : interrupt_requested()) return false;
    const auto wait = final_ ? std::min(until_next_action(), final_wait_left()) : until_next_action();
    if (producers_.make_room(index, wait)) return true;
    run_due_actions();
  }
}

void EventPump::begin_final_wait(Clock::time_point deadline, Clock::duration grace) {
  final_ = true;
  final_deadline_ = deadline;
  grace_ = grace;
}

bool EventPump::final_wait_goes_on() {
  if (abort_requested()) return false;
  if (interrupt_requested() && !grace_applied_) {
    grace_applied_ = true;
    const auto bounded = Clock::now() + grace_;
    if (bounded < final_deadline_) final_deadline_ = bounded;
    if (const std::size_t in_flight = producers_.unreported(); in_flight > 0) {
      tell("mqsend: interrupted: waiting up to {:.1f} s for {} message(s) in flight "
           "(interrupt again to stop now)",
           std::chrono::duration<double>(final_deadline_ - Clock::now()).count(), in_flight);
    }
  }
  return Clock::now() < final_deadline_;
}

std::chrono::milliseconds EventPump::final_wait_left() const { return until(final_deadline_); }

bool EventPump::drain() {
  for (;;) {
    const bool goes_on = final_wait_goes_on();
    const auto wait = goes_on ? std::min(final_wait_left(), until_next_action()) : std::chrono::milliseconds(0);
    const bool drained = producers_.flush(Clock::now() + wait);
    run_due_actions();
    if (drained) return true;
    if (!goes_on) return false;
  }
}

}  // namespace mqsend::cli
