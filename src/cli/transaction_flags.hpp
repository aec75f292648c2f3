#pragma once
// The flags of a transactional send (Java TransactionMQProducer): how each half message's
// local transaction is decided, and how a broker's check-back is answered.
#include <cstdint>
#include <string>

#include "cli/cli11_fwd.hpp"

namespace mqsend::cli {

struct TransactionOptions {
  std::string decision;             // --transaction commit|rollback
  std::string exec;                 // --transaction-exec CMD: decides per message
  std::int64_t exec_timeout_ms = 10000;  // --transaction-exec-timeout: then UNKNOW
  std::string check;                // --transaction-check CMD: answers check-backs
  std::int64_t check_wait_ms = 0;   // --transaction-check-wait: keep answering after the input

  bool enabled() const { return !decision.empty() || !exec.empty(); }
};

void define_transaction_options(CLI::App& app, TransactionOptions& options);

struct CliOptions;
// The one-line usage error for a combination a transactional send cannot take, or "".
std::string transaction_conflict(const CliOptions& options);

}  // namespace mqsend::cli
