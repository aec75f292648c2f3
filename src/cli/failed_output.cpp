#include "cli/failed_output.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <nlohmann/json.hpp>

#include "client/common/base64.hpp"

namespace mqsend::cli {

namespace {

std::optional<FileIdentity> identity(const struct stat& status) {
  return FileIdentity{status.st_dev, status.st_ino};
}

Error cannot_write(const std::string& path, const std::string& why) {
  return Error{error_code::kInvalidArgument, "cannot write --failed-output " + path + ": " + why};
}

// A body as one JSON line that --input json reads back byte for byte.
std::string json_line(std::string_view body) {
  nlohmann::json record{{"body", std::string(body)}};
  try {
    return record.dump(-1, ' ', false, nlohmann::json::error_handler_t::strict);
  } catch (const nlohmann::json::type_error&) {  // not UTF-8
    return nlohmann::json{{"body_base64", base64_encode(body)}}.dump();
  }
}

// A temporary file in `path`'s directory (rename(2) stays within one file system), with the
// permissions of the file it will replace.
Result<std::pair<std::FILE*, std::string>> open_temporary_beside(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  const std::string directory = slash == std::string::npos ? "" : path.substr(0, slash + 1);
  const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  std::string temporary = directory + "." + name + ".mqsend-XXXXXX";
  const int fd = mkstemp(temporary.data());
  if (fd < 0) return cannot_write(path, std::string("temporary file: ") + std::strerror(errno));
  struct stat original {};
  if (stat(path.c_str(), &original) == 0) fchmod(fd, original.st_mode & 07777);
  std::FILE* file = fdopen(fd, "wb");
  if (file == nullptr) {
    const int saved = errno;
    ::close(fd);
    unlink(temporary.c_str());
    return cannot_write(path, std::strerror(saved));
  }
  return std::make_pair(file, temporary);
}

}  // namespace

std::optional<FileIdentity> identity_of(const std::string& path) {
  struct stat status {};
  if (stat(path.c_str(), &status) != 0) return std::nullopt;
  return identity(status);
}

std::optional<FileIdentity> identity_of(int fd) {
  struct stat status {};
  if (fstat(fd, &status) != 0 || !S_ISREG(status.st_mode)) return std::nullopt;
  return identity(status);
}

Result<std::unique_ptr<FailedOutput>> FailedOutput::open(FailedOutputOptions options) {
  const auto existing = identity_of(options.path);
  const bool is_input =
      existing && std::find(options.inputs.begin(), options.inputs.end(), *existing) != options.inputs.end();
  if (is_input && options.append) {
    return cannot_write(options.path, "it is the input, and appending to it would feed the "
                                      "run its own failures (drop --failed-output-append)");
  }
  std::FILE* file = nullptr;
  std::string temporary;
  if (is_input) {
    auto opened = open_temporary_beside(options.path);
    if (!opened) return opened.error();
    std::tie(file, temporary) = opened.value();
  } else {
    file = std::fopen(options.path.c_str(), options.append ? "ab" : "wb");
    if (file == nullptr) return cannot_write(options.path, std::strerror(errno));
  }
  return std::unique_ptr<FailedOutput>(new FailedOutput(std::move(options), file, std::move(temporary)));
}

FailedOutput::FailedOutput(FailedOutputOptions options, std::FILE* file, std::string temporary_path)
    : options_(std::move(options)), file_(file), temporary_path_(std::move(temporary_path)) {}

FailedOutput::~FailedOutput() { close(); }

void FailedOutput::write(std::string_view raw) {
  if (file_ == nullptr) return;
  const std::string line = options_.json_lines ? json_line(raw) : std::string();
  const std::string_view record = options_.json_lines ? std::string_view(line) : raw;
  const std::string_view end = options_.json_lines ? std::string_view("\n") : options_.delimiter;
  if (std::fwrite(record.data(), 1, record.size(), file_) != record.size() ||
      std::fwrite(end.data(), 1, end.size(), file_) != end.size()) {
    note_error();
  }
}

void FailedOutput::flush() {
  if (file_ != nullptr && std::fflush(file_) != 0) note_error();
}

void FailedOutput::close() {
  if (file_ == nullptr) return;
  flush();
  if (std::fclose(file_) != 0) note_error();
  file_ = nullptr;
  if (temporary_path_.empty()) return;
  // The input keeps its records when the failed ones could not all be written.
  if (error_.empty() && std::rename(temporary_path_.c_str(), options_.path.c_str()) != 0) note_error();
  if (!error_.empty()) unlink(temporary_path_.c_str());
  temporary_path_.clear();
}

void FailedOutput::note_error() {
  if (error_.empty()) error_ = std::strerror(errno);
}

}  // namespace mqsend::cli
