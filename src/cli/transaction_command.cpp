#include "cli/transaction_command.hpp"

#include <fcntl.h>
#include <pthread.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

extern char** environ;

namespace mqsend::cli {

namespace {

using Clock = std::chrono::steady_clock;

// The child's environment: ours plus the message's variables (theirs win).
std::vector<std::string> child_environment(const std::vector<std::pair<std::string, std::string>>& extra) {
  std::vector<std::string> entries;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    bool replaced = false;
    for (const auto& [name, value] : extra) {
      replaced = replaced || (text.size() > name.size() && text.compare(0, name.size(), name) == 0 && text[name.size()] == '=');
    }
    if (!replaced) entries.emplace_back(text);
  }
  for (const auto& [name, value] : extra) entries.push_back(name + "=" + value);
  return entries;
}

TransactionDecision unknown(std::string why) { return {TransactionState::kUnknown, std::move(why)}; }

// A command that exits without reading its stdin makes the next write raise SIGPIPE: blocked
// on this thread while the body is written, and a raised one taken, whatever the process's
// disposition of SIGPIPE.
class SigpipeBlocked {
 public:
  SigpipeBlocked() {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_, &previous_);
  }
  ~SigpipeBlocked() {
    const timespec now{0, 0};
    while (sigtimedwait(&pipe_, nullptr, &now) == SIGPIPE) {
    }
    pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
  }
  SigpipeBlocked(const SigpipeBlocked&) = delete;
  SigpipeBlocked& operator=(const SigpipeBlocked&) = delete;

 private:
  sigset_t pipe_;
  sigset_t previous_;
};

}  // namespace

TransactionDecision run_transaction_command(const std::string& command, const std::string& body,
                                            const std::vector<std::pair<std::string, std::string>>& environment,
                                            std::chrono::milliseconds limit) {
  int input[2];
  if (pipe2(input, O_CLOEXEC) != 0) return unknown(fmt::format("pipe: {}", std::strerror(errno)));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, input[0], STDIN_FILENO);
  // The child must not keep the terminal's signals blocked, as mqsend's main thread may.
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attributes, &none);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  std::vector<std::string> env_entries = child_environment(environment);
  std::vector<char*> envp;
  for (auto& entry : env_entries) envp.push_back(entry.data());
  envp.push_back(nullptr);
  std::string shell = "/bin/sh", dash_c = "-c", script = command;
  char* argv[] = {shell.data(), dash_c.data(), script.data(), nullptr};
  pid_t child = 0;
  const int spawned = posix_spawn(&child, "/bin/sh", &actions, &attributes, argv, envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  close(input[0]);
  if (spawned != 0) {
    close(input[1]);
    return unknown(fmt::format("cannot run /bin/sh: {}", std::strerror(spawned)));
  }

  // Feeds the body while it is read (a command that ignores stdin closes it by exiting),
  // then waits for the exit, all within the limit.
  const auto deadline = Clock::now() + limit;
  const SigpipeBlocked no_sigpipe;
  fcntl(input[1], F_SETFL, O_NONBLOCK);
  std::size_t written = 0;
  int write_end = input[1];
  if (body.empty()) {
    close(write_end);
    write_end = -1;
  }
  int status = 0;
  for (;;) {
    const pid_t done = waitpid(child, &status, WNOHANG);
    if (done == child) break;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      kill(child, SIGKILL);
      waitpid(child, &status, 0);
      if (write_end >= 0) close(write_end);
      return unknown(fmt::format("the command ran longer than {} ms and was killed", limit.count()));
    }
    if (write_end >= 0) {
      pollfd writable{write_end, POLLOUT, 0};
      poll(&writable, 1, static_cast<int>(std::min<std::int64_t>(left.count(), 10)));
      const ssize_t count = write(write_end, body.data() + written, body.size() - written);
      if (count > 0) written += static_cast<std::size_t>(count);
      if ((count < 0 && errno != EAGAIN && errno != EINTR) || written == body.size()) {
        close(write_end);  // EPIPE: the command does not read its stdin
        write_end = -1;
      }
    } else {
      poll(nullptr, 0, static_cast<int>(std::min<std::int64_t>(left.count(), 5)));
    }
  }
  if (write_end >= 0) close(write_end);
  if (WIFSIGNALED(status)) return unknown(fmt::format("the command was killed by signal {}", WTERMSIG(status)));
  const int code = WEXITSTATUS(status);
  if (code == 0) return {TransactionState::kCommit, std::nullopt};
  if (code == kTransactionUnknownExit) return {TransactionState::kUnknown, std::nullopt};
  return {TransactionState::kRollback, std::nullopt};
}

}  // namespace mqsend::cli
