#include "cli/input/timer_time.hpp"

#include <cctype>
#include <limits>
#include <string>

namespace mqsend::cli {

namespace {

Error bad_time(std::string_view text, std::string_view expected) {
  return Error{error_code::kInvalidArgument,
               "'" + std::string(text) + "' is not " + std::string(expected)};
}

// Reads exactly `digits` decimal digits at `at`.
bool read_number(std::string_view text, std::size_t& at, int digits, int& value) {
  if (at + static_cast<std::size_t>(digits) > text.size()) return false;
  value = 0;
  for (int i = 0; i < digits; ++i, ++at) {
    if (!std::isdigit(static_cast<unsigned char>(text[at]))) return false;
    value = value * 10 + (text[at] - '0');
  }
  return true;
}

bool expect(std::string_view text, std::size_t& at, char c) {
  if (at >= text.size() || text[at] != c) return false;
  ++at;
  return true;
}

// Days from 1970-01-01 to the civil date (Howard Hinnant's days_from_civil).
std::int64_t days_from_civil(int year, int month, int day) {
  year -= month <= 2;
  const int era = (year >= 0 ? year : year - 399) / 400;
  const int year_of_era = year - era * 400;
  const int day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const int day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return static_cast<std::int64_t>(era) * 146097 + day_of_era - 719468;
}

bool valid_date(int year, int month, int day) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1) return false;
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return day <= kDays[month - 1] + (month == 2 && leap ? 1 : 0);
}

}  // namespace

Result<std::int64_t> parse_deliver_at(std::string_view text) {
  constexpr std::string_view kExpected =
      "a time: RFC 3339 (2026-12-01T18:30:00Z, 2026-12-01T18:30:00+08:00) or epoch milliseconds";
  if (!text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos) {
    if (text.size() > 15) return bad_time(text, kExpected);  // past year 33000
    return static_cast<std::int64_t>(std::stoll(std::string(text)));
  }
  std::size_t at = 0;
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!read_number(text, at, 4, year) || !expect(text, at, '-') || !read_number(text, at, 2, month) ||
      !expect(text, at, '-') || !read_number(text, at, 2, day) || at >= text.size() ||
      (text[at] != 'T' && text[at] != 't' && text[at] != ' ')) {
    return bad_time(text, kExpected);
  }
  ++at;
  if (!read_number(text, at, 2, hour) || !expect(text, at, ':') || !read_number(text, at, 2, minute) ||
      !expect(text, at, ':') || !read_number(text, at, 2, second) || !valid_date(year, month, day) ||
      hour > 23 || minute > 59 || second > 60) {
    return bad_time(text, kExpected);
  }
  std::int64_t millis = 0;
  if (at < text.size() && text[at] == '.') {
    ++at;
    int scale = 100;
    const std::size_t digits_start = at;
    while (at < text.size() && std::isdigit(static_cast<unsigned char>(text[at]))) {
      millis += (text[at] - '0') * scale;  // digits past milliseconds are dropped
      scale /= 10;
      ++at;
    }
    if (at == digits_start) return bad_time(text, kExpected);
  }
  std::int64_t offset_minutes = 0;
  if (at < text.size() && (text[at] == 'Z' || text[at] == 'z')) {
    ++at;
  } else if (at < text.size() && (text[at] == '+' || text[at] == '-')) {
    const int sign = text[at] == '-' ? -1 : 1;
    ++at;
    int offset_hours = 0, offset_mins = 0;
    if (!read_number(text, at, 2, offset_hours) || !expect(text, at, ':') ||
        !read_number(text, at, 2, offset_mins) || offset_hours > 23 || offset_mins > 59) {
      return bad_time(text, kExpected);
    }
    offset_minutes = sign * (offset_hours * 60 + offset_mins);
  } else {
    return bad_time(text, std::string(kExpected) + " (the zone, Z or +HH:MM, is required)");
  }
  if (at != text.size()) return bad_time(text, kExpected);
  const std::int64_t seconds = days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 +
                               std::min(second, 59) - offset_minutes * 60;
  return seconds * 1000 + millis;
}

Result<std::int64_t> parse_duration_ms(std::string_view text) {
  constexpr std::string_view kExpected = "a duration such as 250ms, 90s, 15m, 2h, 1d or 1h30m";
  if (text.empty()) return bad_time(text, kExpected);
  std::int64_t total = 0;
  std::size_t at = 0;
  while (at < text.size()) {
    std::int64_t number = 0;
    const std::size_t start = at;
    while (at < text.size() && std::isdigit(static_cast<unsigned char>(text[at]))) {
      if (number > std::numeric_limits<std::int64_t>::max() / 100) return bad_time(text, kExpected);
      number = number * 10 + (text[at++] - '0');
    }
    if (at == start) return bad_time(text, kExpected);
    std::int64_t unit = 0;
    if (text.substr(at, 2) == "ms") {
      unit = 1, at += 2;
    } else if (at < text.size()) {
      switch (text[at]) {
        case 's': unit = 1000; break;
        case 'm': unit = 60 * 1000; break;
        case 'h': unit = 3600 * 1000; break;
        case 'd': unit = 86400 * 1000; break;
        default: return bad_time(text, kExpected);
      }
      ++at;
    } else {
      return bad_time(text, std::string(kExpected) + " (the unit is required)");
    }
    if (number > std::numeric_limits<std::int64_t>::max() / unit - total / unit) return bad_time(text, kExpected);
    total += number * unit;
  }
  if (total <= 0) return bad_time(text, std::string(kExpected) + ", longer than 0");
  return total;
}

Status check_timer(const Message& message, std::int64_t now_ms) {
  if (!message.is_timer()) return std::nullopt;
  if (message.delay_level() > 0) {
    return Error{error_code::kInvalidArgument,
                 "a timer message (--deliver-at, --delay, \"deliverAt\", \"timerDelay\") cannot carry a "
                 "delay level too"};
  }
  const std::string_view deliver_at = message.property(property_key::kTimerDeliverMs);
  if (!deliver_at.empty()) {
    const std::int64_t at = std::stoll(std::string(deliver_at));
    if (at < now_ms - kPastDeliveryToleranceMs) {
      return Error{error_code::kInvalidArgument,
                   "the delivery time " + std::string(deliver_at) + " is " + std::to_string((now_ms - at) / 1000) +
                       " s in the past"};
    }
  }
  return std::nullopt;
}

}  // namespace mqsend::cli
