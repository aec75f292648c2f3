#pragma once
// Splits an input stream into records: by a delimiter (default "\n"; any byte string),
// with CRLF handled for the newline delimiter, a last record without delimiter kept,
// and empty records skipped. Memory is bounded by the largest record plus one read chunk.
#include <cstddef>
#include <optional>
#include <string>

namespace mqsend::cli {

class RecordReader {
 public:
  // Reads from `fd` (not owned).
  RecordReader(int fd, std::string delimiter = "\n");

  // The next non-empty record, or nullopt at end of input (or on a read error, see error()).
  std::optional<std::string> next();
  // Set when reading stopped on an I/O error rather than end of input.
  const std::string& error() const { return error_; }

 private:
  bool fill();

  int fd_;
  std::string delimiter_;
  std::string buffer_;
  std::size_t start_ = 0;
  bool eof_ = false;
  std::string error_;
};

}  // namespace mqsend::cli
