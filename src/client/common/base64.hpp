#pragma once
// Standard base64 (RFC 4648 alphabet, '=' padding): "body_base64" in JSON input and in
// --failed-output, message bodies in the test cluster's control replies, ACL signatures.
#include <string>
#include <string_view>

#include "client/common/error.hpp"

namespace mqsend {

std::string base64_encode(std::string_view bytes);

// Rejects (kInvalidArgument) any character outside the alphabet (whitespace included), a length
// that is not a multiple of 4, padding anywhere but the end, and non-zero bits after the last
// byte: only the canonical encoding of some bytes is accepted.
Result<std::string> base64_decode(std::string_view text);

}  // namespace mqsend
