#include "testcluster/loopback_listener.hpp"

#include <fmt/format.h>

namespace mqsend {

Result<std::uint16_t> listen_on_loopback(asio::ip::tcp::acceptor& acceptor, std::uint16_t port,
                                         std::string_view what) {
  std::error_code error;
  const asio::ip::tcp::endpoint endpoint(asio::ip::make_address_v4("127.0.0.1"), port);
  acceptor.open(endpoint.protocol(), error);
  if (!error) acceptor.set_option(asio::ip::tcp::acceptor::reuse_address(true), error);
  if (!error) acceptor.bind(endpoint, error);
  if (!error) acceptor.listen(asio::socket_base::max_listen_connections, error);
  std::uint16_t bound = 0;
  if (!error) bound = acceptor.local_endpoint(error).port();
  if (error) {
    std::error_code ignored;
    acceptor.close(ignored);
    return Error{error_code::kInvalidArgument,
                 fmt::format("cannot listen on 127.0.0.1:{} for {}: {}", port, what, error.message())};
  }
  return bound;
}

}  // namespace mqsend
