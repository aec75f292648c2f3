#include "client/remoting/json_reader.hpp"

#include <charconv>
#include <cstring>

#include <fmt/format.h>

namespace mqsend {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

void append_utf8(std::string& out, std::uint32_t code_point) {
  if (code_point < 0x80) {
    out.push_back(static_cast<char>(code_point));
  } else if (code_point < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (code_point >> 6)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else if (code_point < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (code_point >> 12)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (code_point >> 18)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  }
}

constexpr std::uint32_t kReplacementCharacter = 0xFFFD;
bool is_high_surrogate(std::uint32_t unit) { return unit >= 0xD800 && unit <= 0xDBFF; }
bool is_low_surrogate(std::uint32_t unit) { return unit >= 0xDC00 && unit <= 0xDFFF; }

}  // namespace

Error JsonReader::error(std::string_view what) const {
  return Error{error_code::kProtocolError,
               fmt::format("malformed JSON header: {} at offset {}", what, pos_)};
}

void JsonReader::skip_whitespace() {
  while (pos_ < text_.size()) {
    const char c = text_[pos_];
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
    ++pos_;
  }
}

char JsonReader::peek() {
  skip_whitespace();
  return pos_ < text_.size() ? text_[pos_] : '\0';
}

bool JsonReader::consume(char c) {
  if (peek() != c || pos_ >= text_.size()) return false;
  ++pos_;
  return true;
}

bool JsonReader::at_end() {
  skip_whitespace();
  return pos_ >= text_.size();
}

Status JsonReader::read_string(std::string& out) {
  if (!consume('"')) return error("expected a string");
  out.clear();
  // Fast path: most strings have no escapes and are copied in one go; memchr finds the
  // closing quote and any backslash before it.
  while (true) {
    const char* begin = text_.data() + pos_;
    const std::size_t left = text_.size() - pos_;
    const auto* quote = static_cast<const char*>(std::memchr(begin, '"', left));
    const std::size_t to_quote = quote == nullptr ? left : static_cast<std::size_t>(quote - begin);
    const auto* backslash = static_cast<const char*>(std::memchr(begin, '\\', to_quote));
    const std::size_t run = backslash == nullptr ? to_quote : static_cast<std::size_t>(backslash - begin);
    out.append(begin, run);
    pos_ += run;
    if (pos_ >= text_.size()) return error("unterminated string");
    if (text_[pos_] == '"') {
      ++pos_;
      return std::nullopt;
    }
    ++pos_;  // the backslash
    if (auto failure = read_escape(out)) return failure;
  }
}

Status JsonReader::read_escape(std::string& out) {
  if (pos_ >= text_.size()) return error("unterminated escape");
  const char kind = text_[pos_++];
  switch (kind) {
    case '"': out.push_back('"'); return std::nullopt;
    case '\\': out.push_back('\\'); return std::nullopt;
    case '/': out.push_back('/'); return std::nullopt;
    case 'b': out.push_back('\b'); return std::nullopt;
    case 'f': out.push_back('\f'); return std::nullopt;
    case 'n': out.push_back('\n'); return std::nullopt;
    case 'r': out.push_back('\r'); return std::nullopt;
    case 't': out.push_back('\t'); return std::nullopt;
    case 'u': break;
    default: return error("invalid escape");
  }
  std::uint32_t unit = 0;
  if (auto failure = read_hex4(unit)) return failure;
  if (is_high_surrogate(unit) && text_.substr(pos_, 2) == "\\u") {
    const std::size_t before_low = pos_;
    pos_ += 2;
    std::uint32_t low = 0;
    if (auto failure = read_hex4(low)) return failure;
    if (is_low_surrogate(low)) {
      append_utf8(out, 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00));
      return std::nullopt;
    }
    pos_ = before_low;  // not a pair: the second escape is decoded on its own
  }
  // Java strings may hold unpaired surrogates; they have no UTF-8 form.
  const bool lone_surrogate = is_high_surrogate(unit) || is_low_surrogate(unit);
  append_utf8(out, lone_surrogate ? kReplacementCharacter : unit);
  return std::nullopt;
}

Status JsonReader::read_hex4(std::uint32_t& out) {
  if (text_.size() - pos_ < 4) return error("truncated \\u escape");
  out = 0;
  for (int i = 0; i < 4; ++i) {
    const char c = text_[pos_++];
    std::uint32_t nibble = 0;
    if (c >= '0' && c <= '9') {
      nibble = static_cast<std::uint32_t>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      nibble = static_cast<std::uint32_t>(c - 'a' + 10);
    } else if (c >= 'A' && c <= 'F') {
      nibble = static_cast<std::uint32_t>(c - 'A' + 10);
    } else {
      return error("invalid hex digit in \\u escape");
    }
    out = (out << 4) | nibble;
  }
  return std::nullopt;
}

Status JsonReader::read_number(std::string_view& token) {
  skip_whitespace();
  const std::size_t start = pos_;
  const auto digits = [this] {
    const std::size_t first = pos_;
    while (pos_ < text_.size() && is_digit(text_[pos_])) ++pos_;
    return pos_ - first;
  };
  if (pos_ < text_.size() && text_[pos_] == '-') ++pos_;
  const std::size_t integer_start = pos_;
  const std::size_t integer_digits = digits();
  if (integer_digits == 0) return error("expected a number");
  if (integer_digits > 1 && text_[integer_start] == '0') return error("leading zero in a number");
  if (pos_ < text_.size() && text_[pos_] == '.') {
    ++pos_;
    if (digits() == 0) return error("expected digits after '.'");
  }
  if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
    ++pos_;
    if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
    if (digits() == 0) return error("expected digits in exponent");
  }
  token = text_.substr(start, pos_ - start);
  return std::nullopt;
}

Status JsonReader::read_int32(std::int32_t& out) {
  std::string quoted;
  std::string_view token;
  if (peek() == '"') {
    if (auto failure = read_string(quoted)) return failure;
    token = quoted;
  } else if (auto failure = read_number(token)) {
    return failure;
  }
  const auto result = std::from_chars(token.data(), token.data() + token.size(), out);
  if (result.ec != std::errc() || result.ptr != token.data() + token.size()) {
    return error(fmt::format("expected a 32-bit integer, got '{}'", token));
  }
  return std::nullopt;
}

Status JsonReader::read_literal(std::string_view word) {
  skip_whitespace();
  if (text_.substr(pos_, word.size()) != word) return error(fmt::format("expected '{}'", word));
  pos_ += word.size();
  return std::nullopt;
}

Status JsonReader::skip_value(int depth) {
  std::string scratch;
  std::string_view token;
  switch (peek()) {
    case '"': return read_string(scratch);
    case '{': ++pos_; return skip_container('}', depth + 1);
    case '[': ++pos_; return skip_container(']', depth + 1);
    case 't': return read_literal("true");
    case 'f': return read_literal("false");
    case 'n': return read_literal("null");
    default: return read_number(token);
  }
}

Status JsonReader::skip_container(char close, int depth) {
  if (depth > kMaxDepth) return error("nesting too deep");
  if (consume(close)) return std::nullopt;
  std::string key;
  do {
    if (close == '}') {
      if (auto failure = read_string(key)) return failure;
      if (!consume(':')) return error("expected ':'");
    }
    if (auto failure = skip_value(depth)) return failure;
  } while (consume(','));
  if (!consume(close)) return error(fmt::format("expected ',' or '{}'", close));
  return std::nullopt;
}

}  // namespace mqsend
