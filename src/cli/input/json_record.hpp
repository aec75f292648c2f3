#pragma once
// --input json: one JSON object per record.
//   {"body": "text"} or {"body_base64": "..."}   exactly one of the two (base64 for binary)
//   "tags": "string"
//   "keys": "a,b" (comma-separated, as --keys) or ["a", "b"] (non-empty strings)
//   "properties": {"name": "value", ...}         string values; reserved names rejected
//   "delay": 0..18                               integer delay level
//   "shardingKey": "string"                      an ordered send under this key (sharding.hpp)
// Anything else is an error, as are unknown or repeated fields: a typo must not silently
// send a different message.
#include <string_view>

#include "cli/input/parsed_record.hpp"
#include "client/common/error.hpp"

namespace mqsend::cli {

// Errors are kInvalidArgument with a short message naming the problem.
Result<ParsedRecord> parse_json_record(std::string_view raw);

}  // namespace mqsend::cli
