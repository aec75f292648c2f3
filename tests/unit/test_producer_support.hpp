#pragma once
// Shared helpers of the [producer] unit tests: loading the captured frames of MQSEND_VECTORS_DIR.
#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>
#include <string>

#include "client/remoting/frame_codec.hpp"

namespace mqsend::test {

inline std::string read_vector_file(const std::string& name) {
  std::ifstream in(std::string(MQSEND_VECTORS_DIR) + "/" + name, std::ios::binary);
  REQUIRE(in.good());
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Decodes a whole captured frame (length word included).
inline RemotingCommand read_vector_frame(const std::string& name) {
  const std::string frame = read_vector_file(name);
  REQUIRE(frame.size() > 4);
  auto command = decode_frame_payload(std::string_view(frame).substr(4));
  REQUIRE(command.ok());
  return std::move(command).value();
}

}  // namespace mqsend::test
