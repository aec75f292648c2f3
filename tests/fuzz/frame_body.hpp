#pragma once
// Fuzz inputs for the body parsers: the seeds are whole captured frames, so a target parses
// both the input itself and, when the input is a frame, its body.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "client/remoting/frame_codec.hpp"

namespace mqsend::fuzz {

inline std::optional<std::string> frame_body(std::string_view input) {
  if (input.size() < 4) return std::nullopt;
  auto command = decode_frame_payload(input.substr(4));
  if (!command) return std::nullopt;
  return std::move(command->body);
}

// Runs `check` on the fuzz input and, when the input is a frame, on its body.
template <typename Check>
int check_input_and_frame_body(const std::uint8_t* data, std::size_t size, Check check) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  check(input);
  if (const auto body = frame_body(input)) check(*body);
  return 0;
}

}  // namespace mqsend::fuzz
