#pragma once
// --rate N: at most N messages per second on average, as a token bucket that lets a burst of
// a tenth of a second's worth (at least one message) through after an idle spell.
#include <chrono>
#include <functional>

namespace mqsend::cli {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  using Now = std::function<Clock::time_point()>;
  using Sleep = std::function<void(Clock::duration)>;

  // `per_second` <= 0: unlimited. Tests inject the clock and the sleeper; empty ones mean
  // steady_clock and std::this_thread::sleep_for.
  explicit RateLimiter(double per_second, Now now = {}, Sleep sleep = {});

  // Blocks just long enough to keep the rate, then takes one message's token.
  // Not thread-safe: call it from the one loop that reads the input.
  void acquire();

 private:
  void refill();

  double per_second_;
  double burst_;
  double tokens_;
  Now now_;
  Sleep sleep_;
  Clock::time_point last_;
};

}  // namespace mqsend::cli
