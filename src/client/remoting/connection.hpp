#pragma once
// One TCP connection of the RemotingClient: resolve + connect, a coalescing write queue,
// a read loop feeding a FrameDecoder, and the table of requests in flight keyed by opaque.
//
// Threading: submit() may be called from any thread; every other member runs on the I/O
// thread. The mutex guards only the request table, the queued bytes and the state; handlers
// are always called after it is released.
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

namespace mqsend {

using SteadyClock = std::chrono::steady_clock;

// A request waiting for its response (request/response) or for its frame to be written (oneway).
struct PendingRequest {
  using Handler = std::variant<RemotingClient::ResponseHandler, RemotingClient::WrittenHandler>;
  Handler handler;
  SteadyClock::time_point deadline;
  Milliseconds timeout{0};

  bool oneway() const { return handler.index() == 1; }
  // Calls the handler with `error` (both kinds), if the caller gave one.
  void fail(Error error);
  // Oneway only: the frame is on the wire.
  void complete_written();
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  // Called on the I/O thread once the connection is closed, so its owner can forget it.
  using ClosedCallback = std::function<void(const Connection&)>;

  Connection(asio::io_context& io, std::string address, std::atomic<std::size_t>& in_flight,
             ClosedCallback on_closed);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  const std::string& address() const { return address_; }

  // Any thread. Queues `frame` and registers `request` under `opaque`. Returns false, leaving
  // `request` untouched, when the connection is already closed (the caller takes a new one).
  bool submit(std::int32_t opaque, std::string_view frame, PendingRequest& request);

  // Any thread, once, after the first submit: resolves and connects on the I/O thread.
  void start();

  // I/O thread: fails the requests whose deadline has passed; abandons a connect attempt
  // nobody waits for any more.
  void expire(SteadyClock::time_point now);

  // I/O thread: closes the socket and fails every request in flight with `code`;
  // each message is `reason` followed by the request's opaque.
  void close(int code, const std::string& reason);

 private:
  enum class State { kIdle, kConnecting, kConnected, kClosed };

  // Bytes to write plus which requests they carry (to fail or confirm them after the write).
  struct OutgoingBatch {
    struct Entry {
      std::int32_t opaque;
      bool oneway;
    };
    std::string bytes;
    std::vector<Entry> requests;
    bool empty() const { return bytes.empty(); }
    void clear();
  };

  struct DeadlineEntry {
    SteadyClock::time_point deadline;
    std::int32_t opaque;
    // Min-heap order for the std heap algorithms.
    bool operator<(const DeadlineEntry& other) const { return deadline > other.deadline; }
  };

  using PendingTable = std::unordered_map<std::int32_t, PendingRequest>;

  void resolve();
  void connect(const asio::ip::tcp::resolver::results_type& endpoints);
  void on_connected();
  void read();
  void on_read(std::size_t bytes);
  void answer_server_request(const RemotingCommand& request);
  // Starts writing what is queued; requires write_in_progress_ set by the caller.
  void write_queued();
  void write_batch();
  void on_written(const asio::error_code& error);
  // Fails the requests whose frames were never fully written.
  void fail_unsent(const std::string& reason);
  bool closed() const;
  // Marks the connection closed and takes the whole table. Requires mutex_.
  PendingTable close_locked();
  // After close_locked: stops socket and resolver, tells the owner.
  void tear_down();
  void compact_deadlines_locked();

  asio::io_context& io_;
  const std::string address_;
  std::atomic<std::size_t>& in_flight_;
  const ClosedCallback on_closed_;

  asio::ip::tcp::resolver resolver_;
  asio::ip::tcp::socket socket_;

  mutable std::mutex mutex_;
  State state_ = State::kIdle;  // written only on the I/O thread (and under mutex_)
  PendingTable pending_;
  std::vector<DeadlineEntry> deadlines_;  // heap; entries of answered requests are dropped lazily
  OutgoingBatch queued_;                  // frames waiting for the current write to finish
  bool write_in_progress_ = false;

  // I/O thread only.
  OutgoingBatch writing_;
  FrameDecoder decoder_;
  std::array<char, 64 * 1024> read_buffer_{};
  // Reused between calls so the steady state does not allocate.
  std::vector<RemotingCommand> responses_;
  std::vector<std::pair<PendingRequest, RemotingCommand>> answered_;
  std::vector<PendingRequest> completed_;
  std::vector<std::pair<std::int32_t, PendingRequest>> expired_;
};

}  // namespace mqsend
