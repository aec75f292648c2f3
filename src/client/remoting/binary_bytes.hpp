#pragma once
// Big-endian integer helpers for the RocketMQ wire format (every integer is network order).
#include <cstdint>
#include <string>

namespace mqsend {

inline void append_be16(std::string& out, std::uint16_t value) {
  out.push_back(static_cast<char>(value >> 8));
  out.push_back(static_cast<char>(value));
}

inline void store_be32(char* at, std::uint32_t value) {
  at[0] = static_cast<char>(value >> 24);
  at[1] = static_cast<char>(value >> 16);
  at[2] = static_cast<char>(value >> 8);
  at[3] = static_cast<char>(value);
}

inline void append_be32(std::string& out, std::uint32_t value) {
  char bytes[4];
  store_be32(bytes, value);
  out.append(bytes, 4);
}

inline std::uint16_t load_be16(const char* at) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(at);
  return static_cast<std::uint16_t>((bytes[0] << 8) | bytes[1]);
}

inline std::uint32_t load_be32(const char* at) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(at);
  return (std::uint32_t{bytes[0]} << 24) | (std::uint32_t{bytes[1]} << 16) |
         (std::uint32_t{bytes[2]} << 8) | std::uint32_t{bytes[3]};
}

}  // namespace mqsend
