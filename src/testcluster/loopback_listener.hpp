#pragma once
// Opens a listening acceptor on 127.0.0.1, as every server of the test cluster does.
#include <cstdint>
#include <string_view>

#include <asio.hpp>

#include "client/common/error.hpp"

namespace mqsend {

// Opens, binds (port 0 = ephemeral) and listens; returns the bound port. On failure the
// acceptor is left closed and the error names `what` ("broker-a", "the control channel").
Result<std::uint16_t> listen_on_loopback(asio::ip::tcp::acceptor& acceptor, std::uint16_t port,
                                         std::string_view what);

}  // namespace mqsend
