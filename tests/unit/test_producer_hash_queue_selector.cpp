// Ordered-send placement: Java's String.hashCode() and SelectMessageQueueByHash. The expected
// values are Java's (String.hashCode over UTF-16 code units; new String(bytes, UTF_8) for the
// malformed inputs), computed independently of this code.
#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <string>

#include "client/common/java_string_hash.hpp"
#include "client/producer/hash_queue_selector.hpp"

using mqsend::java_string_hash;
using mqsend::queue_index_for_key;

TEST_CASE("java_string_hash: ASCII, with 32-bit overflow as Java wraps it", "[producer][ordered]") {
  CHECK(java_string_hash("") == 0);
  CHECK(java_string_hash("a") == 97);
  CHECK(java_string_hash("hello") == 99162322);
  CHECK(java_string_hash("order-1001") == 708180863);
  CHECK(java_string_hash("user-3") == -836031823);
  CHECK(java_string_hash("zzzzzzzzzzzz") == 1097476992);
}

TEST_CASE("java_string_hash: keys whose hash is Integer.MIN_VALUE", "[producer][ordered]") {
  CHECK(java_string_hash("polygenelubricants") == std::numeric_limits<std::int32_t>::min());
  CHECK(java_string_hash("GydZG_") == std::numeric_limits<std::int32_t>::min());
}

TEST_CASE("java_string_hash: UTF-8 beyond ASCII hashes its UTF-16 code units", "[producer][ordered]") {
  CHECK(java_string_hash("\xE8\xAE\xA2\xE5\x8D\x95-42") == -711980392);  // "订单-42"
  // U+1F600 is the surrogate pair D83D DE00 in UTF-16.
  CHECK(java_string_hash("\xF0\x9F\x98\x80") == 1772899);
  CHECK(java_string_hash("order-\xF0\x9F\x98\x80-1") == -1884536474);
}

TEST_CASE("java_string_hash: malformed UTF-8 is replaced as Java's decoder replaces it", "[producer][ordered]") {
  CHECK(java_string_hash("\xE2\x82" "A") == 2031588);      // truncated sequence: one U+FFFD
  CHECK(java_string_hash("a\xFF" "b") == 2124838);         // invalid byte
  CHECK(java_string_hash("\xC0\xAF") == 2097056);          // overlong: two U+FFFD
  CHECK(java_string_hash("\xED\xA0\x80") == 65074269);     // an encoded surrogate: three
  CHECK(java_string_hash("\xF0\x9F\x98") == 65533);        // truncated at the end: one
}

TEST_CASE("queue_index_for_key: hash % size, Math.abs of a negative remainder", "[producer][ordered]") {
  CHECK(queue_index_for_key("hello", 3) == 1);
  CHECK(queue_index_for_key("hello", 8) == 2);
  CHECK(queue_index_for_key("user-3", 3) == 1);  // negative hash
  CHECK(queue_index_for_key("user-3", 8) == 7);
  CHECK(queue_index_for_key("user-3", 16) == 15);
  CHECK(queue_index_for_key("polygenelubricants", 3) == 2);  // MIN_VALUE % 3 == -2
  CHECK(queue_index_for_key("polygenelubricants", 8) == 0);
  CHECK(queue_index_for_key("", 5) == 0);
  for (std::size_t size = 1; size < 40; ++size) CHECK(queue_index_for_key("GydZG_", size) < size);
}
