#pragma once
// SIGINT, SIGTERM and SIGHUP: counted, and the send loop polls the count. The first asks for a
// graceful end (stop reading, let what is in flight finish for a bounded time); a second one
// asks to stop at once. Blocking reads of the input return early (no SA_RESTART), and the
// signals are kept off the producer's I/O thread so that the main thread is the one interrupted.
namespace mqsend::cli {

// Installs the handlers (leaving a signal ignored by the parent ignored) and blocks the
// signals in the calling thread; threads started after this inherit the block. Call
// unblock_interrupts() once those threads exist.
void install_interrupt_handlers();
void unblock_interrupts();

// How many of the signals have arrived.
int interrupt_count();
// At least one arrived: end gracefully.
bool interrupt_requested();
// Two or more arrived: stop now.
bool abort_requested();

}  // namespace mqsend::cli
