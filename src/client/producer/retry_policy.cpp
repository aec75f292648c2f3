#include "client/producer/retry_policy.hpp"

namespace mqsend {

bool is_retryable(SendMode mode, ErrorClass failure) {
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

Milliseconds attempt_budget(Milliseconds remaining, int attempts_left) {
  return attempts_left <= 1 ? remaining : remaining / attempts_left;
}

RetryStep next_step(SendMode mode, ErrorClass failure, int attempts_left, Milliseconds remaining) {
  if (!is_retryable(mode, failure) || attempts_left <= 0) {
    return {RetryStep::Action::kFinishFailure, Milliseconds(0)};
  }
  if (remaining.count() <= 0) return {RetryStep::Action::kFinishTimeout, Milliseconds(0)};
  return {RetryStep::Action::kRetry, attempt_budget(remaining, attempts_left)};
}

}  // namespace mqsend
