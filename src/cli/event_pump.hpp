#pragma once
// The CLI main loop's waits. Whatever the loop waits for (input, room in the send window,
// the rate limit, the final drain) it keeps reporting the outcomes the producer queues and
// runs its periodic output (flushing output lines, --stats-interval lines), all on the main
// thread: the producer's I/O thread never runs CLI code.
#include <chrono>
#include <functional>
#include <vector>

#include "client/producer/producer.hpp"

namespace mqsend::cli {

class EventPump {
 public:
  using Clock = std::chrono::steady_clock;

  explicit EventPump(Producer& producer) : producer_(producer) {}

  // Runs `action` every `seconds` (<= 0: never) while the pump waits or is ticked.
  void every(double seconds, std::function<void()> action);

  // Reports ready outcomes and runs due actions without waiting.
  void tick();
  // Pumps for `duration` (interrupts end it early).
  void pump_for(Clock::duration duration);
  // Pumps until `fd` is readable (or at its end or in error); false when interrupted first.
  bool wait_readable(int fd);
  // Pumps until the producer has room for a send; false when interrupted (before or while).
  bool wait_for_room();
  // Pumps until every send is reported or `deadline`; true when none is left.
  bool drain(Clock::time_point deadline);

 private:
  struct Periodic {
    Clock::duration interval;
    Clock::time_point next;
    std::function<void()> action;
  };

  // How long a wait may last before an action is due (capped, so interrupts are noticed).
  std::chrono::milliseconds until_next_action() const;
  void run_due_actions();

  Producer& producer_;
  std::vector<Periodic> periodic_;
};

}  // namespace mqsend::cli
