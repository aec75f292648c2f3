#pragma once
// The two RemotingCommand header serializations (protocol reference 1.3 and 1.4).
// encode_* write the header fields only (not body, not frame words).
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "client/common/error.hpp"
#include "client/remoting/remoting_command.hpp"

namespace mqsend {

// The extFields entries in the order to write them, each entry of the command's once: a server
// imitation passes a Java HashMap's iteration order. Without one, entries go by key.
using ExtFieldOrder = std::vector<const std::pair<const std::string, std::string>*>;

// JSON: keys sorted as fastjson writes them, no whitespace, control characters as \u00XX,
// remark and extFields omitted when absent/empty, "serializeTypeCurrentRPC":"JSON".
void encode_json_header(const RemotingCommand& command, std::string& out,
                        const ExtFieldOrder* order = nullptr);
// Tolerant of whitespace, a trailing newline, unknown keys, numbers or booleans as extFields values.
// null values count as absent; an unknown language (name or number) decodes as kOther; lone
// UTF-16 surrogates in \u escapes become U+FFFD. Fields missing from the header keep their value in
// `command`. Errors carry error_code::kProtocolError.
Status decode_json_header(std::string_view header, RemotingCommand& command);

// ROCKETMQ binary: short code, byte language, short version, int opaque, int flag,
// int remarkLen + remark, int extLen + (short keyLen, key, int valLen, value)*.
// Java reads a zero length as null, so the encoder skips empty values (and keys longer than a
// short) and writes an empty remark as none; the decoder drops zero-length keys/values and reads
// a zero-length remark as absent, an unknown language byte as kOther. Bytes after the extFields
// are ignored, as in Java.
void encode_binary_header(const RemotingCommand& command, std::string& out,
                          const ExtFieldOrder* order = nullptr);
Status decode_binary_header(std::string_view header, RemotingCommand& command);

}  // namespace mqsend
