#pragma once
// Namespaces as the Java client applies them (NamespaceUtil, protocol reference 7.9):
// "ns%resource", "%RETRY%ns%X", "%DLQ%ns%X"; system topics and groups are never wrapped.
#include <string>
#include <string_view>

namespace mqsend {

bool is_system_group(std::string_view group);

// Wraps a topic or group; unchanged when `name_space` is empty, the resource is a system
// one, or it already carries the namespace.
std::string wrap_namespace(std::string_view name_space, std::string_view resource);
// The inverse, for showing results without the namespace.
std::string unwrap_namespace(std::string_view name_space, std::string_view resource);

}  // namespace mqsend
