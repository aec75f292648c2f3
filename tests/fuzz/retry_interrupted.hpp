#pragma once
// System calls retried when a signal interrupts them: libFuzzer's timeout alarm (SIGALRM) can
// land on any thread of a target, and must not be taken for a failure of the code under test.
#include <cerrno>

namespace mqsend::fuzz {

// `call` returns a negative value with errno set on failure (recv, send, accept, ...).
template <typename Call>
auto retry_interrupted(Call call) {
  for (;;) {
    const auto result = call();
    if (result >= 0 || errno != EINTR) return result;
  }
}

}  // namespace mqsend::fuzz
