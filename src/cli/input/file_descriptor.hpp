#pragma once
// An owned POSIX file descriptor, plus the EINTR-safe read/write loops the input side needs.
#include <sys/types.h>

#include <cstddef>
#include <string>
#include <string_view>

#include "client/common/error.hpp"

namespace mqsend::cli {

class FileDescriptor {
 public:
  FileDescriptor() = default;
  explicit FileDescriptor(int fd) : fd_(fd) {}
  FileDescriptor(FileDescriptor&& other) noexcept : fd_(other.release()) {}
  FileDescriptor& operator=(FileDescriptor&& other) noexcept;
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor();

  int get() const { return fd_; }
  int release();

 private:
  int fd_ = -1;
};

// Opens `path` read-only; the error names the path and the reason.
Result<FileDescriptor> open_for_reading(const std::string& path);
// Creates or truncates `path` for writing (mode 0644).
Result<FileDescriptor> open_for_writing(const std::string& path);

// read(2) retried on EINTR: bytes read, 0 at end of input, -1 on error (errno set).
ssize_t read_some(int fd, char* data, std::size_t size);
// Writes every byte, retrying on EINTR and short writes; the error carries strerror.
Status write_all(int fd, std::string_view bytes);

}  // namespace mqsend::cli
