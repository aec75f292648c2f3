#pragma once
// Helpers for the [cluster] tests: the captured vectors, a tiny blocking client over POSIX
// sockets (with timeouts, so a broken server fails a test instead of hanging it), and a cluster
// running on its own thread.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <thread>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "client/remoting/frame_codec.hpp"
#include "testcluster/cluster.hpp"

namespace mqsend::cluster_test {

inline std::string read_vector_file(const std::string& name) {
  std::ifstream in(std::string(MQSEND_VECTORS_DIR) + "/" + name, std::ios::binary);
  REQUIRE(in.good());
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The decoded frame of a captured vector ("send-v2-json.req.bin").
inline RemotingCommand vector_command(const std::string& name) {
  const std::string frame = read_vector_file(name);
  REQUIRE(frame.size() > 4);
  auto command = decode_frame_payload(std::string_view(frame).substr(4));
  REQUIRE(command.ok());
  return command.value();
}

// A blocking TCP client with per-call timeouts.
class TestSocket {
 public:
  enum class Read { kFrame, kTimeout, kClosed, kBadFrame };

  explicit TestSocket(const std::string& address) {
    const auto colon = address.rfind(':');
    sockaddr_in peer{};
    peer.sin_family = AF_INET;
    peer.sin_port = htons(static_cast<std::uint16_t>(std::stoi(address.substr(colon + 1))));
    ::inet_pton(AF_INET, address.substr(0, colon).c_str(), &peer.sin_addr);
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&peer), sizeof peer) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~TestSocket() {
    if (fd_ >= 0) ::close(fd_);
  }
  TestSocket(const TestSocket&) = delete;
  TestSocket& operator=(const TestSocket&) = delete;

  bool connected() const { return fd_ >= 0; }

  bool send_bytes(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (sent <= 0) return false;
      bytes.remove_prefix(static_cast<std::size_t>(sent));
    }
    return true;
  }
  bool send(const RemotingCommand& command) { return send_bytes(encode_frame(command)); }

  // The next frame from the peer.
  Read read_frame(RemotingCommand& out, int timeout_ms = 3000) {
    Error error;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    for (;;) {
      const FrameDecoder::State state = decoder_.next(out, error);
      if (state == FrameDecoder::State::kFrame) return Read::kFrame;
      if (state == FrameDecoder::State::kError) return Read::kBadFrame;
      const Read got = receive(deadline, [this](std::string_view bytes) { decoder_.feed(bytes); });
      if (got != Read::kFrame) return got;
    }
  }

  // One reply line of the control channel.
  std::optional<std::string> read_line(int timeout_ms = 3000) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    for (;;) {
      const auto newline = line_buffer_.find('\n');
      if (newline != std::string::npos) {
        std::string line = line_buffer_.substr(0, newline);
        line_buffer_.erase(0, newline + 1);
        return line;
      }
      if (receive(deadline, [this](std::string_view bytes) { line_buffer_.append(bytes); }) !=
          Read::kFrame) {
        return std::nullopt;
      }
    }
  }

  // True when the peer closes the connection within the time (data is discarded).
  bool closed_by_peer(int timeout_ms = 3000) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    for (;;) {
      const Read got = receive(deadline, [](std::string_view) {});
      if (got == Read::kClosed) return true;
      if (got == Read::kTimeout) return false;
    }
  }

 private:
  template <typename Sink>
  Read receive(std::chrono::steady_clock::time_point deadline, Sink sink) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd waiting{fd_, POLLIN, 0};
    if (left.count() <= 0 || ::poll(&waiting, 1, static_cast<int>(left.count())) <= 0) {
      return Read::kTimeout;
    }
    char buffer[65536];
    const ssize_t got = ::recv(fd_, buffer, sizeof buffer, 0);
    if (got <= 0) return Read::kClosed;
    sink(std::string_view(buffer, static_cast<std::size_t>(got)));
    return Read::kFrame;
  }

  int fd_ = -1;
  FrameDecoder decoder_;
  std::string line_buffer_;
};

// A cluster serving on its own thread for the duration of a test.
class RunningCluster {
 public:
  explicit RunningCluster(ClusterOptions options) : cluster_(std::move(options)) {
    const Status started = cluster_.start();
    REQUIRE_FALSE(started.has_value());
    ready_ = cluster_.ready_info();
    thread_ = std::thread([this] { cluster_.run(); });
    control_ = std::make_unique<TestSocket>(ready_.at("control").get<std::string>());
    REQUIRE(control_->connected());
  }
  ~RunningCluster() {
    cluster_.stop();
    thread_.join();
  }

  const nlohmann::json& ready() const { return ready_; }
  const Cluster& cluster() const { return cluster_; }
  std::string namesrv() const { return ready_.at("namesrv").get<std::string>(); }
  std::string broker(std::size_t index) const {
    return ready_.at("brokers").at(index).at("addr").get<std::string>();
  }

  nlohmann::json control(const nlohmann::json& command) {
    REQUIRE(control_->send_bytes(command.dump() + "\n"));
    const auto line = control_->read_line();
    REQUIRE(line.has_value());
    return nlohmann::json::parse(*line);
  }

  // Polls the request log until `target` has logged `count` requests (3 s at most).
  bool wait_for_requests(const std::string& target, std::size_t count) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    while (std::chrono::steady_clock::now() < deadline) {
      if (control({{"cmd", "log"}, {"target", target}}).at("log").size() >= count) return true;
    }
    return false;
  }

 private:
  Cluster cluster_;
  nlohmann::json ready_;
  std::thread thread_;
  std::unique_ptr<TestSocket> control_;
};

// Sends one request and expects its answer.
inline RemotingCommand round_trip(TestSocket& socket, const RemotingCommand& request) {
  REQUIRE(socket.send(request));
  RemotingCommand response;
  REQUIRE(socket.read_frame(response) == TestSocket::Read::kFrame);
  CHECK(response.opaque == request.opaque);
  return response;
}

// round_trip on a connection of its own.
inline RemotingCommand round_trip_once(const std::string& address, const RemotingCommand& request) {
  TestSocket socket(address);
  REQUIRE(socket.connected());
  return round_trip(socket, request);
}

// A control-channel fault command.
inline nlohmann::json fault(const std::string& target, nlohmann::json spec) {
  spec["cmd"] = "fault";
  spec["target"] = target;
  return spec;
}

// The name server of the route captures: broker-a 10911 and broker-b 10921 registered in this
// order, VecTopic with 4 queues on each, TBW102 with perm 7 and 8 queues on each.
inline NameServer captured_name_server(bool legacy, ServerVersion version = ServerVersion::k4_9_8) {
  NameServer name_server(version, legacy);
  for (const auto& [name, address] : {std::pair<std::string, std::string>{"broker-a", "127.0.0.1:10911"},
                                      {"broker-b", "127.0.0.1:10921"}}) {
    name_server.register_broker("DefaultCluster", name, kMasterBrokerId, address);
    TopicConfig topic;
    topic.name = "VecTopic";
    topic.read_queue_nums = topic.write_queue_nums = 4;
    name_server.register_topic(name, topic);
    TopicConfig tbw102;
    tbw102.name = "TBW102";
    tbw102.read_queue_nums = tbw102.write_queue_nums = 8;
    tbw102.perm = 7;
    name_server.register_topic(name, tbw102);
  }
  return name_server;
}

// A SEND_MESSAGE_V2 request for `topic` / `queue_id` with a small body.
inline RemotingCommand send_request(const std::string& topic, int queue_id, std::int32_t opaque,
                                    std::string body = "hello") {
  RemotingCommand request = RemotingCommand::request(310);
  request.opaque = opaque;
  request.ext_fields = {{"a", "PG"},  {"b", topic},     {"c", "TBW102"}, {"d", "4"},
                        {"e", std::to_string(queue_id)}, {"f", "0"},      {"g", "1700000000000"},
                        {"h", "0"},   {"i", "TAGS\x01T\x02"}, {"j", "0"}, {"k", "false"},
                        {"m", "false"}};
  request.body = std::move(body);
  return request;
}

}  // namespace mqsend::cluster_test
