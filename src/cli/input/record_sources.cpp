#include "cli/input/record_sources.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

namespace mqsend::cli {

namespace {
constexpr std::size_t kReadChunk = 64 * 1024;
}

WholeFileSource::WholeFileSource(FileDescriptor file, std::size_t max_record_bytes)
    : file_(std::move(file)), max_record_bytes_(max_record_bytes) {}

std::optional<InputRecord> WholeFileSource::next() {
  if (taken_) return std::nullopt;
  taken_ = true;
  InputRecord record;
  char chunk[kReadChunk];
  for (;;) {
    const ssize_t n = read_some(file_.get(), chunk, sizeof chunk);
    if (n < 0) {
      error_ = std::strerror(errno);
      return std::nullopt;  // a partly read file must not be sent as if it were whole
    }
    if (n == 0) break;
    record.size += static_cast<std::size_t>(n);
    if (max_record_bytes_ > 0 && record.size > max_record_bytes_) {
      record.oversized = true;
      std::string().swap(record.raw);
    }
    if (!record.oversized) record.raw.append(chunk, static_cast<std::size_t>(n));
  }
  return record;
}

Result<std::unique_ptr<RecordSource>> open_whole_file(const std::string& path,
                                                      std::size_t max_record_bytes) {
  auto file = open_for_reading(path);
  if (!file) return file.error();
  return std::unique_ptr<RecordSource>(
      new WholeFileSource(std::move(file.value()), max_record_bytes));
}

FixedBodiesSource::FixedBodiesSource(std::vector<std::string> bodies)
    : bodies_(std::move(bodies)) {}

std::optional<InputRecord> FixedBodiesSource::next() {
  if (next_index_ == bodies_.size()) return std::nullopt;
  InputRecord record;
  record.index = next_index_;
  record.raw = std::move(bodies_[next_index_++]);
  record.size = record.raw.size();
  return record;
}

RepeatSource::RepeatSource(std::string body, std::optional<std::uint64_t> count)
    : body_(std::move(body)), count_(count) {}

std::optional<InputRecord> RepeatSource::next() {
  if (count_ && next_index_ >= *count_) return std::nullopt;
  InputRecord record;
  record.index = next_index_++;
  record.raw = body_;
  record.size = body_.size();
  return record;
}

}  // namespace mqsend::cli
