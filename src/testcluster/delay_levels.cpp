#include "testcluster/delay_levels.hpp"

#include <charconv>
#include <cstdint>
#include <string>

namespace mqsend {

namespace {

std::int64_t unit_ms(std::string_view unit) {
  if (unit == "ms") return 1;
  if (unit == "s") return 1000;
  if (unit == "m") return 60 * 1000;
  if (unit == "h") return 60 * 60 * 1000;
  if (unit == "d") return 24 * 60 * 60 * 1000;
  return 0;
}

}  // namespace

Result<DelayLevels> parse_delay_levels(std::string_view text) {
  DelayLevels levels;
  while (!text.empty()) {
    const std::size_t start = text.find_first_not_of(' ');
    if (start == std::string_view::npos) break;
    text.remove_prefix(start);
    const std::string_view entry = text.substr(0, text.find(' '));
    text.remove_prefix(entry.size());
    std::int64_t count = 0;
    const auto [end, error] = std::from_chars(entry.data(), entry.data() + entry.size(), count);
    const std::int64_t unit = unit_ms(entry.substr(static_cast<std::size_t>(end - entry.data())));
    if (error != std::errc() || end == entry.data() || count < 0 || unit == 0) {
      return Error{error_code::kInvalidArgument,
                   "delay level '" + std::string(entry) + "' is not a number with unit ms, s, m, h or d"};
    }
    levels.emplace_back(count * unit);
  }
  if (levels.empty()) return Error{error_code::kInvalidArgument, "no delay levels given"};
  return levels;
}

}  // namespace mqsend
