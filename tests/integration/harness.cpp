#include "harness.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace mqsend::test {

namespace {

using Clock = std::chrono::steady_clock;

struct Pipes {
  int in[2] = {-1, -1};
  int out[2] = {-1, -1};
  int err[2] = {-1, -1};
};

std::vector<std::string> merged_environment(const std::vector<std::string>& extra) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) env.emplace_back(*e);
  for (const auto& entry : extra) {
    const std::string key = entry.substr(0, entry.find('=') + 1);
    std::vector<std::string> kept;
    for (auto& existing : env) {
      if (existing.compare(0, key.size(), key) != 0) kept.push_back(std::move(existing));
    }
    env = std::move(kept);
    if (entry.size() > key.size()) env.push_back(entry);
  }
  return env;
}

// With `discard_stderr` the child's stderr goes to /dev/null (its err pipe stays unused).
int spawn(const std::vector<std::string>& argv, const std::vector<std::string>& env, Pipes& p,
          bool discard_stderr = false) {
  if (pipe(p.in) != 0 || pipe(p.out) != 0 || pipe(p.err) != 0) throw std::runtime_error("pipe");
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<char*> envp;
  for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  const int pid = fork();
  if (pid < 0) throw std::runtime_error("fork");
  if (pid == 0) {
    dup2(p.in[0], 0);
    dup2(p.out[1], 1);
    dup2(p.err[1], 2);
    if (discard_stderr) {
      const int null_fd = open("/dev/null", O_WRONLY);
      dup2(null_fd, 2);
      close(null_fd);
    }
    for (int fd : {p.in[0], p.in[1], p.out[0], p.out[1], p.err[0], p.err[1]}) close(fd);
    execve(args[0], args.data(), envp.data());
    _exit(127);
  }
  close(p.in[0]);
  close(p.out[1]);
  close(p.err[1]);
  return pid;
}

int wait_exit(int pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + WTERMSIG(status);
}

}  // namespace

ProcessResult run_process(const std::vector<std::string>& argv, const std::string& input,
                          std::chrono::milliseconds limit, const std::vector<std::string>& env,
                          std::chrono::milliseconds stdout_read_delay) {
  signal(SIGPIPE, SIG_IGN);
  Pipes p;
  const auto start = Clock::now();
  const int pid = spawn(argv, merged_environment(env), p);
  limit *= kTimeScale;
  fcntl(p.in[1], F_SETFL, O_NONBLOCK);
  ProcessResult result;
  std::size_t written = 0;
  int in_fd = p.in[1];
  if (input.empty()) {
    close(in_fd);
    in_fd = -1;
  }
  bool killed = false;
  int open_outputs = 2;
  const auto read_stdout_from = start + stdout_read_delay;
  while (open_outputs > 0) {
    const auto now = Clock::now();
    const bool reading_stdout = now >= read_stdout_from;
    std::vector<pollfd> fds;
    if (p.out[0] >= 0 && reading_stdout) fds.push_back({p.out[0], POLLIN, 0});
    if (p.err[0] >= 0) fds.push_back({p.err[0], POLLIN, 0});
    if (in_fd >= 0) fds.push_back({in_fd, POLLOUT, 0});
    auto left = limit - std::chrono::duration_cast<std::chrono::milliseconds>(now - start);
    if (left.count() <= 0 && !killed) {
      kill(pid, SIGKILL);
      killed = true;
    }
    if (!reading_stdout) {  // wake up when stdout is due to be read
      left = std::min(left, std::chrono::duration_cast<std::chrono::milliseconds>(read_stdout_from - now) +
                                std::chrono::milliseconds(1));
    }
    poll(fds.data(), fds.size(), killed ? 1000 : static_cast<int>(std::max<long>(1, left.count())));
    for (const auto& f : fds) {
      if (f.revents == 0) continue;
      if (f.fd == in_fd) {
        const ssize_t n = write(in_fd, input.data() + written, input.size() - written);
        if (n > 0) written += static_cast<std::size_t>(n);
        if (n < 0 && errno != EAGAIN) written = input.size();
        if (written == input.size()) {
          close(in_fd);
          in_fd = -1;
        }
        continue;
      }
      char buf[65536];
      const ssize_t n = read(f.fd, buf, sizeof buf);
      std::string& sink = f.fd == p.out[0] ? result.out : result.err;
      if (n > 0) {
        sink.append(buf, static_cast<std::size_t>(n));
      } else {
        close(f.fd);
        (f.fd == p.out[0] ? p.out[0] : p.err[0]) = -1;
        --open_outputs;
      }
    }
  }
  if (in_fd >= 0) close(in_fd);
  const int code = wait_exit(pid);
  result.exit_code = killed ? -1 : code;
  result.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
  return result;
}

std::string mqsend_bin() {
  const char* other = std::getenv("MQSEND_TEST_BIN");
  return other != nullptr && *other != '\0' ? other : MQSEND_BIN;
}

ProcessResult run_mqsend(const std::vector<std::string>& args, const std::string& input,
                         const std::vector<std::string>& env) {
  std::vector<std::string> argv{mqsend_bin()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_process(argv, input, std::chrono::seconds(60), env);
}

MqsendProcess::MqsendProcess(const std::vector<std::string>& args,
                             const std::vector<std::string>& env)
    : start_(Clock::now()) {
  ::signal(SIGPIPE, SIG_IGN);
  std::vector<std::string> argv{mqsend_bin()};
  argv.insert(argv.end(), args.begin(), args.end());
  Pipes p;
  pid_ = spawn(argv, merged_environment(env), p);
  stdin_fd_ = p.in[1];
  out_reader_ = std::thread([this, fd = p.out[0]] { collect(fd, out_); });
  err_reader_ = std::thread([this, fd = p.err[0]] { collect(fd, err_); });
}

MqsendProcess::~MqsendProcess() {
  if (pid_ >= 0) {
    kill(pid_, SIGKILL);
    wait();
  }
}

void MqsendProcess::collect(int fd, std::string& sink) {
  char buf[65536];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) != 0) {
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    std::lock_guard<std::mutex> lock(mutex_);
    sink.append(buf, static_cast<std::size_t>(n));
  }
  close(fd);
}

void MqsendProcess::write(const std::string& data) {
  std::size_t written = 0;
  while (stdin_fd_ >= 0 && written < data.size()) {
    const ssize_t n = ::write(stdin_fd_, data.data() + written, data.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw std::runtime_error("mqsend's stdin is closed");
    written += static_cast<std::size_t>(n);
  }
}

void MqsendProcess::close_stdin() {
  if (stdin_fd_ < 0) return;
  close(stdin_fd_);
  stdin_fd_ = -1;
}

ProcessResult MqsendProcess::wait(std::chrono::milliseconds limit) {
  close_stdin();
  ProcessResult result;
  if (pid_ < 0) return result;
  const auto deadline = Clock::now() + limit * kTimeScale;
  int status = 0;
  bool killed = false;
  for (;;) {
    const pid_t exited = waitpid(pid_, &status, WNOHANG);
    if (exited < 0 && errno == EINTR) continue;
    if (exited != 0) break;
    if (!killed && Clock::now() > deadline) {
      kill(pid_, SIGKILL);
      killed = true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  pid_ = -1;
  out_reader_.join();
  err_reader_.join();
  if (killed) {
    result.exit_code = -1;
  } else {
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  std::lock_guard<std::mutex> lock(mutex_);
  result.out = out_;
  result.err = err_;
  result.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start_);
  return result;
}

void MqsendProcess::signal(int signal_number) const { ::kill(pid_, signal_number); }

std::string MqsendProcess::out_so_far() {
  std::lock_guard<std::mutex> lock(mutex_);
  return out_;
}

std::string MqsendProcess::err_so_far() {
  std::lock_guard<std::mutex> lock(mutex_);
  return err_;
}

bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds limit) {
  const auto deadline = Clock::now() + limit;
  while (!condition()) {
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

std::string first_lines_and_last(const std::string& text, int lines) {
  std::size_t end = 0;
  for (int i = 0; i < lines; ++i) {
    end = text.find('\n', end);
    if (end == std::string::npos || end + 1 >= text.size()) return text;
    ++end;
  }
  const std::size_t last = text.rfind('\n', text.size() - 2);
  if (last + 1 <= end) return text;
  return text.substr(0, end) + "...\n" + text.substr(last + 1);
}

std::vector<nlohmann::json> json_lines(const std::string& text) {
  std::vector<nlohmann::json> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) lines.push_back(nlohmann::json::parse(line));
  }
  return lines;
}

TestCluster::TestCluster(const std::vector<std::string>& args) {
  std::vector<std::string> argv{MQSEND_CLUSTER_BIN};
  // The whole suite runs once per release the cluster imitates (tests/CMakeLists.txt); a test
  // about one release names it itself.
  const bool version_given = std::find(args.begin(), args.end(), "--rocketmq-version") != args.end();
  if (const char* version = std::getenv("MQSEND_TEST_ROCKETMQ_VERSION"); version && !version_given) {
    argv.insert(argv.end(), {"--rocketmq-version", version});
  }
  argv.insert(argv.end(), args.begin(), args.end());
  Pipes p;
  pid_ = spawn(argv, merged_environment({}), p, true);
  close(p.in[1]);
  close(p.err[0]);
  stdout_fd_ = p.out[0];
  std::string line;
  const auto deadline = Clock::now() + std::chrono::seconds(20) * kTimeScale;
  while (line.find('\n') == std::string::npos) {
    pollfd fd{stdout_fd_, POLLIN, 0};
    if (Clock::now() > deadline || poll(&fd, 1, 1000) < 0) break;
    if (fd.revents == 0) continue;
    char c[4096];
    const ssize_t n = read(stdout_fd_, c, sizeof c);
    if (n <= 0) break;
    line.append(c, static_cast<std::size_t>(n));
  }
  if (line.find('\n') == std::string::npos) {
    stop();
    throw std::runtime_error("test cluster did not print its ready line: " + line);
  }
  ready_ = nlohmann::json::parse(line.substr(0, line.find('\n')));
}

TestCluster::~TestCluster() { stop(); }

int TestCluster::stop() {
  if (pid_ < 0) return 0;
  kill(pid_, SIGTERM);
  const int code = wait_exit(pid_);
  pid_ = -1;
  close(stdout_fd_);
  return code;
}

std::string TestCluster::broker_addr(const std::string& name) const {
  for (const auto& broker : ready_.at("brokers")) {
    if (broker.at("name") == name) return broker.at("addr").get<std::string>();
  }
  throw std::runtime_error("no broker " + name);
}

nlohmann::json TestCluster::control(const nlohmann::json& command) const {
  const std::string addr = ready_.at("control").get<std::string>();
  const auto colon = addr.rfind(':');
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(static_cast<uint16_t>(std::stoi(addr.substr(colon + 1))));
  inet_pton(AF_INET, addr.substr(0, colon).c_str(), &sa.sin_addr);
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
    close(fd);
    throw std::runtime_error("cannot reach the control port " + addr);
  }
  const std::string request = command.dump() + "\n";
  if (write(fd, request.data(), request.size()) != static_cast<ssize_t>(request.size())) {
    close(fd);
    throw std::runtime_error("control write failed");
  }
  std::string reply;
  char buf[65536];
  while (reply.find('\n') == std::string::npos) {
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) break;
    reply.append(buf, static_cast<std::size_t>(n));
  }
  close(fd);
  return nlohmann::json::parse(reply.substr(0, reply.find('\n')));
}

std::vector<nlohmann::json> TestCluster::messages(const std::string& topic) const {
  return control({{"cmd", "messages"}, {"topic", topic}}).at("messages").get<std::vector<nlohmann::json>>();
}

std::multiset<std::string> TestCluster::stored_bodies(const std::string& topic) const {
  std::multiset<std::string> bodies;
  for (const auto& message : messages(topic)) {
    bodies.insert(base64_decode(message.at("body").get<std::string>()));
  }
  return bodies;
}

std::vector<nlohmann::json> TestCluster::log() const {
  return control({{"cmd", "log"}}).at("log").get<std::vector<nlohmann::json>>();
}

int TestCluster::requests_with_code(int code) const {
  return static_cast<int>(control({{"cmd", "log"}, {"code", code}}).at("log").size());
}

bool TestCluster::wait_for_requests(int code, int count, std::chrono::milliseconds limit) const {
  return wait_until([&] { return requests_with_code(code) >= count; }, limit);
}

std::map<std::string, int> TestCluster::sends_per_target() const {
  std::map<std::string, int> sends;
  for (const auto& entry : log()) {
    const int code = entry.at("code");
    if (code == 10 || code == 310 || code == 320) ++sends[entry.at("target").get<std::string>()];
  }
  return sends;
}

std::int64_t TestCluster::broker_counter(const std::string& broker, const std::string& pointer) const {
  const nlohmann::json status_of_all = control({{"cmd", "status"}});  // kept: the loop reads into it
  for (const auto& status : status_of_all.at("brokers")) {
    if (status.at("name") == broker) return status.at(nlohmann::json::json_pointer(pointer)).get<std::int64_t>();
  }
  throw std::runtime_error("no broker " + broker + " in status");
}

bool TestCluster::wait_for_counter(const std::string& broker, const std::string& pointer, std::int64_t count,
                                   std::chrono::milliseconds limit) const {
  return wait_until([&] { return broker_counter(broker, pointer) >= count; }, limit);
}

nlohmann::json TestCluster::reply(const std::string& correlation_id, const std::string& body) const {
  return control({{"cmd", "reply"}, {"correlation_id", correlation_id}, {"body", body}});
}

std::vector<std::string> with_namesrv(const TestCluster& cluster, std::vector<std::string> args) {
  args.insert(args.begin(), {"-n", cluster.namesrv()});
  return args;
}

std::string base64_decode(const std::string& text) {
  static const std::string alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned value = 0;
  int bits = -8;
  for (char c : text) {
    const auto pos = alphabet.find(c);
    if (pos == std::string::npos) continue;
    value = (value << 6) | static_cast<unsigned>(pos);
    bits += 6;
    if (bits >= 0) {
      out.push_back(static_cast<char>((value >> bits) & 0xFF));
      bits -= 8;
    }
  }
  return out;
}

std::set<std::string> help_flags(const std::string& help, bool with_short) {
  std::set<std::string> flags;
  std::istringstream lines(help);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("  -", 0) != 0) continue;  // option lines only, not descriptions
    std::istringstream names(line.substr(2, line.find(' ', 2) - 2));  // e.g. '-n,--namesrv'
    for (std::string name; std::getline(names, name, ',');) {
      name = name.substr(0, name.find('{'));  // --no-tls{false}: a negated flag
      if (name.rfind("--", 0) == 0 || (with_short && name.size() == 2)) flags.insert(name);
    }
  }
  return flags;
}

std::string temp_path(const std::string& name) {
  return "/tmp/mqsend-it-" + std::to_string(getpid()) + "-" + name;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
  if (!out) throw std::runtime_error("cannot write " + path);
}

std::size_t count_occurrences(const std::string& text, const std::string& needle) {
  std::size_t count = 0;
  for (std::size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size())) {
    ++count;
  }
  return count;
}

}  // namespace mqsend::test
