#include "client/producer/hash_queue_selector.hpp"

#include "client/common/java_string_hash.hpp"

namespace mqsend {

std::size_t queue_index_for_key(std::string_view sharding_key, std::size_t queue_count) {
  const std::int64_t hash = java_string_hash(sharding_key);
  const std::int64_t remainder = hash % static_cast<std::int64_t>(queue_count);  // C++ keeps the sign too
  return static_cast<std::size_t>(remainder < 0 ? -remainder : remainder);
}

}  // namespace mqsend
