#include "cli/input/record_parser.hpp"

#include "cli/input/json_record.hpp"

namespace mqsend::cli {

namespace {

// Splits `rest` at the first `delimiter`: the text before it, and `rest` left after it.
std::optional<std::string_view> take_field(std::string_view& rest, const std::string& delimiter) {
  const std::size_t at = rest.find(delimiter);
  if (at == std::string_view::npos) return std::nullopt;
  const std::string_view field = rest.substr(0, at);
  rest.remove_prefix(at + delimiter.size());
  return field;
}

}  // namespace

Result<RecordParser> RecordParser::create(RecordFormat format) {
  if ((format.key_delimiter && format.key_delimiter->empty()) ||
      (format.tag_delimiter && format.tag_delimiter->empty())) {
    return Error{error_code::kInvalidArgument, "a key or tag delimiter cannot be empty"};
  }
  if (format.json_input && (format.key_delimiter || format.tag_delimiter)) {
    return Error{error_code::kInvalidArgument,
                 "JSON input carries keys and tags itself: drop the key/tag delimiter"};
  }
  return RecordParser(std::move(format));
}

Result<ParsedRecord> RecordParser::parse(std::string_view raw) const {
  if (format_.json_input) return parse_json_record(raw);
  ParsedRecord record;
  if (format_.key_delimiter) {
    if (auto keys = take_field(raw, *format_.key_delimiter)) record.keys = split_key_list(*keys);
  }
  if (format_.tag_delimiter) {
    if (auto tags = take_field(raw, *format_.tag_delimiter)) record.tags = std::string(*tags);
  }
  record.body = std::string(raw);
  return record;
}

}  // namespace mqsend::cli
