#pragma once
// What a send does after a failed attempt: retry on another broker with a share of the
// budget, or finish. Pure; every send mode goes through it (DefaultMQProducerImpl
// sendDefaultImpl for sync, onExceptionImpl for async, 4.9.8).
//
// - Sync and async retry transport failures (write, closed, no answer within the attempt's
//   share), a broker missing from the route, and the broker answers Java's sync path retries
//   (ErrorClass::kBrokerRetryable: nothing was stored). Java's async retries network failures
//   only; mqsend retries those answers in async mode too, since nothing was stored.
// - Oneway makes one attempt: without a response there is nothing to retry on.
// - A failed connect (ErrorClass::kConnect) sent nothing: every mode retries it on another
//   broker, and it does not use up an attempt (uses_attempt).
// - Other answers (MESSAGE_ILLEGAL, unknown codes, ...) and shutdown are final.
// - Whole-send budget (apache/rocketmq #4720 / #8990): no attempt starts once the budget is
//   spent. Every attempt's request may be answered until the budget ends (Java's
//   sendDefaultImpl gives each attempt `timeout - costTime`); the attempt's share only says
//   when the send stops waiting for it alone and starts the next attempt on another broker.
//   The share is an equal part of what remains (remaining / attempts left) when another
//   broker can take the next attempt, else all that remains: one slow broker cannot leave the
//   retries no time, and a slow broker with no alternative is waited for, not retried.
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
  Milliseconds budget{0};  // kRetry: the share of the next attempt
};

// Whether `failure` may be retried at all in `mode`.
bool is_retryable(SendMode mode, ErrorClass failure);

// Whether an attempt that ended in `failure` counts against the attempts of its send.
bool uses_attempt(ErrorClass failure);

// The share of the next attempt when `attempts_left` (this one included) remain and
// `another_broker` says whether a broker other than this attempt's can take the next one.
Milliseconds attempt_budget(Milliseconds remaining, int attempts_left, bool another_broker);

// After a failed attempt (or one that outlived its share): `attempts_left` attempts may still
// be made, `remaining` of the whole-send budget is left, `another_broker` as above.
RetryStep next_step(SendMode mode, ErrorClass failure, int attempts_left, Milliseconds remaining,
                    bool another_broker);

}  // namespace mqsend
