#include "client/remoting/header_codec.hpp"

#include <limits>

#include <fmt/format.h>

#include "client/remoting/binary_bytes.hpp"
#include "client/remoting/json_reader.hpp"
#include "client/remoting/json_writer.hpp"

namespace mqsend {

namespace {

// ---- JSON ----------------------------------------------------------------------------------

// Unknown language names and ordinals decode as OTHER: a peer's language is informational only,
// and refusing a frame over it would be worse than Java's null.
constexpr auto kLanguageCount = static_cast<std::int32_t>(LanguageCode::kNodeJs) + 1;

Status read_language(JsonReader& reader, LanguageCode& out) {
  if (reader.peek() == '"') {
    std::string name;
    if (auto failure = reader.read_string(name)) return failure;
    out = language_from_name(name).value_or(LanguageCode::kOther);
    return std::nullopt;
  }
  std::int32_t ordinal = 0;
  if (auto failure = reader.read_int32(ordinal)) return failure;
  out = ordinal >= 0 && ordinal < kLanguageCount ? static_cast<LanguageCode>(ordinal)
                                                  : LanguageCode::kOther;
  return std::nullopt;
}

// An extFields value: strings as they are, numbers and booleans as their JSON text (fastjson
// coerces them the same way), null means no entry (`present` = false).
Status read_ext_value(JsonReader& reader, std::string& out, bool& present) {
  present = true;
  switch (reader.peek()) {
    case '"': return reader.read_string(out);
    case 't': out = "true"; return reader.read_literal("true");
    case 'f': out = "false"; return reader.read_literal("false");
    case 'n': present = false; return reader.read_literal("null");
    case '{':
    case '[': return reader.error("extFields values must be strings, numbers or booleans");
    default: {
      std::string_view token;
      if (auto failure = reader.read_number(token)) return failure;
      out.assign(token.data(), token.size());
      return std::nullopt;
    }
  }
}

Status read_ext_fields(JsonReader& reader, std::map<std::string, std::string>& fields) {
  if (reader.peek() == 'n') return reader.read_literal("null");
  if (!reader.consume('{')) return reader.error("extFields must be an object");
  if (reader.consume('}')) return std::nullopt;
  std::string key;
  std::string value;
  do {
    if (auto failure = reader.read_string(key)) return failure;
    if (!reader.consume(':')) return reader.error("expected ':' in extFields");
    bool present = false;
    if (auto failure = read_ext_value(reader, value, present)) return failure;
    // Peers write keys sorted (fastjson), so the end is the usual hint.
    if (present) fields.insert_or_assign(fields.end(), key, std::move(value));
    else fields.erase(key);
  } while (reader.consume(','));
  if (!reader.consume('}')) return reader.error("expected ',' or '}' in extFields");
  return std::nullopt;
}

Status read_remark(JsonReader& reader, std::optional<std::string>& remark) {
  if (reader.peek() == 'n') {
    remark.reset();
    return reader.read_literal("null");
  }
  std::string text;
  if (auto failure = reader.read_string(text)) return failure;
  remark = std::move(text);
  return std::nullopt;
}

// A null integer field keeps its default, like a missing one.
Status read_int_field(JsonReader& reader, std::int32_t& out) {
  if (reader.peek() == 'n') return reader.read_literal("null");
  return reader.read_int32(out);
}

// string_view comparisons: sizes first, no strlen per candidate key.
Status read_member(JsonReader& reader, std::string_view key, RemotingCommand& command) {
  if (key == "code") return read_int_field(reader, command.code);
  if (key == "flag") return read_int_field(reader, command.flag);
  if (key == "opaque") return read_int_field(reader, command.opaque);
  if (key == "version") return read_int_field(reader, command.version);
  if (key == "language") {
    if (reader.peek() == 'n') return reader.read_literal("null");
    return read_language(reader, command.language);
  }
  if (key == "remark") return read_remark(reader, command.remark);
  if (key == "extFields") return read_ext_fields(reader, command.ext_fields);
  // serializeTypeCurrentRPC is overridden by the frame's type byte; other keys are not ours.
  return reader.skip_value();
}

std::size_t estimated_json_size(const RemotingCommand& command) {
  constexpr std::size_t kFixedPart = 160;  // keys, punctuation and integers
  std::size_t size = kFixedPart + (command.remark ? command.remark->size() + 12 : 0);
  // Escapes can grow a value; 1/8 slack covers the two separators per property pair.
  for (const auto& [key, value] : command.ext_fields) size += key.size() + value.size() * 9 / 8 + 6;
  return size;
}

// ---- ROCKETMQ binary -----------------------------------------------------------------------

constexpr std::size_t kBinaryFixedPart = 2 + 1 + 2 + 4 + 4;  // code, language, version, opaque, flag

// Empty strings cannot be sent: Java decodes a zero length as null.
bool is_encodable_entry(const std::string& key, const std::string& value) {
  return !key.empty() && key.size() <= static_cast<std::size_t>(std::numeric_limits<std::int16_t>::max()) &&
         !value.empty();
}

Error binary_error(std::string_view what) {
  return Error{error_code::kProtocolError, fmt::format("malformed ROCKETMQ header: {}", what)};
}

// Bounds-checked cursor over the binary header.
class BinaryCursor {
 public:
  explicit BinaryCursor(std::string_view bytes) : bytes_(bytes) {}

  std::size_t remaining() const { return bytes_.size() - pos_; }
  bool read_u8(std::uint8_t& out) {
    if (remaining() < 1) return false;
    out = static_cast<std::uint8_t>(bytes_[pos_++]);
    return true;
  }
  bool read_i16(std::int16_t& out) {
    if (remaining() < 2) return false;
    out = static_cast<std::int16_t>(load_be16(bytes_.data() + pos_));
    pos_ += 2;
    return true;
  }
  bool read_i32(std::int32_t& out) {
    if (remaining() < 4) return false;
    out = static_cast<std::int32_t>(load_be32(bytes_.data() + pos_));
    pos_ += 4;
    return true;
  }
  // `length` bytes; fails on a negative length or one beyond the end.
  bool read_bytes(std::int64_t length, std::string_view& out) {
    if (length < 0 || static_cast<std::uint64_t>(length) > remaining()) return false;
    out = bytes_.substr(pos_, static_cast<std::size_t>(length));
    pos_ += static_cast<std::size_t>(length);
    return true;
  }

 private:
  std::string_view bytes_;
  std::size_t pos_ = 0;
};

Status decode_binary_ext_fields(std::string_view entries, std::map<std::string, std::string>& fields) {
  BinaryCursor cursor(entries);
  while (cursor.remaining() > 0) {
    std::int16_t key_length = 0;
    std::int32_t value_length = 0;
    std::string_view key;
    std::string_view value;
    if (!cursor.read_i16(key_length)) return binary_error("truncated extFields key length");
    if (!cursor.read_bytes(key_length, key)) {
      return binary_error(fmt::format("extFields key length {} out of bounds", key_length));
    }
    if (!cursor.read_i32(value_length)) return binary_error("truncated extFields value length");
    if (!cursor.read_bytes(value_length, value)) {
      return binary_error(fmt::format("extFields value length {} out of bounds", value_length));
    }
    // Java decodes zero lengths as null and drops such entries.
    if (!key.empty() && !value.empty()) fields.insert_or_assign(std::string(key), std::string(value));
  }
  return std::nullopt;
}

template <typename Visit>
void for_each_ext_field(const RemotingCommand& command, const ExtFieldOrder* order, Visit visit) {
  if (order) {
    for (const auto* entry : *order) visit(entry->first, entry->second);
  } else {
    for (const auto& [key, value] : command.ext_fields) visit(key, value);
  }
}

}  // namespace

void encode_json_header(const RemotingCommand& command, std::string& out, const ExtFieldOrder* order) {
  out.reserve(out.size() + estimated_json_size(command));
  // Keys in fastjson's alphabetical order (protocol reference 10.1).
  out += "{\"code\":";
  append_json_int(out, command.code);
  if (!command.ext_fields.empty() || command.empty_ext_fields_written) {
    out += ",\"extFields\":{";
    bool first = true;
    for_each_ext_field(command, order, [&out, &first](const std::string& key, const std::string& value) {
      if (!first) out.push_back(',');
      first = false;
      append_json_string(out, key);
      out.push_back(':');
      append_json_string(out, value);
    });
    out.push_back('}');
  }
  out += ",\"flag\":";
  append_json_int(out, command.flag);
  out += ",\"language\":\"";
  out += language_name(command.language);  // names are plain ASCII
  out += "\",\"opaque\":";
  append_json_int(out, command.opaque);
  if (command.remark) {
    out += ",\"remark\":";
    append_json_string(out, *command.remark);
  }
  out += ",\"serializeTypeCurrentRPC\":\"JSON\",\"version\":";
  append_json_int(out, command.version);
  out.push_back('}');
}

Status decode_json_header(std::string_view header, RemotingCommand& command) {
  JsonReader reader(header);
  if (!reader.consume('{')) return reader.error("expected '{'");
  if (!reader.consume('}')) {
    std::string key;
    do {
      if (auto failure = reader.read_string(key)) return failure;
      if (!reader.consume(':')) return reader.error("expected ':'");
      if (auto failure = read_member(reader, key, command)) return failure;
    } while (reader.consume(','));
    if (!reader.consume('}')) return reader.error("expected ',' or '}'");
  }
  // Whitespace after the object is fine (rocketmq-client-cpp appends "\n"); anything else is not.
  if (!reader.at_end()) return reader.error("unexpected bytes after the header object");
  return std::nullopt;
}

void encode_binary_header(const RemotingCommand& command, std::string& out,
                          const ExtFieldOrder* order) {
  const bool has_remark = command.remark && !command.remark->empty();
  std::size_t ext_length = 0;
  for (const auto& [key, value] : command.ext_fields) {
    if (is_encodable_entry(key, value)) ext_length += 2 + key.size() + 4 + value.size();
  }
  out.reserve(out.size() + kBinaryFixedPart + 4 + (has_remark ? command.remark->size() : 0) + 4 +
              ext_length);
  // code and version are shorts on the wire; Java narrows them the same way.
  append_be16(out, static_cast<std::uint16_t>(command.code));
  out.push_back(static_cast<char>(command.language));
  append_be16(out, static_cast<std::uint16_t>(command.version));
  append_be32(out, static_cast<std::uint32_t>(command.opaque));
  append_be32(out, static_cast<std::uint32_t>(command.flag));
  if (has_remark) {
    append_be32(out, static_cast<std::uint32_t>(command.remark->size()));
    out += *command.remark;
  } else {
    append_be32(out, 0);
  }
  append_be32(out, static_cast<std::uint32_t>(ext_length));
  for_each_ext_field(command, order, [&out](const std::string& key, const std::string& value) {
    if (!is_encodable_entry(key, value)) return;
    append_be16(out, static_cast<std::uint16_t>(key.size()));
    out += key;
    append_be32(out, static_cast<std::uint32_t>(value.size()));
    out += value;
  });
}

Status decode_binary_header(std::string_view header, RemotingCommand& command) {
  BinaryCursor cursor(header);
  std::int16_t code = 0;
  std::uint8_t language = 0;
  std::int16_t version = 0;
  if (!cursor.read_i16(code) || !cursor.read_u8(language) || !cursor.read_i16(version) ||
      !cursor.read_i32(command.opaque) || !cursor.read_i32(command.flag)) {
    return binary_error(fmt::format("{} bytes is shorter than the fixed fields", header.size()));
  }
  command.code = code;
  command.version = version;
  command.language = language < kLanguageCount ? static_cast<LanguageCode>(language)
                                               : LanguageCode::kOther;

  std::int32_t remark_length = 0;
  std::string_view remark;
  if (!cursor.read_i32(remark_length)) return binary_error("truncated remark length");
  if (!cursor.read_bytes(remark_length, remark)) {
    return binary_error(fmt::format("remark length {} out of bounds", remark_length));
  }
  if (remark.empty()) command.remark.reset();
  else command.remark = std::string(remark);

  std::int32_t ext_length = 0;
  std::string_view entries;
  if (!cursor.read_i32(ext_length)) return binary_error("truncated extFields length");
  if (!cursor.read_bytes(ext_length, entries)) {
    return binary_error(fmt::format("extFields length {} out of bounds", ext_length));
  }
  // Bytes after the entries are ignored, as the Java decoder does.
  return decode_binary_ext_fields(entries, command.ext_fields);
}

}  // namespace mqsend
