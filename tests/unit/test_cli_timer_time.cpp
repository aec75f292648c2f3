// Timer message times: --deliver-at (RFC 3339, epoch ms), --delay durations, and the checks.
#include <catch2/catch.hpp>

#include "cli/input/json_record.hpp"
#include "cli/input/parsed_record.hpp"
#include "cli/input/timer_time.hpp"

using namespace mqsend;
using namespace mqsend::cli;

TEST_CASE("timer: --deliver-at reads RFC 3339 with a zone, or epoch milliseconds", "[cli][timer]") {
  CHECK(parse_deliver_at("1764613800000").value() == 1764613800000);
  CHECK(parse_deliver_at("1970-01-01T00:00:00Z").value() == 0);
  CHECK(parse_deliver_at("2026-12-01T18:30:00Z").value() == 1796149800000);
  CHECK(parse_deliver_at("2026-12-01t18:30:00.250z").value() == 1796149800250);
  CHECK(parse_deliver_at("2026-12-02T02:30:00+08:00").value() == 1796149800000);
  CHECK(parse_deliver_at("2026-12-01 13:30:00.5-05:00").value() == 1796149800500);
  CHECK(parse_deliver_at("2024-02-29T00:00:00Z").value() == 1709164800000);  // a leap day
  for (const char* bad : {"", "2026-12-01T18:30:00", "2026-13-01T00:00:00Z", "2023-02-29T00:00:00Z",
                          "2026-12-01T24:00:00Z", "2026-12-01T18:30Z", "tomorrow", "2026-12-01T18:30:00+0800",
                          "2026-12-01T18:30:00.Z", "12345678901234567890"}) {
    INFO(bad);
    CHECK_FALSE(parse_deliver_at(bad));
  }
}

TEST_CASE("timer: --delay reads durations with units", "[cli][timer]") {
  CHECK(parse_duration_ms("250ms").value() == 250);
  CHECK(parse_duration_ms("90s").value() == 90000);
  CHECK(parse_duration_ms("15m").value() == 900000);
  CHECK(parse_duration_ms("1h30m").value() == 5400000);
  CHECK(parse_duration_ms("2d").value() == 172800000);
  CHECK(parse_duration_ms("1m500ms").value() == 60500);
  for (const char* bad : {"", "90", "s", "0s", "1.5s", "10 s", "5w", "-3s", "99999999999999999999d"}) {
    INFO(bad);
    CHECK_FALSE(parse_duration_ms(bad));
  }
}

TEST_CASE("timer: a delivery time in the past and a delay level besides are refused", "[cli][timer]") {
  const std::int64_t now = 1796149800000;
  Message message;
  set_timer(message, now - 500, std::nullopt);  // a late clock: within the tolerance
  CHECK_FALSE(check_timer(message, now));
  set_timer(message, now - 5000, std::nullopt);
  CHECK(check_timer(message, now));
  set_timer(message, std::nullopt, 90000);
  CHECK(message.property("TIMER_DELAY_MS") == "90000");
  CHECK(message.property("TIMER_DELIVER_MS").empty());  // one of the two, never both
  CHECK_FALSE(check_timer(message, now));
  message.set_delay_level(3);
  CHECK(check_timer(message, now));
  CHECK_FALSE(check_timer(Message{}, now));  // not a timer message
}

TEST_CASE("timer: JSON records carry deliverAt and timerDelay", "[cli][timer]") {
  auto at = parse_json_record(R"({"body":"x","deliverAt":"2026-12-01T18:30:00Z"})");
  REQUIRE(at);
  CHECK(at->deliver_at_ms == std::optional<std::int64_t>(1796149800000));
  CHECK(parse_json_record(R"({"body":"x","deliverAt":1796149800000})")->deliver_at_ms ==
        std::optional<std::int64_t>(1796149800000));
  CHECK(parse_json_record(R"({"body":"x","timerDelay":"90s"})")->timer_delay_ms == std::optional<std::int64_t>(90000));
  CHECK(parse_json_record(R"({"body":"x","timerDelay":1500})")->timer_delay_ms == std::optional<std::int64_t>(1500));
  CHECK_FALSE(parse_json_record(R"({"body":"x","timerDelay":"soon"})"));
  CHECK_FALSE(parse_json_record(R"({"body":"x","deliverAt":"2026-12-01T18:30:00Z","timerDelay":"1s"})"));
  Message message;
  apply_record(*parse_json_record(R"({"body":"x","timerDelay":"2s"})"), message);
  CHECK(message.property("TIMER_DELAY_MS") == "2000");
}
