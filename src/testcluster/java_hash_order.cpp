#include "testcluster/java_hash_order.hpp"

#include <algorithm>
#include <numeric>

namespace mqsend {

namespace {

constexpr std::uint32_t kReplacement = 0xFFFD;

// The next code point of `text` at `at` (advanced past it); malformed bytes yield U+FFFD.
std::uint32_t next_code_point(std::string_view text, std::size_t& at) {
  const auto lead = static_cast<unsigned char>(text[at++]);
  if (lead < 0x80) return lead;
  const int extra = lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : lead >= 0xC0 ? 1 : -1;
  if (extra < 0 || lead > 0xF4) return kReplacement;
  std::uint32_t code_point = lead & (0x3F >> extra);
  for (int i = 0; i < extra; ++i) {
    if (at >= text.size() || (static_cast<unsigned char>(text[at]) & 0xC0) != 0x80) {
      return kReplacement;
    }
    code_point = (code_point << 6) | (static_cast<unsigned char>(text[at++]) & 0x3F);
  }
  return code_point;
}

// HashMap.hash: the high half folded into the low one, which picks the bucket.
std::uint32_t spread(std::int32_t hash) {
  const auto h = static_cast<std::uint32_t>(hash);
  return h ^ (h >> 16);
}

// HashMap.tableSizeFor, then the doublings of resize() past the 0.75 load factor.
std::size_t table_size(std::size_t initial_capacity, std::size_t entries) {
  std::size_t size = 1;
  while (size < initial_capacity) size <<= 1;
  while (entries > size / 4 * 3) size <<= 1;
  return size;
}

}  // namespace

std::int32_t java_string_hash(std::string_view utf8) {
  std::uint32_t hash = 0;  // Java's int arithmetic wraps; unsigned does so without UB
  auto add_unit = [&hash](std::uint32_t unit) { hash = 31 * hash + unit; };
  for (std::size_t at = 0; at < utf8.size();) {
    const std::uint32_t code_point = next_code_point(utf8, at);
    if (code_point >= 0x10000) {  // a surrogate pair in UTF-16
      add_unit(0xD800 + ((code_point - 0x10000) >> 10));
      add_unit(0xDC00 + ((code_point - 0x10000) & 0x3FF));
    } else {
      add_unit(code_point);
    }
  }
  return static_cast<std::int32_t>(hash);
}

std::size_t java_hash_bucket(std::string_view key, std::size_t entries, std::size_t initial_capacity) {
  return spread(java_string_hash(key)) & (table_size(initial_capacity, entries) - 1);
}

std::vector<std::size_t> java_hash_map_order(const std::vector<std::string_view>& keys,
                                             std::size_t initial_capacity) {
  std::vector<std::size_t> buckets(keys.size());
  for (std::size_t i = 0; i < keys.size(); ++i) {
    buckets[i] = java_hash_bucket(keys[i], keys.size(), initial_capacity);
  }
  std::vector<std::size_t> order(keys.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&buckets](std::size_t a, std::size_t b) { return buckets[a] < buckets[b]; });
  return order;
}

}  // namespace mqsend
