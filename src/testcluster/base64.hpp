#pragma once
// Standard base64 (RFC 4648 alphabet, '=' padding), for message bodies in control replies.
#include <string>
#include <string_view>

namespace mqsend {

std::string base64_encode(std::string_view bytes);

}  // namespace mqsend
