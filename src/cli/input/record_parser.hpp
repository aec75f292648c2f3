#pragma once
// Turns one raw input record into what to send.
//
// Delimited records (kcat style), with -K/--key-delimiter and/or --tag-delimiter:
//   KEY<kd>TAG<td>BODY
// - The key delimiter is applied first, at its FIRST occurrence: the text before it is the
//   key list (comma-separated, as --keys; empty parts dropped), the rest goes on. A record
//   without the key delimiter has no key of its own (kcat does the same): -k applies.
// - The tag delimiter is then applied to what is left, at its first occurrence: the text
//   before it is the tag (possibly empty, which clears --tags), the rest is the body. A
//   record without it keeps --tags and is all body.
// - Later occurrences of either delimiter belong to the body.
// Without either delimiter the body is the raw record, byte for byte.
//
// JSON records (--input json): see json_record.hpp; delimiters cannot be combined with it.
#include <optional>
#include <string>
#include <string_view>

#include "cli/input/parsed_record.hpp"
#include "client/common/error.hpp"

namespace mqsend::cli {

struct RecordFormat {
  std::optional<std::string> key_delimiter;  // decoded bytes (see parse_delimiter)
  std::optional<std::string> tag_delimiter;
  bool json_input = false;
};

class RecordParser {
 public:
  // Rejects (kInvalidArgument) empty delimiters and delimiters combined with JSON input.
  static Result<RecordParser> create(RecordFormat format);
  // The raw record is the body: -m, --file and repeated bodies.
  RecordParser() = default;

  // Errors are kInvalidArgument; the message names the problem, not the record index.
  Result<ParsedRecord> parse(std::string_view raw) const;

 private:
  explicit RecordParser(RecordFormat format) : format_(std::move(format)) {}

  RecordFormat format_;
};

}  // namespace mqsend::cli
