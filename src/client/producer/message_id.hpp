#pragma once
// UNIQ_KEY generation, the Java MessageClientIDSetter layout (reference 4.2):
// IPv4 (4 bytes) | pid low 16 bits | per-process random 4 bytes | ms since the start of the
// current month in local time (4 bytes) | 16-bit counter, as 32 uppercase hex characters.
#include <array>
#include <cstdint>
#include <ctime>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

namespace mqsend {

class UniqueIdGenerator {
 public:
  struct Fixed {
    std::array<std::uint8_t, 4> ip{};
    std::uint16_t pid = 0;
    std::uint32_t random = 0;
  };
  // Milliseconds since the Unix epoch.
  using Clock = std::function<std::int64_t()>;
  // Start of the month containing `now_ms`, in ms since the epoch (local time by default).
  using MonthStart = std::function<std::int64_t(std::int64_t now_ms)>;

  // The process's real values: first non-loopback IPv4 (public preferred, else private; if
  // none, bytes 4-7 of the current time in ms as Java does), getpid(), a random int,
  // the system clock and the local time zone.
  UniqueIdGenerator();
  // Everything injectable, for tests.
  UniqueIdGenerator(Fixed fixed, Clock clock, MonthStart month_start,
                    std::uint16_t first_counter = 0);

  // Thread-safe. Returns a fresh 32-character id.
  std::string next();

  // The 20-character hex prefix of the fixed part.
  const std::string& fixed_prefix() const { return prefix_; }

  static std::int64_t local_month_start_ms(std::int64_t now_ms);
  static std::int64_t utc_month_start_ms(std::int64_t now_ms);
  static std::int64_t system_now_ms();
  // First public IPv4, else first private IPv4 (loopback, link-local and 0.0.0.0 skipped).
  static std::optional<std::array<std::uint8_t, 4>> local_ipv4();

 private:
  std::string prefix_;
  Clock clock_;
  MonthStart month_start_;
  std::mutex mutex_;
  std::int64_t month_start_ms_ = 0;
  std::int64_t next_month_start_ms_ = 0;  // month_start_ms_ becomes stale at this instant
  std::uint16_t counter_ = 0;
};

}  // namespace mqsend
