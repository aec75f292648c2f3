#include "cli/input/base64.hpp"

#include <cstdint>

namespace mqsend::cli {

namespace {

int sextet(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

Error bad_base64(const std::string& why) {
  return Error{error_code::kInvalidArgument, "invalid base64: " + why};
}

}  // namespace

Result<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return bad_base64("length is not a multiple of 4");
  std::size_t padding = 0;
  if (!text.empty() && text.back() == '=') padding = text[text.size() - 2] == '=' ? 2 : 1;
  const std::size_t data_chars = text.size() - padding;

  std::string bytes;
  bytes.reserve(text.size() / 4 * 3);
  std::uint32_t bits = 0;
  int bit_count = 0;
  for (std::size_t i = 0; i < data_chars; ++i) {
    const int value = sextet(text[i]);
    if (value < 0) {
      return bad_base64(text[i] == '=' ? "padding before the end"
                                       : "bad character at offset " + std::to_string(i));
    }
    bits = (bits << 6) | static_cast<std::uint32_t>(value);
    bit_count += 6;
    if (bit_count >= 8) {
      bit_count -= 8;
      bytes += static_cast<char>((bits >> bit_count) & 0xFF);
    }
  }
  // What is left must be the zero fill of the last group.
  if ((bits & ((1u << bit_count) - 1)) != 0) return bad_base64("non-zero bits in the padding");
  return bytes;
}

}  // namespace mqsend::cli
