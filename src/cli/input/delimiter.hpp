#pragma once
// Delimiter specs as typed on the command line (-D, -K, --tag-delimiter).
#include <string>
#include <string_view>

#include "client/common/error.hpp"

namespace mqsend::cli {

// Decodes the escapes \n \r \t \0 \\ and \xNN (exactly two hex digits); every other byte is
// literal, so "<=>" is a three-byte delimiter. Empty specs, unknown escapes and a trailing
// lone backslash are errors (kInvalidArgument): a typo must not silently change the split.
Result<std::string> parse_delimiter(std::string_view spec);

}  // namespace mqsend::cli
