#pragma once
// Records of a stream split by a delimiter (stdin, or a file given with -l).
//
// Rules:
// - The delimiter is any non-empty byte string; a delimiter split across reads is found.
// - With the newline delimiter a CR before it belongs to the delimiter (CRLF input).
// - Empty records are skipped for every delimiter, as kcat does; they get no index.
// - The last record needs no trailing delimiter.
// - A record longer than `max_record_bytes` (0 = no limit; CR of CRLF not counted) is returned
//   with oversized set and its bytes dropped, and the stream goes on after its delimiter:
//   memory stays bounded by the limit plus one read chunk, even for endless input without
//   delimiters.
#include <cstddef>
#include <memory>
#include <string>

#include "cli/input/file_descriptor.hpp"
#include "cli/input/input_record.hpp"

namespace mqsend::cli {

class DelimitedSource final : public RecordSource {
 public:
  // Reads `fd`, not owned (stdin). An empty `delimiter` means newline.
  DelimitedSource(int fd, std::string delimiter, std::size_t max_record_bytes = 0);
  // Reads and owns `file`.
  DelimitedSource(FileDescriptor file, std::string delimiter, std::size_t max_record_bytes = 0);

  std::optional<InputRecord> next() override;
  std::optional<InputRecord> next_buffered() override;
  std::string error() const override { return error_; }
  void set_read_wait(ReadWait wait) override { read_wait_ = std::move(wait); }

 private:
  bool fill();
  // Hands out [start_, end) as the next record, or nullopt when it is empty (skipped).
  // `at_delimiter`: a delimiter follows (false at the end of the input).
  std::optional<InputRecord> take(std::size_t end, bool at_delimiter);
  // Drops the bytes of an overlong record, keeping a possible delimiter prefix at the end.
  void drop_pending();

  FileDescriptor owned_;
  int fd_;
  std::string delimiter_;
  ReadWait read_wait_;
  std::size_t max_record_bytes_;
  std::string buffer_;
  std::size_t start_ = 0;
  std::size_t dropped_ = 0;  // bytes already dropped of the current (oversized) record
  bool dropping_ = false;
  bool eof_ = false;
  std::string error_;
  std::size_t next_index_ = 0;
};

// A file split like stdin (-l PATH); the error names the path when it cannot be opened.
Result<std::unique_ptr<RecordSource>> open_delimited_file(const std::string& path,
                                                          std::string delimiter,
                                                          std::size_t max_record_bytes = 0);

}  // namespace mqsend::cli
