#include "cli/interrupt.hpp"

#include <signal.h>

#include <atomic>
#include <initializer_list>

namespace mqsend::cli {

namespace {

constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP};

std::atomic<int> signals_received{0};
static_assert(std::atomic<int>::is_always_lock_free, "incremented in a signal handler");

extern "C" void on_interrupt(int) { signals_received.fetch_add(1); }

sigset_t interrupt_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  for (const int signal_number : kSignals) sigaddset(&signals, signal_number);
  return signals;
}

}  // namespace

void install_interrupt_handlers() {
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART: a blocked read(2) returns EINTR
  for (const int signal_number : kSignals) {
    // An inherited SIG_IGN stays, as shell tools leave it: a non-interactive shell starts
    // background jobs with SIGINT ignored, so a ^C aimed at the script must not stop them
    // (and nohup ignores SIGHUP).
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

int interrupt_count() { return signals_received.load(); }
bool interrupt_requested() { return interrupt_count() >= 1; }
bool abort_requested() { return interrupt_count() >= 2; }

}  // namespace mqsend::cli
