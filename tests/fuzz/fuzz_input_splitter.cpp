// Fuzz target: the CLI's input path — a delimited stream through DelimitedSource, each record
// through RecordParser — with settings taken from the input's first bytes.
//
// Input layout:
//   byte 0      bit 0: --input json
//   byte 1      record size limit (0: none)
//   bytes 2..5  read chunk sizes, each byte + 1, cycled
//   3 specs     record delimiter (-D), key delimiter (-K), tag delimiter (--tag-delimiter):
//               a length byte (mod 16) then that many bytes of spec as typed on the command
//               line; an empty record delimiter spec means the default "\n", an empty key or
//               tag spec means no such delimiter
//   the rest    the stream
//
// Invariants: the stream read in small chunks gives the same records as read whole; the
// records, joined with the delimiter, give back the stream (empty records and the CR of CRLF
// aside); every record is parsed or rejected with a message; what parses is consistent with
// the raw record (JSON records survive a round trip through their own JSON form).
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "cli/input/delimited_source.hpp"
#include "cli/input/delimiter.hpp"
#include "cli/input/json_record.hpp"
#include "cli/input/record_parser.hpp"
#include "require.hpp"
#include "retry_interrupted.hpp"
#include "client/common/base64.hpp"

namespace {

using mqsend::fuzz::require;
using mqsend::cli::DelimitedSource;
using mqsend::cli::InputRecord;
using mqsend::cli::ParsedRecord;
using mqsend::cli::RecordParser;

constexpr std::size_t kChunkSizeCount = 4;

// Takes fields off the front of the fuzz input.
class InputCursor {
 public:
  explicit InputCursor(std::string_view input) : rest_(input) {}

  std::optional<std::uint8_t> byte() {
    if (rest_.empty()) return std::nullopt;
    const auto value = static_cast<std::uint8_t>(rest_.front());
    rest_.remove_prefix(1);
    return value;
  }
  std::optional<std::string_view> spec() {
    const auto length = byte();
    if (!length || rest_.size() < *length % 16u) return std::nullopt;
    const std::string_view spec = rest_.substr(0, *length % 16u);
    rest_.remove_prefix(spec.size());
    return spec;
  }
  std::string_view rest() const { return rest_; }

 private:
  std::string_view rest_;
};

struct Settings {
  std::size_t max_record_bytes = 0;
  std::vector<std::size_t> read_chunks;
  std::string delimiter;
  mqsend::cli::RecordFormat format;
};

// A delimiter spec the CLI would refuse ends the run; its error must say why.
std::optional<std::string> decode_spec(std::string_view spec) {
  auto bytes = mqsend::cli::parse_delimiter(spec);
  if (!bytes) {
    require(!bytes.error().message.empty());
    return std::nullopt;
  }
  require(!bytes->empty());
  return std::move(bytes.value());
}

std::optional<Settings> read_settings(InputCursor& cursor) {
  Settings settings;
  const auto flags = cursor.byte();
  const auto limit = cursor.byte();
  if (!flags || !limit) return std::nullopt;
  settings.format.json_input = (*flags & 1) != 0;
  settings.max_record_bytes = *limit;
  for (std::size_t i = 0; i < kChunkSizeCount; ++i) {
    const auto size = cursor.byte();
    if (!size) return std::nullopt;
    settings.read_chunks.push_back(std::size_t{*size} + 1);
  }
  const auto record_spec = cursor.spec();
  const auto key_spec = cursor.spec();
  const auto tag_spec = cursor.spec();
  if (!record_spec || !key_spec || !tag_spec) return std::nullopt;
  const auto delimiter = decode_spec(record_spec->empty() ? "\\n" : *record_spec);
  if (!delimiter) return std::nullopt;
  settings.delimiter = *delimiter;
  if (!key_spec->empty()) {
    if (!(settings.format.key_delimiter = decode_spec(*key_spec))) return std::nullopt;
  }
  if (!tag_spec->empty()) {
    if (!(settings.format.tag_delimiter = decode_spec(*tag_spec))) return std::nullopt;
  }
  return settings;
}

std::vector<InputRecord> drain(DelimitedSource& source) {
  std::vector<InputRecord> records;
  while (auto record = source.next()) records.push_back(std::move(*record));
  require(source.error().empty());
  return records;
}

// The stream as a file: DelimitedSource reads it in its own (large) chunks.
std::vector<InputRecord> read_whole(std::string_view stream, const Settings& settings) {
  mqsend::cli::FileDescriptor file(memfd_create("fuzz-input", MFD_CLOEXEC));
  require(file.get() >= 0);
  require(write(file.get(), stream.data(), stream.size()) == static_cast<ssize_t>(stream.size()));
  require(lseek(file.get(), 0, SEEK_SET) == 0);
  DelimitedSource source(std::move(file), settings.delimiter, settings.max_record_bytes);
  return drain(source);
}

// The stream through a packet socket: every read returns exactly one chunk as written.
std::vector<InputRecord> read_chunked(std::string_view stream, const Settings& settings) {
  int sockets[2];
  require(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sockets) == 0);
  std::thread writer([&] {
    std::size_t turn = 0;
    for (std::size_t at = 0; at < stream.size();) {
      const std::size_t size = std::min(settings.read_chunks[turn++ % kChunkSizeCount], stream.size() - at);
      const ssize_t sent = mqsend::fuzz::retry_interrupted(
          [&] { return send(sockets[1], stream.data() + at, size, MSG_NOSIGNAL); });
      if (sent != static_cast<ssize_t>(size)) break;
      at += size;
    }
    close(sockets[1]);
  });
  DelimitedSource source(sockets[0], settings.delimiter, settings.max_record_bytes);
  const auto records = drain(source);
  shutdown(sockets[0], SHUT_RDWR);  // a writer still blocked (it should not be) gives up
  writer.join();
  close(sockets[0]);
  return records;
}

bool same_records(const std::vector<InputRecord>& a, const std::vector<InputRecord>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].index != b[i].index || a[i].raw != b[i].raw || a[i].size != b[i].size ||
        a[i].oversized != b[i].oversized) {
      return false;
    }
  }
  return true;
}

// Walks the stream record by record: between records only empty ones (a bare delimiter, or
// CR LF with the newline delimiter), each record ends at the first delimiter after its start,
// and nothing but empty records follows the last one.
void check_records_rebuild_stream(std::string_view stream, const Settings& settings,
                                  const std::vector<InputRecord>& records) {
  const std::string& delimiter = settings.delimiter;
  const bool newline = delimiter == "\n";
  std::size_t at = 0;
  auto skip_empty_records = [&] {
    for (;;) {
      const std::string_view rest = stream.substr(at);
      if (rest.substr(0, delimiter.size()) == delimiter) {
        at += delimiter.size();
      } else if (newline && rest.substr(0, 2) == "\r\n") {
        at += 2;
      } else {
        return;
      }
    }
  };
  for (std::size_t i = 0; i < records.size(); ++i) {
    const InputRecord& record = records[i];
    require(record.index == i);
    skip_empty_records();
    require(at < stream.size());
    const std::size_t end = std::min(stream.find(delimiter, at), stream.size());
    std::string_view content = stream.substr(at, end - at);
    if (newline && end < stream.size() && !content.empty() && content.back() == '\r') {
      content.remove_suffix(1);
    }
    require(!content.empty());
    require(record.size == content.size());
    if (settings.max_record_bytes > 0 && content.size() > settings.max_record_bytes) {
      require(record.oversized && record.raw.empty());
    } else {
      require(!record.oversized && record.raw == content);
    }
    at = end == stream.size() ? end : end + delimiter.size();
  }
  skip_empty_records();
  require(at == stream.size());
}

// Delimited records, as record_parser.hpp documents them: KEYS<kd>TAG<td>BODY, each delimiter
// taken at its first occurrence in what the one before left.
void check_delimited_fields(std::string_view raw, const ParsedRecord& parsed,
                            const mqsend::cli::RecordFormat& format) {
  require(parsed.properties.empty() && !parsed.delay_level);
  std::string_view rest = raw;
  const std::size_t key_end = format.key_delimiter ? rest.find(*format.key_delimiter) : std::string_view::npos;
  if (key_end != std::string_view::npos) {
    std::size_t key_bytes = 0;
    for (const auto& key : parsed.keys) {
      require(!key.empty() && key.find(',') == std::string::npos);
      key_bytes += key.size();
    }
    require(key_bytes <= key_end);
    rest.remove_prefix(key_end + format.key_delimiter->size());
  } else {
    require(parsed.keys.empty());
  }
  const std::size_t tag_end = format.tag_delimiter ? rest.find(*format.tag_delimiter) : std::string_view::npos;
  require(parsed.tags.has_value() == (tag_end != std::string_view::npos));
  if (parsed.tags) {
    require(*parsed.tags == rest.substr(0, tag_end));
    rest.remove_prefix(tag_end + format.tag_delimiter->size());
  }
  require(parsed.body == rest);
}

// The record written back as JSON (binary bodies as base64) must parse to the same fields.
void check_json_round_trip(const ParsedRecord& parsed) {
  nlohmann::json object = nlohmann::json::object();
  if (parsed.tags) object["tags"] = *parsed.tags;
  if (!parsed.keys.empty()) object["keys"] = parsed.keys;
  if (!parsed.properties.empty()) object["properties"] = parsed.properties;
  if (parsed.delay_level) object["delay"] = *parsed.delay_level;
  std::string text;
  try {
    object["body"] = parsed.body;
    text = object.dump();
  } catch (const nlohmann::json::type_error&) {  // not UTF-8
    object.erase("body");
    object["body_base64"] = mqsend::base64_encode(parsed.body);
    text = object.dump();
  }
  const auto again = mqsend::cli::parse_json_record(text);
  require(again.ok() && again->body == parsed.body && again->tags == parsed.tags &&
          again->keys == parsed.keys && again->properties == parsed.properties &&
          again->delay_level == parsed.delay_level);
}

void check_parsing(const std::vector<InputRecord>& records, const Settings& settings) {
  auto parser = RecordParser::create(settings.format);
  if (!parser) {
    require(!parser.error().message.empty());
    return;
  }
  for (const auto& record : records) {
    if (record.oversized) {
      require(!mqsend::cli::oversized_record_error(record, settings.max_record_bytes).message.empty());
      continue;
    }
    auto parsed = parser->parse(record.raw);
    if (!parsed) {
      require(parsed.error().code == mqsend::error_code::kInvalidArgument &&
              !parsed.error().message.empty());
      continue;
    }
    if (settings.format.json_input) {
      check_json_round_trip(*parsed);
    } else {
      check_delimited_fields(record.raw, *parsed, settings.format);
    }
    mqsend::Message message;
    const std::string body = parsed->body;
    mqsend::cli::apply_record(std::move(parsed.value()), message);
    require(message.body == body);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  InputCursor cursor(std::string_view(reinterpret_cast<const char*>(data), size));
  const auto settings = read_settings(cursor);
  if (!settings) return 0;
  const std::string_view stream = cursor.rest();
  const auto records = read_whole(stream, *settings);
  require(same_records(read_chunked(stream, *settings), records));
  check_records_rebuild_stream(stream, *settings, records);
  check_parsing(records, *settings);
  return 0;
}
