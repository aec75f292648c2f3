#include "client/remoting/remoting_client.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <asio.hpp>
#include <atomic>
#include <future>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "client/remoting/connection.hpp"
#include "client/remoting/frame_codec.hpp"
#include "client/remoting/tls_context.hpp"

namespace mqsend {

namespace {

// Process-wide, like the Java client's RemotingCommand.requestId; wraps to negative.
std::atomic<std::int32_t> next_opaque{0};

// "No deadline armed" for the deadline timer.
constexpr SteadyClock::rep kNoDeadline = SteadyClock::time_point::max().time_since_epoch().count();

PendingRequest pending_request(PendingRequest::Handler handler, Milliseconds timeout) {
  PendingRequest pending;
  pending.handler = std::move(handler);
  pending.deadline = SteadyClock::now() + timeout;
  pending.timeout = timeout;
  return pending;
}

}  // namespace

class RemotingClient::Impl {
 public:
  Impl(RequestHook request_hook, const TlsOptions& tls)
      : request_hook_(std::move(request_hook)),
        tls_context_(tls_context_for(tls)),
        work_(asio::make_work_guard(io_)),
        deadline_timer_(io_),
        io_thread_([this] { io_.run(); }) {}

  ~Impl() { shutdown(); }

  // Fails what is pending with kShutdown (handlers run on the I/O thread), then joins it.
  void shutdown() {
    if (shutting_down_.exchange(true)) {
      if (io_thread_.joinable()) io_thread_.join();
      return;
    }
    asio::post(io_, [this] {
      deadline_timer_.cancel();
      for (const auto& connection : snapshot()) {
        connection->close(
            error_code::kShutdown,
            fmt::format("client shut down with the request pending on {}", connection->address()));
      }
    });
    work_.reset();
    io_thread_.join();
  }

  asio::io_context& io() { return io_; }

  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  void submit(const std::string& address, RemotingCommand& request, PendingRequest pending) {
    if (!tls_context_) {
      fail_on_io_thread(std::move(pending), tls_context_.error());
      return;
    }
    request.opaque = next_opaque.fetch_add(1);
    if (request_hook_) request_hook_(request);
    // Encoded outside any lock, into a per-thread buffer that keeps its capacity.
    static thread_local std::string frame;
    frame.clear();
    encode_frame(request, frame);
    for (;;) {
      if (shutting_down_) {
        fail_on_io_thread(std::move(pending),
                          Error{error_code::kShutdown, "client is shutting down"});
        return;
      }
      bool created = false;
      const auto connection = connection_for(address, created);
      const auto deadline = std::min(pending.deadline, pending.overdue_at);
      if (connection->submit(request.opaque, frame, pending)) {
        if (created) connection->start();
        arm_deadline_timer(deadline);
        return;
      }
      forget(*connection);  // closed meanwhile: the next round opens a new one
    }
  }

  bool on_io_thread() const { return std::this_thread::get_id() == io_thread_.get_id(); }

  std::size_t pending_requests() const { return in_flight_.load(); }

  void serve(int code, ServerRequestHandler handler) {
    std::lock_guard<std::mutex> lock(connections_mutex_);
    served_[code] = std::move(handler);
  }

 private:
  std::shared_ptr<Connection> connection_for(const std::string& address, bool& created) {
    std::lock_guard<std::mutex> lock(connections_mutex_);
    auto& slot = connections_[address];
    if (!slot) {
      slot = std::make_shared<Connection>(
          io_, address, in_flight_, [this](const Connection& closed) { forget(closed); },
          [this](const Connection& retired) { retire(retired); },
          [this](ServerRequest request) { return dispatch(std::move(request)); },
          tls_context_->get());
      created = true;
    }
    return slot;
  }

  // I/O thread. The table is complete before the first connection exists (serve() comes
  // first), so it is read without the lock.
  bool dispatch(ServerRequest request) {
    const auto it = served_.find(request.command.code);
    if (it == served_.end()) return false;
    it->second(std::move(request));
    return true;
  }

  void forget(const Connection& connection) {
    std::lock_guard<std::mutex> lock(connections_mutex_);
    auto it = connections_.find(connection.address());
    if (it != connections_.end() && it->second.get() == &connection) connections_.erase(it);
    retired_.erase(std::remove_if(retired_.begin(), retired_.end(),
                                  [&](const auto& retired) { return retired.get() == &connection; }),
                   retired_.end());
  }

  // A request on `connection` waited out its deadline: the peer may be gone without a word
  // (half-open), so the next request dials anew (Java's clientCloseSocketIfTimeout).
  void retire(const Connection& connection) {
    std::lock_guard<std::mutex> lock(connections_mutex_);
    auto it = connections_.find(connection.address());
    if (it == connections_.end() || it->second.get() != &connection) return;
    retired_.push_back(std::move(it->second));
    connections_.erase(it);
  }

  // Open connections and retired ones still settling their requests.
  std::vector<std::shared_ptr<Connection>> snapshot() {
    std::lock_guard<std::mutex> lock(connections_mutex_);
    std::vector<std::shared_ptr<Connection>> connections;
    connections.reserve(connections_.size() + retired_.size());
    for (const auto& entry : connections_) connections.push_back(entry.second);
    connections.insert(connections.end(), retired_.begin(), retired_.end());
    return connections;
  }

  void fail_on_io_thread(PendingRequest pending, Error error) {
    asio::post(io_, [pending = std::move(pending), error = std::move(error)]() mutable {
      pending.fail(std::move(error));
    });
  }

  // One timer, armed at the earliest deadline of any request in flight. `armed_at_` lets a
  // submitting thread skip the post when the timer already fires early enough (deadlines
  // mostly grow); the sweep sets it to "none" before scanning, so a deadline added during the
  // scan is either seen by it or posts its own re-arm.
  void arm_deadline_timer(SteadyClock::time_point deadline) {
    const auto ticks = deadline.time_since_epoch().count();
    auto armed = armed_at_.load();
    while (ticks < armed) {
      if (armed_at_.compare_exchange_weak(armed, ticks)) {
        asio::post(io_, [this, deadline] { rearm(deadline); });
        return;
      }
    }
  }

  // I/O thread.
  void rearm(SteadyClock::time_point deadline) {
    if (shutting_down_) return;
    if (timer_set_ && deadline_timer_.expiry() <= deadline) return;
    timer_set_ = true;
    deadline_timer_.expires_at(deadline);
    deadline_timer_.async_wait([this](const asio::error_code& error) {
      if (!error) sweep();
    });
  }

  void sweep() {
    timer_set_ = false;
    if (shutting_down_) return;
    armed_at_.store(kNoDeadline);
    const auto now = SteadyClock::now();
    auto next = SteadyClock::time_point::max();
    for (const auto& connection : snapshot()) {
      connection->expire(now);
      next = std::min(next, connection->next_deadline());
    }
    if (next != SteadyClock::time_point::max()) arm_deadline_timer(next);
  }

  // Null without TLS; an error when the TLS settings did not load: every request fails with it.
  static Result<std::shared_ptr<asio::ssl::context>> tls_context_for(const TlsOptions& tls) {
    if (!tls.enabled) return std::shared_ptr<asio::ssl::context>();
    auto context = make_client_tls_context(tls);
    if (!context) return Error{error_code::kConnectBrokerException, context.error().message};
    return context;
  }

  const RequestHook request_hook_;
  const Result<std::shared_ptr<asio::ssl::context>> tls_context_;
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  asio::steady_timer deadline_timer_;
  bool timer_set_ = false;  // I/O thread only
  std::atomic<SteadyClock::rep> armed_at_{kNoDeadline};
  std::atomic<std::size_t> in_flight_{0};
  std::atomic<bool> shutting_down_{false};
  std::mutex connections_mutex_;
  std::unordered_map<std::string, std::shared_ptr<Connection>> connections_;
  std::vector<std::shared_ptr<Connection>> retired_;
  std::unordered_map<int, ServerRequestHandler> served_;
  std::thread io_thread_;  // last member: starts once everything it uses exists
};

RemotingClient::RemotingClient() : impl_(std::make_unique<Impl>(nullptr, TlsOptions{})) {}

RemotingClient::RemotingClient(RequestHook request_hook)
    : impl_(std::make_unique<Impl>(std::move(request_hook), TlsOptions{})) {}

RemotingClient::RemotingClient(RequestHook request_hook, const TlsOptions& tls)
    : impl_(std::make_unique<Impl>(std::move(request_hook), tls)) {}

RemotingClient::~RemotingClient() = default;

void RemotingClient::invoke_async(const std::string& address, RemotingCommand request,
                                  Milliseconds timeout, ResponseHandler handler) {
  impl_->submit(address, request,
                pending_request(PendingRequest::Handler(std::in_place_index<0>, std::move(handler)),
                                timeout));
}

void RemotingClient::invoke_async(const std::string& address, RemotingCommand request,
                                  Milliseconds timeout, ResponseHandler handler,
                                  Milliseconds overdue_after, OverdueHandler on_overdue) {
  auto pending = pending_request(PendingRequest::Handler(std::in_place_index<0>, std::move(handler)), timeout);
  if (overdue_after < timeout) {
    pending.overdue_at = SteadyClock::now() + overdue_after;
    pending.on_overdue = std::move(on_overdue);
  }
  impl_->submit(address, request, std::move(pending));
}


Result<RemotingCommand> RemotingClient::invoke_sync(const std::string& address,
                                                    RemotingCommand request, Milliseconds timeout) {
  if (impl_->on_io_thread()) {
    return Error{error_code::kInvalidArgument,
                 "invoke_sync called on the remoting I/O thread, where it would deadlock"};
  }
  // Shared with the handler, which may still be inside set_value when get() returns.
  auto promise = std::make_shared<std::promise<Result<RemotingCommand>>>();
  auto future = promise->get_future();
  invoke_async(address, std::move(request), timeout, [promise](Result<RemotingCommand> response) {
    promise->set_value(std::move(response));
  });
  return future.get();
}

void RemotingClient::invoke_oneway(const std::string& address, RemotingCommand request,
                                   Milliseconds timeout, WrittenHandler on_written) {
  request.flag |= kOnewayFlag;
  impl_->submit(
      address, request,
      pending_request(PendingRequest::Handler(std::in_place_index<1>, std::move(on_written)),
                      timeout));
}

void RemotingClient::serve(int code, ServerRequestHandler handler) {
  impl_->serve(code, std::move(handler));
}

void RemotingClient::answer(const ServerRequest& request, RemotingCommand response) {
  const auto connection = request.connection.lock();
  if (!connection) return;
  response.opaque = request.command.opaque;
  response.flag |= kResponseFlag;
  connection->answer(response.opaque, encode_frame(response));
}

std::size_t RemotingClient::pending_requests() const { return impl_->pending_requests(); }

void RemotingClient::shutdown() { impl_->shutdown(); }

asio::io_context& RemotingClient::io_context() { return impl_->io(); }

}  // namespace mqsend
