#include "testcluster/remoting_endpoint.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <vector>

#include "client/remoting/binary_bytes.hpp"
#include "client/remoting/frame_codec.hpp"
#include "client/remoting/transport_stream.hpp"
#include "testcluster/loopback_listener.hpp"
#include "testcluster/server_response.hpp"

namespace mqsend {

namespace {

using asio::ip::tcp;

// How long a response waits for the request behind it, whose bytes are still arriving; only
// pipelining clients ever see it, and their next frame is normally microseconds away.
constexpr std::chrono::milliseconds kPipelineHold{10};

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Responses and the server's own requests alike: extFields in Java HashMap order.
void encode_response(const RemotingCommand& response, std::string& out) {
  const ExtFieldOrder order = java_ext_field_order(response);
  encode_frame(response, out, &order);
}

// A frame whose header length exceeds the frame: every decoder must reject it.
void append_malformed_frame(std::string& out) {
  append_be32(out, 8);
  append_be32(out, 0x00FFFFFF);
  append_be32(out, 0);
}

// A length word far beyond the 16 MiB frame limit, followed by a little junk.
void append_oversized_length(std::string& out) {
  append_be32(out, 0x7FFFFFF0);
  append_be32(out, 0);
}

// The first half of the frame only: the length word promises more than ever comes, and the
// connection closes after it.
void append_truncated_frame(const RemotingCommand& response, std::string& out) {
  std::string frame;
  encode_response(response, frame);
  out.append(frame, 0, frame.size() / 2);
}

// The response under an opaque that no request of the client carries.
void append_wrong_opaque_frame(RemotingCommand response, std::string& out) {
  response.opaque ^= 0x40000000;
  encode_response(response, out);
}

// What a client gets when the port is some other server's: an HTTP answer.
void append_garbage(std::string& out) {
  out += "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
}

std::string peer_address(const tcp::socket& socket) {
  std::error_code error;
  const tcp::endpoint remote = socket.remote_endpoint(error);
  if (error) return "unknown";
  return remote.address().to_string() + ":" + std::to_string(remote.port());
}

}  // namespace

class RemotingEndpoint::Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(RemotingEndpoint& endpoint, tcp::socket socket)
      : endpoint_(endpoint),
        stream_(std::move(socket)),
        peer_(peer_address(stream_.socket())),
        half_open_generation_(endpoint.faults_.half_open_generation()),
        hold_timer_(endpoint.io_) {}

  void start() {
    if (endpoint_.tls_) {
      sniff();
    } else {
      read_more();
    }
  }

  void close() {
    if (closed_) return;
    closed_ = true;
    hold_timer_.cancel();
    std::error_code ignored;
    stream_.socket().close(ignored);
    auto self = shared_from_this();  // erase may drop the last owner
    endpoint_.connections_.erase(self);
    if (endpoint_.close_handler_) endpoint_.close_handler_(peer_);
  }

  const std::string& peer() const { return peer_; }

  // A frame outside the request-response batching: the server's own request, or an answer
  // given later. Half-open connections stay silent (flush).
  void write_now(const RemotingCommand& command) {
    if (closed_) return;
    encode_response(command, pending_);
    flush();
  }

 private:
  // As the broker's TLS mode handler: peeks at the first byte, which tells a ClientHello from
  // a plaintext frame, and leaves it for the TLS stream or the frame decoder to read.
  void sniff() {
    stream_.socket().async_receive(
        asio::buffer(&first_byte_, 1), asio::socket_base::message_peek,
        [self = shared_from_this()](std::error_code error, std::size_t) {
          if (self->closed_) return;
          const TlsServer& tls = *self->endpoint_.tls_;
          if (error) {
            self->close();
          } else if (tls.wants_tls(self->first_byte_)) {
            self->handshake();
          } else if (tls.accepts_plaintext()) {
            self->read_more();
          } else {
            self->close();  // enforcing: plaintext clients are dropped, as the broker does
          }
        });
  }

  void handshake() {
    stream_.start_tls(endpoint_.tls_->context());
    stream_.async_handshake(asio::ssl::stream_base::server,
                            [self = shared_from_this()](std::error_code error) {
                              if (self->closed_) return;
                              if (error) {
                                self->close();
                                return;
                              }
                              self->read_more();
                            });
  }

  void read_more() {
    stream_.async_read_some(asio::buffer(read_buffer_),
                            [self = shared_from_this()](std::error_code error, std::size_t size) {
                              self->on_read(error, size);
                            });
  }

  void on_read(std::error_code error, std::size_t size) {
    if (closed_) return;
    if (error) {
      close();
      return;
    }
    if (half_open()) return;  // no more reads; what arrives stays in the kernel
    if (reset_due(size)) {
      // SO_LINGER 0: close() sends RST, so the client sees "connection reset", not EOF.
      std::error_code ignored;
      stream_.socket().set_option(asio::socket_base::linger(true, 0), ignored);
      close();
      return;
    }
    decoder_.feed(std::string_view(read_buffer_.data(), size));
    RemotingCommand request;
    Error decode_error;
    while (!closed_ && !close_when_drained_) {
      const FrameDecoder::State state = decoder_.next(request, decode_error);
      if (state == FrameDecoder::State::kNeedMore) break;
      if (state == FrameDecoder::State::kError) {
        // As Netty does on an undecodable or oversized frame: drop the connection, no answer.
        close();
        return;
      }
      on_request(request);
    }
    if (closed_) return;
    answer_batch();
    flush();
    if (close_when_drained_) {
      maybe_finish_close();
    } else {
      read_more();
    }
  }

  void on_request(const RemotingCommand& request) {
    FaultState& faults = endpoint_.faults_;
    const std::int64_t arrival_ms = now_ms();
    endpoint_.log_.add(describe_request(endpoint_.target_, request, arrival_ms));
    if (faults.black_hole()) return;
    if (request.is_response()) {
      endpoint_.complete_call(request);
      return;
    }

    const std::optional<std::int64_t> close_after = faults.close_after();
    if (close_after) {
      if (close_after_generation_ != faults.close_after_generation()) {
        close_after_generation_ = faults.close_after_generation();
        answered_since_fault_ = 0;
      }
      if (answered_since_fault_ >= *close_after) {
        close_when_drained_ = true;
        maybe_finish_close();
        return;
      }
    }

    std::optional<RemotingCommand> response = endpoint_.handler_(request, peer_, arrival_ms);
    if (response) response = as_written_by(endpoint_.version_, request, std::move(*response));
    if (response) {
      if (faults.corruption_armed()) {
        release_held();
        write_response(*response, faults);
      } else {
        batch_.push_back(std::move(*response));
      }
    }
    if (close_after && ++answered_since_fault_ >= *close_after) {
      close_when_drained_ = true;
      maybe_finish_close();
    }
  }

  // Writes the responses of the requests read together, as the real servers' pools answer
  // pipelined requests (a real 4.9.8 answered send+send [1,0], a 1 MiB send then HEART_BEAT
  // [1,0], three route queries [1,2,0]): the first goes last. The last one to go waits for the
  // next request when that one is still arriving (or the reorder fault asks), never twice.
  void answer_batch() {
    FaultState& faults = endpoint_.faults_;
    const std::optional<std::chrono::milliseconds> forced_hold = faults.reorder_hold();
    const bool successor_arriving = decoder_.buffered() > 0;
    const bool may_hold = !close_when_drained_ && (successor_arriving || forced_hold);
    const bool was_held = held_.has_value();
    if (batch_.empty() && was_held && may_hold) return;  // nothing to answer first yet
    if (was_held) {
      batch_.insert(batch_.begin(), std::move(*held_));
      held_.reset();
    }
    if (batch_.size() >= 2) std::rotate(batch_.begin(), batch_.begin() + 1, batch_.end());
    if (!batch_.empty() && !was_held && may_hold) {
      held_ = std::move(batch_.back());
      batch_.pop_back();
      hold(forced_hold.value_or(kPipelineHold));
    }
    for (const RemotingCommand& response : batch_) write_response(response, faults);
    batch_.clear();
  }

  // The deadline moves with every hold; the timer is set again only when it would fire too late,
  // since setting it costs a system call and a pipelining client holds every other batch.
  void hold(std::chrono::milliseconds longest) {
    hold_deadline_ = std::chrono::steady_clock::now() + longest;
    if (!hold_timer_pending_ || hold_timer_.expiry() > hold_deadline_) wait_for_hold_deadline();
  }

  void wait_for_hold_deadline() {
    hold_timer_pending_ = true;
    hold_timer_.expires_at(hold_deadline_);  // a pending wait ends as operation_aborted
    hold_timer_.async_wait([self = shared_from_this()](std::error_code error) {
      if (error == asio::error::operation_aborted) return;  // replaced, or the connection closed
      self->hold_timer_pending_ = false;
      if (self->closed_ || !self->held_) return;
      if (std::chrono::steady_clock::now() < self->hold_deadline_) {
        self->wait_for_hold_deadline();  // held again since the timer was set
        return;
      }
      self->release_held();
      self->flush();
      self->maybe_finish_close();
    });
  }

  void release_held() {
    if (!held_) return;
    write_response(*held_, endpoint_.faults_);
    held_.reset();
  }

  void write_response(const RemotingCommand& response, FaultState& faults) {
    const std::chrono::milliseconds delay = faults.delay();
    std::string& out = delay.count() > 0 ? delayed_frame_ : pending_;
    switch (faults.take_corruption()) {
      case FrameCorruption::kNone: encode_response(response, out); break;
      case FrameCorruption::kMalformed: append_malformed_frame(out); break;
      case FrameCorruption::kOversizedLength: append_oversized_length(out); break;
      case FrameCorruption::kTruncated:
        append_truncated_frame(response, out);
        close_when_drained_ = true;  // on_read and maybe_finish_close stop and close after it
        break;
      case FrameCorruption::kWrongOpaque: append_wrong_opaque_frame(response, out); break;
      case FrameCorruption::kGarbage: append_garbage(out); break;
    }
    if (delay.count() > 0) send_later(delay);
  }

  void send_later(std::chrono::milliseconds delay) {
    auto timer = std::make_shared<asio::steady_timer>(endpoint_.io_, delay);
    ++delayed_in_flight_;
    timer->async_wait([self = shared_from_this(), timer, frame = std::move(delayed_frame_)](
                          std::error_code) {
      --self->delayed_in_flight_;
      if (self->closed_) return;
      self->pending_ += frame;
      self->flush();
      self->maybe_finish_close();
    });
    delayed_frame_.clear();
  }

  // The reset_after fault: counts the bytes received since it was set.
  bool reset_due(std::size_t received) {
    const FaultState& faults = endpoint_.faults_;
    const std::optional<std::int64_t> limit = faults.reset_after_bytes();
    if (!limit) return false;
    if (reset_generation_ != faults.reset_generation()) {
      reset_generation_ = faults.reset_generation();
      received_since_reset_fault_ = 0;
    }
    received_since_reset_fault_ += static_cast<std::int64_t>(received);
    return received_since_reset_fault_ > *limit;
  }

  // The half_open fault reached this connection: it stays open and silent for good.
  bool half_open() {
    frozen_ = frozen_ || half_open_generation_ != endpoint_.faults_.half_open_generation();
    return frozen_;
  }

  void flush() {
    if (write_in_flight_ || pending_.empty() || closed_ || half_open()) return;
    writing_.swap(pending_);
    write_in_flight_ = true;
    stream_.async_write(asio::buffer(writing_),
                        [self = shared_from_this()](std::error_code error, std::size_t) {
                          self->write_in_flight_ = false;
                          self->writing_.clear();
                          if (self->closed_) return;
                          if (error) {
                            self->close();
                            return;
                          }
                          self->flush();
                          self->maybe_finish_close();
                        });
  }

  // Closes a connection marked by close-after once every answer it owes is written.
  void maybe_finish_close() {
    if (close_when_drained_ && !write_in_flight_ && pending_.empty() && delayed_in_flight_ == 0 &&
        batch_.empty() && !held_) {
      close();
    }
  }

  RemotingEndpoint& endpoint_;
  TransportStream stream_;
  std::string peer_;
  unsigned char first_byte_ = 0;  // peeked, not consumed
  std::array<char, 64 * 1024> read_buffer_{};
  FrameDecoder decoder_;
  std::string pending_;        // frames ready, waiting for the current write to finish
  std::string writing_;        // the buffer of the write in flight
  std::string delayed_frame_;  // scratch for a frame that waits for its delay
  bool write_in_flight_ = false;
  bool closed_ = false;
  bool close_when_drained_ = false;
  int delayed_in_flight_ = 0;
  std::uint64_t close_after_generation_ = 0;
  std::int64_t answered_since_fault_ = 0;
  const std::uint64_t half_open_generation_;  // the fault's generation at accept
  bool frozen_ = false;
  std::uint64_t reset_generation_ = 0;
  std::int64_t received_since_reset_fault_ = 0;
  std::vector<RemotingCommand> batch_;     // responses to the requests of the current read
  std::optional<RemotingCommand> held_;    // waits for the next request's response
  asio::steady_timer hold_timer_;          // bounds the wait
  bool hold_timer_pending_ = false;
  std::chrono::steady_clock::time_point hold_deadline_;
};

RemotingEndpoint::RemotingEndpoint(asio::io_context& io, std::string target, ServerVersion version,
                                   FaultState& faults, RequestLog& log, Handler handler, TlsServer* tls)
    : io_(io),
      target_(std::move(target)),
      version_(version),
      faults_(faults),
      log_(log),
      handler_(std::move(handler)),
      tls_(tls),
      acceptor_(io),
      accept_retry_(io) {}

RemotingEndpoint::~RemotingEndpoint() {
  close_handler_ = nullptr;  // the owner may be half destroyed
  shutdown();
}

Status RemotingEndpoint::listen(std::uint16_t port) {
  port_ = port;
  return open_acceptor();
}

Status RemotingEndpoint::open_acceptor() {
  auto bound = listen_on_loopback(acceptor_, port_, target_);
  if (!bound) return bound.error();
  port_ = *bound;
  accept_next();
  return std::nullopt;
}

void RemotingEndpoint::accept_next() {
  acceptor_.async_accept([this](std::error_code error, tcp::socket socket) {
    if (error == asio::error::operation_aborted || !acceptor_.is_open()) return;
    if (error) {
      // Out of descriptors and the like: try again shortly instead of spinning.
      accept_retry_.expires_after(std::chrono::milliseconds(50));
      accept_retry_.async_wait([this](std::error_code wait_error) {
        if (!wait_error && acceptor_.is_open()) accept_next();
      });
      return;
    }
    std::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    auto connection = std::make_shared<Connection>(*this, std::move(socket));
    connections_.insert(connection);
    connection->start();
    accept_next();
  });
}

Status RemotingEndpoint::apply_down_state() {
  if (faults_.down()) {
    std::error_code ignored;
    acceptor_.close(ignored);
    accept_retry_.cancel();
    close_connections();
    return std::nullopt;
  }
  if (acceptor_.is_open()) return std::nullopt;
  return open_acceptor();
}

void RemotingEndpoint::close_connections() {
  // close() erases from the set, so walk a copy.
  const auto connections = connections_;
  for (const auto& connection : connections) connection->close();
}

RemotingEndpoint::Connection* RemotingEndpoint::find_connection(std::string_view peer) const {
  // A handful of connections: a scan is cheaper than keeping a second index.
  for (const auto& connection : connections_) {
    if (connection->peer() == peer) return connection.get();
  }
  return nullptr;
}

bool RemotingEndpoint::send_request(std::string_view peer, RemotingCommand request,
                                    std::chrono::milliseconds timeout,
                                    ResponseHandler on_response) {
  Connection* connection = find_connection(peer);
  if (!connection) return false;
  request.opaque = next_opaque_++;
  request.flag &= ~kResponseFlag;
  if (on_response) {
    request.flag &= ~kOnewayFlag;
    auto timer = std::make_unique<asio::steady_timer>(io_, timeout);
    const std::int32_t opaque = request.opaque;
    timer->async_wait([this, opaque](std::error_code error) {
      if (error == asio::error::operation_aborted) return;  // answered, or the endpoint is gone
      auto pending = pending_calls_.find(opaque);
      if (pending == pending_calls_.end()) return;
      ResponseHandler handler = std::move(pending->second.on_response);
      pending_calls_.erase(pending);
      handler(std::nullopt);
    });
    pending_calls_[opaque] = PendingCall{std::move(on_response), std::move(timer)};
  } else {
    request.flag |= kOnewayFlag;  // markOnewayRPC
  }
  connection->write_now(request);
  return true;
}

bool RemotingEndpoint::send_response(std::string_view peer, const RemotingCommand& request,
                                     RemotingCommand response) {
  Connection* connection = find_connection(peer);
  if (!connection) return false;
  std::optional<RemotingCommand> written = as_written_by(version_, request, std::move(response));
  if (written) connection->write_now(*written);
  return true;
}

void RemotingEndpoint::complete_call(const RemotingCommand& response) {
  auto pending = pending_calls_.find(response.opaque);
  if (pending == pending_calls_.end()) return;  // nobody waits: dropped
  ResponseHandler handler = std::move(pending->second.on_response);
  pending_calls_.erase(pending);  // cancels the timeout
  handler(response);
}

void RemotingEndpoint::shutdown() {
  std::error_code ignored;
  acceptor_.close(ignored);
  accept_retry_.cancel();
  close_connections();
}

}  // namespace mqsend
