#pragma once
// The broker's messageDelayLevel table (ScheduleMessageService.parseDelayLevel): level N is the
// Nth entry of a space-separated list of durations, each a number with a unit s, m, h or d
// (plus ms, a test-cluster extension so that tests need not wait seconds).
#include <chrono>
#include <string_view>
#include <vector>

#include "client/common/error.hpp"

namespace mqsend {

// MessageStoreConfig.messageDelayLevel of 4.9.8 and 5.3.
inline constexpr std::string_view kDefaultDelayLevels =
    "1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h";

using DelayLevels = std::vector<std::chrono::milliseconds>;

// kInvalidArgument on an empty list or an entry that is not a number with a known unit.
Result<DelayLevels> parse_delay_levels(std::string_view text);

}  // namespace mqsend
