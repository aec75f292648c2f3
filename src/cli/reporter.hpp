#pragma once
// One outcome per input record: an output line (text like Java's SendResult.toString(), or a
// JSON object), failures also on stderr with their code and, with --failed-output, the failed
// record's bytes as read; plus the tally (exit code) and the run statistics.
#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>

#include "cli/exit_codes.hpp"
#include "cli/run_stats.hpp"
#include "client/producer/producer.hpp"

namespace mqsend::cli {

struct ReporterOptions {
  bool json = false;
  std::FILE* out = stdout;             // nullptr: no per-message lines (--quiet)
  std::FILE* err = stderr;
  std::FILE* failed_output = nullptr;  // records that finally failed, replayable
  std::string failed_delimiter = "\n";  // appended after each failed record
};

class Reporter {
 public:
  explicit Reporter(ReporterOptions options);

  // Called on the main thread (the producer's callbacks run in its poll). `raw` is the record
  // as read.
  void report(std::size_t index, const SendOutcome& outcome, std::string_view raw);
  // A record that failed before it reached the producer (unreadable, unparsable).
  void report_failure(std::size_t index, const Error& error, std::string_view raw);

  // Pushes buffered output lines out (called periodically, so pipes see progress).
  void flush();

  // Why the failed-output file lost records (the first write error, e.g. "No space left on
  // device"), or "" when every failed record reached it so far.
  std::string failed_output_error() const;

  RunTally tally() const;
  RunStats& stats() { return stats_; }

 private:
  void write_failure(std::size_t index, const Error& error, const SendOutcome* outcome,
                     std::string_view raw);
  // Keeps the first failed-output write error (from errno). Requires mutex_.
  void note_failed_output_error_locked();

  ReporterOptions options_;
  mutable std::mutex mutex_;
  RunTally tally_;
  RunStats stats_;
  std::string failed_output_error_;
};

// A batch's outcome as one outcome per member: the lists in msg_id / offset_msg_id split,
// queue offsets counted up from the first; a failure is every member's failure.
std::vector<SendOutcome> split_batch_outcome(const SendOutcome& batch, std::size_t members);

}  // namespace mqsend::cli
