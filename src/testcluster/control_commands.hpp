#pragma once
// The control protocol (JSON lines, see README.md): parses one command, runs it against the
// cluster, renders the reply. Replies are {"ok":true,...} or {"ok":false,"error":"..."}.
#include <string>
#include <string_view>

namespace mqsend {

class Cluster;

std::string run_control_command(Cluster& cluster, std::string_view line);

}  // namespace mqsend
