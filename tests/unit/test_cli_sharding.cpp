// Which sharding key a record is sent with, and the option combinations refused.
#include <catch2/catch.hpp>

#include "cli/input/json_record.hpp"
#include "cli/sharding.hpp"

using namespace mqsend;
using namespace mqsend::cli;

namespace {

Message message_with(std::string_view key, std::string value) {
  Message message;
  message.topic = "T";
  message.set_property(key, std::move(value));
  return message;
}

ShardingRule rule_for(const CliOptions& options) {
  auto rule = ShardingRule::from_options(options);
  REQUIRE(rule);
  return rule.value();
}

}  // namespace

TEST_CASE("sharding: without a rule a record is ordered only by its own key", "[cli][ordered]") {
  const ShardingRule rule = rule_for(CliOptions{});
  CHECK(rule.key_for(std::nullopt, Message{}).value() == std::nullopt);
  CHECK(rule.key_for(std::string("own"), Message{}).value() == std::optional<std::string>("own"));
}

TEST_CASE("sharding: --shard-key, --shard-by keys|tags, the record's own key first", "[cli][ordered]") {
  CliOptions options;
  options.shard_key = "fixed";
  CHECK(rule_for(options).key_for(std::nullopt, Message{}).value() == std::optional<std::string>("fixed"));
  CHECK(rule_for(options).key_for(std::string("own"), Message{}).value() == std::optional<std::string>("own"));
  options.shard_key.clear();
  options.shard_by = "keys";
  Message keyed;
  keyed.set_keys({"k1", "k2"});
  CHECK(rule_for(options).key_for(std::nullopt, keyed).value() == std::optional<std::string>("k1 k2"));
  const auto missing = rule_for(options).key_for(std::nullopt, Message{});
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == error_code::kInvalidArgument);
  options.shard_by = "tags";
  CHECK(rule_for(options).key_for(std::nullopt, message_with(property_key::kTags, "TagA")).value() ==
        std::optional<std::string>("TagA"));
}

TEST_CASE("sharding: combinations that cannot keep an order are refused", "[cli][ordered]") {
  auto refused = [](CliOptions options) { return !ShardingRule::from_options(options); };
  CliOptions both;
  both.shard_key = "a";
  both.shard_by = "keys";
  CHECK(refused(both));
  CliOptions oneway;
  oneway.shard_key = "a";
  oneway.mode = SendMode::kOneway;
  CHECK(refused(oneway));
  CliOptions batch;
  batch.shard_by = "tags";
  batch.batch = 8;
  CHECK(refused(batch));
  CliOptions target;
  target.shard_key = "a";
  target.target_broker = "broker-a";
  CHECK(refused(target));
  // A record's own key in oneway mode or with a fixed queue fails that record only.
  CliOptions plain_oneway;
  plain_oneway.mode = SendMode::kOneway;
  CHECK_FALSE(rule_for(plain_oneway).key_for(std::string("k"), Message{}));
  CliOptions plain_target;
  plain_target.target_broker = "broker-a";
  CHECK_FALSE(rule_for(plain_target).key_for(std::string("k"), Message{}));
}

TEST_CASE("sharding: the JSON field shardingKey", "[cli][ordered]") {
  auto record = parse_json_record(R"({"body":"x","shardingKey":"order-7"})");
  REQUIRE(record);
  CHECK(record->sharding_key == std::optional<std::string>("order-7"));
  CHECK(record->properties.empty());  // the key is not a property
  CHECK_FALSE(parse_json_record(R"({"body":"x","shardingKey":""})"));
  CHECK_FALSE(parse_json_record(R"({"body":"x","shardingKey":7})"));
  CHECK(parse_json_record(R"({"body":"x","shardingKey":null})")->sharding_key == std::nullopt);
}

TEST_CASE("sharding: distinct keys are counted once each", "[cli][ordered]") {
  KeyCounter counter;
  for (const char* key : {"a", "b", "a", "c", "b"}) counter.add(key);
  CHECK(counter.count() == 3);
}
