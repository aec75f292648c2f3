#include "cli/input/delimiter.hpp"

namespace mqsend::cli {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Error bad_spec(std::string_view spec, const std::string& why) {
  return Error{error_code::kInvalidArgument,
               "bad delimiter '" + std::string(spec) + "': " + why};
}

}  // namespace

Result<std::string> parse_delimiter(std::string_view spec) {
  if (spec.empty()) return bad_spec(spec, "it is empty");
  std::string bytes;
  for (std::size_t i = 0; i < spec.size(); ++i) {
    if (spec[i] != '\\') {
      bytes += spec[i];
      continue;
    }
    if (++i == spec.size()) return bad_spec(spec, "it ends in a lone backslash (use \\\\)");
    switch (spec[i]) {
      case 'n': bytes += '\n'; break;
      case 'r': bytes += '\r'; break;
      case 't': bytes += '\t'; break;
      case '0': bytes += '\0'; break;
      case '\\': bytes += '\\'; break;
      case 'x': {
        const int high = i + 1 < spec.size() ? hex_value(spec[i + 1]) : -1;
        const int low = i + 2 < spec.size() ? hex_value(spec[i + 2]) : -1;
        if (high < 0 || low < 0) return bad_spec(spec, "\\x needs two hex digits");
        bytes += static_cast<char>(high * 16 + low);
        i += 2;
        break;
      }
      default:
        return bad_spec(spec, std::string("unknown escape \\") + spec[i] +
                                  " (known: \\n \\r \\t \\0 \\\\ \\xNN)");
    }
  }
  return bytes;
}

}  // namespace mqsend::cli
