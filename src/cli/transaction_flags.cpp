#include "cli/transaction_flags.hpp"

#include <CLI/CLI.hpp>

#include "cli/options.hpp"

namespace mqsend::cli {

void define_transaction_options(CLI::App& app, TransactionOptions& options) {
  auto* decision = app.add_option("--transaction", options.decision,
                                  "Send transactional half messages, then end each one so "
                                  "(END_TRANSACTION): commit or rollback")
                       ->check(CLI::IsMember({"commit", "rollback"}).description(""))
                       ->type_name("commit|rollback");
  app.add_option("--transaction-exec", options.exec,
                              "Send half messages and run CMD (sh -c) per stored one as its local "
                              "transaction: the body on its stdin, MQSEND_MSG_ID, MQSEND_TOPIC, "
                              "MQSEND_KEYS, MQSEND_TAGS in its environment; exit 0 commits, 75 "
                              "leaves it UNKNOW (the broker checks back), any other rolls back")
                   ->type_name("CMD")
                   ->excludes(decision);
  app.add_option("--transaction-exec-timeout", options.exec_timeout_ms,
                 "Kill a --transaction-exec or --transaction-check command after this long; its "
                 "transaction stays UNKNOW")
      ->type_name("MS")
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{3600000}).description(""));
  app.add_option("--transaction-check", options.check,
                 "Answer a broker's check-back (CHECK_TRANSACTION_STATE) by running CMD as "
                 "--transaction-exec does (MQSEND_CHECK_TIMES set too); without it a check-back "
                 "is answered with the state this run decided, UNKNOW for others")
      ->type_name("CMD");
  app.add_option("--transaction-check-wait", options.check_wait_ms,
                 "After the input, keep answering check-backs this long while a transaction of "
                 "the run is UNKNOW (the heartbeats keep the group registered)")
      ->type_name("MS")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{3600000}).description(""));
}

std::string transaction_conflict(const CliOptions& options) {
  const TransactionOptions& transaction = options.transaction;
  if (!transaction.enabled()) {
    if (!transaction.check.empty() || transaction.check_wait_ms > 0) {
      return "--transaction-check and --transaction-check-wait need --transaction or --transaction-exec";
    }
    return "";
  }
  if (options.mode == SendMode::kOneway) {
    return "--transaction: half messages are sent sync or async, not oneway (their result decides the end)";
  }
  if (options.producers > 1) return "--transaction takes one producer (--producers 1): its group answers the check-backs";
  if (options.batch > 1) return "--transaction cannot go with --batch: every half message is ended on its own";
  if (options.delay_level > 0) return "--transaction cannot go with --delay-level: a half message has no delay";
  if (!options.deliver_at.empty() || !options.delay.empty()) {
    return "--transaction cannot go with --deliver-at/--delay: a half message is no timer message";
  }
  if (!options.shard_key.empty() || !options.shard_by.empty()) {
    return "--transaction cannot go with --shard-key/--shard-by (Java has no ordered transactional send)";
  }
  return "";
}

}  // namespace mqsend::cli
