#include "testcluster/offset_msg_id.hpp"

#include <charconv>

namespace mqsend {

namespace {

void append_hex(std::uint64_t value, int bytes, std::string& out) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  for (int shift = bytes * 8 - 4; shift >= 0; shift -= 4) out += kDigits[(value >> shift) & 0xF];
}

}  // namespace

std::optional<Ipv4Bytes> parse_ipv4(std::string_view text) {
  Ipv4Bytes ip{};
  const char* at = text.data();
  const char* end = text.data() + text.size();
  for (std::size_t i = 0; i < ip.size(); ++i) {
    if (i > 0) {
      if (at == end || *at != '.') return std::nullopt;
      ++at;
    }
    unsigned value = 256;
    const auto [next, error] = std::from_chars(at, end, value);
    if (error != std::errc() || value > 255) return std::nullopt;
    ip[i] = static_cast<std::uint8_t>(value);
    at = next;
  }
  if (at != end) return std::nullopt;
  return ip;
}

void append_offset_msg_id(const Ipv4Bytes& ip, std::uint16_t port, std::int64_t commit_log_offset,
                          std::string& out) {
  for (std::uint8_t byte : ip) append_hex(byte, 1, out);
  append_hex(port, 4, out);
  append_hex(static_cast<std::uint64_t>(commit_log_offset), 8, out);
}

}  // namespace mqsend
