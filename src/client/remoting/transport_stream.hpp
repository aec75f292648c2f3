#pragma once
// The byte stream of one remoting connection: a TCP socket, optionally wrapped in TLS.
// Client connections and the test cluster's server side share it. Reads and writes go to the
// TLS stream once start_tls() set one up, to the socket otherwise: the plain path costs one
// branch per operation and nothing else.
#include <optional>
#include <string>
#include <utility>

#include <asio.hpp>
#include <asio/ssl.hpp>

#include "client/common/error.hpp"

namespace mqsend {

class TransportStream {
 public:
  explicit TransportStream(asio::io_context& io) : socket_(io) {}
  explicit TransportStream(asio::ip::tcp::socket socket) : socket_(std::move(socket)) {}
  TransportStream(const TransportStream&) = delete;
  TransportStream& operator=(const TransportStream&) = delete;

  // Connect, socket options, close, and the peek of the first byte go to the socket itself.
  asio::ip::tcp::socket& socket() { return socket_; }
  const asio::ip::tcp::socket& socket() const { return socket_; }

  // Wraps the socket in TLS under `context`, before the handshake (even before the connect).
  void start_tls(asio::ssl::context& context) { tls_.emplace(socket_, context); }
  bool tls() const { return tls_.has_value(); }
  // Client side, after start_tls: the peer's certificate must name `host`, as an IP SAN for
  // an IP address, as a DNS name otherwise (also sent as SNI); checked when the context
  // verifies peers. Errors carry OpenSSL's reason.
  Status expect_peer_name(const std::string& host);

  template <typename Handler>
  void async_handshake(asio::ssl::stream_base::handshake_type side, Handler&& handler) {
    tls_->async_handshake(side, std::forward<Handler>(handler));
  }

  template <typename Buffers, typename Handler>
  void async_read_some(const Buffers& buffers, Handler&& handler) {
    if (tls_) {
      tls_->async_read_some(buffers, std::forward<Handler>(handler));
    } else {
      socket_.async_read_some(buffers, std::forward<Handler>(handler));
    }
  }

  // All of `buffers`, as asio::async_write.
  template <typename Buffers, typename Handler>
  void async_write(const Buffers& buffers, Handler&& handler) {
    if (tls_) {
      asio::async_write(*tls_, buffers, std::forward<Handler>(handler));
    } else {
      asio::async_write(socket_, buffers, std::forward<Handler>(handler));
    }
  }

  // Why a handshake failed, for people: OpenSSL's reason plus the certificate check's
  // verdict ("certificate verify failed: self-signed certificate"), or a hint when the peer
  // hung up mid-handshake (it probably does not speak TLS).
  std::string handshake_failure(const asio::error_code& error);

 private:
  asio::ip::tcp::socket socket_;
  std::optional<asio::ssl::stream<asio::ip::tcp::socket&>> tls_;  // after socket_: goes first
};

}  // namespace mqsend
