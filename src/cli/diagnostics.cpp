#include "cli/diagnostics.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>

namespace mqsend::cli {

void write_diagnostic(std::string_view text, std::FILE* to) {
  if (std::fwrite(text.data(), 1, text.size(), to) != text.size()) std::clearerr(to);
}

void keep_standard_descriptors_open() {
  for (int fd = 0; fd <= 2; ++fd) {
    if (fcntl(fd, F_GETFD) != -1) continue;
    // open() takes the lowest free descriptor: this one.
    const int opened = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
    if (opened != fd && opened >= 0) close(opened);
  }
}

}  // namespace mqsend::cli
