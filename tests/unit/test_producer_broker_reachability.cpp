// Brokers whose connect failed are skipped until a connection to them works again, with a
// back-off after which one more connect is tried.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "client/producer/broker_reachability.hpp"

using namespace mqsend;

namespace {

std::vector<std::string> skipped(const BrokerReachability& reachability, std::int64_t now_ms) {
  std::vector<std::string> brokers;
  reachability.append_skipped(now_ms, brokers);
  return brokers;
}

const std::vector<std::string> kNone;
const std::vector<std::string> kBrokerA{"broker-a"};

}  // namespace

TEST_CASE("reachability: a failed connect skips the broker until it is reachable again", "[producer]") {
  BrokerReachability reachability;
  CHECK(skipped(reachability, 0) == kNone);
  reachability.connect_failed("broker-a", 1000);
  CHECK(skipped(reachability, 1000) == kBrokerA);
  CHECK(skipped(reachability, 1999) == kBrokerA);
  reachability.reachable("broker-b");  // another broker's answer changes nothing
  CHECK(skipped(reachability, 1500) == kBrokerA);
  reachability.reachable("broker-a");
  CHECK(skipped(reachability, 1500) == kNone);
}

TEST_CASE("reachability: after the back-off one more connect is tried, failures double it up to 30 s",
          "[producer]") {
  BrokerReachability reachability;
  std::int64_t now = 0;
  std::int64_t backoff = BrokerReachability::kFirstBackoffMs;
  for (int failure = 0; failure < 8; ++failure) {
    INFO("failure " << failure << " backoff " << backoff);
    reachability.connect_failed("broker-a", now);
    // Sends that shared the same connect report it too: no extra step.
    reachability.connect_failed("broker-a", now);
    CHECK(skipped(reachability, now + backoff - 1) == kBrokerA);
    CHECK(skipped(reachability, now + backoff) == kNone);  // the next send may try it
    now += backoff;
    backoff = std::min(2 * backoff, BrokerReachability::kMaxBackoffMs);
  }
  CHECK(backoff == BrokerReachability::kMaxBackoffMs);
  // Reachable again: the next failure starts over at the first back-off.
  reachability.reachable("broker-a");
  reachability.connect_failed("broker-a", now);
  CHECK(skipped(reachability, now + BrokerReachability::kFirstBackoffMs) == kNone);
}
