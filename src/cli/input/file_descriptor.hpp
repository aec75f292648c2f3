#pragma once
// An owned POSIX file descriptor, opened for reading, and an EINTR-safe read.
#include <sys/types.h>

#include <cstddef>
#include <string>

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

// read(2) retried on EINTR unless an interrupt was requested: bytes read, 0 at end of input,
// -1 on error (errno set; EINTR after SIGINT/SIGTERM).
ssize_t read_some(int fd, char* data, std::size_t size);

}  // namespace mqsend::cli
