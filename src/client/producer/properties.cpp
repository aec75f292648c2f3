#include "client/producer/properties.hpp"

namespace mqsend {

void append_property(std::string_view key, std::string_view value, std::string& out) {
  if (value.empty()) return;
  out.append(key);
  out.push_back(kNameValueSeparator);
  out.append(value);
  out.push_back(kPropertySeparator);
}

void encode_properties(const std::map<std::string, std::string>& properties, std::string& out) {
  for (const auto& [key, value] : properties) append_property(key, value, out);
}

std::string encode_properties(const std::map<std::string, std::string>& properties) {
  std::string out;
  encode_properties(properties, out);
  return out;
}

std::map<std::string, std::string> decode_properties(std::string_view encoded) {
  std::map<std::string, std::string> properties;
  while (!encoded.empty()) {
    const std::size_t end = encoded.find(kPropertySeparator);
    const std::string_view segment = encoded.substr(0, end);
    encoded = end == std::string_view::npos ? std::string_view() : encoded.substr(end + 1);
    if (segment.size() < 3) continue;
    const std::size_t split = segment.find(kNameValueSeparator);
    if (split == std::string_view::npos || split == 0 || split + 1 == segment.size()) continue;
    properties.insert_or_assign(std::string(segment.substr(0, split)),
                                std::string(segment.substr(split + 1)));
  }
  return properties;
}

}  // namespace mqsend
