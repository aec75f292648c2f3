#include "testcluster/server_version.hpp"

namespace mqsend {

std::optional<ServerVersion> parse_server_version(std::string_view text) {
  if (text == "4.9" || text == "4.9.8") return ServerVersion::k4_9_8;
  if (text == "5.3" || text == "5.3.3") return ServerVersion::k5_3_3;
  return std::nullopt;
}

std::string_view server_version_name(ServerVersion version) {
  return version == ServerVersion::k5_3_3 ? "5.3.3" : "4.9.8";
}

std::int32_t server_version_ordinal(ServerVersion version) {
  // MQVersion.Version: V4_9_8 is ordinal 409, V5_3_3 ordinal 479.
  return version == ServerVersion::k5_3_3 ? 479 : 409;
}

}  // namespace mqsend
