#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "cli/input/delimited_source.hpp"
#include "cli/input/record_sources.hpp"

using namespace mqsend::cli;

namespace {

// Every record `source` produces, in order; checks indexes count up from 0.
std::vector<InputRecord> drain(RecordSource& source) {
  std::vector<InputRecord> records;
  while (auto record = source.next()) {
    CHECK(record->index == records.size());
    records.push_back(std::move(*record));
  }
  CHECK(source.error().empty());
  return records;
}

std::vector<std::string> raws(const std::vector<InputRecord>& records) {
  std::vector<std::string> out;
  for (const auto& record : records) out.push_back(record.raw);
  return out;
}

// Feeds `input` through a pipe in chunks of `chunk` bytes and reads it with a DelimitedSource.
std::vector<InputRecord> split(const std::string& input, const std::string& delimiter,
                               std::size_t chunk = 1 << 20, std::size_t max_record_bytes = 0) {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  std::thread writer([&] {
    for (std::size_t at = 0; at < input.size(); at += chunk) {
      const std::size_t n = std::min(chunk, input.size() - at);
      if (write(fds[1], input.data() + at, n) != static_cast<ssize_t>(n)) break;
    }
    close(fds[1]);
  });
  DelimitedSource source(fds[0], delimiter, max_record_bytes);
  auto records = drain(source);
  writer.join();
  close(fds[0]);
  return records;
}

class TempFile {
 public:
  explicit TempFile(const std::string& content) {
    char name[] = "/tmp/mqsend_input_XXXXXX";
    const int fd = mkstemp(name);
    REQUIRE(fd >= 0);
    path_ = name;
    REQUIRE(write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()));
    close(fd);
  }
  ~TempFile() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace

TEST_CASE("newline records: CRLF, empty lines skipped, last line without newline", "[input]") {
  CHECK(raws(split("a\nb\r\n\n\r\nc", "\n")) == std::vector<std::string>{"a", "b", "c"});
  CHECK(split("", "\n").empty());
  CHECK(split("\n\r\n\n", "\n").empty());
  CHECK(raws(split("x\r\ny\r\n", "\n", 1)) == std::vector<std::string>{"x", "y"});
  // Only the CR right before the newline belongs to the delimiter.
  CHECK(raws(split("a\r\rb\r\n", "\n")) == std::vector<std::string>{"a\r\rb"});
}

// Found by tests/fuzz/fuzz_input_splitter (corpus regression-trailing-cr-without-lf): a CR at
// the very end of the input was dropped as if an LF followed.
TEST_CASE("a CR at the end of the input without its LF stays in the record", "[input]") {
  CHECK(raws(split("a\r\nb\r", "\n")) == std::vector<std::string>{"a", "b\r"});
  CHECK(raws(split("\r", "\n", 1)) == std::vector<std::string>{"\r"});
}

TEST_CASE("other delimiters keep every byte and also skip empty records", "[input]") {
  const std::string input = std::string("a\0b", 3) + "<=><=>" + "c\r\n" + "<=>" + "<=<=>tail";
  for (std::size_t chunk : {1, 2, 3, 1 << 20}) {
    INFO("chunk " << chunk);
    const auto records = split(input, "<=>", chunk);
    CHECK(raws(records) == std::vector<std::string>{std::string("a\0b", 3), "c\r\n", "<=", "tail"});
    for (const auto& record : records) CHECK(record.size == record.raw.size());
  }
  const std::string nul(1, '\0');
  CHECK(raws(split("one" + nul + nul + "two" + nul, nul)) ==
        std::vector<std::string>{"one", "two"});
}

TEST_CASE("records larger than the read chunk", "[input]") {
  const std::string big(200000, 'x');
  CHECK(raws(split(big + "\n" + big, "\n", 4096)) == std::vector<std::string>{big, big});
}

TEST_CASE("an oversized record is flagged with its size and the stream goes on", "[input]") {
  const std::string big(300000, 'b');
  for (std::size_t chunk : {7, 4096, 1 << 20}) {
    INFO("chunk " << chunk);
    const auto records = split("ok1\n" + big + "\r\n12345\n123456\nok2", "\n", chunk, 5);
    REQUIRE(records.size() == 5);
    CHECK(records[0].raw == "ok1");
    CHECK(records[1].oversized);
    CHECK(records[1].raw.empty());
    CHECK(records[1].size == big.size());
    CHECK_FALSE(records[2].oversized);  // exactly at the limit
    CHECK(records[2].raw == "12345");
    CHECK(records[3].oversized);
    CHECK(records[3].size == 6);
    CHECK(records[4].raw == "ok2");
  }
  // Oversized last record without a delimiter, multi-byte delimiter.
  const auto tail = split("a<=>" + big, "<=>", 1000, 10);
  REQUIRE(tail.size() == 2);
  CHECK(tail[1].oversized);
  CHECK(tail[1].size == big.size());
  const auto error = oversized_record_error(tail[1], 10);
  CHECK(error.code == mqsend::error_code::kMessageIllegal);
  CHECK_THAT(error.message, Catch::Contains("300000 bytes"));
}

// Two reads for sure: `first` is in the pipe before the source starts, `second` comes later.
std::vector<InputRecord> split_in_two_reads(const std::string& first, const std::string& second,
                                            std::size_t max_record_bytes) {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  REQUIRE(write(fds[1], first.data(), first.size()) == static_cast<ssize_t>(first.size()));
  std::thread writer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    (void)!write(fds[1], second.data(), second.size());
    close(fds[1]);
  });
  DelimitedSource source(fds[0], "\n", max_record_bytes);
  auto records = drain(source);
  writer.join();
  close(fds[0]);
  return records;
}

TEST_CASE("a record at the limit whose LF comes in a later read is not oversized", "[input]") {
  const auto records = split_in_two_reads("12345\r", "\nok", 5);  // the first read ends in the CR
  REQUIRE(records.size() == 2);
  CHECK_FALSE(records[0].oversized);
  CHECK(records[0].raw == "12345");
  CHECK(records[1].raw == "ok");
}

// Found by tests/fuzz/fuzz_input_splitter (corpus regression-crlf-oversized-size): the CR of a
// CRLF was counted in an oversized record's size when the record was dropped before its LF came.
TEST_CASE("an oversized record's size leaves out the CR of its CRLF however the reads fall", "[input]") {
  const auto records = split_in_two_reads("abcdefg\r", "\nabcd\r\r\nok", 3);
  REQUIRE(records.size() == 3);
  CHECK(records[0].oversized);
  CHECK(records[0].size == 7);
  CHECK(records[1].oversized);
  CHECK(records[1].size == 5);  // only the last CR belongs to the delimiter
  CHECK(records[2].raw == "ok");
}

TEST_CASE("endless input without delimiters keeps memory flat", "[input]") {
  // 64 MiB of one record through a 1 KiB limit: only the size is kept.
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  const std::size_t total = std::size_t{64} << 20;
  std::thread writer([&] {
    const std::string block(1 << 16, 'z');
    for (std::size_t sent = 0; sent < total; sent += block.size()) {
      if (write(fds[1], block.data(), block.size()) != static_cast<ssize_t>(block.size())) break;
    }
    const char newline_and_next[] = "\nnext";
    (void)!write(fds[1], newline_and_next, 5);
    close(fds[1]);
  });
  DelimitedSource source(fds[0], "\n", 1024);
  auto first = source.next();
  auto second = source.next();
  writer.join();
  close(fds[0]);
  REQUIRE(first);
  CHECK(first->oversized);
  CHECK(first->size == total);
  REQUIRE(second);
  CHECK(second->raw == "next");
  CHECK(second->index == 1);
}

TEST_CASE("option -l reads a file split like stdin: a missing file is an error", "[input]") {
  TempFile file("k1:v1\r\n\nk2:v2");
  auto source = open_delimited_file(file.path(), "\n");
  REQUIRE(source.ok());
  CHECK(raws(drain(*source.value())) == std::vector<std::string>{"k1:v1", "k2:v2"});

  auto missing = open_delimited_file("/nonexistent/mqsend/input", "\n");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == mqsend::error_code::kInvalidArgument);
  CHECK_THAT(missing.error().message, Catch::Contains("/nonexistent/mqsend/input"));
}

TEST_CASE("a read error ends the stream and is reported", "[input]") {
  const int fd = open("/tmp", O_RDONLY | O_DIRECTORY);
  REQUIRE(fd >= 0);
  DelimitedSource source(fd, "\n");
  CHECK_FALSE(source.next());
  CHECK_FALSE(source.error().empty());
  close(fd);
}

TEST_CASE("option --file is one binary-safe record, even when empty", "[input]") {
  std::string binary;
  for (int i = 0; i < 256; ++i) binary += static_cast<char>(i);
  binary += "\r\n\n" + std::string(100000, '\0');
  TempFile file(binary);
  auto source = open_whole_file(file.path());
  REQUIRE(source.ok());
  const auto records = drain(*source.value());
  REQUIRE(records.size() == 1);
  CHECK(records[0].raw == binary);
  CHECK(records[0].size == binary.size());

  TempFile empty("");
  auto empty_source = open_whole_file(empty.path());
  REQUIRE(empty_source.ok());
  const auto empty_records = drain(*empty_source.value());
  REQUIRE(empty_records.size() == 1);
  CHECK(empty_records[0].raw.empty());

  auto limited = open_whole_file(file.path(), 1000);
  REQUIRE(limited.ok());
  const auto oversized = drain(*limited.value());
  REQUIRE(oversized.size() == 1);
  CHECK(oversized[0].oversized);
  CHECK(oversized[0].raw.empty());
  CHECK(oversized[0].size == binary.size());

  CHECK_FALSE(open_whole_file("/nonexistent/mqsend/file").ok());
}

TEST_CASE("option -m bodies are records as given", "[input]") {
  FixedBodiesSource source(
      {BodyTemplate::literal("one"), BodyTemplate::literal(""), BodyTemplate::literal("three\n")});
  CHECK(raws(drain(source)) == std::vector<std::string>{"one", "", "three\n"});
  CHECK_FALSE(source.next());
}

TEST_CASE("option --count copies one body: --repeat goes on with an increasing index", "[input]") {
  RepeatSource counted(BodyTemplate::literal("body"), 3);
  CHECK(raws(drain(counted)) == std::vector<std::string>{"body", "body", "body"});
  RepeatSource none(BodyTemplate::literal("body"), 0);
  CHECK_FALSE(none.next());

  RepeatSource forever(BodyTemplate::literal("x"), std::nullopt);
  for (std::size_t i = 0; i < 100000; ++i) {
    auto record = forever.next();
    REQUIRE(record);
    REQUIRE(record->index == i);
    REQUIRE(record->raw == "x");
  }
}

TEST_CASE("raw bytes plus the delimiter replay to the same records", "[input]") {
  // What --failed-output relies on: writing each raw record followed by the delimiter
  // gives input that splits into the same records again.
  const std::string input =
      std::string("k:v\0x", 5) + "\x1e" + "\xff\xfe\r\n" + "\x1e\x1e" + "last";
  const auto records = split(input, "\x1e", 3);
  REQUIRE(records.size() == 3);
  std::string written;
  for (const auto& record : records) written += record.raw + "\x1e";
  CHECK(written == std::string("k:v\0x", 5) + "\x1e\xff\xfe\r\n\x1elast\x1e");
  CHECK(raws(split(written, "\x1e")) == raws(records));

  // Newline input: CRLF becomes LF, which reads back the same.
  const auto lines = split("a\r\nb\n", "\n");
  std::string rewritten;
  for (const auto& record : lines) rewritten += record.raw + "\n";
  CHECK(rewritten == "a\nb\n");
  CHECK(raws(split(rewritten, "\n")) == raws(lines));
}

TEST_CASE("several -l inputs: the records of each in turn, numbered on", "[input]") {
  const std::string first = "/tmp/mqsend-unit-" + std::to_string(getpid()) + "-concat-a";
  const std::string second = "/tmp/mqsend-unit-" + std::to_string(getpid()) + "-concat-b";
  for (const auto& [path, bytes] : {std::pair{first, std::string("a1\na2")}, std::pair{second, std::string("\nb1\n")}}) {
    std::FILE* file = std::fopen(path.c_str(), "wb");
    REQUIRE(file != nullptr);
    std::fwrite(bytes.data(), 1, bytes.size(), file);
    std::fclose(file);
  }
  std::vector<std::unique_ptr<RecordSource>> sources;
  sources.push_back(std::move(open_delimited_file(first, "\n").value()));
  sources.push_back(std::make_unique<FixedBodiesSource>(std::vector<BodyTemplate>{}));  // an empty input
  sources.push_back(std::move(open_delimited_file(second, "\n").value()));
  ConcatenatedSource concatenated(std::move(sources));
  CHECK(raws(drain(concatenated)) == std::vector<std::string>{"a1", "a2", "b1"});
  CHECK_FALSE(concatenated.next());
  std::remove(first.c_str());
  std::remove(second.c_str());
}

TEST_CASE("several inputs: an I/O error ends the input there", "[input]") {
  struct Broken final : RecordSource {
    std::optional<InputRecord> next() override { return std::nullopt; }
    std::string error() const override { return "Input/output error"; }
  };
  std::vector<std::unique_ptr<RecordSource>> sources;
  sources.push_back(std::make_unique<Broken>());
  sources.push_back(std::make_unique<FixedBodiesSource>(std::vector<BodyTemplate>{BodyTemplate::literal("never")}));
  ConcatenatedSource concatenated(std::move(sources));
  CHECK_FALSE(concatenated.next());
  CHECK(concatenated.error() == "Input/output error");
}

TEST_CASE("option --count with a -m template: seq counts from 1 per record", "[input]") {
  RepeatSource source(BodyTemplate::parse("m{{seq}}", 100).value(), 3);
  CHECK(raws(drain(source)) == std::vector<std::string>{"m1", "m2", "m3"});
  FixedBodiesSource bodies({BodyTemplate::parse("a{{seq}}", 100).value(), BodyTemplate::parse("b{{seq}}", 100).value()});
  CHECK(raws(drain(bodies)) == std::vector<std::string>{"a1", "b2"});
}
