// The retry policy, one row per (mode, outcome class, attempts left, budget left).
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "client/producer/retry_policy.hpp"

using namespace mqsend;
using namespace std::chrono_literals;
using Action = RetryStep::Action;

namespace {

struct Row {
  SendMode mode;
  ErrorClass failure;
  int attempts_left;
  Milliseconds remaining;
  bool another_broker;
  Action action;
  Milliseconds budget;
};

std::string mode_name(SendMode mode) {
  return mode == SendMode::kSync ? "sync" : mode == SendMode::kAsync ? "async" : "oneway";
}

constexpr bool kOther = true;  // another broker can take the attempt after this one
constexpr bool kAlone = false;

}  // namespace

TEST_CASE("retry policy: next step per mode, outcome class, attempts and budget", "[producer]") {
  const std::vector<Row> rows = {
      // Transport failures retry on another broker with an equal share of what remains.
      {SendMode::kSync, ErrorClass::kTransport, 2, 2000ms, kOther, Action::kRetry, 1000ms},
      {SendMode::kSync, ErrorClass::kTransport, 1, 2000ms, kOther, Action::kRetry, 2000ms},  // the last: all of it
      {SendMode::kAsync, ErrorClass::kTransport, 2, 900ms, kOther, Action::kRetry, 450ms},
      {SendMode::kAsync, ErrorClass::kTransport, 1, 900ms, kOther, Action::kRetry, 900ms},
      // No other broker to move on to: the attempt gets all that remains, whatever is left.
      {SendMode::kSync, ErrorClass::kTransport, 2, 2000ms, kAlone, Action::kRetry, 2000ms},
      {SendMode::kAsync, ErrorClass::kBrokerRetryable, 3, 3000ms, kAlone, Action::kRetry, 3000ms},
      // Nothing was stored: Java's sync retry codes retry in async mode too.
      {SendMode::kSync, ErrorClass::kBrokerRetryable, 2, 3000ms, kOther, Action::kRetry, 1500ms},
      {SendMode::kAsync, ErrorClass::kBrokerRetryable, 2, 3000ms, kOther, Action::kRetry, 1500ms},
      // A broker missing from the route: try another one.
      {SendMode::kSync, ErrorClass::kRoute, 1, 100ms, kOther, Action::kRetry, 100ms},
      {SendMode::kAsync, ErrorClass::kRoute, 1, 100ms, kOther, Action::kRetry, 100ms},
      // A failed connect sent nothing: retried in every mode, oneway included (the engine
      // gives the attempt back, uses_attempt).
      {SendMode::kOneway, ErrorClass::kConnect, 1, 3000ms, kOther, Action::kRetry, 3000ms},
      {SendMode::kSync, ErrorClass::kConnect, 3, 3000ms, kOther, Action::kRetry, 1000ms},
      {SendMode::kOneway, ErrorClass::kConnect, 1, 0ms, kOther, Action::kFinishTimeout, 0ms},
      // No attempt left: the failure is final.
      {SendMode::kSync, ErrorClass::kTransport, 0, 2000ms, kOther, Action::kFinishFailure, 0ms},
      {SendMode::kAsync, ErrorClass::kBrokerRetryable, 0, 2000ms, kOther, Action::kFinishFailure, 0ms},
      // Budget spent: no attempt starts (CALL_TIMEOUT).
      {SendMode::kSync, ErrorClass::kTransport, 2, 0ms, kOther, Action::kFinishTimeout, 0ms},
      {SendMode::kAsync, ErrorClass::kBrokerRetryable, 1, -5ms, kAlone, Action::kFinishTimeout, 0ms},
      // Final answers, whatever is left.
      {SendMode::kSync, ErrorClass::kBroker, 2, 3000ms, kOther, Action::kFinishFailure, 0ms},
      {SendMode::kAsync, ErrorClass::kBroker, 2, 3000ms, kOther, Action::kFinishFailure, 0ms},
      {SendMode::kSync, ErrorClass::kValidation, 2, 3000ms, kOther, Action::kFinishFailure, 0ms},
      {SendMode::kSync, ErrorClass::kShutdown, 2, 3000ms, kOther, Action::kFinishFailure, 0ms},
      {SendMode::kAsync, ErrorClass::kShutdown, 2, 3000ms, kOther, Action::kFinishFailure, 0ms},
      {SendMode::kSync, ErrorClass::kTimeout, 2, 3000ms, kOther, Action::kFinishFailure, 0ms},
      // Oneway has no answer to retry on: one attempt, whatever happened after the connect.
      {SendMode::kOneway, ErrorClass::kTransport, 2, 3000ms, kOther, Action::kFinishFailure, 0ms},
      {SendMode::kOneway, ErrorClass::kBrokerRetryable, 2, 3000ms, kOther, Action::kFinishFailure, 0ms},
      {SendMode::kOneway, ErrorClass::kRoute, 2, 3000ms, kOther, Action::kFinishFailure, 0ms},
  };
  for (const Row& row : rows) {
    INFO(mode_name(row.mode) << " " << error_class_name(row.failure) << " attempts_left="
                             << row.attempts_left << " remaining=" << row.remaining.count()
                             << " another_broker=" << row.another_broker);
    const RetryStep step =
        next_step(row.mode, row.failure, row.attempts_left, row.remaining, row.another_broker);
    CHECK(step.action == row.action);
    CHECK(step.budget == row.budget);
  }
}

TEST_CASE("retry policy: an attempt's share is an equal part when another broker can follow, else all",
          "[producer]") {
  CHECK(attempt_budget(3000ms, 3, kOther) == 1000ms);
  CHECK(attempt_budget(3000ms, 2, kOther) == 1500ms);
  CHECK(attempt_budget(3000ms, 1, kOther) == 3000ms);
  CHECK(attempt_budget(3000ms, 0, kOther) == 3000ms);
  CHECK(attempt_budget(10ms, 3, kOther) == 3ms);
  // One broker (or every other one excluded): a slow answer is waited for, not retried.
  CHECK(attempt_budget(3000ms, 3, kAlone) == 3000ms);
  CHECK(attempt_budget(1200ms, 2, kAlone) == 1200ms);
}

TEST_CASE("retry policy: only a failed connect gives its attempt back", "[producer]") {
  CHECK_FALSE(uses_attempt(ErrorClass::kConnect));
  for (ErrorClass failure : {ErrorClass::kTransport, ErrorClass::kBrokerRetryable, ErrorClass::kRoute,
                             ErrorClass::kBroker, ErrorClass::kTimeout}) {
    CHECK(uses_attempt(failure));
  }
}
