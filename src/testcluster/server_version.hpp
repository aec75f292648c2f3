#pragma once
// Which RocketMQ release the test cluster answers as. The two differ on the wire (issue 14):
// 5.3 responses carry version 479, routes carry enableActingMaster, send responses carry
// transactionId, batches batchUniqId, timer messages a recallHandle.
#include <cstdint>
#include <optional>
#include <string_view>

namespace mqsend {

enum class ServerVersion { k4_9_8, k5_3_3 };

// "4.9" / "4.9.8" and "5.3" / "5.3.3"; nullopt for anything else.
std::optional<ServerVersion> parse_server_version(std::string_view text);
std::string_view server_version_name(ServerVersion version);  // "4.9.8" or "5.3.3"

// The MQVersion.Version ordinal a server of that release writes in every response.
std::int32_t server_version_ordinal(ServerVersion version);

}  // namespace mqsend
