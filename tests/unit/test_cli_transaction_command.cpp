// --transaction-exec / --transaction-check commands: exit status to state, the body on stdin,
// the message's variables, the time limit.
#include <catch2/catch.hpp>

#include <chrono>

#include "cli/exit_codes.hpp"
#include "cli/transaction_command.hpp"

using namespace mqsend;
using namespace mqsend::cli;
using namespace std::chrono_literals;

TEST_CASE("transaction command: exit 0 commits, 75 is UNKNOW, others roll back", "[cli][transaction]") {
  CHECK(run_transaction_command("exit 0", "", {}, 5000ms).state == TransactionState::kCommit);
  CHECK(run_transaction_command("exit 75", "", {}, 5000ms).state == TransactionState::kUnknown);
  CHECK_FALSE(run_transaction_command("exit 75", "", {}, 5000ms).failure.has_value());
  CHECK(run_transaction_command("exit 1", "", {}, 5000ms).state == TransactionState::kRollback);
  CHECK(run_transaction_command("no-such-command-here 2>/dev/null", "", {}, 5000ms).state == TransactionState::kRollback);
}

TEST_CASE("transaction command: the body on stdin, the variables in the environment", "[cli][transaction]") {
  const std::string script = R"sh([ "$(cat)" = "the body" ] && [ "$MQSEND_MSG_ID" = ID1 ] && [ "$MQSEND_KEYS" = "k1 k2" ])sh";
  CHECK(run_transaction_command(script, "the body", {{"MQSEND_MSG_ID", "ID1"}, {"MQSEND_KEYS", "k1 k2"}}, 5000ms).state ==
        TransactionState::kCommit);
  CHECK(run_transaction_command(script, "another body", {{"MQSEND_MSG_ID", "ID1"}, {"MQSEND_KEYS", "k1 k2"}}, 5000ms).state ==
        TransactionState::kRollback);
  // A large body that the command never reads does not hang the run.
  CHECK(run_transaction_command("exit 0", std::string(4 << 20, 'x'), {}, 5000ms).state == TransactionState::kCommit);
}

TEST_CASE("transaction command: past the limit it is killed, and the state is UNKNOW with a reason", "[cli][transaction]") {
  const auto start = std::chrono::steady_clock::now();
  const TransactionDecision decision = run_transaction_command("sleep 10", "", {}, 200ms);
  CHECK(decision.state == TransactionState::kUnknown);
  REQUIRE(decision.failure.has_value());
  CHECK_THAT(*decision.failure, Catch::Contains("longer than 200 ms"));
  CHECK(std::chrono::steady_clock::now() - start < 5s);
  const TransactionDecision killed = run_transaction_command("kill -TERM $$", "", {}, 5000ms);
  CHECK(killed.state == TransactionState::kUnknown);
  CHECK_THAT(killed.failure.value_or(""), Catch::Contains("signal 15"));
}

TEST_CASE("exit codes: a transactional run that did not commit everything exits 8", "[cli][transaction]") {
  RunTally tally;
  tally.sent = 3;
  tally.not_committed = 1;
  CHECK(exit_code_for(tally) == exit_code::kNotCommitted);
  tally.failed = 1;
  CHECK(exit_code_for(tally) == exit_code::kSomeFailed);  // a failure's code comes first
  RunTally timeouts;
  timeouts.count_failure(error_code::kRequestTimeoutException);
  CHECK(exit_code_for(timeouts) == exit_code::kTimeout);
}
