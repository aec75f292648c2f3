#pragma once
// The CLI main loop's waits. Whatever the loop waits for (input, room in the send window,
// the rate limit, the final drain) it keeps reporting the outcomes the producer queues and
// runs its periodic output (flushing output lines, --stats-interval lines), all on the main
// thread: the producer's I/O thread never runs CLI code.
//
// Two phases. While input is read, every wait ends at the first interrupt (SIGINT, SIGTERM,
// SIGHUP). After begin_final_wait() the waits end at the final deadline or on a second
// interrupt (stop now); a first interrupt, before or during the final wait, brings the
// deadline to at most `grace` from when it is seen.
#include <chrono>
#include <functional>
#include <optional>
#include <vector>

#include <poll.h>

#include "client/producer/producer_pool.hpp"

namespace mqsend::cli {

class EventPump {
 public:
  using Clock = std::chrono::steady_clock;

  explicit EventPump(ProducerPool& producers);

  // Runs `action` every `seconds` (<= 0: never) while the pump waits or is ticked.
  void every(double seconds, std::function<void()> action);

  // Reports ready outcomes and runs due actions without waiting.
  void tick();
  // Pumps for `duration` (interrupts end it early).
  void pump_for(Clock::duration duration);

  enum class InputWait { kReadable, kDue, kInterrupted };
  // Pumps until `fd` is readable (or at its end or in error), or until `due` passes (kDue;
  // never when nullopt), or an interrupt (kInterrupted).
  InputWait wait_readable(int fd, std::optional<Clock::time_point> due = std::nullopt);

  // Pumps until producer `index` has room for a send; false when the wait must end first (see
  // the phases above).
  bool wait_for_room(std::size_t index);

  // The input is over (or was interrupted): from now on waits last until `deadline`, cut by
  // interrupts as described above.
  void begin_final_wait(Clock::time_point deadline, Clock::duration grace);
  // Pumps until every send is reported (true), or the final wait ends (false).
  bool drain();

 private:
  struct Periodic {
    Clock::duration interval;
    Clock::time_point next;
    std::function<void()> action;
  };

  // How long a wait may last before an action is due (capped, so interrupts are noticed).
  std::chrono::milliseconds until_next_action() const;
  void run_due_actions();
  // Final phase: applies interrupts seen since the last call; false when the wait is over.
  bool final_wait_goes_on();
  std::chrono::milliseconds final_wait_left() const;

  ProducerPool& producers_;
  std::vector<pollfd> input_and_outcome_fds_;  // the input's slot first, set per wait
  std::vector<Periodic> periodic_;
  bool final_ = false;
  bool grace_applied_ = false;
  Clock::time_point final_deadline_;
  Clock::duration grace_{};
};

}  // namespace mqsend::cli
