#include "cli/interrupt.hpp"

#include <signal.h>

#include <atomic>
#include <initializer_list>

namespace mqsend::cli {

namespace {

std::atomic<bool> interrupted{false};

extern "C" void on_interrupt(int) { interrupted.store(true); }

sigset_t interrupt_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  return signals;
}

}  // namespace

void install_interrupt_handlers() {
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART: a blocked read(2) returns EINTR
  for (const int signal_number : {SIGINT, SIGTERM}) {
    // An inherited SIG_IGN stays, as shell tools leave it: a non-interactive shell starts
    // background jobs with SIGINT ignored, so a ^C aimed at the script must not stop them.
    struct sigaction inherited {};
    sigaction(signal_number, nullptr, &inherited);
    if (inherited.sa_handler == SIG_IGN) continue;
    sigaction(signal_number, &action, nullptr);
  }
  const sigset_t signals = interrupt_signals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
}

void unblock_interrupts() {
  const sigset_t signals = interrupt_signals();
  pthread_sigmask(SIG_UNBLOCK, &signals, nullptr);
}

bool interrupt_requested() { return interrupted.load(); }

}  // namespace mqsend::cli
