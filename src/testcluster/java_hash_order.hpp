#pragma once
// java.util.HashMap's iteration order for String keys, which the real servers expose wherever
// they serialize a HashMap (fastjson map bodies, extFields) or walk a HashSet (route lists):
// String.hashCode over UTF-16 code units, HashMap.hash's spreading (h ^ h >>> 16), and a
// power-of-two table that doubles once the size passes 3/4 of it. Entries of one bucket keep
// their insertion order, as resizes preserve it. Not imitated: treeified buckets (8 or more
// keys in one bucket) and tables that grew before entries were removed.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace mqsend {

// The bucket of `key` in a HashMap created with `initial_capacity` once it holds `entries`
// entries; iteration walks the buckets in ascending order.
std::size_t java_hash_bucket(std::string_view key, std::size_t entries, std::size_t initial_capacity = 16);

// The order a HashMap created with `initial_capacity` (Java's default constructor: 16) iterates
// `keys` after they were put in the given order: indices into `keys`.
std::vector<std::size_t> java_hash_map_order(const std::vector<std::string_view>& keys,
                                             std::size_t initial_capacity = 16);

}  // namespace mqsend
