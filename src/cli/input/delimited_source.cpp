#include "cli/input/delimited_source.hpp"

#include <cerrno>
#include <cstring>
#include <string_view>
#include <utility>

namespace mqsend::cli {

namespace {
constexpr std::size_t kReadChunk = 64 * 1024;
}

DelimitedSource::DelimitedSource(int fd, std::string delimiter, std::size_t max_record_bytes)
    : fd_(fd), delimiter_(std::move(delimiter)), max_record_bytes_(max_record_bytes) {
  if (delimiter_.empty()) delimiter_ = "\n";
}

DelimitedSource::DelimitedSource(FileDescriptor file, std::string delimiter,
                                 std::size_t max_record_bytes)
    : DelimitedSource(file.get(), std::move(delimiter), max_record_bytes) {
  owned_ = std::move(file);
}

bool DelimitedSource::fill() {
  if (eof_) return false;
  if (read_wait_ && !read_wait_(fd_)) {
    eof_ = true;
    return false;
  }
  // Drop consumed bytes before growing, so the buffer never holds more than one record + chunk.
  if (start_ > 0) {
    buffer_.erase(0, start_);
    start_ = 0;
  }
  const std::size_t old_size = buffer_.size();
  buffer_.resize(old_size + kReadChunk);
  const ssize_t n = read_some(fd_, buffer_.data() + old_size, kReadChunk);
  if (n <= 0) {
    buffer_.resize(old_size);
    eof_ = true;
    if (n < 0) error_ = std::strerror(errno);
    return false;
  }
  buffer_.resize(old_size + static_cast<std::size_t>(n));
  return true;
}

void DelimitedSource::drop_pending() {
  // A trailing CR may be the start of a CRLF, which is not counted as record bytes.
  const bool maybe_crlf = delimiter_ == "\n" && buffer_.back() == '\r';
  const std::size_t keep = maybe_crlf ? 1 : delimiter_.size() - 1;
  const std::size_t pending = buffer_.size() - start_;
  dropped_ += pending - keep;
  start_ = buffer_.size() - keep;
  dropping_ = true;
}

std::optional<InputRecord> DelimitedSource::take(std::size_t end, bool at_delimiter) {
  std::string_view bytes(buffer_.data() + start_, end - start_);
  if (at_delimiter && delimiter_ == "\n" && !bytes.empty() && bytes.back() == '\r') {
    bytes.remove_suffix(1);
  }
  InputRecord record;
  if (dropping_) {
    record.size = dropped_ + bytes.size();
    record.oversized = true;
    dropping_ = false;
    dropped_ = 0;
  } else {
    if (bytes.empty()) return std::nullopt;
    record.size = bytes.size();
    record.oversized = max_record_bytes_ > 0 && bytes.size() > max_record_bytes_;
    if (!record.oversized) record.raw.assign(bytes.data(), bytes.size());
  }
  record.index = next_index_++;
  return record;
}

std::optional<InputRecord> DelimitedSource::next() {
  std::size_t search_from = start_;
  for (;;) {
    const std::size_t pos = buffer_.find(delimiter_, search_from);
    if (pos != std::string::npos) {
      auto record = take(pos, true);
      start_ = pos + delimiter_.size();
      search_from = start_;
      if (record) return record;
      continue;
    }
    // The pending bytes may end in a partial delimiter (or the CR of a CRLF); only beyond
    // that slack are they surely more than the limit.
    const std::size_t overlap = delimiter_.size() - 1;
    const std::size_t slack = overlap + (delimiter_ == "\n" ? 1 : 0);
    if (max_record_bytes_ > 0 && buffer_.size() - start_ > max_record_bytes_ + slack) {
      drop_pending();
    }
    // Rescan only the tail that could hold a delimiter split across reads.
    const std::size_t scanned = buffer_.size() - start_;
    const std::size_t offset_in_record = scanned > overlap ? scanned - overlap : 0;
    if (!fill()) break;
    search_from = start_ + offset_in_record;
  }
  if (start_ >= buffer_.size() && !dropping_) return std::nullopt;
  auto record = take(buffer_.size(), false);
  start_ = buffer_.size();
  return record;
}

std::optional<InputRecord> DelimitedSource::next_buffered() {
  eof_ = true;  // no more reads: next() hands out what the buffer holds
  return next();
}

Result<std::unique_ptr<RecordSource>> open_delimited_file(const std::string& path,
                                                          std::string delimiter,
                                                          std::size_t max_record_bytes) {
  auto file = open_for_reading(path);
  if (!file) return file.error();
  return std::unique_ptr<RecordSource>(
      new DelimitedSource(std::move(file.value()), std::move(delimiter), max_record_bytes));
}

}  // namespace mqsend::cli
