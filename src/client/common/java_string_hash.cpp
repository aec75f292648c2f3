#include "client/common/java_string_hash.hpp"

namespace mqsend {

namespace {

constexpr char32_t kReplacement = 0xFFFD;

// The code point at `text[i]`, advancing `i` past it. A malformed sequence yields one U+FFFD
// for its maximal valid prefix (Unicode's "maximal subpart" rule, which Java's UTF-8 decoder
// follows): E2 82 41 is U+FFFD 'A', a lone C0 or F5 is U+FFFD.
char32_t next_code_point(std::string_view text, std::size_t& i) {
  const auto byte_at = [&text](std::size_t at) { return static_cast<unsigned char>(text[at]); };
  const unsigned char lead = byte_at(i);
  if (lead < 0x80) {
    ++i;
    return lead;
  }
  std::size_t length = 0;
  unsigned char second_low = 0x80;  // the range of the second byte, narrower for some leads
  unsigned char second_high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) second_low = 0xA0;   // no overlong forms
    if (lead == 0xED) second_high = 0x9F;  // no surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) second_low = 0x90;
    if (lead == 0xF4) second_high = 0x8F;  // nothing past U+10FFFF
  } else {
    ++i;
    return kReplacement;
  }
  char32_t code_point = lead & (0x7F >> length);
  for (std::size_t k = 1; k < length; ++k) {
    const bool in_range = i + k < text.size() && (k == 1 ? byte_at(i + k) >= second_low && byte_at(i + k) <= second_high
                                                         : (byte_at(i + k) & 0xC0) == 0x80);
    if (!in_range) {
      i += k;
      return kReplacement;
    }
    code_point = (code_point << 6) | (byte_at(i + k) & 0x3F);
  }
  i += length;
  return code_point;
}

}  // namespace

std::int32_t java_string_hash(std::string_view utf8) {
  std::uint32_t hash = 0;  // unsigned: Java's int overflow wraps, C++'s signed overflow is UB
  auto add_unit = [&hash](std::uint32_t unit) { hash = hash * 31U + unit; };
  for (std::size_t i = 0; i < utf8.size();) {
    const char32_t code_point = next_code_point(utf8, i);
    if (code_point >= 0x10000) {  // a surrogate pair in UTF-16
      const char32_t offset = code_point - 0x10000;
      add_unit(0xD800 + (offset >> 10));
      add_unit(0xDC00 + (offset & 0x3FF));
    } else {
      add_unit(code_point);
    }
  }
  return static_cast<std::int32_t>(hash);
}

}  // namespace mqsend
