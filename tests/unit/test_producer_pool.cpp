// ProducerPool (--producers): which producer a send goes through.
#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "client/common/java_string_hash.hpp"
#include "client/producer/producer_pool.hpp"

using namespace mqsend;

namespace {
ProducerOptions unreachable() {
  ProducerOptions options;
  options.name_servers = {"127.0.0.1:1"};
  return options;
}
}  // namespace

TEST_CASE("a pool sends round-robin and each sharding key through one producer", "[producer][pool]") {
  ProducerPool pool(unreachable(), 3);
  REQUIRE(pool.size() == 3);
  CHECK(pool.outcome_fds().size() == 3);
  CHECK(pool.pick(std::nullopt) == 0);
  CHECK(pool.pick(std::nullopt) == 1);
  CHECK(pool.pick(std::nullopt) == 2);
  CHECK(pool.pick(std::nullopt) == 0);
  std::set<std::size_t> used;
  for (int i = 0; i < 30; ++i) {
    const std::string key = "key-" + std::to_string(i);
    const std::size_t index = pool.pick(key);
    // SelectMessageQueueByHash's rule over the producers, whatever came before.
    CHECK(index == static_cast<std::size_t>(std::abs(static_cast<long long>(java_string_hash(key)))) % 3);
    pool.pick(std::nullopt);
    CHECK(pool.pick(key) == index);
    used.insert(index);
  }
  CHECK(used.size() == 3);
  CHECK(pool.unreported() == 0);
  pool.close();
}

TEST_CASE("a pool of one is the producer itself", "[producer][pool]") {
  ProducerPool pool(unreachable(), 1);
  CHECK(pool.pick(std::nullopt) == 0);
  CHECK(pool.pick(std::string("k")) == 0);
  CHECK(pool.trace_stats().records == 0);
}
