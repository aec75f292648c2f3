#include "testcluster/java_exception.hpp"

#include <charconv>

#include "client/remoting/codes.hpp"
#include "testcluster/server_response.hpp"

namespace mqsend {

namespace {

template <typename Integer>
std::optional<Integer> parse_java_integer(std::string_view text) {
  // Java accepts a leading '+', from_chars does not.
  if (text.size() > 1 && text.front() == '+' && text[1] != '-') text.remove_prefix(1);
  Integer value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

std::string exception_remark(std::string_view type, std::optional<std::string_view> message,
                             std::string_view frame) {
  std::string remark(type);
  if (message) remark.append(": ").append(*message);
  return remark.append(", ").append(frame);
}

std::string number_format_remark(std::string_view input) {
  return exception_remark("java.lang.NumberFormatException",
                          "For input string: \"" + std::string(input) + "\"",
                          "java.lang.NumberFormatException.forInputString(NumberFormatException.java:65)");
}

std::string null_pointer_remark(std::string_view frame) {
  return exception_remark("java.lang.NullPointerException", std::nullopt, frame);
}

RemotingCommand exception_response(const RemotingCommand& request, std::string remark) {
  return framework_response(request, response_code::kSystemError, std::move(remark));
}

std::optional<std::int32_t> parse_java_int(std::string_view text) {
  return parse_java_integer<std::int32_t>(text);
}

std::optional<std::int64_t> parse_java_long(std::string_view text) {
  return parse_java_integer<std::int64_t>(text);
}

bool parse_java_boolean(std::string_view text) {
  if (text.size() != 4) return false;
  for (std::size_t i = 0; i < 4; ++i) {
    if ((text[i] | 0x20) != "true"[i]) return false;
  }
  return true;
}

}  // namespace mqsend
