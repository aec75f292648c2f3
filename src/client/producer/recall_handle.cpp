#include "client/producer/recall_handle.hpp"

#include <algorithm>
#include <charconv>
#include <vector>

#include "client/common/base64.hpp"

namespace mqsend {

namespace {

Error invalid_handle() { return Error{error_code::kInvalidArgument, "recall handle is invalid"}; }

}  // namespace

Result<RecallHandle> decode_recall_handle(std::string_view handle) {
  // Java's Base64.getUrlDecoder: '-' and '_' for '+' and '/', padding optional.
  std::string standard(handle);
  std::replace(standard.begin(), standard.end(), '-', '+');
  std::replace(standard.begin(), standard.end(), '_', '/');
  while (standard.size() % 4 != 0) standard.push_back('=');
  auto raw = base64_decode(standard);
  if (standard.empty() || !raw) return invalid_handle();
  std::vector<std::string_view> items;
  for (std::string_view rest = *raw; !rest.empty();) {
    const std::size_t space = rest.find(' ');
    items.push_back(rest.substr(0, space));
    rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
  }
  if (items.size() != 5 || items[0] != "v1") return invalid_handle();
  RecallHandle decoded{std::string(items[1]), std::string(items[2]), 0, std::string(items[4])};
  const auto [end, error] = std::from_chars(items[3].data(), items[3].data() + items[3].size(),
                                            decoded.deliver_time_ms);
  if (error != std::errc() || end != items[3].data() + items[3].size()) return invalid_handle();
  return decoded;
}

std::string encode_recall_handle(const RecallHandle& handle) {
  std::string encoded = base64_encode("v1 " + handle.topic + " " + handle.broker_name + " " +
                                      std::to_string(handle.deliver_time_ms) + " " + handle.uniq_key);
  // Java's Base64.getUrlEncoder keeps the padding.
  std::replace(encoded.begin(), encoded.end(), '+', '-');
  std::replace(encoded.begin(), encoded.end(), '/', '_');
  return encoded;
}

}  // namespace mqsend
