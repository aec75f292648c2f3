#pragma once
// A user's command as a local transaction (--transaction-exec, --transaction-check): run with
// `sh -c`, the message body on its stdin, the message's facts in its environment, within a
// time limit. Its exit status is the state: 0 COMMIT_MESSAGE, 75 (EX_TEMPFAIL: "try later")
// UNKNOW, any other ROLLBACK_MESSAGE; killed by a signal, past the limit or not started, it is
// UNKNOW with a reason, as a Java local transaction that throws leaves UNKNOW.
#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "client/producer/transaction_request.hpp"

namespace mqsend::cli {

inline constexpr int kTransactionUnknownExit = 75;

struct TransactionDecision {
  TransactionState state = TransactionState::kUnknown;
  std::optional<std::string> failure;  // why the command gave no state (the END_TRANSACTION remark)
};

// Runs on the caller's thread and blocks it (the producer's I/O thread goes on).
TransactionDecision run_transaction_command(const std::string& command, const std::string& body,
                                            const std::vector<std::pair<std::string, std::string>>& environment,
                                            std::chrono::milliseconds limit);

}  // namespace mqsend::cli
