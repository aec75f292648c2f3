#include "testcluster/cluster_options.hpp"

#include <charconv>

namespace mqsend {

Result<TopicSpec> parse_topic_spec(std::string_view text) {
  TopicSpec spec;
  const auto colon = text.rfind(':');
  spec.name = std::string(text.substr(0, colon));
  if (colon != std::string_view::npos) {
    const std::string_view queues = text.substr(colon + 1);
    const auto [end, error] = std::from_chars(queues.data(), queues.data() + queues.size(), spec.queues);
    if (error != std::errc() || end != queues.data() + queues.size() || spec.queues <= 0) {
      return Error{error_code::kInvalidArgument,
                   "--topic wants NAME:QUEUES with QUEUES > 0, got '" + std::string(text) + "'"};
    }
  }
  if (Status invalid = validate_topic_name(spec.name)) {
    return Error{error_code::kInvalidArgument, invalid->message};
  }
  return spec;
}

}  // namespace mqsend
