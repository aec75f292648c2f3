#pragma once
// A small pull reader over untrusted JSON text (RemotingCommand headers). Never reads past the
// input, bounds nesting, and reports every malformation as a kProtocolError Status.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "client/common/error.hpp"

namespace mqsend {

class JsonReader {
 public:
  // Containers nested deeper than this are rejected instead of recursed into.
  static constexpr int kMaxDepth = 64;

  explicit JsonReader(std::string_view text) : text_(text) {}

  // The next non-whitespace byte without consuming it; '\0' at the end of input.
  char peek();
  // Consumes `c` if it is the next non-whitespace byte.
  bool consume(char c);
  bool at_end();

  // A quoted string, escapes decoded (\uXXXX to UTF-8; a lone surrogate becomes U+FFFD).
  Status read_string(std::string& out);
  // The text of a JSON number, grammar-checked.
  Status read_number(std::string_view& token);
  // A JSON integer that fits in 32 bits; also accepted as a quoted decimal, as fastjson does.
  Status read_int32(std::int32_t& out);
  // Consumes the literal `word` (true, false, null).
  Status read_literal(std::string_view word);
  // Skips one value of any type, nested containers included.
  Status skip_value() { return skip_value(0); }

  // A kProtocolError naming `what` and the current offset.
  Error error(std::string_view what) const;

 private:
  void skip_whitespace();
  Status skip_value(int depth);
  Status skip_container(char close, int depth);
  Status read_escape(std::string& out);
  Status read_hex4(std::uint32_t& out);

  std::string_view text_;
  std::size_t pos_ = 0;
};

}  // namespace mqsend
