#include "cli/input/record_writer.hpp"

#include <utility>

namespace mqsend::cli {

RecordWriter::RecordWriter(FileDescriptor file, std::string delimiter)
    : file_(std::move(file)), delimiter_(std::move(delimiter)) {}

Result<std::unique_ptr<RecordWriter>> RecordWriter::open(const std::string& path,
                                                        std::string delimiter) {
  auto file = open_for_writing(path);
  if (!file) return file.error();
  return std::make_unique<RecordWriter>(std::move(file.value()), std::move(delimiter));
}

Status RecordWriter::write(std::string_view raw) {
  std::string bytes;
  bytes.reserve(raw.size() + delimiter_.size());
  bytes.append(raw).append(delimiter_);
  std::lock_guard<std::mutex> lock(mutex_);
  return write_all(file_.get(), bytes);
}

}  // namespace mqsend::cli
