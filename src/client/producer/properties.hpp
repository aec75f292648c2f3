#pragma once
// The properties string (reference 3.3): key 0x01 value 0x02 for every pair.
#include <map>
#include <string>
#include <string_view>

namespace mqsend {

inline constexpr char kNameValueSeparator = '\x01';
inline constexpr char kPropertySeparator = '\x02';

// Appends one pair; an empty value is skipped (Java skips null values, the broker empty ones).
void append_property(std::string_view key, std::string_view value, std::string& out);
// Appends every pair of `properties` in map order.
void encode_properties(const std::map<std::string, std::string>& properties, std::string& out);
std::string encode_properties(const std::map<std::string, std::string>& properties);

// Broker-style parse: segments shorter than 3 characters and pairs with an empty key or value
// are ignored; a later duplicate key wins.
std::map<std::string, std::string> decode_properties(std::string_view encoded);

}  // namespace mqsend
