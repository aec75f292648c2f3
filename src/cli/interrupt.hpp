#pragma once
// SIGINT/SIGTERM: a flag the send loop polls. Blocking reads of the input return early
// (no SA_RESTART), and the signals are kept off the producer's I/O thread so that the main
// thread is the one interrupted.
namespace mqsend::cli {

// Installs the handlers (leaving a signal ignored by the parent ignored) and blocks both
// signals in the calling thread; threads started after
// this inherit the block. Call unblock_interrupts() once those threads exist.
void install_interrupt_handlers();
void unblock_interrupts();
bool interrupt_requested();

}  // namespace mqsend::cli
