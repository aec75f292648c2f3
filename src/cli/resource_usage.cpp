#include "cli/resource_usage.hpp"

#include <sys/resource.h>

#include <cstdio>

#include <fmt/format.h>

namespace mqsend::cli {

// VmHWM, not ru_maxrss: Linux carries ru_maxrss across fork+exec, so a big parent would show
// up as our peak.
std::string resource_usage() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const double cpu = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                     static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  double peak_kib = 0;
  if (std::FILE* status = std::fopen("/proc/self/status", "r")) {
    char line[256];
    while (std::fgets(line, sizeof line, status) != nullptr) {
      if (std::sscanf(line, "VmHWM: %lf kB", &peak_kib) == 1) break;
    }
    std::fclose(status);
  }
  return fmt::format("cpu {:.3f} s, peak rss {:.1f} MiB", cpu, peak_kib / 1024.0);
}

}  // namespace mqsend::cli
