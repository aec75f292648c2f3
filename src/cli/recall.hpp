#pragma once
// `mqsend recall -t TOPIC HANDLE...`: cancels timer messages by the recall handles a 5.3
// broker answered their sends with (Java 5.3 DefaultMQProducer.recallMessage), one line each.
#include <string>
#include <vector>

#include "cli/options.hpp"

namespace mqsend::cli {

// Exit codes: 0 every handle recalled, 1 some, 4 none, 2 usage.
int run_recall(const CliOptions& options, const std::vector<std::string>& handles);

}  // namespace mqsend::cli
