#pragma once
// One outcome per input record: an output line on stdout (text like Java's
// SendResult.toString() or a failure line with the record's index, or a JSON object), failures
// also on stderr with their code and, with --failed-output, the failed record itself; plus the
// tally (exit code) and the run statistics. Used on the main thread only: the producer's
// callbacks run in its poll there.
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "cli/exit_codes.hpp"
#include "cli/failed_output.hpp"
#include "cli/run_stats.hpp"
#include "client/producer/producer.hpp"

namespace mqsend::cli {

struct ReporterOptions {
  bool json = false;
  std::FILE* out = stdout;              // nullptr: no per-message lines (--quiet)
  std::FILE* err = stderr;
  FailedOutput* failed_output = nullptr;  // records that finally failed, replayable
  bool strict = false;  // --strict: stored with a FLUSH_*/SLAVE_* status is a failure
};

class Reporter {
 public:
  explicit Reporter(ReporterOptions options);

  // `raw` is the record as read.
  void report(std::size_t index, const SendOutcome& outcome, std::string_view raw);
  // A transactional record whose half message `half` was stored and then ended with `state`;
  // `end_failure`: END_TRANSACTION could not be written (the broker will check back).
  void report_transaction(std::size_t index, const SendOutcome& half, TransactionState state,
                          const Status& end_failure);
  // A transaction reported UNKNOW that a check-back answer later committed.
  void transaction_committed_later() { --tally_.not_committed; }
  // A record that failed before it reached the producer (unreadable, unparsable, interrupted).
  // `raw` nullopt: its bytes were dropped as read (oversized), so --failed-output cannot have it.
  void report_failure(std::size_t index, const Error& error, std::optional<std::string_view> raw);

  // Pushes buffered output lines out (called periodically, so pipes see progress).
  void flush();

  // Why result lines were lost on stdout ("Broken pipe"), or "" when none was.
  const std::string& output_error() const { return output_error_; }

  RunTally tally() const { return tally_; }
  RunStats& stats() { return stats_; }

 private:
  void write_failure(std::size_t index, const Error& error, const SendOutcome* outcome,
                     std::optional<std::string_view> raw);
  // Writes one result line to stdout; the first failure is told once on stderr, and stdout
  // gets no more lines (sending and counting go on).
  void write_out(std::string_view line);
  void note_output_error();

  ReporterOptions options_;
  RunTally tally_;
  RunStats stats_;
  std::string output_error_;
  bool timer_warned_ = false;  // a 4.x broker stored a timer message for delivery at once
};

// A batch's outcome as one outcome per member: the lists in msg_id / offset_msg_id split,
// queue offsets counted up from the first; a failure is every member's failure.
std::vector<SendOutcome> split_batch_outcome(const SendOutcome& batch, std::size_t members);

}  // namespace mqsend::cli
