#pragma once
// The times of 5.x timer messages as the command line writes them: --deliver-at (RFC 3339 or
// epoch milliseconds) and --delay (a duration such as 90s, 15m, 250ms, 1h30m).
#include <cstdint>
#include <string_view>

#include "client/common/error.hpp"
#include "client/producer/message.hpp"

namespace mqsend::cli {

// "2026-12-01T18:30:00Z", "2026-12-01T18:30:00.250+08:00" (a space for the T, a lower-case z
// too), or digits: epoch milliseconds. kInvalidArgument otherwise.
Result<std::int64_t> parse_deliver_at(std::string_view text);

// One or more <number><unit> parts, unit ms, s, m, h or d: "250ms", "90s", "1h30m"; > 0.
Result<std::int64_t> parse_duration_ms(std::string_view text);

// A delivery time that lies this far in the past or more is refused: a late clock is
// tolerated, a wrong date is not.
inline constexpr std::int64_t kPastDeliveryToleranceMs = 1000;

// A timer message that cannot be sent as asked: a delivery time `now_ms` has passed by more
// than the tolerance, or a delay level besides (a message has one delay). kInvalidArgument.
Status check_timer(const Message& message, std::int64_t now_ms);

}  // namespace mqsend::cli
