#include "cli/input/rate_limiter.hpp"

#include <algorithm>
#include <thread>
#include <utility>

namespace mqsend::cli {

namespace {
constexpr double kBurstSeconds = 0.1;
}

RateLimiter::RateLimiter(double per_second, Now now, Sleep sleep)
    : per_second_(per_second),
      burst_(std::max(1.0, per_second * kBurstSeconds)),
      tokens_(burst_),
      now_(now ? std::move(now) : Now(Clock::now)),
      sleep_(sleep ? std::move(sleep)
                   : Sleep([](Clock::duration d) { std::this_thread::sleep_for(d); })),
      last_(now_()) {}

void RateLimiter::refill() {
  const Clock::time_point now = now_();
  const double elapsed = std::chrono::duration<double>(now - last_).count();
  last_ = now;
  tokens_ = std::min(burst_, tokens_ + elapsed * per_second_);
}

void RateLimiter::acquire() {
  if (per_second_ <= 0) return;
  for (refill(); tokens_ < 1.0; refill()) {
    const std::chrono::duration<double> wait((1.0 - tokens_) / per_second_);
    // Round up so a sleep never ends a hair before the token is there.
    sleep_(std::chrono::ceil<Clock::duration>(wait));
  }
  tokens_ -= 1.0;
}

}  // namespace mqsend::cli
