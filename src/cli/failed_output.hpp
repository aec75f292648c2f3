#pragma once
// --failed-output FILE: the records that finally failed, written so that a run over FILE with
// the same flags sends those records again, and nothing else. This makes the retry loop
//   until mqsend -t T -l pending --failed-output pending; do sleep 5; done
// safe:
// - Stream records (stdin, -l) go out as read, each followed by the input delimiter. A record
//   holds no delimiter, so FILE splits into the same records again.
// - -m and --file bodies may hold the delimiter or any bytes. They go out as JSON lines,
//   {"body":"..."} (or {"body_base64":"..."} when not UTF-8), replayed with
//   `-l FILE --input json`.
// - A record whose bytes were dropped as read (over --max-size by more than the record
//   slack) cannot be written. Its failure line on stderr says so.
// - FILE is truncated at the start, or appended to with --failed-output-append.
// - When FILE is the input itself (the same file as -l, --file or a redirected stdin), the
//   records go to a temporary file beside it, which replaces FILE at the end: the input is
//   read whole before it is replaced. With several inputs (-l a -l b), FILE may be any of them
//   and gets the failures of all. Appending to the input is refused: the run would read
//   its own appends.
#include <sys/types.h>

#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client/common/error.hpp"

namespace mqsend::cli {

// A file as the kernel knows it: the same pair is the same file, whatever the path.
struct FileIdentity {
  dev_t device = 0;
  ino_t inode = 0;
  bool operator==(const FileIdentity& other) const {
    return device == other.device && inode == other.inode;
  }
};

// The identity of the file at `path`, or of the file open on `fd`; nullopt when there is none.
std::optional<FileIdentity> identity_of(const std::string& path);
std::optional<FileIdentity> identity_of(int fd);

struct FailedOutputOptions {
  std::string path;
  bool append = false;
  bool json_lines = false;   // -m / --file bodies; otherwise raw records + delimiter
  std::string delimiter;     // after each raw record
  std::vector<FileIdentity> inputs;  // the files being read (a redirected stdin included)
};

class FailedOutput {
 public:
  // Opens (creates) the file; a usage error (kInvalidArgument) names the path and the reason.
  static Result<std::unique_ptr<FailedOutput>> open(FailedOutputOptions options);
  ~FailedOutput();
  FailedOutput(const FailedOutput&) = delete;
  FailedOutput& operator=(const FailedOutput&) = delete;

  // Writes one failed record, as read.
  void write(std::string_view raw);
  // Pushes buffered records to the file.
  void flush();
  // Flushes and closes, then puts a temporary file in place of the input. Idempotent.
  void close();

  // The first write error ("No space left on device"), or "" when every record got there.
  const std::string& error() const { return error_; }
  const std::string& path() const { return options_.path; }

 private:
  FailedOutput(FailedOutputOptions options, std::FILE* file, std::string temporary_path);
  void note_error();

  FailedOutputOptions options_;
  std::FILE* file_;
  std::string temporary_path_;  // non-empty while the output replaces the input at close()
  std::string error_;
};

}  // namespace mqsend::cli
