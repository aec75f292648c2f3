#pragma once
// Minimal JSON output for the hot send path: quoted strings and integers, appended in place.
#include <cstdint>
#include <string>
#include <string_view>

namespace mqsend {

// Appends `text` as a quoted JSON string: '"' and '\\' backslash-escaped, bytes below 0x20 as
// \u00XX (as fastjson does for the 0x01/0x02 property separators), every other byte raw.
void append_json_string(std::string& out, std::string_view text);

void append_json_int(std::string& out, std::int64_t value);

}  // namespace mqsend
