#include "client/producer/message_id.hpp"

#include <algorithm>
#include <chrono>
#include <random>

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace mqsend {
namespace {

constexpr char kHexDigits[] = "0123456789ABCDEF";
constexpr std::int64_t kMsPerDay = 86400000;
// A clock step back by less than this is clamped to 0 instead of recomputing the month (Java).
constexpr std::int64_t kTolerableClockStepBackMs = 1000000;

void append_hex(std::string& out, std::uint64_t value, int bytes) {
  for (int shift = bytes * 8 - 4; shift >= 0; shift -= 4) {
    out.push_back(kHexDigits[(value >> shift) & 0xF]);
  }
}

bool is_private(std::uint32_t ip) {
  return (ip >> 24) == 10 || (ip >> 20) == 0xAC1 || (ip >> 16) == 0xC0A8;
}

bool is_unusable(std::uint32_t ip) {
  const std::uint32_t first = ip >> 24;
  return ip == 0 || first == 127 || (ip >> 16) == 0xA9FE /* 169.254 link-local */ ||
         first >= 224 /* multicast, reserved, broadcast */;
}

std::int64_t month_start_from(std::tm fields, bool local) {
  fields.tm_mday = 1;
  fields.tm_hour = 0;
  fields.tm_min = 0;
  fields.tm_sec = 0;
  fields.tm_isdst = -1;
  const std::time_t seconds = local ? std::mktime(&fields) : timegm(&fields);
  return static_cast<std::int64_t>(seconds) * 1000;
}

std::time_t to_seconds(std::int64_t ms) {
  return static_cast<std::time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
}

UniqueIdGenerator::Fixed process_fixed_part() {
  UniqueIdGenerator::Fixed fixed;
  if (auto ip = UniqueIdGenerator::local_ipv4()) {
    fixed.ip = *ip;
  } else {
    // Java falls back to bytes 4-7 of the current time in ms as a long.
    const auto now = static_cast<std::uint64_t>(UniqueIdGenerator::system_now_ms());
    for (int i = 0; i < 4; ++i) fixed.ip[i] = static_cast<std::uint8_t>(now >> (24 - 8 * i));
  }
  fixed.pid = static_cast<std::uint16_t>(getpid());
  fixed.random = std::random_device{}();
  return fixed;
}

}  // namespace

UniqueIdGenerator::UniqueIdGenerator()
    : UniqueIdGenerator(process_fixed_part(), system_now_ms, local_month_start_ms) {}

UniqueIdGenerator::UniqueIdGenerator(Fixed fixed, Clock clock, MonthStart month_start,
                                     std::uint16_t first_counter)
    : clock_(std::move(clock)), month_start_(std::move(month_start)), counter_(first_counter) {
  prefix_.reserve(20);
  for (std::uint8_t byte : fixed.ip) append_hex(prefix_, byte, 1);
  append_hex(prefix_, fixed.pid, 2);
  append_hex(prefix_, fixed.random, 4);
}

std::string UniqueIdGenerator::next() {
  const std::int64_t now = clock_();
  std::uint32_t elapsed = 0;
  std::uint16_t counter = 0;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (now >= next_month_start_ms_ || now < month_start_ms_ - kTolerableClockStepBackMs) {
      month_start_ms_ = month_start_(now);
      // Any instant 32 days after a month's start lies in the following month.
      next_month_start_ms_ = month_start_(month_start_ms_ + 32 * kMsPerDay);
    }
    elapsed = static_cast<std::uint32_t>(std::max<std::int64_t>(0, now - month_start_ms_));
    counter = counter_++;
  }
  std::string id;
  id.reserve(32);
  id.append(prefix_);
  append_hex(id, elapsed, 4);
  append_hex(id, counter, 2);
  return id;
}

std::int64_t UniqueIdGenerator::local_month_start_ms(std::int64_t now_ms) {
  const std::time_t seconds = to_seconds(now_ms);
  std::tm fields{};
  localtime_r(&seconds, &fields);
  return month_start_from(fields, true);
}

std::int64_t UniqueIdGenerator::utc_month_start_ms(std::int64_t now_ms) {
  const std::time_t seconds = to_seconds(now_ms);
  std::tm fields{};
  gmtime_r(&seconds, &fields);
  return month_start_from(fields, false);
}

std::int64_t UniqueIdGenerator::system_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::optional<std::array<std::uint8_t, 4>> UniqueIdGenerator::local_ipv4() {
  ifaddrs* interfaces = nullptr;
  if (getifaddrs(&interfaces) != 0) return std::nullopt;
  std::optional<std::uint32_t> first_private;
  std::optional<std::uint32_t> first_public;
  for (const ifaddrs* entry = interfaces; entry != nullptr && !first_public; entry = entry->ifa_next) {
    if (entry->ifa_addr == nullptr || entry->ifa_addr->sa_family != AF_INET) continue;
    const auto* address = reinterpret_cast<const sockaddr_in*>(entry->ifa_addr);
    const std::uint32_t ip = ntohl(address->sin_addr.s_addr);
    if (is_unusable(ip)) continue;
    if (!is_private(ip)) {
      first_public = ip;
    } else if (!first_private) {
      first_private = ip;
    }
  }
  freeifaddrs(interfaces);
  const std::optional<std::uint32_t> chosen = first_public ? first_public : first_private;
  if (!chosen) return std::nullopt;
  return std::array<std::uint8_t, 4>{
      static_cast<std::uint8_t>(*chosen >> 24), static_cast<std::uint8_t>(*chosen >> 16),
      static_cast<std::uint8_t>(*chosen >> 8), static_cast<std::uint8_t>(*chosen)};
}

}  // namespace mqsend
