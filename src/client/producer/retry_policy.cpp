#include "client/producer/retry_policy.hpp"

namespace mqsend {

bool is_retryable(SendMode mode, ErrorClass failure) {
  if (failure == ErrorClass::kConnect) return true;
  if (mode == SendMode::kOneway) return false;
  switch (failure) {
    case ErrorClass::kTransport:
    case ErrorClass::kRoute:
    case ErrorClass::kBrokerRetryable:
      return true;
    default:
      return false;
  }
}

bool uses_attempt(ErrorClass failure) { return failure != ErrorClass::kConnect; }

Milliseconds attempt_budget(Milliseconds remaining, int attempts_left, bool another_broker) {
  return attempts_left <= 1 || !another_broker ? remaining : remaining / attempts_left;
}

RetryStep next_step(SendMode mode, ErrorClass failure, int attempts_left, Milliseconds remaining,
                    bool another_broker) {
  if (!is_retryable(mode, failure) || attempts_left <= 0) {
    return {RetryStep::Action::kFinishFailure, Milliseconds(0)};
  }
  if (remaining.count() <= 0) return {RetryStep::Action::kFinishTimeout, Milliseconds(0)};
  return {RetryStep::Action::kRetry, attempt_budget(remaining, attempts_left, another_broker)};
}

}  // namespace mqsend
