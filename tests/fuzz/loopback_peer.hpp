#pragma once
// The server side of a fuzzed connection: a listener on 127.0.0.1 (ephemeral port) and the
// accepted connection, driven with blocking POSIX calls and deadlines from the fuzz thread.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "client/remoting/frame_codec.hpp"
#include "retry_interrupted.hpp"

namespace mqsend::fuzz {

using Deadline = std::chrono::steady_clock::time_point;

// Waits until `fd` is ready for `events` or the deadline passes; false on timeout. Signals
// (libFuzzer's timeout alarm) do not end the wait.
inline bool wait_ready(int fd, short events, Deadline deadline) {
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd entry{fd, events, 0};
    const int ready = poll(&entry, 1, static_cast<int>(left.count()));
    if (ready > 0) return true;
    if (ready == 0 || errno != EINTR) return false;
  }
}

class PeerConnection {
 public:
  explicit PeerConnection(int fd) : fd_(fd) {}
  PeerConnection(const PeerConnection&) = delete;
  PeerConnection& operator=(const PeerConnection&) = delete;
  ~PeerConnection() { close(fd_); }

  // Decodes the client's frames until `count` arrived, the client stopped, or the deadline.
  std::vector<RemotingCommand> read_frames(std::size_t count, Deadline deadline) {
    std::vector<RemotingCommand> frames;
    FrameDecoder decoder;
    char buffer[4096];
    while (frames.size() < count && wait_ready(fd_, POLLIN, deadline)) {
      const ssize_t n = retry_interrupted([&] { return recv(fd_, buffer, sizeof buffer, 0); });
      if (n <= 0) break;
      decoder.feed(std::string_view(buffer, static_cast<std::size_t>(n)));
      RemotingCommand frame;
      Error error;
      while (decoder.next(frame, error) == FrameDecoder::State::kFrame) frames.push_back(std::move(frame));
    }
    return frames;
  }

  // Writes every byte unless the client closed meanwhile.
  void write_all(std::string_view bytes, Deadline deadline) {
    while (!bytes.empty() && wait_ready(fd_, POLLOUT, deadline)) {
      const ssize_t n = retry_interrupted([&] { return send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL); });
      if (n <= 0) return;
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
  }

  // Half-closes, then reads (and drops) what the client still sends until it closes too: a
  // close with unread bytes would reset the connection and could discard what the client has
  // not read yet. False when the client did not close by the deadline.
  bool finish(Deadline deadline) {
    shutdown(fd_, SHUT_WR);
    char buffer[4096];
    while (wait_ready(fd_, POLLIN, deadline)) {
      if (retry_interrupted([&] { return recv(fd_, buffer, sizeof buffer, 0); }) <= 0) return true;
    }
    return false;
  }

 private:
  int fd_;
};

class LoopbackListener {
 public:
  LoopbackListener() {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (fd_ < 0 || bind(fd_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
        listen(fd_, 16) != 0 || getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      std::abort();
    }
    address_ = "127.0.0.1:" + std::to_string(ntohs(address.sin_port));
  }
  LoopbackListener(const LoopbackListener&) = delete;
  LoopbackListener& operator=(const LoopbackListener&) = delete;
  ~LoopbackListener() { close(fd_); }

  const std::string& address() const { return address_; }

  // The next connection, or -1 when none arrives by the deadline.
  int accept_one(Deadline deadline) {
    if (!wait_ready(fd_, POLLIN, deadline)) return -1;
    return retry_interrupted([&] { return accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC); });
  }

 private:
  int fd_ = -1;
  std::string address_;
};

}  // namespace mqsend::fuzz
