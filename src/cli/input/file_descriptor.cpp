#include "cli/input/file_descriptor.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace mqsend::cli {

FileDescriptor& FileDescriptor::operator=(FileDescriptor&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.release();
  }
  return *this;
}

FileDescriptor::~FileDescriptor() {
  if (fd_ >= 0) ::close(fd_);
}

int FileDescriptor::release() { return std::exchange(fd_, -1); }

namespace {

Result<FileDescriptor> open_path(const std::string& path, int flags) {
  int fd;
  do {
    fd = ::open(path.c_str(), flags | O_CLOEXEC, 0644);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    return Error{error_code::kInvalidArgument, "cannot open " + path + ": " + std::strerror(errno)};
  }
  return FileDescriptor(fd);
}

}  // namespace

Result<FileDescriptor> open_for_reading(const std::string& path) {
  return open_path(path, O_RDONLY);
}

Result<FileDescriptor> open_for_writing(const std::string& path) {
  return open_path(path, O_WRONLY | O_CREAT | O_TRUNC);
}

ssize_t read_some(int fd, char* data, std::size_t size) {
  ssize_t n;
  do {
    n = ::read(fd, data, size);
  } while (n < 0 && errno == EINTR);
  return n;
}

Status write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Error{error_code::kInvalidArgument, std::string("write failed: ") + std::strerror(errno)};
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return std::nullopt;
}

}  // namespace mqsend::cli
