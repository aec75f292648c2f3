#pragma once
// Responses as the Java 4.9.8 servers write them: language JAVA, version 409, response flag.
#include <optional>
#include <string>

#include "client/remoting/remoting_command.hpp"

namespace mqsend {

// MQVersion.Version ordinal of 4.9.8, the version the bundled servers claim to be.
inline constexpr std::int32_t kServerVersion = 409;

// A normal response: in the request's serialization, same opaque.
RemotingCommand server_response(const RemotingCommand& request, int code,
                                std::optional<std::string> remark = std::nullopt);

// Framework-generated responses (unknown code, flow control, processor exception) use the
// server's default serialization, JSON, whatever the request used.
RemotingCommand framework_response(const RemotingCommand& request, int code, std::string remark);

// REQUEST_CODE_NOT_SUPPORTED with the Java remark " request type N not supported".
RemotingCommand request_code_not_supported(const RemotingCommand& request);

// The remark of a forced code without a real server remark: "[fault injection] SYSTEM_ERROR",
// or "[fault injection] response code 777" for a code that has no name.
std::string fault_injection_remark(int code);

}  // namespace mqsend
