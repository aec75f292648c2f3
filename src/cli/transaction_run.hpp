#pragma once
// A transactional send run (--transaction, --transaction-exec): each record goes as a half
// message; once stored, its local transaction is decided (the flag, or the command) and
// ended with END_TRANSACTION; the record is reported with that state. Check-backs from the
// brokers are answered here too. Everything runs on the main thread, in the producer's poll.
#include <chrono>
#include <cstddef>
#include <string>
#include <unordered_map>

#include "cli/batch_packer.hpp"
#include "cli/reporter.hpp"
#include "cli/transaction_command.hpp"
#include "cli/transaction_flags.hpp"
#include "client/producer/producer.hpp"

namespace mqsend::cli {

class TransactionRecords {
 public:
  // Registers the check-back answer with `producer`: before its first send.
  TransactionRecords(const TransactionOptions& options, Producer& producer, Reporter& reporter);

  // Sends the record's half message; its outcome and end are reported later, in poll().
  void send(SendMode mode, PendingRecord record, Message message);

  // Transactions of this run left UNKNOW that no check-back has committed or rolled back yet.
  std::size_t unsettled() const { return unsettled_; }
  std::size_t checks_answered() const { return checks_answered_; }

 private:
  TransactionDecision decide(const SendOutcome& half, const Message& facts) const;
  TransactionState answer_check(const TransactionCheck& check);

  const TransactionOptions& options_;
  Producer& producer_;
  Reporter& reporter_;
  std::unordered_map<std::string, TransactionState> decided_;  // by UNIQ_KEY
  std::size_t unsettled_ = 0;
  std::size_t checks_answered_ = 0;
};

}  // namespace mqsend::cli
