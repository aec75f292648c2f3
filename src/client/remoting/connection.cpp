#include "client/remoting/connection.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <utility>

#include <sys/socket.h>

#include "client/remoting/codes.hpp"

namespace mqsend {

namespace {

// A stale deadline-heap entry costs little; rebuild only when they clearly dominate.
constexpr std::size_t kDeadlineHeapSlack = 1024;
// A burst can grow a write buffer a lot; do not keep such a buffer forever.
constexpr std::size_t kMaxRetainedWriteBuffer = 8 * 1024 * 1024;

// "host:port" or "[v6-address]:port".
bool split_address(const std::string& address, std::string& host, std::string& port) {
  const auto colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == address.size()) return false;
  host = address.substr(0, colon);
  port = address.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  const bool numeric_port =
      std::all_of(port.begin(), port.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
  return !host.empty() && numeric_port && port.size() <= 5;
}

Error with_opaque(const Error& error, std::int32_t opaque) {
  return Error{error.code, fmt::format("{} (opaque {})", error.message, opaque)};
}

}  // namespace

void PendingRequest::fail(Error error) {
  if (auto* on_response = std::get_if<0>(&handler)) {
    if (*on_response) (*on_response)(std::move(error));
    return;
  }
  if (auto& on_written = std::get<1>(handler)) on_written(Status(std::move(error)));
}

void PendingRequest::complete_written() {
  if (auto& on_written = std::get<1>(handler)) on_written(std::nullopt);
}

void Connection::OutgoingBatch::clear() {
  bytes.clear();
  requests.clear();
  if (bytes.capacity() > kMaxRetainedWriteBuffer) bytes.shrink_to_fit();
}

Connection::Connection(asio::io_context& io, std::string address,
                       std::atomic<std::size_t>& in_flight, ClosedCallback on_closed,
                       ClosedCallback on_retired, ServerRequestDispatch dispatch,
                       asio::ssl::context* tls)
    : io_(io),
      address_(std::move(address)),
      in_flight_(in_flight),
      on_closed_(std::move(on_closed)),
      on_retired_(std::move(on_retired)),
      dispatch_(std::move(dispatch)),
      tls_(tls),
      resolver_(io),
      stream_(io) {}

bool Connection::submit(std::int32_t opaque, std::string_view frame, PendingRequest& request) {
  bool start_write = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (state_ == State::kClosed) return false;
    request.sequence = next_sequence_++;
    deadlines_.push_back({request.deadline, opaque});
    std::push_heap(deadlines_.begin(), deadlines_.end());
    if (request.on_overdue) {
      deadlines_.push_back({request.overdue_at, opaque});
      std::push_heap(deadlines_.begin(), deadlines_.end());
    }
    const bool oneway = request.oneway();
    const bool idle = state_ == State::kConnected && !write_in_progress_ && pending_.empty();
    pending_.emplace(opaque, std::move(request));
    ++in_flight_;
    // A lone request (a sync send) is written by the caller: waking the I/O thread for it
    // would add a thread hop to every round trip. Under the mutex, so that no close can
    // release the socket meanwhile. Oneway outcomes and TLS records stay on the I/O thread.
    if (idle && !oneway && !stream_.tls()) {
      write_in_progress_ = true;
      taken_sequence_ = next_sequence_;
      write_directly_locked(opaque, frame);
      return true;
    }
    queued_.bytes.append(frame);
    queued_.requests.push_back({opaque, oneway ? FrameKind::kOneway : FrameKind::kRequest,
                                queued_.bytes.size()});
    if (state_ == State::kConnected && !write_in_progress_) {
      write_in_progress_ = true;
      start_write = true;
    }
  }
  if (start_write) asio::post(io_, [self = shared_from_this()] { self->write_queued(); });
  return true;
}

void Connection::write_directly_locked(std::int32_t opaque, std::string_view frame) {
  const ssize_t sent = ::send(stream_.socket().native_handle(), frame.data(), frame.size(),
                              MSG_DONTWAIT | MSG_NOSIGNAL);
  const std::size_t written = sent > 0 ? static_cast<std::size_t>(sent) : 0;
  if (written == frame.size()) {
    write_in_progress_ = false;
    return;
  }
  // The rest (all of it after an error) goes through the I/O thread's write, which waits
  // for room in the socket and handles a failure as for any other write.
  writing_.bytes.assign(frame.substr(written));
  writing_.requests.push_back({opaque, FrameKind::kRequest, writing_.bytes.size()});
  asio::post(io_, [self = shared_from_this()] { self->write_batch(); });
}

void Connection::start() {
  asio::post(io_, [self = shared_from_this()] { self->resolve(); });
}

bool Connection::closed() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return state_ == State::kClosed;
}

void Connection::resolve() {
  std::string host;
  std::string port;
  if (!split_address(address_, host, port)) {
    close(error_code::kConnectBrokerException,
          fmt::format("connect to {} failed: invalid address, expected host:port", address_));
    return;
  }
  if (tls_) {
    stream_.start_tls(*tls_);
    if (Status error = stream_.expect_peer_name(host)) {
      close(error_code::kConnectBrokerException,
            fmt::format("connect to {} failed: TLS setup: {}", address_, error->message));
      return;
    }
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (state_ == State::kClosed) return;
    state_ = State::kConnecting;
  }
  // No address_configured flag: a host with only loopback must still resolve 127.0.0.1.
  resolver_.async_resolve(
      host, port, asio::ip::resolver_base::numeric_service,
      [self = shared_from_this()](const asio::error_code& error,
                                  const asio::ip::tcp::resolver::results_type& endpoints) {
        if (self->closed()) return;
        if (error) {
          self->close(
              error_code::kConnectBrokerException,
              fmt::format("connect to {} failed: resolve: {}", self->address_, error.message()));
          return;
        }
        self->connect(endpoints);
      });
}

void Connection::connect(const asio::ip::tcp::resolver::results_type& endpoints) {
  asio::async_connect(
      stream_.socket(), endpoints,
      [self = shared_from_this()](const asio::error_code& error, const asio::ip::tcp::endpoint&) {
        if (self->closed()) return;
        if (error) {
          self->close(error_code::kConnectBrokerException,
                      fmt::format("connect to {} failed: {}", self->address_, error.message()));
          return;
        }
        self->on_connected();
      });
}

void Connection::on_connected() {
  asio::error_code ignored;
  stream_.socket().set_option(asio::ip::tcp::no_delay(true), ignored);
  if (stream_.tls()) {
    handshake();
  } else {
    on_ready();
  }
}

// A failed handshake (certificate rejected, plaintext peer) is a failed connect: it fails
// every request waiting for this connection at once.
void Connection::handshake() {
  stream_.async_handshake(
      asio::ssl::stream_base::client, [self = shared_from_this()](const asio::error_code& error) {
        if (self->closed()) return;
        if (error) {
          self->close(error_code::kConnectBrokerException,
                      fmt::format("connect to {} failed: TLS handshake: {}", self->address_,
                                  self->stream_.handshake_failure(error)));
          return;
        }
        self->on_ready();
      });
}

void Connection::on_ready() {
  bool start_write = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    state_ = State::kConnected;
    start_write = !queued_.empty();
    write_in_progress_ = start_write;
  }
  if (start_write) write_queued();
  read();
}

void Connection::read() {
  stream_.async_read_some(
      asio::buffer(read_buffer_),
      [self = shared_from_this()](const asio::error_code& error, std::size_t bytes) {
        if (self->closed()) return;
        if (error) {
          std::string reason =
              error == asio::error::eof
                  ? fmt::format("connection to {} closed by peer", self->address_)
                  : fmt::format("connection to {} lost: {}", self->address_, error.message());
          if (const std::size_t partial = self->decoder_.buffered(); partial > 0) {
            reason += fmt::format(" in the middle of a frame ({} bytes of it received)", partial);
          }
          self->close(error_code::kConnectionClosed, reason);
          return;
        }
        self->on_read(bytes);
      });
}

void Connection::on_read(std::size_t bytes) {
  decoder_.feed(std::string_view(read_buffer_.data(), bytes));
  RemotingCommand command;
  Error decode_error;
  FrameDecoder::State state;
  while ((state = decoder_.next(command, decode_error)) == FrameDecoder::State::kFrame) {
    if (command.is_response()) {
      responses_.push_back(std::move(command));
    } else {
      on_server_request(std::move(command));
    }
    command = RemotingCommand{};
  }

  {
    // One lock for every response of this read; responses nobody waits for are dropped.
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& response : responses_) {
      auto it = pending_.find(response.opaque);
      if (it == pending_.end()) ++unmatched_responses_;
      if (it == pending_.end() || it->second.oneway()) continue;
      answered_.emplace_back(std::move(it->second), std::move(response));
      pending_.erase(it);
      --in_flight_;
    }
    if (pending_.empty()) deadlines_.clear();
  }
  responses_.clear();
  for (auto& [request, response] : answered_) {
    auto& on_response = std::get<0>(request.handler);
    if (on_response) on_response(std::move(response));
  }
  answered_.clear();

  if (state == FrameDecoder::State::kError) {
    close(error_code::kProtocolError,
          fmt::format("protocol error on {}: {}", address_, decode_error.message));
    return;
  }
  close_if_retired_and_idle();
  if (closed()) return;
  read();
}

void Connection::close_if_retired_and_idle() {
  if (!retiring_) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (state_ == State::kClosed || !pending_.empty()) return;
  }
  close(error_code::kConnectionClosed,
        fmt::format("connection to {} retired after a request timed out", address_));
}

void Connection::on_server_request(RemotingCommand request) {
  const std::int32_t opaque = request.opaque;
  const std::int32_t code = request.code;
  const SerializeType serialize = request.serialize_type;
  if (dispatch_ && dispatch_(ServerRequest{address_, std::move(request), weak_from_this()})) return;
  RemotingCommand unsupported;
  unsupported.code = response_code::kRequestCodeNotSupported;
  unsupported.opaque = opaque;
  unsupported.flag = kResponseFlag;
  unsupported.serialize_type = serialize;
  unsupported.remark = fmt::format(" request type {} not supported", code);  // Java's text, its space too
  answer(opaque, encode_frame(unsupported));
}

void Connection::answer(std::int32_t opaque, std::string_view frame) {
  bool start_write = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (state_ == State::kClosed) return;
    queued_.bytes.append(frame);
    queued_.requests.push_back({opaque, FrameKind::kAnswer, queued_.bytes.size()});
    start_write = !write_in_progress_ && state_ == State::kConnected;
    write_in_progress_ = write_in_progress_ || start_write;
  }
  if (start_write) asio::post(io_, [self = shared_from_this()] { self->write_queued(); });
}

void Connection::write_queued() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (state_ == State::kClosed) return;
    take_queued_locked();
  }
  write_batch();
}

void Connection::take_queued_locked() {
  std::swap(writing_, queued_);
  taken_sequence_ = next_sequence_;
}

void Connection::write_batch() {
  stream_.async_write(
      asio::buffer(writing_.bytes),
      [self = shared_from_this()](const asio::error_code& error, std::size_t bytes_written) {
        self->on_written(error, bytes_written);
      });
}

// Runs for every write, also after a close (which aborts it): how far the kernel got decides
// each oneway frame's outcome, whichever side noticed a lost connection first.
void Connection::on_written(const asio::error_code& error, std::size_t bytes_written) {
  Failures failures;
  bool lost = false;
  bool more = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (error && state_ != State::kClosed) {
      lost = true;
      failures = close_locked(
          Error{error_code::kConnectionClosed,
                fmt::format("connection to {} lost: {}", address_, error.message())},
          Error{error_code::kSendRequestFailed,
                fmt::format("send request to {} failed: {}", address_, error.message())});
    }
    settle_written_locked(bytes_written, failures);
    if (state_ != State::kClosed) {
      more = !queued_.empty();
      if (more) {
        take_queued_locked();
      } else {
        write_in_progress_ = false;
      }
    }
  }
  if (lost) tear_down();
  if (more) write_batch();
  for (auto& request : completed_) request.complete_written();
  completed_.clear();
  for (auto& [request, failure] : failures) request.fail(std::move(failure));
}

void Connection::settle_written_locked(std::size_t bytes_written, Failures& failures) {
  for (const auto& entry : writing_.requests) {
    if (entry.kind != FrameKind::kOneway) continue;  // requests wait for their response
    auto it = pending_.find(entry.opaque);
    if (it == pending_.end()) continue;
    if (entry.end <= bytes_written) {
      completed_.push_back(std::move(it->second));
    } else {
      failures.emplace_back(std::move(it->second), with_opaque(unsent_error_, entry.opaque));
    }
    pending_.erase(it);
    --in_flight_;
  }
  if (pending_.empty()) deadlines_.clear();
  writing_.clear();
}

void Connection::drop_abandoned_frames_locked() {
  OutgoingBatch kept;
  std::size_t begin = 0;
  for (const auto& entry : queued_.requests) {
    if (entry.kind == FrameKind::kAnswer || pending_.count(entry.opaque) != 0) {
      kept.bytes.append(queued_.bytes, begin, entry.end - begin);
      kept.requests.push_back({entry.opaque, entry.kind, kept.bytes.size()});
    }
    begin = entry.end;
  }
  queued_ = std::move(kept);
}

Connection::Failures Connection::close_locked(const Error& lost, const Error& unsent) {
  state_ = State::kClosed;
  unsent_error_ = unsent;
  deadlines_.clear();
  queued_.clear();
  Failures failures;
  for (auto it = pending_.begin(); it != pending_.end();) {
    const bool taken = handed_to_write(it->second);
    if (taken && it->second.oneway()) {
      ++it;
      continue;
    }
    failures.emplace_back(std::move(it->second), with_opaque(taken ? lost : unsent, it->first));
    it = pending_.erase(it);
    --in_flight_;
  }
  return failures;
}

void Connection::tear_down() {
  resolver_.cancel();
  asio::error_code ignored;
  stream_.socket().close(ignored);
  on_closed_(*this);
}

void Connection::close(int code, const std::string& reason) {
  Failures failures;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (state_ == State::kClosed) return;
    const Error error{code, reason};
    failures = close_locked(error, error);
  }
  tear_down();
  for (auto& [request, failure] : failures) request.fail(std::move(failure));
}

void Connection::expire(SteadyClock::time_point now) {
  bool connecting = false;
  bool stalled = false;  // a write outlived the deadline of a oneway frame it carries
  bool abandon = false;
  std::size_t unmatched = 0;
  Failures failures;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (state_ == State::kClosed) return;
    bool expired_queued = false;
    while (!deadlines_.empty() && deadlines_.front().deadline <= now) {
      std::pop_heap(deadlines_.begin(), deadlines_.end());
      const DeadlineEntry entry = deadlines_.back();
      deadlines_.pop_back();
      auto it = pending_.find(entry.opaque);
      if (it == pending_.end()) continue;
      if (it->second.on_overdue && it->second.overdue_at == entry.deadline) {
        overdue_.push_back(std::move(it->second.on_overdue));
        it->second.on_overdue = nullptr;
        continue;
      }
      if (it->second.deadline != entry.deadline) continue;
      const bool taken = handed_to_write(it->second);
      if (taken && it->second.oneway()) {
        // Part of the frame may be in the kernel already: only closing stops the rest, and
        // the end of the write then tells whether the frame went out.
        stalled = true;
        continue;
      }
      expired_queued |= !taken;
      expired_.emplace_back(entry.opaque, std::move(it->second));
      pending_.erase(it);
      --in_flight_;
    }
    if (expired_queued) drop_abandoned_frames_locked();
    connecting = state_ != State::kConnected;
    unmatched = unmatched_responses_;
    if (stalled) {
      const Error error{
          error_code::kConnectionClosed,
          fmt::format("connection to {} closed: a write stalled past a oneway deadline", address_)};
      failures = close_locked(error, error);
    } else if (state_ == State::kConnecting && pending_.empty()) {
      close_locked(Error{}, Error{});  // nobody waits for this connect attempt any more
      abandon = true;
    } else if (deadlines_.size() > 2 * pending_.size() + kDeadlineHeapSlack) {
      compact_deadlines_locked();
    }
  }
  if (stalled || abandon) tear_down();
  for (auto& [request, failure] : failures) request.fail(std::move(failure));
  // An overdue request is as much a sign of a dead flow as a timed-out one: retire, while the
  // request stays registered here and its late response is still read.
  const bool response_timed_out =
      !connecting && (!overdue_.empty() ||
                      std::any_of(expired_.begin(), expired_.end(),
                                  [](const auto& expired) { return !expired.second.oneway(); }));
  if (response_timed_out && !retiring_) {
    retiring_ = true;
    on_retired_(*this);  // before the handlers run: a retry must not land here again
  }
  for (auto& on_overdue : overdue_) on_overdue();
  overdue_.clear();
  for (auto& [opaque, request] : expired_) {
    const auto timeout_ms = request.timeout.count();
    if (connecting) {
      request.fail(Error{error_code::kConnectBrokerException,
                         fmt::format("connect to {} timed out after {} ms (opaque {})", address_,
                                     timeout_ms, opaque)});
    } else if (request.oneway()) {
      request.fail(Error{error_code::kAccessBrokerTimeout,
                         fmt::format("write to {} timed out after {} ms (opaque {})", address_,
                                     timeout_ms, opaque)});
    } else {
      const std::string unmatched_note =
          unmatched == 0 ? ""
                         : fmt::format("; {} response(s) on this connection matched no request",
                                       unmatched);
      request.fail(Error{error_code::kAccessBrokerTimeout,
                         fmt::format("wait response on {} timed out after {} ms (opaque {}){}",
                                     address_, timeout_ms, opaque, unmatched_note)});
    }
  }
  expired_.clear();
  close_if_retired_and_idle();
}

SteadyClock::time_point Connection::next_deadline() const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (state_ == State::kClosed || deadlines_.empty()) return SteadyClock::time_point::max();
  return deadlines_.front().deadline;
}

void Connection::compact_deadlines_locked() {
  deadlines_.clear();
  for (const auto& [opaque, request] : pending_) {
    deadlines_.push_back({request.deadline, opaque});
    if (request.on_overdue) deadlines_.push_back({request.overdue_at, opaque});
  }
  std::make_heap(deadlines_.begin(), deadlines_.end());
}

}  // namespace mqsend
