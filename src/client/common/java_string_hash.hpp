#pragma once
// Java's String.hashCode() of the string UTF-8 text decodes to: s[0]*31^(n-1) + ... + s[n-1]
// over its UTF-16 code units, with 32-bit overflow. Ordered sends place keys by it
// (hash_queue_selector.hpp); the test cluster orders HashMaps by it (java_hash_order.hpp).
#include <cstdint>
#include <string_view>

namespace mqsend {

// A byte that is not valid UTF-8 counts as U+FFFD, as new String(bytes, UTF_8) replaces it.
std::int32_t java_string_hash(std::string_view utf8);

}  // namespace mqsend
