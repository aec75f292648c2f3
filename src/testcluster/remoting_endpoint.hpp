#pragma once
// One listening server of the test cluster (the name server or a broker) on 127.0.0.1:
// accepts connections, decodes frames, logs every request, hands it to the server logic and
// writes the responses, coalescing everything ready into one write per connection.
// Responses go out as the release's remoting layer writes them (server_response.hpp), extFields
// in Java HashMap order, and pipelined requests are answered out of order as the real servers'
// thread pools answer them: of requests read together, the first is answered last; a response
// whose successor is still arriving waits (briefly) to go out after it.
// The broker may also write requests of its own to a client's connection (CHECK_TRANSACTION_STATE,
// PUSH_REPLY_MESSAGE_TO_CLIENT), as the server's createRequestCommand builds them: under the
// endpoint's own opaque counter, oneway or waiting for the client's answer. A frame with the
// response flag is logged and goes to the request waiting for it; one nobody waits for is
// dropped, as processResponseCommand drops it. A closing connection is reported (the broker
// forgets the producer channel, ProducerManager.doChannelCloseEvent).
// Network-level faults are applied here: down (no listener, no connections), black hole,
// close after N requests, response delay, corrupt responses (malformed, oversized, truncated,
// wrong opaque, garbage).
// With a TlsServer, each connection's first byte decides between TLS and plaintext
// (tls_server.hpp).
// Everything runs on the one I/O thread of the io_context.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include <asio.hpp>

#include "client/common/error.hpp"
#include "client/remoting/remoting_command.hpp"
#include "testcluster/fault_state.hpp"
#include "testcluster/request_log.hpp"
#include "testcluster/server_version.hpp"
#include "testcluster/tls_server.hpp"

namespace mqsend {

class RemotingEndpoint {
 public:
  // The response for a request, nullopt when none is to be written. `peer` is "ip:port",
  // `now_ms` the arrival time (wall clock, ms since the epoch).
  using Handler = std::function<std::optional<RemotingCommand>(
      const RemotingCommand& request, std::string_view peer, std::int64_t now_ms)>;
  // The client's answer to a request of the server's; nullopt when none came in time.
  using ResponseHandler = std::function<void(std::optional<RemotingCommand> response)>;
  using CloseHandler = std::function<void(const std::string& peer)>;

  // `tls`: null for plaintext only; else shared by the endpoints and outliving them.
  RemotingEndpoint(asio::io_context& io, std::string target, ServerVersion version,
                   FaultState& faults, RequestLog& log, Handler handler, TlsServer* tls = nullptr);
  ~RemotingEndpoint();
  RemotingEndpoint(const RemotingEndpoint&) = delete;
  RemotingEndpoint& operator=(const RemotingEndpoint&) = delete;

  // Binds 127.0.0.1:port (0 = ephemeral) and starts accepting; the bound port is kept so that
  // coming back up after "down" uses the same one.
  Status listen(std::uint16_t port);
  // Brings the listener in line with the fault state: down closes the listener and every
  // connection, up listens again on the same port.
  Status apply_down_state();
  // Closes the listener and every connection for good.
  void shutdown();

  const std::string& target() const { return target_; }
  std::uint16_t port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  bool listening() const { return acceptor_.is_open(); }
  std::size_t connection_count() const { return connections_.size(); }
  bool has_connection(std::string_view peer) const { return find_connection(peer) != nullptr; }

  // Called with the peer of every connection that closes, whatever closed it.
  void set_close_handler(CloseHandler handler) { close_handler_ = std::move(handler); }
  // Writes a request of the server's own (server_request) to the connection from `peer` under
  // the next opaque; false when no such connection is open. Oneway when `on_response` is empty;
  // else it gets the client's answer, or nullopt once `timeout` passed without one.
  bool send_request(std::string_view peer, RemotingCommand request,
                    std::chrono::milliseconds timeout = {}, ResponseHandler on_response = {});
  // The answer to `request` given after the handler returned none for it (it waited for
  // something else), written as the handler's would have been; false when the connection is gone.
  bool send_response(std::string_view peer, const RemotingCommand& request,
                     RemotingCommand response);

 private:
  class Connection;
  struct PendingCall {
    ResponseHandler on_response;
    std::unique_ptr<asio::steady_timer> timeout;
  };

  Status open_acceptor();
  void accept_next();
  void close_connections();
  Connection* find_connection(std::string_view peer) const;
  // A response frame arrived: the request waiting for its opaque gets it.
  void complete_call(const RemotingCommand& response);

  asio::io_context& io_;
  std::string target_;
  ServerVersion version_;
  FaultState& faults_;
  RequestLog& log_;
  Handler handler_;
  TlsServer* const tls_;
  asio::ip::tcp::acceptor acceptor_;
  asio::steady_timer accept_retry_;
  std::uint16_t port_ = 0;
  std::unordered_set<std::shared_ptr<Connection>> connections_;
  CloseHandler close_handler_;
  std::int32_t next_opaque_ = 0;  // RemotingCommand.requestId starts at 0
  std::unordered_map<std::int32_t, PendingCall> pending_calls_;
};

}  // namespace mqsend
