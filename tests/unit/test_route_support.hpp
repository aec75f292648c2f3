#pragma once
// Tiny in-test name servers on 127.0.0.1 for the route tests.
#include <fmt/format.h>

#include <asio.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "client/producer/message.hpp"
#include "client/remoting/codes.hpp"
#include "client/remoting/frame_codec.hpp"
#include "client/remoting/remoting_command.hpp"
#include "client/route/topic_route_data.hpp"

namespace mqsend::route_test {

inline const char kNotExistRemark[] =
    "No topic route info in name server for the topic: {}\nSee "
    "http://rocketmq.apache.org/docs/faq/ "
    "for further details.";

// A name server speaking real frames. The handler answers a request, or returns nullopt to
// stay silent (the client then times out).
class FakeNameServer {
 public:
  using Handler = std::function<std::optional<RemotingCommand>(const RemotingCommand&)>;

  explicit FakeNameServer(Handler handler, std::uint16_t port = 0)
      : handler_(std::move(handler)),
        acceptor_(io_, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port)) {
    accept();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~FakeNameServer() {
    io_.stop();
    thread_.join();
  }

  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  std::string address() const { return "127.0.0.1:" + std::to_string(port()); }
  std::vector<RemotingCommand> requests() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return requests_;
  }
  std::vector<std::string> topics_asked() const {
    std::vector<std::string> topics;
    for (const auto& request : requests()) {
      topics.push_back(request.field("topic") ? *request.field("topic") : "?");
    }
    return topics;
  }

 private:
  struct Session {
    explicit Session(asio::io_context& io) : socket(io) {}
    asio::ip::tcp::socket socket;
    FrameDecoder decoder;
    char buffer[4096];
  };

  void accept() {
    auto session = std::make_shared<Session>(io_);
    acceptor_.async_accept(session->socket, [this, session](std::error_code error) {
      if (error) return;
      read(session);
      accept();
    });
  }

  void read(const std::shared_ptr<Session>& session) {
    session->socket.async_read_some(
        asio::buffer(session->buffer), [this, session](std::error_code error, std::size_t size) {
          if (error) return;
          session->decoder.feed(std::string_view(session->buffer, size));
          RemotingCommand request;
          Error decode_error;
          while (session->decoder.next(request, decode_error) == FrameDecoder::State::kFrame) {
            {
              std::lock_guard<std::mutex> lock(mutex_);
              requests_.push_back(request);
            }
            if (auto response = handler_(request)) {
              std::error_code ignored;
              asio::write(session->socket, asio::buffer(encode_frame(*response)), ignored);
            }
          }
          read(session);
        });
  }

  Handler handler_;
  asio::io_context io_;
  asio::ip::tcp::acceptor acceptor_;
  std::thread thread_;
  mutable std::mutex mutex_;
  std::vector<RemotingCommand> requests_;
};

// An address where nothing listens: a port that was just free.
inline std::string dead_address() {
  asio::io_context io;
  asio::ip::tcp::acceptor acceptor(io,
                                   asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  return "127.0.0.1:" + std::to_string(acceptor.local_endpoint().port());
}

inline TopicRouteData two_broker_route(int perm, int read_queue_nums, int write_queue_nums) {
  TopicRouteData route;
  for (const char* name : {"broker-b", "broker-a"}) {
    route.broker_datas.push_back({"DefaultCluster", name, {{0, std::string(name) + ":10911"}}});
    route.queue_datas.push_back({name, read_queue_nums, write_queue_nums, perm, 0});
  }
  return route;
}

inline RemotingCommand route_response(const RemotingCommand& request, const TopicRouteData& route) {
  RemotingCommand response = RemotingCommand::response_to(request, response_code::kSuccess);
  response.language = LanguageCode::kJava;
  response.body = serialize_topic_route_data(route, true);
  return response;
}

inline RemotingCommand not_exist_response(const RemotingCommand& request) {
  const std::string topic = request.field("topic") ? *request.field("topic") : "";
  return RemotingCommand::response_to(request, response_code::kTopicNotExist,
                                      fmt::format(kNotExistRemark, topic));
}

// Knows the listed topics; TOPIC_NOT_EXIST for the others.
inline FakeNameServer::Handler serve_routes(std::map<std::string, TopicRouteData> routes) {
  return [routes = std::move(routes)](const RemotingCommand& request) {
    auto it = routes.find(request.field("topic") ? *request.field("topic") : "");
    return it == routes.end() ? not_exist_response(request) : route_response(request, it->second);
  };
}

inline std::optional<RemotingCommand> stay_silent(const RemotingCommand&) { return std::nullopt; }

// Waits up to 5 s until `server` has received `count` requests.
inline bool wait_for_requests(const FakeNameServer& server, std::size_t count) {
  const auto limit = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (server.requests().size() < count) {
    if (std::chrono::steady_clock::now() > limit) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

// A message to topic "T", the topic the producer tests route.
inline Message message(const std::string& body) {
  Message built;
  built.topic = "T";
  built.body = body;
  return built;
}

using Clock = std::chrono::steady_clock;
using Topics = std::vector<std::string>;

}  // namespace mqsend::route_test
