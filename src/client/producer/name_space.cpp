#include "client/producer/name_space.hpp"

#include "client/producer/validators.hpp"

#include <algorithm>
#include <iterator>

namespace mqsend {

namespace {

constexpr std::string_view kRetryPrefix = "%RETRY%";
constexpr std::string_view kDlqPrefix = "%DLQ%";

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// The retry/DLQ prefix of a resource ("" if none).
std::string_view special_prefix(std::string_view resource) {
  if (starts_with(resource, kRetryPrefix)) return kRetryPrefix;
  if (starts_with(resource, kDlqPrefix)) return kDlqPrefix;
  return {};
}

}  // namespace

bool is_system_group(std::string_view group) {
  static constexpr std::string_view kSystemGroups[] = {
      "CLIENT_INNER_PRODUCER", "TOOLS_CONSUMER", "FILTERSRV_CONSUMER", "__MONITOR_CONSUMER",
      "SELF_TEST_P_GROUP", "SELF_TEST_C_GROUP", "CID_ONS-HTTP-PROXY", "CID_ONSAPI_PERMISSION",
      "CID_ONSAPI_OWNER", "CID_ONSAPI_PULL"};
  return std::find(std::begin(kSystemGroups), std::end(kSystemGroups), group) !=
             std::end(kSystemGroups) ||
         starts_with(group, "CID_RMQ_SYS_");
}

std::string wrap_namespace(std::string_view name_space, std::string_view resource) {
  if (name_space.empty() || is_system_topic(resource) || is_system_group(resource)) {
    return std::string(resource);
  }
  const std::string_view prefix = special_prefix(resource);
  const std::string_view bare = resource.substr(prefix.size());
  const std::string tag = std::string(name_space) + "%";
  if (starts_with(bare, tag)) return std::string(resource);
  return std::string(prefix) + tag + std::string(bare);
}

std::string unwrap_namespace(std::string_view name_space, std::string_view resource) {
  if (name_space.empty()) return std::string(resource);
  const std::string_view prefix = special_prefix(resource);
  const std::string_view bare = resource.substr(prefix.size());
  const std::string tag = std::string(name_space) + "%";
  if (!starts_with(bare, tag)) return std::string(resource);
  return std::string(prefix) + std::string(bare.substr(tag.size()));
}

}  // namespace mqsend
