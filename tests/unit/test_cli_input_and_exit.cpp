#include <unistd.h>

#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "cli/exit_codes.hpp"
#include "cli/input/delimited_source.hpp"
#include "client/common/error.hpp"

using mqsend::cli::DelimitedSource;

namespace {

// Feeds `input` through a pipe (in chunks of `chunk` bytes) and collects every record.
std::vector<std::string> records_of(const std::string& input, const std::string& delimiter = "\n",
                                    std::size_t chunk = 1 << 20) {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  std::thread writer([&] {
    for (std::size_t at = 0; at < input.size(); at += chunk) {
      const std::size_t n = std::min(chunk, input.size() - at);
      if (write(fds[1], input.data() + at, n) != static_cast<ssize_t>(n)) break;
    }
    close(fds[1]);
  });
  DelimitedSource reader(fds[0], delimiter);
  std::vector<std::string> records;
  while (auto record = reader.next()) records.push_back(record->raw);
  writer.join();
  close(fds[0]);
  return records;
}

}  // namespace

TEST_CASE("stdin lines: CRLF, empty lines, last line without newline", "[cli]") {
  CHECK(records_of("a\nb\r\n\n\r\nc") == std::vector<std::string>{"a", "b", "c"});
  CHECK(records_of("").empty());
  CHECK(records_of("\n\n").empty());
  CHECK(records_of("only") == std::vector<std::string>{"only"});
  CHECK(records_of("x\r\ny\r\n") == std::vector<std::string>{"x", "y"});
}

TEST_CASE("records split across reads, one byte at a time", "[cli]") {
  const std::string input = "first line\nsecond\r\nthird";
  CHECK(records_of(input, "\n", 1) == std::vector<std::string>{"first line", "second", "third"});
}

TEST_CASE("multi-byte delimiter split across reads keeps bytes intact", "[cli]") {
  const std::string input = std::string("a\0b", 3) + "<=>" + "c\r" + "<=>" + "<=>" + "tail";
  const auto records = records_of(input, "<=>", 2);
  REQUIRE(records.size() == 3);
  CHECK(records[0] == std::string("a\0b", 3));
  CHECK(records[1] == "c\r");  // CR is only stripped for the newline delimiter
  CHECK(records[2] == "tail");
}

TEST_CASE("long records larger than the read chunk", "[cli]") {
  const std::string big(200000, 'x');
  const auto records = records_of(big + "\n" + big, "\n", 4096);
  REQUIRE(records.size() == 2);
  CHECK(records[0] == big);
  CHECK(records[1] == big);
}

TEST_CASE("exit code follows the tally", "[cli]") {
  using namespace mqsend;
  using namespace mqsend::cli;
  RunTally tally;
  CHECK(exit_code_for(tally) == exit_code::kAllSent);
  tally.sent = 3;
  CHECK(exit_code_for(tally) == exit_code::kAllSent);
  tally.count_failure(error_code::kAccessBrokerTimeout);
  CHECK(exit_code_for(tally) == exit_code::kSomeFailed);

  RunTally invalid;
  invalid.count_failure(error_code::kMessageIllegal);
  CHECK(exit_code_for(invalid) == exit_code::kUsage);
  RunTally refused;
  refused.count_failure(error_code::kMessageIllegal, true);  // the broker said so
  CHECK(exit_code_for(refused) == exit_code::kAllFailed);

  RunTally no_route;
  no_route.count_failure(error_code::kNotFoundTopicException);
  no_route.count_failure(error_code::kMessageIllegal);
  CHECK(exit_code_for(no_route) == exit_code::kNoRoute);

  RunTally timeouts;
  timeouts.count_failure(error_code::kAccessBrokerTimeout);
  timeouts.count_failure(error_code::kCallTimeout);
  CHECK(exit_code_for(timeouts) == exit_code::kTimeout);
  timeouts.count_failure(2);  // SYSTEM_BUSY: no longer all timeouts
  CHECK(exit_code_for(timeouts) == exit_code::kAllFailed);

  // Result lines lost on stdout: 7 instead of 0; failures keep their own code.
  RunTally lost;
  lost.sent = 5;
  lost.output_lost = true;
  CHECK(exit_code_for(lost) == exit_code::kOutputLost);
  lost.count_failure(error_code::kAccessBrokerTimeout);
  CHECK(exit_code_for(lost) == exit_code::kSomeFailed);
}

TEST_CASE("after an interrupt the source hands out what it has read, without reading more", "[cli]") {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  const std::string written = "a\nb\nc\npartial";
  REQUIRE(write(fds[1], written.data(), written.size()) == static_cast<ssize_t>(written.size()));
  DelimitedSource reader(fds[0], "\n");
  REQUIRE(reader.next()->raw == "a");
  // The pipe stays open: a read now would block. next_buffered() never reads.
  std::vector<std::string> rest;
  while (auto record = reader.next_buffered()) rest.push_back(record->raw);
  CHECK(rest == std::vector<std::string>{"b", "c", "partial"});
  CHECK_FALSE(reader.next());
  close(fds[1]);
  close(fds[0]);
}
