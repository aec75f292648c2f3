#include "testcluster/control_client.hpp"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>

#include "testcluster/fault_state.hpp"

namespace mqsend {

namespace {

using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;

Error usage(std::string message) { return Error{error_code::kInvalidArgument, std::move(message)}; }
Error unreachable(std::string message) { return Error{error_code::kConnectBrokerException, std::move(message)}; }

// A value as JSON when it reads as a number, a boolean, a list or a quoted string (a topic
// named "7" is written '"7"'), else as the text itself.
Json typed_value(const std::string& text) {
  Json value = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded() || value.is_null() || value.is_object()) return text;
  return value;
}

Result<Json> fault_command(const std::vector<std::string>& words) {
  if (words.size() < 3) return usage("fault needs TARGET KIND [ARG] [COUNT], e.g. fault broker-a delay 500");
  std::string flag = words[1] + "=" + words[2];
  for (std::size_t i = 3; i < words.size(); ++i) flag += ":" + words[i];
  auto fault = parse_fault_flag(flag);
  if (!fault) return fault.error();
  return fault_command_json(*fault);
}

class Socket {
 public:
  explicit Socket(int fd) : fd_(fd) {}
  ~Socket() { ::close(fd_); }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

// Waits for `events` on `fd` until `deadline`; false on timeout or error.
bool wait_for(int fd, short events, Clock::time_point deadline) {
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return false;
    pollfd descriptor{fd, events, 0};
    const int ready = ::poll(&descriptor, 1, static_cast<int>(left.count()));
    if (ready > 0) return true;
    if (ready < 0 && errno != EINTR) return false;
  }
}

Result<std::unique_ptr<Socket>> connect_to(const std::string& address, Clock::time_point deadline) {
  const auto colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == address.size()) {
    return usage("control address must be HOST:PORT, got '" + address + "'");
  }
  const std::string host = address.substr(0, colon);
  const std::string port = address.substr(colon + 1);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (const int error = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &found); error != 0) {
    return unreachable("cannot resolve " + address + ": " + ::gai_strerror(error));
  }
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> addresses(found, ::freeaddrinfo);
  std::string failure = "no address";
  for (const addrinfo* candidate = found; candidate != nullptr; candidate = candidate->ai_next) {
    const int fd = ::socket(candidate->ai_family, candidate->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
                            candidate->ai_protocol);
    if (fd < 0) continue;
    auto socket = std::make_unique<Socket>(fd);
    if (::connect(fd, candidate->ai_addr, candidate->ai_addrlen) != 0 && errno != EINPROGRESS) {
      failure = std::strerror(errno);
      continue;
    }
    if (!wait_for(fd, POLLOUT, deadline)) {
      failure = "timed out";
      continue;
    }
    int error = 0;
    socklen_t length = sizeof error;
    ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length);
    if (error != 0) {
      failure = std::strerror(error);
      continue;
    }
    return socket;
  }
  return unreachable("cannot connect to the control port " + address + ": " + failure);
}

}  // namespace

Result<Json> control_command_from_words(const std::vector<std::string>& words) {
  if (words.empty()) return usage("no command (status, ready, fault, log, messages, topic, ...)");
  std::string name = words.front();
  for (char& c : name) c = c == '-' ? '_' : c;
  if (name == "fault") return fault_command(words);
  Json command{{"cmd", name}};
  for (std::size_t i = 1; i < words.size(); ++i) {
    const std::string& word = words[i];
    if (word.size() < 3 || word.compare(0, 2, "--") != 0) {
      return usage("'" + word + "': " + name + " takes --KEY VALUE pairs");
    }
    const auto equals = word.find('=');
    const std::string key = word.substr(2, equals == std::string::npos ? std::string::npos : equals - 2);
    Json value = true;
    if (equals != std::string::npos) {
      value = typed_value(word.substr(equals + 1));
    } else if (i + 1 < words.size() && words[i + 1].compare(0, 2, "--") != 0) {
      value = typed_value(words[++i]);
    }
    auto existing = command.find(key);
    if (existing == command.end()) {
      command[key] = std::move(value);
    } else {
      if (!existing->is_array()) *existing = Json::array({*existing});
      existing->push_back(std::move(value));
    }
  }
  return command;
}

Result<std::string> control_address(const ControlClientOptions& options, const char* environment_control) {
  if (!options.control.empty()) return options.control;
  if (!options.ready_file.empty()) {
    std::ifstream file(options.ready_file);
    std::string line;
    if (!std::getline(file, line)) return unreachable("cannot read the ready file " + options.ready_file);
    const Json ready = Json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!ready.is_object() || !ready.contains("control") || !ready["control"].is_string()) {
      return unreachable(options.ready_file + " holds no ready line with a \"control\" address");
    }
    return ready["control"].get<std::string>();
  }
  if (environment_control != nullptr && *environment_control != '\0') return std::string(environment_control);
  return usage("no cluster: give --control HOST:PORT or --ready-file F, or set MQSEND_CLUSTER_CONTROL");
}

Result<std::string> exchange_control_line(const std::string& address, const std::string& line,
                                          std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  auto socket = connect_to(address, deadline);
  if (!socket) return socket.error();
  const int fd = (*socket)->fd();
  const std::string request = line + "\n";
  for (std::size_t sent = 0; sent < request.size();) {
    if (!wait_for(fd, POLLOUT, deadline)) return unreachable("timed out sending to " + address);
    const ssize_t written = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (written < 0 && errno != EAGAIN && errno != EINTR) {
      return unreachable("cannot send to " + address + ": " + std::strerror(errno));
    }
    if (written > 0) sent += static_cast<std::size_t>(written);
  }
  std::string reply;
  for (;;) {
    if (const auto end = reply.find('\n'); end != std::string::npos) return reply.substr(0, end);
    if (!wait_for(fd, POLLIN, deadline)) return unreachable("no answer from " + address + " in time");
    char buffer[65536];
    const ssize_t received = ::recv(fd, buffer, sizeof buffer, 0);
    if (received == 0) return unreachable(address + " closed the connection without an answer");
    if (received < 0 && errno != EAGAIN && errno != EINTR) {
      return unreachable("cannot read from " + address + ": " + std::strerror(errno));
    }
    if (received > 0) reply.append(buffer, static_cast<std::size_t>(received));
  }
}

int run_control_client(const ControlClientOptions& options) {
  auto command = control_command_from_words(options.words);
  if (!command) {
    std::cerr << "mqsend-testcluster ctl: " << command.error().message << '\n';
    return ctl_exit::kUsage;
  }
  auto address = control_address(options, std::getenv("MQSEND_CLUSTER_CONTROL"));
  if (!address) {
    std::cerr << "mqsend-testcluster ctl: " << address.error().message << '\n';
    return address.error().code == error_code::kInvalidArgument ? ctl_exit::kUsage : ctl_exit::kUnreachable;
  }
  auto reply = exchange_control_line(*address, command->dump(), std::chrono::milliseconds(options.timeout_ms));
  if (!reply) {
    std::cerr << "mqsend-testcluster ctl: " << reply.error().message << '\n';
    return reply.error().code == error_code::kInvalidArgument ? ctl_exit::kUsage : ctl_exit::kUnreachable;
  }
  std::cout << *reply << '\n';
  const Json answer = Json::parse(*reply, nullptr, /*allow_exceptions=*/false);
  if (answer.is_object() && answer.value("ok", false) == true) return ctl_exit::kOk;
  const std::string error = answer.is_object() && answer.contains("error") && answer["error"].is_string()
                                ? answer["error"].get<std::string>()
                                : "the answer is not a control reply";
  std::cerr << "mqsend-testcluster ctl: " << error << '\n';
  return ctl_exit::kRefused;
}

}  // namespace mqsend
