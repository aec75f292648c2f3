#pragma once
// Ordered sends from the command line: which sharding key each record is sent with
// (Producer::send_ordered), from --shard-key, --shard-by keys|tags or the JSON record's
// "shardingKey", and how many distinct keys a run used (the summary).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>

#include "cli/options.hpp"
#include "client/common/error.hpp"
#include "client/producer/message.hpp"

namespace mqsend::cli {

class ShardingRule {
 public:
  // The rule the options ask for, or the usage error of a combination that cannot keep order.
  static Result<ShardingRule> from_options(const CliOptions& options);

  // The record's key: its own "shardingKey" first, else --shard-key or the message's KEYS /
  // TAGS as stored (keys joined by a space, as Java's getKeys() returns them); nullopt sends
  // the record unordered. kInvalidArgument when --shard-by names a property the message lacks,
  // or a record asks for order where the mode cannot keep it.
  Result<std::optional<std::string>> key_for(std::optional<std::string> record_key,
                                             const Message& message) const;

 private:
  enum class Source { kNone, kFixed, kKeys, kTags };
  Source source_ = Source::kNone;
  std::string fixed_key_;
  bool oneway_ = false;
  bool queue_target_ = false;  // --broker/--queue-id
};

// Distinct sharding keys seen, by a 64-bit hash of each (a run of 10 million distinct keys
// keeps 10 million words, not the keys).
class KeyCounter {
 public:
  void add(std::string_view key);
  std::size_t count() const { return seen_.size(); }

 private:
  std::unordered_set<std::uint64_t> seen_;
};

}  // namespace mqsend::cli
