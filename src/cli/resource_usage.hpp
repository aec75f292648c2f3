#pragma once
// The summary line's resource figures.
#include <string>

namespace mqsend::cli {

// "cpu 1.234 s, peak rss 10.1 MiB": CPU seconds (user + system) and peak RSS of this process.
std::string resource_usage();

}  // namespace mqsend::cli
