#pragma once
// `mqsend-testcluster ctl`: a client for the control port (control_commands.hpp), so that a
// shell needs no nc or socat. Words on the command line become one JSON command line:
//   status | ready | reset_log | reset_messages        {"cmd":NAME}
//   fault TARGET KIND [ARG] [COUNT]                    as --fault TARGET=KIND[:ARG][:COUNT]
//   COMMAND [--KEY VALUE | --KEY=VALUE | --KEY]...    {"cmd":COMMAND,"KEY":VALUE,...}
// A VALUE that reads as JSON (a number, true, false, a list, "quoted") is sent as such, else as
// a string;
// a --KEY given twice becomes a list; a --KEY with no value is true. '-' in COMMAND reads as '_'.
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "client/common/error.hpp"

namespace mqsend {

// Exit statuses of `ctl`.
namespace ctl_exit {
constexpr int kOk = 0;
constexpr int kRefused = 1;      // the cluster answered "ok":false
constexpr int kUsage = 2;
constexpr int kUnreachable = 3;  // no address, no connection, or no answer in time
}  // namespace ctl_exit

struct ControlClientOptions {
  std::string control;     // --control HOST:PORT
  std::string ready_file;  // --ready-file F: the "control" address of the ready line in F
  std::int64_t timeout_ms = 10000;  // --timeout: for the connect and the answer
  std::vector<std::string> words;  // the command
};

Result<nlohmann::json> control_command_from_words(const std::vector<std::string>& words);

// --control, else --ready-file, else `environment_control` (MQSEND_CLUSTER_CONTROL).
Result<std::string> control_address(const ControlClientOptions& options, const char* environment_control);

// Sends one command line to HOST:PORT and returns the reply line.
Result<std::string> exchange_control_line(const std::string& address, const std::string& line,
                                          std::chrono::milliseconds timeout);

// Prints the reply on stdout (an error on stderr); returns a ctl_exit status.
int run_control_client(const ControlClientOptions& options);

}  // namespace mqsend
