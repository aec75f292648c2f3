#pragma once
// Fuzz inputs for the body parsers: the seeds are whole captured frames, so a target parses
// both the input itself and, when the input is a frame, its body.
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

}  // namespace mqsend::fuzz
