#pragma once
// The record sources that are not a delimited stream.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/input/body_template.hpp"
#include "cli/input/file_descriptor.hpp"
#include "cli/input/input_record.hpp"

namespace mqsend::cli {

// --file: the whole file is one record, binary-safe, bytes untouched. An empty file is still
// one (empty) record, so the user hears that nothing valid was sent. Beyond
// `max_record_bytes` (0 = no limit) the bytes are counted, not kept, and the record is
// returned oversized.
class WholeFileSource final : public RecordSource {
 public:
  WholeFileSource(FileDescriptor file, std::size_t max_record_bytes = 0);

  std::optional<InputRecord> next() override;
  std::string error() const override { return error_; }

 private:
  FileDescriptor file_;
  std::size_t max_record_bytes_;
  bool taken_ = false;
  std::string error_;
};

Result<std::unique_ptr<RecordSource>> open_whole_file(const std::string& path,
                                                      std::size_t max_record_bytes = 0);

// -m: each body one record, its template expanded with seq = its number (empty bodies
// included: the producer rejects them).
class FixedBodiesSource final : public RecordSource {
 public:
  explicit FixedBodiesSource(std::vector<BodyTemplate> bodies);

  std::optional<InputRecord> next() override;
  // The bodies not sent yet were given, so they count as read.
  std::optional<InputRecord> next_buffered() override { return next(); }
  std::string error() const override { return {}; }

 private:
  std::vector<BodyTemplate> bodies_;
  std::size_t next_index_ = 0;
};

// --count N / --repeat: one body again and again, its template expanded with seq = the
// record's number from 1. `count` caps the records; nullopt repeats forever.
class RepeatSource final : public RecordSource {
 public:
  RepeatSource(BodyTemplate body, std::optional<std::uint64_t> count);

  std::optional<InputRecord> next() override;
  std::string error() const override { return {}; }

 private:
  BodyTemplate body_;
  std::optional<std::uint64_t> count_;
  std::size_t next_index_ = 0;
};

// -l a -l b: the records of each source in turn, numbered on from one source to the next.
// An I/O error ends the input there: the later sources are not read.
class ConcatenatedSource final : public RecordSource {
 public:
  explicit ConcatenatedSource(std::vector<std::unique_ptr<RecordSource>> sources);

  std::optional<InputRecord> next() override;
  std::optional<InputRecord> next_buffered() override;
  std::string error() const override;
  void set_read_wait(ReadWait wait) override;

 private:
  std::optional<InputRecord> numbered(std::optional<InputRecord> record);

  std::vector<std::unique_ptr<RecordSource>> sources_;
  std::size_t current_ = 0;
  std::size_t next_index_ = 0;
};

}  // namespace mqsend::cli
