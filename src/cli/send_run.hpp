#pragma once
// One mqsend run: builds the producer from the options, feeds it every input record in the
// chosen mode, reports each outcome, and returns the exit code.
#include "cli/options.hpp"

namespace mqsend::cli {

int run_send(const CliOptions& options);

}  // namespace mqsend::cli
