#pragma once
// Transitional adapter: the string-returning stdin splitter send_run.cpp still uses, over
// input/DelimitedSource. Remove once send_run reads a RecordSource.
#include <optional>
#include <string>

#include "cli/input/delimited_source.hpp"

namespace mqsend::cli {

class RecordReader {
 public:
  // Reads from `fd` (not owned).
  explicit RecordReader(int fd, std::string delimiter = "\n")
      : source_(fd, std::move(delimiter)) {}

  // The next non-empty record, or nullopt at end of input (or on a read error, see error()).
  std::optional<std::string> next() {
    auto record = source_.next();
    if (!record) return std::nullopt;
    return std::move(record->raw);
  }
  std::string error() const { return source_.error(); }

 private:
  DelimitedSource source_;
};

}  // namespace mqsend::cli
