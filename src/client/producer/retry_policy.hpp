#pragma once
// What a send does after a failed attempt: retry on another broker with a share of the
// budget, or finish. Pure; every send mode goes through it (DefaultMQProducerImpl
// sendDefaultImpl for sync, onExceptionImpl for async, 4.9.8).
//
// - Sync and async retry transport failures (connect, write, closed, timeout of the attempt),
//   a broker missing from the route, and the broker answers Java's sync path retries
//   (ErrorClass::kBrokerRetryable: nothing was stored). Java's async retries network failures
//   only; mqsend retries those answers in async mode too, since nothing was stored.
// - Oneway makes one attempt: without a response there is nothing to retry on.
// - Other answers (MESSAGE_ILLEGAL, unknown codes, ...) and shutdown are final.
// - Whole-send budget (apache/rocketmq #4720 / #8990): no attempt starts once the budget is
//   spent; an attempt that is not the last gets at most an equal share of what remains
//   (remaining / attempts left), the last one all that remains.
#include <chrono>

#include "client/common/error.hpp"

namespace mqsend {

enum class SendMode { kSync, kAsync, kOneway };

using Milliseconds = std::chrono::milliseconds;

struct RetryStep {
  enum class Action {
    kRetry,          // attempt again, on another broker when the route has one
    kFinishFailure,  // this failure is final (not retryable, or no attempt left)
    kFinishTimeout,  // retryable, but the budget is spent: CALL_TIMEOUT
  };
  Action action;
  Milliseconds budget{0};  // kRetry: the budget of the next attempt
};

// Whether `failure` may be retried at all in `mode`.
bool is_retryable(SendMode mode, ErrorClass failure);

// The budget of the next attempt when `attempts_left` (this one included) remain.
Milliseconds attempt_budget(Milliseconds remaining, int attempts_left);

// After a failed attempt: `attempts_left` attempts may still be made, `remaining` of the
// whole-send budget is left.
RetryStep next_step(SendMode mode, ErrorClass failure, int attempts_left, Milliseconds remaining);

}  // namespace mqsend
