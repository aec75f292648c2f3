#include "cli/exit_codes.hpp"

#include "client/common/error.hpp"

namespace mqsend::cli {

void RunTally::count_failure(int code, bool reached_broker) {
  ++failed;
  switch (code) {
    case error_code::kMessageIllegal:
    case error_code::kInvalidArgument:
      if (!reached_broker) ++failed_invalid;
      break;
    case error_code::kNotFoundTopicException:
    case error_code::kNoNameServerException:
      ++failed_no_route;
      break;
    case error_code::kAccessBrokerTimeout:
    case error_code::kCallTimeout:
    case error_code::kRequestTimeoutException:
      ++failed_timeout;
      break;
    default:
      break;
  }
}

int exit_code_for(const RunTally& tally) {
  if (tally.failed == 0) {
    if (tally.not_committed > 0) return exit_code::kNotCommitted;
    return tally.output_lost ? exit_code::kOutputLost : exit_code::kAllSent;
  }
  if (tally.sent > 0) return exit_code::kSomeFailed;
  if (tally.failed_invalid == tally.failed) return exit_code::kUsage;
  if (tally.failed_no_route > 0) return exit_code::kNoRoute;
  if (tally.failed_timeout == tally.failed) return exit_code::kTimeout;
  return exit_code::kAllFailed;
}

const char* exit_code_help() {
  return "Exit codes:\n"
         "  0  every message was sent (SEND_OK, or stored with a FLUSH_*/SLAVE_* warning unless --strict)\n"
         "  1  some messages were sent and some failed, or a signal (SIGINT, SIGTERM, SIGHUP) stopped it\n"
         "  2  usage error: bad flags or arguments, or every message failed validation\n"
         "  3  no route: unknown topic without a default route, or no name server reachable\n"
         "  4  every message failed\n"
         "  5  every message failed by timeout\n"
         "  7  every message was sent, but writing result lines to stdout failed (a run with\n"
         "     failures keeps the code of its failures)\n"
         "  8  --transaction: every half message was stored, but some transactions were rolled\n"
         "     back or left UNKNOW\n"
         "Signals: a first SIGINT, SIGTERM or SIGHUP stops reading; the records read but not sent\n"
         "fail, sends in flight get at most 3 s; a second one stops at once.\n";
}

}  // namespace mqsend::cli
