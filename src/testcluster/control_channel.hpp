#pragma once
// The control port: JSON lines on 127.0.0.1, one command per line, one reply line each.
// Replies are produced by a handler on the I/O thread; connections are served one line at a
// time, in order.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>

#include <asio.hpp>

#include "client/common/error.hpp"

namespace mqsend {

class ControlChannel {
 public:
  // Maps one command line (without its newline) to one reply (without newline).
  using Handler = std::function<std::string(std::string_view line)>;

  ControlChannel(asio::io_context& io, Handler handler);
  ~ControlChannel();
  ControlChannel(const ControlChannel&) = delete;
  ControlChannel& operator=(const ControlChannel&) = delete;

  Status listen(std::uint16_t port);
  void shutdown();
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  class Session;
  void accept_next();

  Handler handler_;
  asio::ip::tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  std::unordered_set<std::shared_ptr<Session>> sessions_;
};

}  // namespace mqsend
