#include <chrono>
#include <vector>

#include <catch2/catch.hpp>

#include "cli/input/rate_limiter.hpp"

using mqsend::cli::RateLimiter;
using namespace std::chrono_literals;

namespace {

// A fake clock that only moves when the limiter sleeps (or the test advances it).
struct FakeTime {
  RateLimiter::Clock::time_point now{};
  std::vector<RateLimiter::Clock::duration> sleeps;

  RateLimiter limiter(double per_second) {
    return RateLimiter(
        per_second, [this] { return now; },
        [this](RateLimiter::Clock::duration d) {
          sleeps.push_back(d);
          now += d;
        });
  }
  double seconds() const { return std::chrono::duration<double>(now.time_since_epoch()).count(); }
};

}  // namespace

TEST_CASE("rate 0 never waits", "[input]") {
  FakeTime time;
  auto limiter = time.limiter(0);
  for (int i = 0; i < 10000; ++i) limiter.acquire();
  CHECK(time.sleeps.empty());
}

TEST_CASE("a steady rate spaces messages evenly", "[input]") {
  FakeTime time;
  auto limiter = time.limiter(10);  // burst of one
  limiter.acquire();
  CHECK(time.sleeps.empty());
  for (int i = 0; i < 50; ++i) limiter.acquire();
  CHECK(time.seconds() == Approx(5.0).epsilon(0.001));
  REQUIRE(time.sleeps.size() == 50);
  CHECK(std::chrono::duration<double>(time.sleeps.back()).count() == Approx(0.1).epsilon(0.001));
}

TEST_CASE("a small burst passes, then the rate holds", "[input]") {
  FakeTime time;
  auto limiter = time.limiter(1000);  // burst: a tenth of a second's worth
  for (int i = 0; i < 100; ++i) limiter.acquire();
  CHECK(time.sleeps.empty());
  for (int i = 0; i < 2000; ++i) limiter.acquire();
  CHECK(time.seconds() == Approx(2.0).epsilon(0.001));

  // Idle for a long time: only one burst's worth is saved up, not the whole idle time.
  time.now += 60s;
  time.sleeps.clear();
  for (int i = 0; i < 100; ++i) limiter.acquire();
  CHECK(time.sleeps.empty());
  limiter.acquire();
  CHECK(time.sleeps.size() == 1);
}

TEST_CASE("fractional rates wait whole periods", "[input]") {
  FakeTime time;
  auto limiter = time.limiter(0.5);
  limiter.acquire();
  limiter.acquire();
  CHECK(time.seconds() == Approx(2.0).epsilon(0.001));
}

TEST_CASE("the real clock limits too", "[input]") {
  RateLimiter limiter(200);  // burst 20, then 5 ms apart
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 40; ++i) limiter.acquire();
  const auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK(elapsed >= 90ms);
  CHECK(elapsed < 2s);
}
