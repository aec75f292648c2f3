#pragma once
// Ordered sends place a sharding key as Java's SelectMessageQueueByHash does (apache/rocketmq
// client/.../producer/selector/SelectMessageQueueByHash.java), over the queue list of
// topicRouteData2TopicPublishInfo, so mqsend and a Java producer put a key on the same queue.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace mqsend {

// SelectMessageQueueByHash: java_string_hash(key) % size (Java's remainder keeps the dividend's sign), then
// Math.abs when negative. `queue_count` > 0.
std::size_t queue_index_for_key(std::string_view sharding_key, std::size_t queue_count);

}  // namespace mqsend
