// --failed-output: the file a replay reads back as the same records (raw + delimiter, or JSON
// lines for -m/--file bodies), the input file replaced at the end, append mode, write errors.
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "cli/failed_output.hpp"
#include "cli/input/record_parser.hpp"

using namespace mqsend;
using namespace mqsend::cli;

namespace {

std::string temp_file(const std::string& name) {
  return "/tmp/mqsend-unit-" + std::to_string(getpid()) + "-" + name;
}

std::string contents(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void put(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

std::unique_ptr<FailedOutput> open_output(FailedOutputOptions options) {
  auto opened = FailedOutput::open(std::move(options));
  INFO((opened ? "" : opened.error().message));
  REQUIRE(opened);
  return std::move(opened.value());
}

// The number of files in /tmp whose name starts with `prefix`.
int files_starting(const std::string& prefix) {
  int count = 0;
  DIR* directory = opendir("/tmp");
  REQUIRE(directory != nullptr);
  while (const dirent* entry = readdir(directory)) {
    if (std::string(entry->d_name).rfind(prefix, 0) == 0) ++count;
  }
  closedir(directory);
  return count;
}

}  // namespace

TEST_CASE("failed output: stream records as read, each followed by the delimiter", "[cli][failed-output]") {
  const std::string path = temp_file("raw");
  auto output = open_output({path, false, false, "|", {}});
  output->write("a\nb");
  output->write("");
  output->close();
  CHECK(contents(path) == "a\nb||");
  CHECK(output->error().empty());
  std::remove(path.c_str());
}

TEST_CASE("failed output: -m/--file bodies as JSON lines that --input json reads back byte for byte", "[cli][failed-output]") {
  const std::string path = temp_file("json");
  const std::vector<std::string> bodies = {"two\nlines", std::string("nul\0and\xff\xfe", 9), "plain"};
  auto output = open_output({path, false, true, "\n", {}});
  for (const auto& body : bodies) output->write(body);
  output->close();
  RecordFormat format;
  format.json_input = true;
  auto parser = RecordParser::create(format);
  REQUIRE(parser);
  std::istringstream lines(contents(path));
  std::vector<std::string> replayed;
  for (std::string line; std::getline(lines, line);) {
    auto record = parser->parse(line);
    REQUIRE(record);
    replayed.push_back(record->body);
  }
  CHECK(replayed == bodies);
  CHECK(contents(path).find("body_base64") != std::string::npos);  // the non-UTF-8 one
  std::remove(path.c_str());
}

TEST_CASE("failed output on the input file: written beside it, put in its place at close", "[cli][failed-output]") {
  const std::string path = temp_file("input");
  put(path, "r1\nr2\nr3\n");
  chmod(path.c_str(), 0604);
  const auto input = identity_of(path);
  REQUIRE(input);
  auto output = open_output({path, false, false, "\n", {*input}});
  CHECK(contents(path) == "r1\nr2\nr3\n");  // the input is still whole while it is read
  output->write("r2");
  output->flush();
  CHECK(contents(path) == "r1\nr2\nr3\n");
  output->close();
  CHECK(contents(path) == "r2\n");
  struct stat status {};
  REQUIRE(stat(path.c_str(), &status) == 0);
  CHECK((status.st_mode & 0777) == 0604);
  CHECK(files_starting(".mqsend-unit-" + std::to_string(getpid()) + "-input.mqsend-") == 0);
  std::remove(path.c_str());
}

TEST_CASE("failed output: append keeps what is there, and appending to the input is refused", "[cli][failed-output]") {
  const std::string path = temp_file("append");
  put(path, "old\n");
  auto output = open_output({path, true, false, "\n", {}});
  output->write("new");
  output->close();
  CHECK(contents(path) == "old\nnew\n");
  auto refused = FailedOutput::open({path, true, false, "\n", {*identity_of(path)}});
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == error_code::kInvalidArgument);
  CHECK(refused.error().message.find("it is the input") != std::string::npos);
  CHECK(contents(path) == "old\nnew\n");
  std::remove(path.c_str());
}

TEST_CASE("failed output: a write error is kept, and the input is not replaced then", "[cli][failed-output]") {
  auto full = open_output({"/dev/full", false, false, "\n", {}});
  full->write(std::string(1 << 16, 'x'));
  full->close();
  CHECK(full->error() == "No space left on device");
  CHECK_FALSE(FailedOutput::open({"/nonexistent/dir/file", false, false, "\n", {}}));
}
