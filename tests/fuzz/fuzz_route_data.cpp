// Fuzz target: the name server's TopicRouteData JSON through the tolerant parser. Whatever
// parses must serialize, in the standard and in the legacy fastjson form, to JSON that parses
// back to the same route.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "client/route/topic_route_data.hpp"
#include "frame_body.hpp"
#include "require.hpp"

namespace {

using mqsend::fuzz::require;

void check(std::string_view json) {
  const auto route = mqsend::parse_topic_route_data(json);
  if (!route) {
    require(!route.error().message.empty());
    return;
  }
  for (const bool legacy : {false, true}) {
    const auto again = mqsend::parse_topic_route_data(mqsend::serialize_topic_route_data(*route, legacy));
    require(again.ok() && *again == *route);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return mqsend::fuzz::check_input_and_frame_body(data, size, check);
}
