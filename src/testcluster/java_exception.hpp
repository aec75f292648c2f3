#pragma once
// Remarks of requests that end in a Java exception on a 4.9.8 broker. NettyRemotingAbstract
// answers those SYSTEM_ERROR with RemotingHelper.exceptionSimpleDesc(e): e.toString(), ", ", the
// top stack frame. Frames are those of a JDK 8u3xx broker (its Buffer.position message is
// "newPosition > limit: (X > Y)"); a RocketMQ frame is written without its line number, which
// the cluster cannot know.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "client/remoting/remoting_command.hpp"

namespace mqsend {

// "java.lang.NumberFormatException: For input string: \"abc\", java.lang.NumberFormatException
// .forInputString(NumberFormatException.java:65)" (Integer.parseInt / Long.parseLong).
std::string number_format_remark(std::string_view input);
// "java.lang.NullPointerException, <frame>"; `frame` as "org.apache...Class.method(Class.java)".
std::string null_pointer_remark(std::string_view frame);
// Any other exception: "<type>[: <message>], <frame>".
std::string exception_remark(std::string_view type, std::optional<std::string_view> message,
                             std::string_view frame);

// The SYSTEM_ERROR a processor exception becomes (server default serialization, JSON).
RemotingCommand exception_response(const RemotingCommand& request, std::string remark);

// Integer.parseInt / Long.parseLong: optional sign, decimal digits, in range; nullopt otherwise.
std::optional<std::int32_t> parse_java_int(std::string_view text);
std::optional<std::int64_t> parse_java_long(std::string_view text);

// Boolean.parseBoolean: "true" in any case.
bool parse_java_boolean(std::string_view text);

}  // namespace mqsend
