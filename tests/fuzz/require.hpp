#pragma once
// The fuzz targets' invariant check: a failure aborts (libFuzzer saves the input as a crash)
// after naming the source line, so a finding says which invariant broke.
#include <cstdio>
#include <cstdlib>

namespace mqsend::fuzz {

inline void require(bool condition, const char* file = __builtin_FILE(), int line = __builtin_LINE()) {
  if (condition) return;
  std::fprintf(stderr, "fuzz invariant failed at %s:%d\n", file, line);
  std::abort();
}

}  // namespace mqsend::fuzz
