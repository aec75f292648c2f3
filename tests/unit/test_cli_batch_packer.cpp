// --batch packing: by count, by estimated bytes and by linger, records kept in order with their
// messages.
#include <catch2/catch.hpp>
#include <string>

#include "cli/batch_packer.hpp"

using namespace mqsend;
using namespace mqsend::cli;

namespace {

using namespace std::chrono_literals;

constexpr auto kLinger = 10ms;

Message body_of(std::size_t size) {
  Message message;
  message.topic = "T";
  message.body = std::string(size, 'x');
  return message;
}

}  // namespace

TEST_CASE("batch packer: a batch per N records, the rest at the end", "[cli]") {
  BatchPacker packer(3, 1 << 20, kLinger);
  CHECK_FALSE(packer.add({0, "a"}, body_of(1)));
  CHECK_FALSE(packer.add({1, "b"}, body_of(1)));
  auto full = packer.add({2, "c"}, body_of(1));
  REQUIRE(full);
  REQUIRE(full->records.size() == 3);
  CHECK(full->messages.size() == 3);
  CHECK(full->records[0].raw == "a");
  CHECK(full->records[2].index == 2);
  CHECK_FALSE(packer.add({3, "d"}, body_of(1)));
  auto rest = packer.take();
  REQUIRE(rest);
  CHECK(rest->records.size() == 1);
  CHECK(rest->records[0].raw == "d");
  CHECK_FALSE(packer.take());
}

TEST_CASE("batch packer: a record that would pass the byte limit starts the next batch", "[cli]") {
  const std::size_t one = BatchPacker::estimated_size(body_of(100));
  BatchPacker packer(10, 2 * one, kLinger);
  CHECK_FALSE(packer.add({0, "a"}, body_of(100)));
  CHECK_FALSE(packer.add({1, "b"}, body_of(100)));
  auto full = packer.add({2, "c"}, body_of(100));
  REQUIRE(full);
  CHECK(full->records.size() == 2);
  auto rest = packer.take();
  REQUIRE(rest);
  REQUIRE(rest->records.size() == 1);
  CHECK(rest->records[0].index == 2);
  // A record alone over the limit still goes, alone.
  BatchPacker small(10, 10, kLinger);
  CHECK_FALSE(small.add({0, "big"}, body_of(100)));
  auto alone = small.add({1, "next"}, body_of(1));
  REQUIRE(alone);
  CHECK(alone->records.size() == 1);
  CHECK(alone->records[0].raw == "big");
}

TEST_CASE("batch packer: a partial batch is due a linger after its first record", "[cli]") {
  BatchPacker packer(3, 1 << 20, kLinger);
  const auto start = BatchPacker::Clock::time_point{} + 1h;
  CHECK_FALSE(packer.due());
  CHECK_FALSE(packer.add({0, "a"}, body_of(1), start));
  REQUIRE(packer.due());
  CHECK(*packer.due() == start + kLinger);
  // Later records do not push the first one's deadline back.
  CHECK_FALSE(packer.add({1, "b"}, body_of(1), start + 8ms));
  CHECK(*packer.due() == start + kLinger);
  REQUIRE(packer.add({2, "c"}, body_of(1), start + 9ms));
  CHECK_FALSE(packer.due());  // the full batch took them all
  // A record that starts the next batch (this one would not fit) starts its linger.
  BatchPacker small(10, BatchPacker::estimated_size(body_of(100)), kLinger);
  CHECK_FALSE(small.add({0, "x"}, body_of(100), start));
  REQUIRE(small.add({1, "y"}, body_of(100), start + 50ms));
  REQUIRE(small.due());
  CHECK(*small.due() == start + 50ms + kLinger);
  REQUIRE(small.take());
  CHECK_FALSE(small.due());
}
