#pragma once
// mqsend's documented exit codes and the rule that picks one from a run's outcomes.
#include <cstddef>

namespace mqsend::cli {

namespace exit_code {
inline constexpr int kAllSent = 0;        // every message sent (SEND_OK or stored with a warning)
inline constexpr int kSomeFailed = 1;     // some messages sent, some failed; or interrupted
inline constexpr int kUsage = 2;          // bad flags or arguments, or every message was invalid
inline constexpr int kNoRoute = 3;        // no route: unknown topic without a default route, or no name server reachable
inline constexpr int kAllFailed = 4;      // every message failed (broker or transport errors)
inline constexpr int kTimeout = 5;        // every message failed and the failures were timeouts
// 6 is probe's (kFewerBrokers).
inline constexpr int kOutputLost = 7;     // every message was sent, but result lines were lost on stdout
inline constexpr int kNotCommitted = 8;   // every half message was stored, some transactions did not commit
}  // namespace exit_code

// What a run produced, counted per message.
struct RunTally {
  std::size_t sent = 0;
  std::size_t failed = 0;
  std::size_t failed_invalid = 0;   // of failed: rejected by validation before sending
  std::size_t failed_no_route = 0;  // of failed: no route / name server unreachable
  std::size_t failed_timeout = 0;   // of failed: send timed out
  std::size_t not_committed = 0;    // of sent: transactions rolled back or left UNKNOW
  bool output_lost = false;         // writing result lines to stdout failed

  // Classifies a failure into the counters (failed included). `reached_broker`: a broker
  // answered the code (MESSAGE_ILLEGAL from a broker is not a client validation failure).
  void count_failure(int error_code, bool reached_broker = false);
};

int exit_code_for(const RunTally& tally);

// The text of the exit-code table, for --help.
const char* exit_code_help();

}  // namespace mqsend::cli
