#pragma once
// Lines for the person at the terminal, on stderr. A closed, full or broken stderr
// (`2>&-`, `2>/dev/full`, `2>&1 | head -1`) must never end a run or change its outcome: every
// write here ignores errors, where fmt::print(stderr) would throw.
#include <cstdio>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

namespace mqsend::cli {

// Writes `text` as it is to `to` (stderr); errors are ignored.
void write_diagnostic(std::string_view text, std::FILE* to = stderr);

// One line on stderr (the newline is added).
template <typename... Args>
void tell(fmt::format_string<Args...> format, Args&&... args) {
  std::string line = fmt::format(format, std::forward<Args>(args)...);
  line.push_back('\n');
  write_diagnostic(line);
}

// Opens /dev/null on whichever of descriptors 0, 1 and 2 the parent left closed, so that no
// file mqsend opens later (--failed-output, a socket) lands on 1 or 2 and receives output or
// diagnostics meant for a closed stream.
void keep_standard_descriptors_open();

}  // namespace mqsend::cli
