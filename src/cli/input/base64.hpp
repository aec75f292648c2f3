#pragma once
// Strict standard base64 decoding (RFC 4648 alphabet, '=' padding), for "body_base64" in JSON
// input. The encoder is in testcluster/base64.hpp.
#include <string>
#include <string_view>

#include "client/common/error.hpp"

namespace mqsend::cli {

// Rejects (kInvalidArgument) any character outside the alphabet (whitespace included), a length
// that is not a multiple of 4, padding anywhere but the end, and non-zero bits after the last
// byte: only the canonical encoding of some bytes is accepted.
Result<std::string> base64_decode(std::string_view text);

}  // namespace mqsend::cli
