// UNIQ_KEY generation (reference 4.2, worked example 10.1).
#include <catch2/catch.hpp>

#include <cctype>
#include <cstdio>
#include <mutex>
#include <unistd.h>
#include <set>
#include <thread>
#include <vector>

#include "client/producer/message_id.hpp"

using namespace mqsend;

namespace {

UniqueIdGenerator::Fixed example_fixed() {
  UniqueIdGenerator::Fixed fixed;
  fixed.ip = {192, 168, 0, 10};
  fixed.pid = 0x1234;  // the example's "pid 1234" is hexadecimal
  fixed.random = 0x1B6D3586;
  return fixed;
}

bool is_upper_hex(const std::string& text) {
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c)) && (c < 'A' || c > 'F')) return false;
  }
  return true;
}

}  // namespace

TEST_CASE("UNIQ_KEY reproduces the worked example", "[producer]") {
  std::int64_t now = 1700000000000;
  UniqueIdGenerator generator(example_fixed(), [&] { return now; }, UniqueIdGenerator::utc_month_start_ms);
  CHECK(generator.fixed_prefix() == "C0A8000A12341B6D3586");
  CHECK(generator.next() == "C0A8000A12341B6D358647B760000000");
  CHECK(generator.next() == "C0A8000A12341B6D358647B760000001");
  now += 0x10;
  CHECK(generator.next() == "C0A8000A12341B6D358647B760100002");
}

TEST_CASE("UNIQ_KEY counter wraps at 16 bits", "[producer]") {
  UniqueIdGenerator generator(example_fixed(), [] { return std::int64_t{1700000000000}; },
                              UniqueIdGenerator::utc_month_start_ms, 0xFFFF);
  CHECK(generator.next().substr(28) == "FFFF");
  CHECK(generator.next().substr(28) == "0000");
}

TEST_CASE("UNIQ_KEY time restarts at a month roll and clamps small clock steps back", "[producer]") {
  // 2023-11-30T23:59:59.999Z, then 2023-12-01T00:00:00.005Z.
  std::int64_t now = 1701388799999;
  UniqueIdGenerator generator(example_fixed(), [&] { return now; }, UniqueIdGenerator::utc_month_start_ms);
  const std::int64_t november = 1701388799999 - 1698796800000;  // since 2023-11-01T00:00Z
  char expected[9];
  std::snprintf(expected, sizeof expected, "%08X", static_cast<unsigned>(november));
  CHECK(generator.next().substr(20, 8) == expected);
  now = 1701388800005;
  CHECK(generator.next().substr(20, 8) == "00000005");
  now = 1701388800000 - 500;  // clock stepped back over the month start: clamped to 0
  CHECK(generator.next().substr(20, 8) == "00000000");
  now = 1701388800000 + 0x1234;
  CHECK(generator.next().substr(20, 8) == "00001234");
}

TEST_CASE("month starts", "[producer]") {
  CHECK(UniqueIdGenerator::utc_month_start_ms(1700000000000) == 1698796800000);  // 2023-11-01Z
  CHECK(UniqueIdGenerator::utc_month_start_ms(1698796800000) == 1698796800000);
  CHECK(UniqueIdGenerator::utc_month_start_ms(1698796799999) == 1696118400000);  // 2023-10-01Z
  const std::int64_t now = UniqueIdGenerator::system_now_ms();
  const std::int64_t local = UniqueIdGenerator::local_month_start_ms(now);
  CHECK(local <= now);
  CHECK(now - local < 32LL * 86400000);
}

TEST_CASE("the process generator makes distinct 32-character uppercase ids", "[producer]") {
  UniqueIdGenerator generator;
  std::set<std::string> ids;
  std::mutex mutex;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) {
        std::string id = generator.next();
        std::lock_guard<std::mutex> lock(mutex);
        ids.insert(std::move(id));
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(ids.size() == 4000);
  for (const std::string& id : ids) {
    REQUIRE(id.size() == 32);
    REQUIRE(is_upper_hex(id));
    REQUIRE(id.compare(0, 20, generator.fixed_prefix()) == 0);
  }
  char pid[5];
  std::snprintf(pid, sizeof pid, "%04X", static_cast<unsigned>(getpid()) & 0xFFFF);
  CHECK(generator.fixed_prefix().substr(8, 4) == pid);
}

TEST_CASE("local IPv4 is never loopback", "[producer]") {
  if (auto ip = UniqueIdGenerator::local_ipv4()) {
    CHECK((*ip)[0] != 127);
    CHECK(!((*ip)[0] == 0 && (*ip)[1] == 0 && (*ip)[2] == 0 && (*ip)[3] == 0));
  }
}
