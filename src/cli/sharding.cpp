#include "cli/sharding.hpp"

#include <functional>

namespace mqsend::cli {

namespace {

Error bad_record(std::string message) { return Error{error_code::kInvalidArgument, std::move(message)}; }

}  // namespace

Result<ShardingRule> ShardingRule::from_options(const CliOptions& options) {
  ShardingRule rule;
  rule.oneway_ = options.mode == SendMode::kOneway;
  rule.queue_target_ = !options.target_broker.empty();
  const bool fixed = !options.shard_key.empty();
  if (fixed && !options.shard_by.empty()) {
    return bad_record("--shard-key and --shard-by both name the sharding key: give one");
  }
  if (fixed) {
    rule.source_ = Source::kFixed;
    rule.fixed_key_ = options.shard_key;
  } else if (options.shard_by == "keys") {
    rule.source_ = Source::kKeys;
  } else if (options.shard_by == "tags") {
    rule.source_ = Source::kTags;
  } else if (!options.shard_by.empty()) {
    return bad_record("--shard-by: '" + options.shard_by + "' is not keys or tags");
  }
  if (rule.source_ == Source::kNone) return rule;
  if (rule.oneway_) {
    return bad_record("ordered sends (--shard-key, --shard-by) wait for each answer to keep the "
                      "order: use --mode sync or async, not oneway");
  }
  if (options.batch > 1) {
    return bad_record("--batch cannot keep a per-key order (a batch goes to one queue): drop "
                      "--batch or the sharding key");
  }
  if (rule.queue_target_) {
    return bad_record("--broker/--queue-id choose the queue already: drop --shard-key/--shard-by");
  }
  return rule;
}

Result<std::optional<std::string>> ShardingRule::key_for(std::optional<std::string> record_key,
                                                         const Message& message) const {
  std::optional<std::string> key = std::move(record_key);
  if (!key) {
    switch (source_) {
      case Source::kNone: return std::optional<std::string>();
      case Source::kFixed: key = fixed_key_; break;
      case Source::kKeys:
      case Source::kTags: {
        const bool keys = source_ == Source::kKeys;
        const std::string_view value = message.property(keys ? property_key::kKeys : property_key::kTags);
        if (value.empty()) {
          return bad_record(keys ? "--shard-by keys: the record has no keys (-k, -K or \"keys\")"
                                 : "--shard-by tags: the record has no tags (--tags, --tag-delimiter or \"tags\")");
        }
        key = std::string(value);
        break;
      }
    }
  }
  if (queue_target_) {
    return bad_record("\"shardingKey\" asks for a queue by hash, but --broker/--queue-id chose one");
  }
  if (oneway_) {
    return bad_record("\"shardingKey\" asks for an ordered send, which waits for its answer: use "
                      "--mode sync or async, not oneway");
  }
  return key;
}

void KeyCounter::add(std::string_view key) {
  // std::hash is 64-bit on the platforms mqsend builds for; a collision undercounts by one.
  seen_.insert(static_cast<std::uint64_t>(std::hash<std::string_view>{}(key)));
}

}  // namespace mqsend::cli
