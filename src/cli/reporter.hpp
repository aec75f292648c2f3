#pragma once
// One output line per message (text like Java's SendResult.toString(), or a JSON object),
// failures also on stderr with their code, and the tally that decides the exit code.
#include <cstdio>
#include <mutex>

#include "cli/exit_codes.hpp"
#include "client/producer/producer.hpp"

namespace mqsend::cli {

class Reporter {
 public:
  Reporter(bool json, std::FILE* out, std::FILE* err);

  // Thread-safe: async callbacks report from the I/O thread.
  void report(std::size_t index, const SendOutcome& outcome);
  // A record that never reached the producer (e.g. an unreadable input).
  void report_failure(std::size_t index, const Error& error);

  RunTally tally() const;

 private:
  void write_failure(std::size_t index, const Error& error, const SendOutcome* outcome);

  bool json_;
  std::FILE* out_;
  std::FILE* err_;
  mutable std::mutex mutex_;
  RunTally tally_;
};

}  // namespace mqsend::cli
