#include "cli/record_reader.hpp"

#include <cerrno>
#include <cstring>
#include <string_view>
#include <unistd.h>

namespace mqsend::cli {

namespace {
constexpr std::size_t kReadChunk = 64 * 1024;
}

RecordReader::RecordReader(int fd, std::string delimiter)
    : fd_(fd), delimiter_(delimiter.empty() ? std::string("\n") : std::move(delimiter)) {}

bool RecordReader::fill() {
  if (eof_) return false;
  // Drop consumed bytes before growing, so the buffer never holds more than one record + chunk.
  if (start_ > 0) {
    buffer_.erase(0, start_);
    start_ = 0;
  }
  const std::size_t old_size = buffer_.size();
  buffer_.resize(old_size + kReadChunk);
  ssize_t n;
  do {
    n = ::read(fd_, buffer_.data() + old_size, kReadChunk);
  } while (n < 0 && errno == EINTR);
  if (n <= 0) {
    buffer_.resize(old_size);
    eof_ = true;
    if (n < 0) error_ = std::strerror(errno);
    return false;
  }
  buffer_.resize(old_size + static_cast<std::size_t>(n));
  return true;
}

std::optional<std::string> RecordReader::next() {
  std::size_t search_from = start_;
  for (;;) {
    const std::size_t pos = buffer_.find(delimiter_, search_from);
    if (pos != std::string::npos) {
      std::string_view record(buffer_.data() + start_, pos - start_);
      start_ = pos + delimiter_.size();
      search_from = start_;
      if (delimiter_ == "\n" && !record.empty() && record.back() == '\r') record.remove_suffix(1);
      if (record.empty()) continue;
      return std::string(record);
    }
    // Rescan only the tail that could hold a delimiter split across reads.
    const std::size_t scanned = buffer_.size() - start_;
    const std::size_t overlap = delimiter_.size() - 1;
    const std::size_t offset_in_record = scanned > overlap ? scanned - overlap : 0;
    if (!fill()) break;
    search_from = start_ + offset_in_record;
  }
  if (start_ >= buffer_.size()) return std::nullopt;
  std::string_view record(buffer_.data() + start_, buffer_.size() - start_);
  start_ = buffer_.size();
  if (delimiter_ == "\n" && !record.empty() && record.back() == '\r') record.remove_suffix(1);
  if (record.empty()) return std::nullopt;
  return std::string(record);
}

}  // namespace mqsend::cli
