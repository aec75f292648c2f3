#pragma once
// Ordered sends place a sharding key as Java's SelectMessageQueueByHash does (apache/rocketmq
// client/.../producer/selector/SelectMessageQueueByHash.java), over the queue list of
// topicRouteData2TopicPublishInfo, so mqsend and a Java producer put a key on the same queue.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace mqsend {

// Java's String.hashCode() of the string `utf8` decodes to: s[0]*31^(n-1) + ... + s[n-1] over
// its UTF-16 code units, with 32-bit overflow. A byte that is not valid UTF-8 counts as
// U+FFFD, as new String(bytes, UTF_8) replaces it.
std::int32_t java_string_hash(std::string_view utf8);

// SelectMessageQueueByHash: hash % size (Java's remainder keeps the dividend's sign), then
// Math.abs when negative. `queue_count` > 0.
std::size_t queue_index_for_key(std::string_view sharding_key, std::size_t queue_count);

}  // namespace mqsend
