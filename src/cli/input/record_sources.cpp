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

namespace {

// Record `index` of a template source: the body expanded for it (seq counts from 1).
InputRecord expanded_record(const BodyTemplate& body, std::size_t index) {
  InputRecord record;
  record.index = index;
  body.expand(index + 1, record.raw);
  record.size = record.raw.size();
  return record;
}

}  // namespace

FixedBodiesSource::FixedBodiesSource(std::vector<BodyTemplate> bodies)
    : bodies_(std::move(bodies)) {}

std::optional<InputRecord> FixedBodiesSource::next() {
  if (next_index_ == bodies_.size()) return std::nullopt;
  const std::size_t index = next_index_++;
  return expanded_record(bodies_[index], index);
}

RepeatSource::RepeatSource(BodyTemplate body, std::optional<std::uint64_t> count)
    : body_(std::move(body)), count_(count) {}

std::optional<InputRecord> RepeatSource::next() {
  if (count_ && next_index_ >= *count_) return std::nullopt;
  return expanded_record(body_, next_index_++);
}

ConcatenatedSource::ConcatenatedSource(std::vector<std::unique_ptr<RecordSource>> sources)
    : sources_(std::move(sources)) {}

std::optional<InputRecord> ConcatenatedSource::next() {
  for (; current_ < sources_.size(); ++current_) {
    if (auto record = sources_[current_]->next()) return numbered(std::move(record));
    if (!sources_[current_]->error().empty()) break;
  }
  return std::nullopt;
}

std::optional<InputRecord> ConcatenatedSource::next_buffered() {
  if (current_ == sources_.size()) return std::nullopt;
  return numbered(sources_[current_]->next_buffered());
}

std::string ConcatenatedSource::error() const {
  return current_ == sources_.size() ? std::string() : sources_[current_]->error();
}

void ConcatenatedSource::set_read_wait(ReadWait wait) {
  for (auto& source : sources_) source->set_read_wait(wait);
}

std::optional<InputRecord> ConcatenatedSource::numbered(std::optional<InputRecord> record) {
  if (record) record->index = next_index_++;
  return record;
}

}  // namespace mqsend::cli
