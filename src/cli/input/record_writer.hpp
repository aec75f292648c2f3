#pragma once
// --failed-output: writes records back in the input format, each record's raw bytes followed by
// the input delimiter, so the file can be piped to mqsend again. Whole-file input (--file)
// uses an empty delimiter: the bytes alone are the record.
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "cli/input/file_descriptor.hpp"
#include "client/common/error.hpp"

namespace mqsend::cli {

class RecordWriter {
 public:
  RecordWriter(FileDescriptor file, std::string delimiter);
  // Creates or truncates `path`.
  static Result<std::unique_ptr<RecordWriter>> open(const std::string& path, std::string delimiter);

  // Thread-safe (async send callbacks): one record's bytes are never interleaved with another's.
  Status write(std::string_view raw);

 private:
  FileDescriptor file_;
  std::string delimiter_;
  std::mutex mutex_;
};

}  // namespace mqsend::cli
