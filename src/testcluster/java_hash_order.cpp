#include "testcluster/java_hash_order.hpp"

#include <algorithm>
#include <numeric>

#include "client/common/java_string_hash.hpp"

namespace mqsend {

namespace {

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
