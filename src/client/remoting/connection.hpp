#pragma once
// One TCP connection of the RemotingClient: resolve + connect (+ TLS handshake), a coalescing
// write queue, a read loop feeding a FrameDecoder, and the table of requests in flight keyed
// by opaque.
//
// Threading: submit() may be called from any thread (and writes a lone request itself on
// an idle plain-TCP connection); every other member runs on the I/O thread. The mutex guards only the request table, the queued bytes, the write sequence
// numbers and the state; handlers are always called after it is released.
#include <array>
#include <asio.hpp>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include "client/common/error.hpp"
#include "client/remoting/frame_codec.hpp"
#include "client/remoting/remoting_client.hpp"
#include "client/remoting/remoting_command.hpp"
#include "client/remoting/transport_stream.hpp"

namespace mqsend {

using SteadyClock = std::chrono::steady_clock;

// A request waiting for its response (request/response) or for its frame to be written (oneway).
struct PendingRequest {
  using Handler = std::variant<RemotingClient::ResponseHandler, RemotingClient::WrittenHandler>;
  Handler handler;
  SteadyClock::time_point deadline;
  Milliseconds timeout{0};
  // Position in its connection's write order, set by Connection::submit.
  std::uint64_t sequence = 0;
  // Request/response only: runs once at overdue_at (before the deadline) if no response came.
  RemotingClient::OverdueHandler on_overdue;
  SteadyClock::time_point overdue_at = SteadyClock::time_point::max();

  bool oneway() const { return handler.index() == 1; }
  // Calls the handler with `error` (both kinds), if the caller gave one.
  void fail(Error error);
  // Oneway only: the frame is on the wire.
  void complete_written();
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  // Called on the I/O thread once the connection is closed (or retired), so its owner can
  // forget it.
  using ClosedCallback = std::function<void(const Connection&)>;
  // Called on the I/O thread with a request the server sent; false when its code is not served.
  using ServerRequestDispatch = std::function<bool(ServerRequest)>;

  // With `tls` (shared by the client's connections, outliving them) the connection speaks TLS:
  // the handshake follows the connect and counts as part of it.
  Connection(asio::io_context& io, std::string address, std::atomic<std::size_t>& in_flight,
             ClosedCallback on_closed, ClosedCallback on_retired, ServerRequestDispatch dispatch,
             asio::ssl::context* tls = nullptr);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  const std::string& address() const { return address_; }
  // Any thread. Queues `frame` and registers `request` under `opaque`. Returns false, leaving
  // `request` untouched, when the connection is already closed (the caller takes a new one).
  bool submit(std::int32_t opaque, std::string_view frame, PendingRequest& request);

  // Any thread, once, after the first submit: resolves, connects (and shakes hands) on the
  // I/O thread.
  void start();

  // Any thread: queues `frame`, an answer to a server request, unless the connection closed.
  void answer(std::int32_t opaque, std::string_view frame);

  // I/O thread: tells the requests that are overdue (RemotingClient::invoke_async), keeping
  // them registered; fails the requests whose deadline has passed and drops their queued frames;
  // closes the connection when a write outlives the deadline of a oneway frame it carries
  // (a frame partly in the kernel cannot be taken back); abandons a connect attempt nobody
  // waits for any more. When a request on the open connection waited out its deadline for a
  // response, or became overdue, the connection retires (before that request's handlers run): `on_retired`
  // tells the owner, who sends no new request to it, and it closes once the requests still
  // on it are answered or expired, each within its own deadline. Java's
  // clientCloseSocketIfTimeout, without failing the other requests early.
  void expire(SteadyClock::time_point now);
  // Any thread: the earliest deadline still in the heap (possibly of an answered request),
  // or time_point::max() when there is none.
  SteadyClock::time_point next_deadline() const;

  // I/O thread: closes the socket and fails every request in flight with `code`;
  // each message is `reason` followed by the request's opaque. A oneway request whose frame
  // is being written is settled when that write ends: written if the kernel took its whole
  // frame, failed otherwise.
  void close(int code, const std::string& reason);

 private:
  enum class State { kIdle, kConnecting, kConnected, kClosed };  // kConnecting: TLS handshake too

  // Bytes to write plus which frames they carry (to fail or confirm them after the write).
  struct OutgoingBatch {
    struct Entry {
      enum class Kind : std::uint8_t { kRequest, kOneway, kAnswer };  // kAnswer: to the server
      std::int32_t opaque;
      Kind kind;
      std::size_t end;  // offset just past the frame in `bytes`
    };
    std::string bytes;
    std::vector<Entry> requests;
    bool empty() const { return bytes.empty(); }
    void clear();
  };

  using FrameKind = OutgoingBatch::Entry::Kind;

  struct DeadlineEntry {
    SteadyClock::time_point deadline;
    std::int32_t opaque;
    // Min-heap order for the std heap algorithms.
    bool operator<(const DeadlineEntry& other) const { return deadline > other.deadline; }
  };

  using PendingTable = std::unordered_map<std::int32_t, PendingRequest>;
  using Failures = std::vector<std::pair<PendingRequest, Error>>;

  void resolve();
  void connect(const asio::ip::tcp::resolver::results_type& endpoints);
  void on_connected();
  void handshake();
  // Connected (and TLS established): writes what is queued, starts reading.
  void on_ready();
  void read();
  void on_read(std::size_t bytes);
  // A served code goes to the dispatcher; any other is answered REQUEST_CODE_NOT_SUPPORTED.
  void on_server_request(RemotingCommand request);
  // Writes `frame` from the calling thread without blocking; what the socket does not take
  // goes to the I/O thread's write. Requires mutex_ and write_in_progress_ set by the caller.
  void write_directly_locked(std::int32_t opaque, std::string_view frame);
  // Starts writing what is queued; requires write_in_progress_ set by the caller.
  void write_queued();
  // Moves what is queued to writing_. Requires mutex_.
  void take_queued_locked();
  void write_batch();
  void on_written(const asio::error_code& error, std::size_t bytes_written);
  // Settles the oneway requests of writing_ by the bytes the kernel took; requests the
  // write did not finish fail with unsent_error_. Requires mutex_.
  void settle_written_locked(std::size_t bytes_written, Failures& failures);
  // Drops the queued frames of requests that already failed, so none of them is sent after
  // its caller was told it failed. Requires mutex_.
  void drop_abandoned_frames_locked();
  bool closed() const;
  // Requires mutex_.
  bool handed_to_write(const PendingRequest& request) const {
    return request.sequence < taken_sequence_;
  }
  // Marks the connection closed and takes every request but the oneway ones being written
  // (on_written settles those), each failed with `lost` if its frame was handed to a write,
  // with `unsent` otherwise. Requires mutex_.
  Failures close_locked(const Error& lost, const Error& unsent);
  // After close_locked: stops socket and resolver, tells the owner.
  void tear_down();
  void compact_deadlines_locked();
  // I/O thread: closes a retiring connection that has nothing left in flight.
  void close_if_retired_and_idle();

  asio::io_context& io_;
  const std::string address_;
  std::atomic<std::size_t>& in_flight_;
  const ClosedCallback on_closed_;
  const ClosedCallback on_retired_;
  const ServerRequestDispatch dispatch_;

  asio::ssl::context* const tls_;
  asio::ip::tcp::resolver resolver_;
  TransportStream stream_;

  mutable std::mutex mutex_;
  State state_ = State::kIdle;  // written only on the I/O thread (and under mutex_)
  PendingTable pending_;
  std::vector<DeadlineEntry> deadlines_;  // heap; entries of answered requests are dropped lazily
  OutgoingBatch queued_;                  // frames waiting for the current write to finish
  bool write_in_progress_ = false;
  std::uint64_t next_sequence_ = 0;   // of the next submitted request
  std::uint64_t taken_sequence_ = 0;  // requests below it were handed to a write
  Error unsent_error_;                // once closed: for frames the last write did not finish
  // Responses whose opaque no pending request had (late, or a confused peer): a timeout
  // names them, as they are the likely reason nothing was answered.
  std::size_t unmatched_responses_ = 0;
  bool retiring_ = false;  // I/O thread only

  // I/O thread only, but for submit() handing it the rest of a direct write while no write
  // is in progress (under mutex_).
  OutgoingBatch writing_;
  FrameDecoder decoder_;
  std::array<char, 64 * 1024> read_buffer_{};
  // Reused between calls so the steady state does not allocate.
  std::vector<RemotingCommand> responses_;
  std::vector<std::pair<PendingRequest, RemotingCommand>> answered_;
  std::vector<PendingRequest> completed_;
  std::vector<std::pair<std::int32_t, PendingRequest>> expired_;
  std::vector<RemotingClient::OverdueHandler> overdue_;
};

}  // namespace mqsend
