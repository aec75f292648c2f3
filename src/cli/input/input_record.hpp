#pragma once
// One record of input as read, and the interface every input source implements.
// A record keeps its bytes exactly as read (delimiter excluded) so a failed one can be
// written back with --failed-output and piped again.
#include <cstddef>
#include <functional>
#include <optional>
#include <string>

#include "client/common/error.hpp"

namespace mqsend::cli {

struct InputRecord {
  std::size_t index = 0;   // 0-based position among the records the source produced
  std::string raw;         // bytes as read, without the delimiter; empty when oversized
  std::size_t size = 0;    // length as read (raw.size() unless oversized)
  bool oversized = false;  // longer than the source's record limit: its bytes were dropped
};

class RecordSource {
 public:
  virtual ~RecordSource() = default;
  // The next record, or nullopt when the input is done (or broke: see error()).
  virtual std::optional<InputRecord> next() = 0;
  // The next record among the bytes already read, never reading more (a trailing record
  // without its delimiter included), then nullopt. After an interrupt these records are
  // reported failed too: every record read gets an outcome.
  virtual std::optional<InputRecord> next_buffered() { return std::nullopt; }
  // Empty unless reading stopped on an I/O error rather than the end of the input.
  virtual std::string error() const = 0;

  // Called before each read that may block, with the descriptor about to be read; returning
  // false ends the input there (an interrupt). Sources that never block ignore it.
  using ReadWait = std::function<bool(int fd)>;
  virtual void set_read_wait(ReadWait) {}
};

// The failure to report for an oversized record (MESSAGE_ILLEGAL, like a too-large body).
Error oversized_record_error(const InputRecord& record, std::size_t limit);

}  // namespace mqsend::cli
