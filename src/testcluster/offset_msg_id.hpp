#pragma once
// The broker-side message id (offsetMsgId, reference 4.3): store host IPv4, port, commit-log
// offset, as 32 uppercase hex characters (MessageDecoder.createMessageId).
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mqsend {

using Ipv4Bytes = std::array<std::uint8_t, 4>;

// "127.0.0.1" → {127,0,0,1}; nullopt if not a dotted IPv4 address.
std::optional<Ipv4Bytes> parse_ipv4(std::string_view text);

// Appends the 32-character id to `out` (no allocation beyond the string's growth).
void append_offset_msg_id(const Ipv4Bytes& ip, std::uint16_t port, std::int64_t commit_log_offset,
                          std::string& out);

}  // namespace mqsend
