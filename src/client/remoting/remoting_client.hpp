#pragma once
// TCP transport on standalone Asio: one connection per "host:port", reused across requests,
// many requests in flight per connection matched by opaque, a deadline on every request;
// optionally TLS on every connection (TlsOptions).
// Recycling rule: a connection on which a request waited out its deadline (or its overdue
// time) for a response is retired: the next request to that address dials a new connection, and the retired one
// closes once its other requests are answered or have timed out (each within its own
// deadline). A half-open connection is so given up after one timeout.
//
// The client owns its io_context and one I/O thread. Every public method is thread-safe.
// Handlers run on the I/O thread, exactly once each, and must not block.
// Error codes: error_code::kConnectBrokerException (connect failed / refused / connect timeout,
// TLS handshake failed, TLS settings that do not load),
// kSendRequestFailed (write failed), kAccessBrokerTimeout (no response before the deadline),
// kConnectionClosed (connection dropped with the request in flight: failed at once, not at
// the deadline), kProtocolError (peer sent a malformed or oversized frame; connection dropped),
// kShutdown (client destroyed with the request pending).
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "client/common/error.hpp"
#include "client/remoting/remoting_command.hpp"
#include "client/remoting/tls_options.hpp"

namespace asio {
class io_context;
}

namespace mqsend {

using Milliseconds = std::chrono::milliseconds;

class Connection;

// A request a server sent on one of the client's connections (flag bit 0 clear): a broker's
// CHECK_TRANSACTION_STATE or PUSH_REPLY_MESSAGE_TO_CLIENT.
struct ServerRequest {
  std::string address;  // of the connection it came on
  RemotingCommand command;
  std::weak_ptr<Connection> connection;  // where RemotingClient::answer writes
};

class RemotingClient {
 public:
  using ResponseHandler = std::function<void(Result<RemotingCommand>)>;
  using WrittenHandler = std::function<void(Status)>;
  using OverdueHandler = std::function<void()>;

  // Runs on every request (name server and broker alike) right before it is encoded, after
  // the opaque is assigned: request signing (ACL) goes here. Called on the sending thread,
  // possibly from several at once.
  using RequestHook = std::function<void(RemotingCommand&)>;

  // Runs on the I/O thread for each server request of a code given to serve(); must not
  // block nor run user code: it queues the request for the caller's thread.
  using ServerRequestHandler = std::function<void(ServerRequest)>;

  RemotingClient();
  explicit RemotingClient(RequestHook request_hook);
  RemotingClient(RequestHook request_hook, const TlsOptions& tls);
  // Fails pending requests with kShutdown, joins the I/O thread. Not from inside a handler.
  ~RemotingClient();
  RemotingClient(const RemotingClient&) = delete;
  RemotingClient& operator=(const RemotingClient&) = delete;

  // Assigns request.opaque (process-wide counter), sends, calls `handler` with the response
  // (a command with the response flag and the same opaque) or an error.
  void invoke_async(const std::string& address, RemotingCommand request, Milliseconds timeout,
                    ResponseHandler handler);
  // The same, and `on_overdue` runs once, on the I/O thread, if no response came within
  // `overdue_after` (shorter than `timeout`): the request stays registered until `timeout`,
  // so a late response still reaches `handler`, while the connection retires as after a
  // timeout (the caller moves on; the next request to the address dials anew).
  void invoke_async(const std::string& address, RemotingCommand request, Milliseconds timeout,
                    ResponseHandler handler, Milliseconds overdue_after, OverdueHandler on_overdue);


  // Blocks the calling thread (never the I/O thread) until the response or an error.
  // Called from a handler it returns kInvalidArgument instead of deadlocking.
  Result<RemotingCommand> invoke_sync(const std::string& address, RemotingCommand request,
                                      Milliseconds timeout);

  // Sets the oneway flag, sends, and calls `on_written` with nullopt once the kernel took the
  // whole frame, or with an error when it did not (connect / send failure, connection closed,
  // timeout); a frame reported failed is never sent later. A write that outlives the deadline
  // of a oneway frame it carries closes the connection.
  void invoke_oneway(const std::string& address, RemotingCommand request, Milliseconds timeout,
                     WrittenHandler on_written);

  // Before the first request: server requests with `code` go to `handler`. A request of any
  // other code is answered REQUEST_CODE_NOT_SUPPORTED, oneway or not, as the 4.9.8 Java
  // client's NettyRemotingAbstract.processRequestCommand does.
  void serve(int code, ServerRequestHandler handler);
  // Any thread: writes `response` as the answer to `request` (its opaque, the response flag)
  // on the connection the request came on; nothing when that connection has closed.
  void answer(const ServerRequest& request, RemotingCommand response);

  // Number of requests sent and not yet answered or failed, over all connections.
  std::size_t pending_requests() const;

  // Fails every pending request with kShutdown (their handlers run, on the I/O thread), then
  // stops and joins the I/O thread; later requests fail with kShutdown. Idempotent; the
  // destructor calls it. Not from inside a handler.
  void shutdown();

  // The I/O thread's io_context, for timers of the client's users (heartbeats, route
  // refresh). Handlers posted to it must not block; it stops at shutdown().
  asio::io_context& io_context();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mqsend
