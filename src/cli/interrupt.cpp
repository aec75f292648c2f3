#include "cli/interrupt.hpp"

#include <signal.h>

#include <atomic>

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
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  const sigset_t signals = interrupt_signals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
}

void unblock_interrupts() {
  const sigset_t signals = interrupt_signals();
  pthread_sigmask(SIG_UNBLOCK, &signals, nullptr);
}

bool interrupt_requested() { return interrupted.load(); }

}  // namespace mqsend::cli
