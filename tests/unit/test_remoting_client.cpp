// RemotingClient over real sockets: scripted peers on 127.0.0.1 (ephemeral ports) drive
// responses, out-of-order answers, silence, disconnects, garbage and server-side requests.
#include <algorithm>
#include <asio.hpp>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "client/common/error.hpp"
#include "client/remoting/codes.hpp"
#include "client/remoting/frame_codec.hpp"
#include "client/remoting/remoting_client.hpp"

namespace mqsend {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// A scripted RocketMQ peer: accepts every connection, decodes frames and hands each one to
// the test's callback on the server's own I/O thread.
class ScriptedServer {
 public:
  class Session : public std::enable_shared_from_this<Session> {
   public:
    Session(asio::ip::tcp::socket socket, ScriptedServer& server, int index)
        : socket_(std::move(socket)), server_(server), index_(index) {}

    int index() const { return index_; }  // 0 for the first connection accepted
    void send(const RemotingCommand& command) { send_raw(encode_frame(command)); }
    // Answers `delay` from now, on the server's thread (a slow broker).
    void send_after(std::chrono::milliseconds delay, const RemotingCommand& command) {
      auto timer = std::make_shared<asio::steady_timer>(socket_.get_executor(), delay);
      timer->async_wait([self = shared_from_this(), timer, command](const asio::error_code& error) {
        if (!error) self->send(command);
      });
    }
    // Blocking is fine: the client always reads.
    void send_raw(const std::string& bytes) {
      asio::error_code ignored;
      asio::write(socket_, asio::buffer(bytes), ignored);
    }
    void close() {
      asio::error_code ignored;
      socket_.close(ignored);
    }

    void read() {
      socket_.async_read_some(
          asio::buffer(buffer_),
          [self = shared_from_this()](const asio::error_code& error, std::size_t bytes) {
            if (error) {
              if (error == asio::error::eof) ++self->server_.closed_by_client_;
              return;
            }
            self->decoder_.feed(std::string_view(self->buffer_.data(), bytes));
            RemotingCommand command;
            Error decode_error;
            while (self->decoder_.next(command, decode_error) == FrameDecoder::State::kFrame) {
              self->server_.on_frame_(*self, command);
            }
            self->read();
          });
    }

   private:
    asio::ip::tcp::socket socket_;
    ScriptedServer& server_;
    const int index_;
    FrameDecoder decoder_;
    std::array<char, 16 * 1024> buffer_{};
  };

  using FrameHandler = std::function<void(Session&, const RemotingCommand&)>;

  explicit ScriptedServer(FrameHandler on_frame)
      : on_frame_(std::move(on_frame)),
        acceptor_(io_, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    accept();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~ScriptedServer() {
    io_.stop();
    thread_.join();
  }

  std::string address() const {
    return "127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port());
  }
  int accepted() const { return accepted_; }
  int closed_by_client() const { return closed_by_client_; }

 private:
  void accept() {
    acceptor_.async_accept([this](const asio::error_code& error, asio::ip::tcp::socket socket) {
      if (error) return;
      auto session = std::make_shared<Session>(std::move(socket), *this, accepted_++);
      sessions_.push_back(session);
      session->read();
      accept();
    });
  }

  FrameHandler on_frame_;
  asio::io_context io_;
  asio::ip::tcp::acceptor acceptor_;
  std::vector<std::shared_ptr<Session>> sessions_;
  std::atomic<int> accepted_{0};
  std::atomic<int> closed_by_client_{0};
  std::thread thread_;
};

// Outcomes delivered by handlers on the client's I/O thread, awaited by the test thread.
template <typename T>
class Outcomes {
 public:
  void add(T value) {
    std::lock_guard<std::mutex> lock(mutex_);
    values_.push_back(std::move(value));
    arrived_.notify_all();
  }
  bool wait_for(std::size_t count, Milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mutex_);
    return arrived_.wait_for(lock, timeout, [&] { return values_.size() >= count; });
  }
  std::vector<T> values() {
    std::lock_guard<std::mutex> lock(mutex_);
    return values_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable arrived_;
  std::vector<T> values_;
};

// Frames a server callback saw, read from the test thread.
class FrameLog {
 public:
  void add(const RemotingCommand& command) {
    std::lock_guard<std::mutex> lock(mutex_);
    frames_.push_back(command);
  }
  std::vector<RemotingCommand> frames() {
    std::lock_guard<std::mutex> lock(mutex_);
    return frames_;
  }
  std::size_t size() {
    std::lock_guard<std::mutex> lock(mutex_);
    return frames_.size();
  }

 private:
  std::mutex mutex_;
  std::vector<RemotingCommand> frames_;
};

bool eventually(const std::function<bool()>& condition, Milliseconds timeout = 3000ms) {
  const auto deadline = Clock::now() + timeout;
  while (!condition()) {
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

RemotingCommand echo_of(const RemotingCommand& request) {
  RemotingCommand response = RemotingCommand::response_to(request, response_code::kSuccess, "pong");
  response.body = request.body;
  return response;
}

RemotingCommand request_with_body(std::string body) {
  RemotingCommand request = RemotingCommand::request(request_code::kGetRouteInfoByTopic);
  request.body = std::move(body);
  return request;
}

// A peer that logs every request and answers it with its echo.
struct EchoServer {
  FrameLog requests;
  ScriptedServer server{[this](ScriptedServer::Session& session, const RemotingCommand& request) {
    requests.add(request);
    session.send(echo_of(request));
  }};
};

// An address nobody listens on: bound once to get a free port, then released.
std::string closed_port_address() {
  asio::io_context io;
  asio::ip::tcp::acceptor acceptor(io,
                                   asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  return "127.0.0.1:" + std::to_string(acceptor.local_endpoint().port());
}

// A listener whose accept queue is full, so a new connect hangs in SYN-SENT (Linux drops
// the SYN when the queue of a backlog-0 listener already holds one connection).
class UnansweredListener {
 public:
  UnansweredListener() : acceptor_(io_), filler_(io_) {
    const asio::ip::tcp::endpoint local(asio::ip::make_address("127.0.0.1"), 0);
    acceptor_.open(local.protocol());
    acceptor_.bind(local);
    acceptor_.listen(0);
    filler_.connect(acceptor_.local_endpoint());
  }
  std::string address() const {
    return "127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port());
  }

 private:
  asio::io_context io_;
  asio::ip::tcp::acceptor acceptor_;
  asio::ip::tcp::socket filler_;
};

// A peer that accepts and reads nothing until read_until(), which then reads the one
// connection until `last` accepts a frame or the stream ends.
class StalledReader {
 public:
  StalledReader()
      : acceptor_(io_, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {}
  std::string address() const {
    return "127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port());
  }

  std::vector<RemotingCommand> read_until(const std::function<bool(const RemotingCommand&)>& last) {
    std::vector<RemotingCommand> frames;
    asio::ip::tcp::socket socket(io_);
    asio::error_code error;
    acceptor_.accept(socket, error);
    FrameDecoder decoder;
    std::vector<char> buffer(64 * 1024);
    while (!error) {
      const std::size_t bytes = socket.read_some(asio::buffer(buffer), error);
      decoder.feed(std::string_view(buffer.data(), bytes));
      RemotingCommand frame;
      Error decode_error;
      while (decoder.next(frame, decode_error) == FrameDecoder::State::kFrame) {
        frames.push_back(std::move(frame));
        if (last(frames.back())) return frames;
        frame = RemotingCommand{};
      }
    }
    return frames;
  }

 private:
  asio::io_context io_;
  asio::ip::tcp::acceptor acceptor_;
};

// Blocks the client's I/O thread inside a handler (on purpose) until destroyed, so that
// everything submitted meanwhile is queued and leaves in one write. Also a barrier: once
// constructed, everything posted to the I/O thread before has run.
class IoThreadHold {
 public:
  explicit IoThreadHold(RemotingClient& client) {
    std::promise<void> held;
    client.invoke_oneway(closed_port_address(), request_with_body("hold"), 2000ms,
                         [&held, released = released_.get_future().share()](Status) {
                           held.set_value();
                           released.wait();
                         });
    held.get_future().wait();
  }
  ~IoThreadHold() { released_.set_value(); }
  IoThreadHold(const IoThreadHold&) = delete;
  IoThreadHold& operator=(const IoThreadHold&) = delete;

 private:
  std::promise<void> released_;
};

using OnewayOutcomes = Outcomes<std::pair<int, Status>>;

// `count` oneways of about 64 KiB, each body starting with its index: together far more than
// the socket buffers hold, so the write is still going when the peer stops reading.
void send_oneway_burst(RemotingClient& client, const std::string& address, int count,
                       Milliseconds timeout, OnewayOutcomes& outcomes) {
  for (int i = 0; i < count; ++i) {
    client.invoke_oneway(address,
                         request_with_body(std::to_string(i) + ' ' + std::string(64 * 1024, '.')),
                         timeout, [&outcomes, i](Status status) {
                           outcomes.add({i, std::move(status)});
                         });
  }
}

// Every oneway has exactly one outcome and none the peer received whole is reported failed.
// Returns how many were reported failed.
int check_burst_outcomes(const std::vector<std::pair<int, Status>>& outcomes,
                         const std::vector<RemotingCommand>& received, int count) {
  std::vector<int> reported(static_cast<std::size_t>(count), 0);
  std::vector<bool> failed(static_cast<std::size_t>(count), false);
  for (const auto& [index, status] : outcomes) {
    ++reported[static_cast<std::size_t>(index)];
    failed[static_cast<std::size_t>(index)] = status.has_value();
  }
  CHECK(std::count(reported.begin(), reported.end(), 1) == count);
  int received_but_failed = 0;
  for (const auto& frame : received) {
    if (!frame.is_oneway()) continue;
    if (failed[static_cast<std::size_t>(std::stoi(frame.body))]) ++received_but_failed;
  }
  CHECK(received_but_failed == 0);
  return static_cast<int>(std::count(failed.begin(), failed.end(), true));
}

TEST_CASE("request and response travel over a real socket on one reused connection",
          "[transport]") {
  EchoServer echo;
  FrameLog& requests = echo.requests;
  ScriptedServer& server = echo.server;
  RemotingClient client;

  auto response = client.invoke_sync(server.address(), request_with_body("ping"), 2000ms);
  REQUIRE(response.ok());
  CHECK(response->is_response());
  CHECK(response->code == response_code::kSuccess);
  CHECK(response->remark == std::optional<std::string>("pong"));
  CHECK(response->body == "ping");
  REQUIRE(requests.size() == 1);
  CHECK(requests.frames()[0].code == request_code::kGetRouteInfoByTopic);
  CHECK_FALSE(requests.frames()[0].is_response());
  CHECK(response->opaque == requests.frames()[0].opaque);

  Outcomes<std::thread::id> handler_threads;
  client.invoke_async(server.address(), request_with_body("again"), 2000ms,
                      [&](Result<RemotingCommand> second) {
                        CHECK(second.ok());
                        handler_threads.add(std::this_thread::get_id());
                      });
  REQUIRE(handler_threads.wait_for(1, 2000ms));
  CHECK(handler_threads.values()[0] != std::this_thread::get_id());

  CHECK(requests.frames()[1].opaque != requests.frames()[0].opaque);
  CHECK(server.accepted() == 1);
  CHECK(client.pending_requests() == 0);
}

TEST_CASE("a lone request bigger than the socket buffer is finished by the I/O thread, in order",
          "[transport]") {
  EchoServer echo;
  FrameLog& requests = echo.requests;
  ScriptedServer& server = echo.server;
  RemotingClient client;
  REQUIRE(client.invoke_sync(server.address(), request_with_body("connect"), 2000ms).ok());

  // Nothing in flight: the caller writes the 12 MiB frame itself, the kernel takes part of it,
  // and the rest goes out from the I/O thread ahead of the small requests queued behind.
  // 12 MiB each way takes seconds under ThreadSanitizer on a loaded machine: the budget scales.
  const std::string big(12 * 1024 * 1024, 'x');
  const Milliseconds budget = 5000ms * MQSEND_TEST_TIME_SCALE;
  Outcomes<std::pair<int, std::string>> bodies;
  for (int i = 0; i < 4; ++i) {
    client.invoke_async(server.address(), request_with_body(i == 0 ? big : std::to_string(i)),
                        budget, [&bodies, i](Result<RemotingCommand> response) {
                          bodies.add({i, response ? response->body : response.error().message});
                        });
  }
  REQUIRE(bodies.wait_for(4, budget));
  for (const auto& [index, body] : bodies.values()) {
    if (index == 0) CHECK(body.size() == big.size());
    else CHECK(body == std::to_string(index));
  }
  REQUIRE(requests.size() == 5);
  CHECK(requests.frames()[1].body.size() == big.size());
  for (int i = 1; i < 4; ++i) CHECK(requests.frames()[static_cast<std::size_t>(i) + 1].body == std::to_string(i));
  CHECK(server.accepted() == 1);
}

TEST_CASE("host names are resolved", "[transport]") {
  ScriptedServer server([](ScriptedServer::Session& session, const RemotingCommand& request) {
    session.send(echo_of(request));
  });
  const std::string port = server.address().substr(server.address().rfind(':') + 1);
  RemotingClient client;
  auto response = client.invoke_sync("localhost:" + port, request_with_body("named"), 2000ms);
  REQUIRE(response.ok());
  CHECK(response->body == "named");
}

TEST_CASE("1000 concurrent requests answered out of order are all matched", "[transport]") {
  constexpr int kRequests = 1000;
  std::vector<RemotingCommand> held;  // server thread only
  ScriptedServer server([&](ScriptedServer::Session& session, const RemotingCommand& request) {
    held.push_back(request);
    if (held.size() < kRequests) return;
    std::reverse(held.begin(), held.end());
    std::rotate(held.begin(), held.begin() + 333, held.end());
    for (const auto& waiting : held) session.send(echo_of(waiting));
  });
  RemotingClient client;

  Outcomes<std::pair<int, Result<RemotingCommand>>> outcomes;
  for (int i = 0; i < kRequests; ++i) {
    client.invoke_async(server.address(), request_with_body(std::to_string(i)), 5000ms,
                        [&outcomes, i](Result<RemotingCommand> response) {
                          outcomes.add({i, std::move(response)});
                        });
  }
  CHECK(client.pending_requests() <= kRequests);
  REQUIRE(outcomes.wait_for(kRequests, 5000ms));

  std::vector<bool> seen(kRequests, false);
  for (const auto& [index, response] : outcomes.values()) {
    REQUIRE(response.ok());
    CHECK(response->body == std::to_string(index));
    seen[index] = true;
  }
  CHECK(std::all_of(seen.begin(), seen.end(), [](bool s) { return s; }));
  CHECK(client.pending_requests() == 0);
  CHECK(server.accepted() == 1);
}

TEST_CASE("no response before the deadline fails with kAccessBrokerTimeout", "[transport]") {
  ScriptedServer server([](ScriptedServer::Session&, const RemotingCommand&) {});
  RemotingClient client;

  const auto start = Clock::now();
  auto response = client.invoke_sync(server.address(), request_with_body("silence"), 200ms);
  const auto elapsed = Clock::now() - start;

  REQUIRE_FALSE(response.ok());
  CHECK(response.error().code == error_code::kAccessBrokerTimeout);
  CHECK_THAT(response.error().message,
             Catch::Contains("wait response on " + server.address() + " timed out after 200 ms"));
  CHECK(elapsed >= 200ms);
  CHECK(elapsed < 1000ms);
  CHECK(client.pending_requests() == 0);
}

TEST_CASE("connecting to a port without listener fails with kConnectBrokerException",
          "[transport]") {
  RemotingClient client;
  const std::string address = closed_port_address();
  auto response = client.invoke_sync(address, request_with_body("x"), 2000ms);
  REQUIRE_FALSE(response.ok());
  CHECK(response.error().code == error_code::kConnectBrokerException);
  CHECK_THAT(response.error().message, Catch::Contains("connect to " + address + " failed"));

  auto malformed = client.invoke_sync("no-port-here", request_with_body("x"), 2000ms);
  REQUIRE_FALSE(malformed.ok());
  CHECK(malformed.error().code == error_code::kConnectBrokerException);
  CHECK(client.pending_requests() == 0);
}

TEST_CASE("a connect that hangs fails at the request deadline with kConnectBrokerException",
          "[transport]") {
  UnansweredListener listener;
  RemotingClient client;
  const auto start = Clock::now();
  auto response = client.invoke_sync(listener.address(), request_with_body("x"), 300ms);
  const auto elapsed = Clock::now() - start;
  REQUIRE_FALSE(response.ok());
  CHECK(response.error().code == error_code::kConnectBrokerException);
  CHECK_THAT(response.error().message,
             Catch::Contains("connect to " + listener.address() + " timed out after 300 ms"));
  CHECK(elapsed >= 300ms);
  CHECK(elapsed < 1500ms);
  CHECK(client.pending_requests() == 0);
}

TEST_CASE("a peer closing with requests in flight fails them at once with kConnectionClosed",
          "[transport]") {
  constexpr int kRequests = 10;
  int received = 0;  // server thread only
  ScriptedServer server([&](ScriptedServer::Session& session, const RemotingCommand&) {
    if (++received == kRequests) session.close();
  });
  RemotingClient client;

  Outcomes<Result<RemotingCommand>> outcomes;
  const auto start = Clock::now();
  for (int i = 0; i < kRequests; ++i) {
    client.invoke_async(
        server.address(), request_with_body("doomed"), 10000ms,
        [&](Result<RemotingCommand> response) { outcomes.add(std::move(response)); });
  }
  REQUIRE(outcomes.wait_for(kRequests, 3000ms));
  CHECK(Clock::now() - start < 2000ms);
  for (const auto& response : outcomes.values()) {
    REQUIRE_FALSE(response.ok());
    CHECK(response.error().code == error_code::kConnectionClosed);
    CHECK_THAT(response.error().message,
               Catch::Contains("connection to " + server.address() + " closed by peer"));
  }
  CHECK(client.pending_requests() == 0);
}

TEST_CASE("the request after a dropped connection reconnects", "[transport]") {
  ScriptedServer server([](ScriptedServer::Session& session, const RemotingCommand& request) {
    if (session.index() == 0) {
      session.close();
    } else {
      session.send(echo_of(request));
    }
  });
  RemotingClient client;

  auto first = client.invoke_sync(server.address(), request_with_body("lost"), 2000ms);
  REQUIRE_FALSE(first.ok());
  CHECK(first.error().code == error_code::kConnectionClosed);

  auto second = client.invoke_sync(server.address(), request_with_body("back"), 2000ms);
  REQUIRE(second.ok());
  CHECK(second->body == "back");
  CHECK(server.accepted() == 2);
}

TEST_CASE("oneway sets the oneway flag and reports the write", "[transport]") {
  FrameLog requests;
  ScriptedServer server(
      [&](ScriptedServer::Session&, const RemotingCommand& request) { requests.add(request); });
  RemotingClient client;

  std::promise<Status> written;
  client.invoke_oneway(server.address(), request_with_body("fire"), 2000ms,
                       [&](Status status) { written.set_value(std::move(status)); });
  auto written_future = written.get_future();
  REQUIRE(written_future.wait_for(2s) == std::future_status::ready);
  CHECK_FALSE(written_future.get().has_value());
  CHECK(client.pending_requests() == 0);

  REQUIRE(eventually([&] { return requests.size() == 1; }));
  const RemotingCommand received = requests.frames()[0];
  CHECK(received.is_oneway());
  CHECK_FALSE(received.is_response());
  CHECK(received.body == "fire");

  std::promise<Status> refused;
  client.invoke_oneway(closed_port_address(), request_with_body("nowhere"), 2000ms,
                       [&](Status status) { refused.set_value(std::move(status)); });
  auto refused_future = refused.get_future();
  REQUIRE(refused_future.wait_for(2s) == std::future_status::ready);
  const Status refused_status = refused_future.get();
  REQUIRE(refused_status.has_value());
  CHECK(refused_status->code == error_code::kConnectBrokerException);
}

TEST_CASE("a malformed frame from the peer fails with kProtocolError and drops the connection",
          "[transport]") {
  using namespace std::string_literals;
  const std::string garbage =
      GENERATE("\x7f\xff\xff\xff"s,                                  // length far above 16 MiB
               "\xff\xff\xff\xf0"s,                                  // negative length
               "\x00\x00\x00\x08\x00\x00\x01\x00\x7b\x7d\x00\x00"s,  // header longer than the frame
               "\x00\x00\x00\x06\x00\x00\x00\x02{x"s);               // undecodable JSON header
  ScriptedServer server(
      [&](ScriptedServer::Session& session, const RemotingCommand&) { session.send_raw(garbage); });
  RemotingClient client;

  auto response = client.invoke_sync(server.address(), request_with_body("x"), 2000ms);
  REQUIRE_FALSE(response.ok());
  CHECK(response.error().code == error_code::kProtocolError);
  CHECK_THAT(response.error().message, Catch::Contains("protocol error on " + server.address()));
  CHECK(eventually([&] { return server.closed_by_client() == 1; }));
  CHECK(client.pending_requests() == 0);
}

TEST_CASE("a server request of a code nobody serves is answered REQUEST_CODE_NOT_SUPPORTED, oneway too", "[transport]") {
  // NettyRemotingAbstract.processRequestCommand (4.9.8) writes the answer without looking at
  // the oneway bit.
  constexpr int kUnknownCode = 9999;
  FrameLog received;
  std::optional<RemotingCommand> original;  // server thread only
  ScriptedServer server([&](ScriptedServer::Session& session, const RemotingCommand& frame) {
    received.add(frame);
    if (!frame.is_response()) {
      original = frame;
      RemotingCommand oneway = RemotingCommand::request(kUnknownCode);
      oneway.opaque = 5001;
      oneway.flag = kOnewayFlag;
      session.send(oneway);
      RemotingCommand request = RemotingCommand::request(kUnknownCode);
      request.opaque = 5002;
      session.send(request);
    } else if (frame.opaque == 5002) {
      session.send(echo_of(*original));
    }
  });
  RemotingClient client;

  auto response = client.invoke_sync(server.address(), request_with_body("tx"), 2000ms);
  REQUIRE(response.ok());
  CHECK(response->body == "tx");

  const auto frames = received.frames();
  REQUIRE(frames.size() == 3);
  for (std::size_t i : {1, 2}) {
    CHECK(frames[i].is_response());
    CHECK(frames[i].opaque == static_cast<std::int32_t>(5000 + i));
    CHECK(frames[i].code == response_code::kRequestCodeNotSupported);
    CHECK(frames[i].remark == std::optional<std::string>(" request type 9999 not supported"));
  }
}

TEST_CASE("a served server request reaches its handler, and answer() writes on its connection", "[transport]") {
  constexpr int kPushReply = 326;
  constexpr int kCheckTransactionState = 39;
  FrameLog received;
  ScriptedServer server([&](ScriptedServer::Session& session, const RemotingCommand& frame) {
    received.add(frame);
    if (frame.is_response()) return;
    RemotingCommand check = RemotingCommand::request(kCheckTransactionState);
    check.opaque = 7001;
    check.flag = kOnewayFlag;
    check.ext_fields = {{"commitLogOffset", "42"}};
    session.send(check);
    RemotingCommand push = RemotingCommand::request(kPushReply);
    push.opaque = 7002;
    push.body = "reply";
    session.send(push);
    session.send(echo_of(frame));
  });
  RemotingClient client;
  std::mutex mutex;
  std::vector<ServerRequest> served;
  auto keep = [&](ServerRequest request) {
    std::lock_guard<std::mutex> lock(mutex);
    served.push_back(std::move(request));
  };
  client.serve(kPushReply, keep);
  client.serve(kCheckTransactionState, keep);

  REQUIRE(client.invoke_sync(server.address(), request_with_body("x"), 2000ms).ok());
  REQUIRE(eventually([&] {
    std::lock_guard<std::mutex> lock(mutex);
    return served.size() == 2;
  }));
  std::lock_guard<std::mutex> lock(mutex);
  CHECK(served[0].command.code == kCheckTransactionState);
  CHECK(served[0].command.is_oneway());
  CHECK(*served[0].command.field("commitLogOffset") == "42");
  CHECK(served[0].address == server.address());
  CHECK(served[1].command.body == "reply");
  CHECK(received.frames().size() == 1);  // nothing answered by itself

  client.answer(served[1], RemotingCommand::response_to(served[1].command, response_code::kSuccess));
  REQUIRE(eventually([&] { return received.frames().size() == 2; }));
  const RemotingCommand answer = received.frames()[1];
  CHECK(answer.is_response());
  CHECK(answer.opaque == 7002);
  CHECK(answer.code == response_code::kSuccess);
}

TEST_CASE("a response nobody waits for is ignored", "[transport]") {
  ScriptedServer server([](ScriptedServer::Session& session, const RemotingCommand& request) {
    RemotingCommand stray =
        RemotingCommand::response_to(request, response_code::kSystemError, "stray");
    stray.opaque = request.opaque + 1000000;
    session.send(stray);
    session.send(echo_of(request));
  });
  RemotingClient client;

  for (const char* body : {"first", "second"}) {
    auto response = client.invoke_sync(server.address(), request_with_body(body), 2000ms);
    REQUIRE(response.ok());
    CHECK(response->remark == std::optional<std::string>("pong"));
    CHECK(response->body == body);
  }
  CHECK(server.accepted() == 1);
  CHECK(client.pending_requests() == 0);
}

TEST_CASE("invoke_sync on the I/O thread is refused instead of deadlocking", "[transport]") {
  ScriptedServer server([](ScriptedServer::Session& session, const RemotingCommand& request) {
    session.send(echo_of(request));
  });
  RemotingClient client;
  Outcomes<Result<RemotingCommand>> nested;
  client.invoke_async(
      server.address(), request_with_body("outer"), 2000ms, [&](Result<RemotingCommand>) {
        nested.add(client.invoke_sync(server.address(), request_with_body("inner"), 2000ms));
      });
  REQUIRE(nested.wait_for(1, 2000ms));
  const auto result = nested.values()[0];
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().code == error_code::kInvalidArgument);
}

TEST_CASE("destroying the client fails pending requests with kShutdown without hanging",
          "[transport]") {
  constexpr int kAnswerless = 5;
  FrameLog requests;
  ScriptedServer server(
      [&](ScriptedServer::Session&, const RemotingCommand& request) { requests.add(request); });
  UnansweredListener hanging_connect;
  auto client = std::make_unique<RemotingClient>();

  Outcomes<Result<RemotingCommand>> outcomes;
  auto collect = [&](Result<RemotingCommand> response) { outcomes.add(std::move(response)); };
  for (int i = 0; i < kAnswerless; ++i) {
    client->invoke_async(server.address(), request_with_body("never"), 30000ms, collect);
  }
  client->invoke_async(hanging_connect.address(), request_with_body("connecting"), 30000ms,
                       collect);
  REQUIRE(eventually([&] { return requests.size() == kAnswerless; }));
  CHECK(client->pending_requests() == kAnswerless + 1);

  const auto start = Clock::now();
  client.reset();
  CHECK(Clock::now() - start < 2000ms);

  REQUIRE(outcomes.wait_for(kAnswerless + 1, 0ms));
  for (const auto& response : outcomes.values()) {
    REQUIRE_FALSE(response.ok());
    CHECK(response.error().code == error_code::kShutdown);
  }
}

TEST_CASE("oneway frames the peer received before closing mid-write are reported written",
          "[transport]") {
  constexpr int kOneways = 384;
  constexpr int kReadBeforeClose = 3;  // the request, then two oneways
  FrameLog received;
  int seen = 0;  // server thread only
  ScriptedServer server([&](ScriptedServer::Session& session, const RemotingCommand& frame) {
    received.add(frame);
    if (++seen == kReadBeforeClose) session.close();  // unread bytes left: the peer resets
  });
  RemotingClient client;

  Outcomes<Result<RemotingCommand>> answer;
  OnewayOutcomes outcomes;
  {
    IoThreadHold one_write(client);
    client.invoke_async(server.address(), request_with_body("request"), 10000ms,
                        [&](Result<RemotingCommand> response) { answer.add(std::move(response)); });
    send_oneway_burst(client, server.address(), kOneways, 10000ms, outcomes);
  }
  REQUIRE(outcomes.wait_for(kOneways, 5000ms));
  REQUIRE(answer.wait_for(1, 0ms));

  const int failed = check_burst_outcomes(outcomes.values(), received.frames(), kOneways);
  CHECK(received.size() >= kReadBeforeClose);
  CHECK(failed > 0);  // the close came in the middle of the write
  REQUIRE_FALSE(answer.values()[0].ok());
  CHECK(answer.values()[0].error().code == error_code::kConnectionClosed);
  CHECK(client.pending_requests() == 0);
}

TEST_CASE("a write stalled past a oneway deadline closes the connection, bytes written decide",
          "[transport]") {
  constexpr int kOneways = 384;
  StalledReader peer;
  auto client = std::make_unique<RemotingClient>();

  OnewayOutcomes outcomes;
  {
    IoThreadHold one_write(*client);
    // The deadline must outlast queueing the 24 MiB burst (slow under ThreadSanitizer), or
    // every frame expires before the write starts.
    send_oneway_burst(*client, peer.address(), kOneways, 1000ms * MQSEND_TEST_TIME_SCALE, outcomes);
  }
  REQUIRE(outcomes.wait_for(kOneways, 5000ms * MQSEND_TEST_TIME_SCALE));
  client.reset();  // a connection left open would keep the peer reading forever

  // The peer can now read what the kernel took before the close.
  const auto received = peer.read_until([](const RemotingCommand&) { return false; });
  const auto values = outcomes.values();
  const int failed = check_burst_outcomes(values, received, kOneways);
  CHECK(failed > 0);
  CHECK(failed < kOneways);  // the kernel took the first frames of the stalled write
  const bool closed_for_stall = std::any_of(values.begin(), values.end(), [](const auto& outcome) {
    return outcome.second && outcome.second->code == error_code::kConnectionClosed &&
           outcome.second->message.find("stalled") != std::string::npos;
  });
  CHECK(closed_for_stall);
}

TEST_CASE("a oneway that times out while queued is never sent", "[transport]") {
  constexpr int kExpiring = 10;
  StalledReader peer;
  RemotingClient client;

  std::promise<Status> connected;
  client.invoke_oneway(peer.address(), request_with_body("connect"), 2000ms,
                       [&](Status status) { connected.set_value(std::move(status)); });
  REQUIRE_FALSE(connected.get_future().get().has_value());

  // 12 MiB the peer does not read: the write stalls, and what follows waits in the queue.
  client.invoke_async(peer.address(), request_with_body(std::string(12 * 1024 * 1024, 'b')),
                      10000ms, [](Result<RemotingCommand>) {});
  { IoThreadHold write_started(client); }
  Outcomes<Status> expired;
  for (int i = 0; i < kExpiring; ++i) {
    client.invoke_oneway(peer.address(), request_with_body("expired"), 100ms,
                         [&](Status status) { expired.add(std::move(status)); });
  }
  REQUIRE(expired.wait_for(kExpiring, 3000ms));
  for (const auto& status : expired.values()) {
    REQUIRE(status.has_value());
    CHECK(status->code == error_code::kAccessBrokerTimeout);
  }

  std::promise<Status> marker;
  client.invoke_oneway(peer.address(), request_with_body("marker"), 10000ms,
                       [&](Status status) { marker.set_value(std::move(status)); });
  const auto received =
      peer.read_until([](const RemotingCommand& frame) { return frame.body == "marker"; });
  REQUIRE_FALSE(received.empty());
  CHECK(received.back().body == "marker");
  CHECK(std::none_of(received.begin(), received.end(),
                     [](const RemotingCommand& frame) { return frame.body == "expired"; }));
  auto marker_written = marker.get_future();
  REQUIRE(marker_written.wait_for(2s) == std::future_status::ready);
  CHECK_FALSE(marker_written.get().has_value());
}

}  // namespace
}  // namespace mqsend

namespace mqsend {

TEST_CASE("a timed-out request retires its connection: the next request dials anew", "[transport]") {
  // The first connection goes silent (half-open: open, nothing answered); later ones answer.
  ScriptedServer server([](ScriptedServer::Session& session, const RemotingCommand& request) {
    if (session.index() > 0 || request.body == "answered") session.send(echo_of(request));
  });
  RemotingClient client;

  REQUIRE(client.invoke_sync(server.address(), request_with_body("answered"), 2000ms).ok());
  // A request still in flight on the old connection keeps its own deadline.
  std::promise<Result<RemotingCommand>> late;
  client.invoke_async(server.address(), request_with_body("late"), 600ms,
                      [&late](Result<RemotingCommand> response) { late.set_value(std::move(response)); });
  auto lost = client.invoke_sync(server.address(), request_with_body("lost"), 200ms);
  REQUIRE_FALSE(lost.ok());
  CHECK(lost.error().code == error_code::kAccessBrokerTimeout);

  auto next = client.invoke_sync(server.address(), request_with_body("next"), 2000ms);
  REQUIRE(next.ok());
  CHECK(next->body == "next");
  CHECK(server.accepted() == 2);

  const auto start = Clock::now();
  auto late_result = late.get_future().get();
  REQUIRE_FALSE(late_result.ok());
  CHECK(late_result.error().code == error_code::kAccessBrokerTimeout);  // not failed early
  CHECK(Clock::now() - start > 200ms);
  CHECK(client.pending_requests() == 0);
}

TEST_CASE("an overdue request stays registered: its late response counts, its connection retires",
          "[transport]") {
  ScriptedServer server([](ScriptedServer::Session& session, const RemotingCommand& request) {
    if (request.body == "slow") {
      session.send_after(300ms, echo_of(request));
    } else {
      session.send(echo_of(request));
    }
  });
  RemotingClient client;
  std::promise<void> overdue;
  std::atomic<int> overdue_calls{0};
  std::promise<Result<RemotingCommand>> response;
  const auto start = Clock::now();
  client.invoke_async(
      server.address(), request_with_body("slow"), 2000ms,
      [&response](Result<RemotingCommand> result) { response.set_value(std::move(result)); }, 100ms,
      [&] {
        if (overdue_calls++ == 0) overdue.set_value();
      });
  overdue.get_future().get();
  CHECK(Clock::now() - start >= 100ms);
  // Retired at the overdue time: the next request dials a new connection.
  auto next = client.invoke_sync(server.address(), request_with_body("next"), 2000ms);
  REQUIRE(next.ok());
  CHECK(server.accepted() == 2);
  // The late response still reaches the handler, well before the 2 s deadline.
  auto late = response.get_future().get();
  REQUIRE(late.ok());
  CHECK(late->body == "slow");
  CHECK(Clock::now() - start < 2000ms);
  CHECK(overdue_calls == 1);
  CHECK(client.pending_requests() == 0);
}

}  // namespace mqsend
